"""What each process keeps of the site (its lookup, home page, columns, settings, restrictions)
changes on the pages as soon as an administrator changes it. `?fresh=` skips the page cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from columns.models import ArticlePage, ColumnPage, HomePage
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_a_second_render_asks_the_database_only_for_the_article_and_its_tags(client, series):
    article = ArticlePageFactory(parent=series)
    client.get(article.url + "?fresh=1")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.url + "?fresh=2").status_code == 200
    tables = sorted(query["sql"].split(" FROM ")[1].split()[0] for query in captured)
    assert tables == ['"columns_articlepage"', '"taggit_tag"']


def test_a_renamed_column_shows_in_the_navigation_and_breadcrumb_at_once(client, series):
    article = ArticlePageFactory(parent=series)
    client.get(article.url + "?fresh=1")
    column = ColumnPage.objects.get(slug="laodongmei")
    column.title = "劳动最美"
    column.save_revision().publish()

    html = client.get(article.url + "?fresh=2").content.decode()

    assert html.count(">劳动最美</a>") == 2  # the navigation and the breadcrumb


def test_a_restriction_added_after_pages_were_read_is_enforced_at_once(client, series, django_capture_on_commit_callbacks):
    article = ArticlePageFactory(parent=series)
    assert client.get(article.url + "?fresh=1").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=series, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(article.url + "?fresh=2")

    assert response.status_code == 302 and "login" in response["Location"]


def test_a_renamed_site_shows_at_once(client, series, django_capture_on_commit_callbacks):
    article = ArticlePageFactory(parent=series)
    client.get(article.url + "?fresh=1")
    with django_capture_on_commit_callbacks(execute=True):
        site = Site.objects.get(is_default_site=True)
        site.site_name = "淮北工会融媒"
        site.save()

    assert "淮北工会融媒" in client.get(article.url + "?fresh=2").content.decode()


def test_a_new_lead_article_on_the_home_page_shows_at_once(client, series):
    ArticlePageFactory(parent=series, title="原来的头条")
    chosen = ArticlePageFactory(parent=series, title="编辑选定的头条")
    ArticlePageFactory(parent=series, title="更新的一篇")
    client.get("/?fresh=1")
    home = HomePage.objects.get()
    home.lead_article = ArticlePage.objects.get(pk=chosen.pk)
    home.save_revision().publish()

    html = client.get("/?fresh=2").content.decode()

    assert html.index("编辑选定的头条") < html.index("更新的一篇")


def test_requests_naming_many_hosts_hold_a_bounded_number_of_sites(client, settings):
    from core.site_middleware import held_sites

    settings.ALLOWED_HOSTS = ["*"]
    for number in range(held_sites.most + 20):
        assert client.get("/", HTTP_HOST=f"host{number}.example").status_code == 200
    assert len(held_sites.values) == held_sites.most


def test_a_bump_in_another_process_is_seen_within_the_check_interval(monkeypatch):
    import time

    from django.core.cache import cache

    from core.page_cache import VERSION_PREFIX, HeldUntilChanged

    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    held = HeldUntilChanged("test-tag")
    assert held.get("key", lambda: "old") == "old"

    cache.set(VERSION_PREFIX + "test-tag", time.time_ns())  # what bump() in another process writes

    assert held.get("key", lambda: "new") == "old"
    clock[0] += 1.5
    assert held.get("key", lambda: "new") == "new"
