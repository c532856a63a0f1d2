"""A password- or login-restricted article shows its form and nothing else anywhere public."""

from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import transaction
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from tests.factories import ArticlePageFactory
from tests.media_center.factories import VideoFactory

pytestmark = pytest.mark.django_db
SECRET_TITLE = "内部通报稿件"
SECRET_WORD = "机密段落"
RESTRICTIONS = {
    "password": {"restriction_type": PageViewRestriction.PASSWORD, "password": "s3cret"},
    "login": {"restriction_type": PageViewRestriction.LOGIN},
}
PUBLIC_URLS = [
    "/",
    "/laodongmei/",
    "/laodongmei/laomo-fengcai/",
    "/feeds/laodongmei/rss.xml",
    "/feeds/laodongmei/atom.xml",
    "/sitemap-pages.xml",
]
SEARCHES = ["/search/?q=机密段落", "/search/?q=内部通报"]  # the page repeats the words searched for


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def restrict(page, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, **RESTRICTIONS[kind])


def secret_article(series, **kwargs):
    article = ArticlePageFactory(
        parent=series, title=SECRET_TITLE, summary="只给会员看的摘要", body=[("paragraph", f"<p>{SECRET_WORD}</p>")], **kwargs
    )
    article.tags.add("内部")
    article.save_revision().publish()
    return article


@pytest.fixture
def video():
    return VideoFactory(ready=True, title="内部会议录像")


def public_text(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    return response.content.decode()


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_restricted_article_appears_in_no_public_listing(client, series, kind, django_capture_on_commit_callbacks):
    public = ArticlePageFactory(parent=series, title="公开的文章", summary="公开摘要")
    public.tags.add("内部")
    public.save_revision().publish()
    article = secret_article(series)
    urls = [*PUBLIC_URLS, f"/tags/{Tag.objects.get(name='内部').slug}/"]
    for url in urls:  # cached before the restriction: the restriction must empty them
        text = public_text(client, url)
        assert SECRET_TITLE in text or article.url in text, url
    restrict(article, kind, django_capture_on_commit_callbacks)

    for url in urls:
        text = public_text(client, url)
        assert SECRET_TITLE not in text and SECRET_WORD not in text and article.url not in text, url
    for url in SEARCHES:
        text = public_text(client, url)
        assert SECRET_TITLE not in text and article.url not in text, url
    assert "公开的文章" in public_text(client, urls[-1])


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_restricted_article_shows_only_its_form(client, series, kind, django_capture_on_commit_callbacks):
    article = secret_article(series)
    restrict(article, kind, django_capture_on_commit_callbacks)
    response = client.get(article.url)
    assert SECRET_WORD not in response.content.decode()


def test_a_restriction_on_the_series_hides_everything_below_it(client, series, django_capture_on_commit_callbacks):
    article = secret_article(series)
    restrict(series, "login", django_capture_on_commit_callbacks)
    for url in ("/", "/laodongmei/", "/feeds/laodongmei/rss.xml", "/search/?q=机密段落", "/sitemap-pages.xml"):
        assert article.url not in public_text(client, url), url


def test_the_sitemap_lists_articles_again_once_the_restriction_is_removed(client, series, django_capture_on_commit_callbacks):
    article = secret_article(series)
    restrict(article, "password", django_capture_on_commit_callbacks)
    assert article.url not in public_text(client, "/sitemap-pages.xml")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=article).delete()
    assert article.url in public_text(client, "/sitemap-pages.xml")


def test_publishing_a_restricted_article_does_not_make_its_video_public(
    client, series, video, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=series, live=False, body=[("video", {"video": video, "caption": ""})])
    restrict(article, "password", django_capture_on_commit_callbacks)
    article.save_revision().publish()

    video.refresh_from_db()
    assert not video.is_public
    assert client.get(f"/videos/{video.pk}/").status_code == 404
    assert "内部会议录像" not in public_text(client, "/")


def test_restricting_a_published_article_takes_its_video_back(client, series, video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticlePageFactory(parent=series, body=[("video", {"video": video, "caption": ""})])
    assert client.get(f"/videos/{video.pk}/").status_code == 200
    assert "内部会议录像" in public_text(client, "/")

    restrict(article, "login", django_capture_on_commit_callbacks)

    video.refresh_from_db()
    assert not video.is_public
    assert client.get(f"/videos/{video.pk}/").status_code == 404
    assert "内部会议录像" not in public_text(client, "/")


def test_a_video_another_readable_article_shows_stays_public(series, video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        restricted = ArticlePageFactory(parent=series, body=[("video", {"video": video, "caption": ""})])
        ArticlePageFactory(parent=series, body=[("video", {"video": video, "caption": ""})])
    restrict(restricted, "password", django_capture_on_commit_callbacks)
    video.refresh_from_db()
    assert video.is_public


def test_feeds_are_valid_xml_after_the_restriction(client, series, django_capture_on_commit_callbacks):
    article = secret_article(series)
    restrict(article, "password", django_capture_on_commit_callbacks)
    with transaction.atomic():
        ElementTree.fromstring(client.get("/feeds/laodongmei/rss.xml").content)
