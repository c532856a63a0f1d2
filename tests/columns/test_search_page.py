"""The public search page: highlighted results, a column filter, pages, and videos that are public."""

import pytest
from wagtail.search.backends import get_search_backend

from columns.models import SeriesPage
from media_center.models import Video
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def indexed(*objects):
    backend = get_search_backend()
    for obj in objects:
        backend.add(obj)
    return objects


@pytest.fixture
def articles(series):
    return indexed(
        ArticlePageFactory(parent=series, title="春季招聘会在工人文化宫举行", summary="八百个岗位等你来。"),
        ArticlePageFactory(
            parent=SeriesPage.objects.get(slug="wenhuagong-dongtai"),
            title="文化宫书法展",
            summary="",
            body=[("paragraph", "<p>展览期间还将举办一场小型招聘会，欢迎职工参加。</p>")],
        ),
    )


def test_results_mark_the_words_found_in_title_and_excerpt(client, articles):
    html = client.get("/search/", {"q": "招聘"}).content.decode()
    assert "春季<mark>招聘</mark>会在工人文化宫举行" in html
    assert "小型<mark>招聘</mark>会" in html
    assert "找到 2 篇文章" in html


def test_results_name_their_column_and_series(client, articles):
    html = client.get("/search/", {"q": "书法"}).content.decode()
    assert "工活动 › 文化宫动态" in html


def test_filter_by_column_keeps_only_that_columns_results(client, articles):
    html = client.get("/search/", {"q": "招聘", "column": "gonghuodong"}).content.decode()
    assert "文化宫书法展" in html and "春季" not in html
    assert "在“工活动”中找到 1 篇文章" in html


def test_results_are_paginated_and_the_next_page_keeps_the_query(client, series):
    indexed(*(ArticlePageFactory(parent=series, title=f"招聘信息第{number}条") for number in range(21)))
    first = client.get("/search/", {"q": "招聘"}).content.decode()
    assert first.count('class="search-result"') == 20
    assert "?q=%E6%8B%9B%E8%81%98&amp;page=2" in first
    assert client.get("/search/", {"q": "招聘", "page": 2}).content.decode().count('class="search-result"') == 1


def test_drafts_are_never_found(client, series):
    indexed(ArticlePageFactory(parent=series, title="尚未发布的招聘启事", live=False))
    assert "尚未发布的招聘启事" not in client.get("/search/", {"q": "招聘启事"}).content.decode()


def test_public_videos_are_found_and_private_ones_are_not(client, articles):
    public, private = indexed(
        Video.objects.create(title="直播荐岗第三期回放", status="ready", is_public=True),
        Video.objects.create(title="直播荐岗内部彩排", status="ready", is_public=False),
    )
    html = client.get("/search/", {"q": "直播荐岗"}).content.decode()
    assert f'href="/videos/{public.pk}/"' in html
    assert "内部彩排" not in html


@pytest.mark.parametrize("query", ["", "   ", "！？", "<script>alert(1)</script>", "劳" * 500, "' OR 1=1 --"])
def test_odd_queries_get_a_page_not_an_error(client, articles, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_is_not_indexed_by_crawlers(client):
    assert '<meta name="robots" content="noindex">' in client.get("/search/", {"q": "劳动"}).content.decode()


def test_admin_page_search_finds_a_word_inside_a_longer_one(client, superuser, series):
    indexed(ArticlePageFactory(parent=series, title="劳动美主题摄影展开幕"))
    client.force_login(superuser)
    html = client.get("/admin/pages/search/", {"q": "摄影"}).content.decode()
    assert "劳动美主题摄影展开幕" in html
