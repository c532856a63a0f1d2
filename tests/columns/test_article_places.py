"""Articles carry their column and series, so listings read an index and URLs resolve in one query."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from columns.models import ArticlePage, ColumnPage, SeriesPage
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_an_article_records_the_column_and_series_it_is_published_under(series):
    article = ArticlePageFactory(parent=series)
    stored = ArticlePage.objects.get(pk=article.pk)
    assert (stored.column, stored.series) == (ColumnPage.objects.get(slug="laodongmei"), series)


def test_a_moved_article_leaves_its_old_series_listing_and_joins_the_new_one(client, series):
    other = SeriesPage.objects.get(slug="gongjiang-gushi")
    article = ArticlePageFactory(parent=series, title="换了序列的文章")
    for url in (series.url, other.url):
        client.get(url)

    article.move(other, pos="last-child")

    assert ArticlePage.objects.get(pk=article.pk).series == other
    assert "换了序列的文章" not in client.get(series.url).content.decode()
    assert "换了序列的文章" in client.get(other.url).content.decode()


def test_a_moved_article_published_again_from_an_older_revision_keeps_its_new_place(series):
    other = SeriesPage.objects.get(slug="gongjiang-gushi")
    article = ArticlePageFactory(parent=series)
    old_revision = article.save_revision()
    article.move(other, pos="last-child")

    old_revision.publish()

    assert ArticlePage.objects.get(pk=article.pk).series == other


def test_an_article_address_under_another_series_is_not_found(client, series):
    article = ArticlePageFactory(parent=series)
    assert client.get(f"/laodongmei/gongjiang-gushi/{article.slug}/").status_code == 404
    assert client.get(f"/laodongmei/laomo-fengcai/{article.slug}/").status_code == 200


def test_an_article_is_found_in_one_query_not_one_per_level(client, series):
    article = ArticlePageFactory(parent=series)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.url + "?fresh=1").status_code == 200
    lookups_by_slug = [query for query in captured if '"slug" = ' in query["sql"]]
    assert len(lookups_by_slug) == 1


def test_a_column_is_counted_once_until_an_article_under_it_changes(client, series):
    for number in range(20):
        ArticlePageFactory(parent=series, title=f"计数文章{number}")
    assert "第 1 / 2 页" not in client.get("/laodongmei/?fresh=1").content.decode()

    with CaptureQueriesContext(connection) as captured:
        client.get("/laodongmei/?fresh=2")
    assert not [query for query in captured if "COUNT(" in query["sql"]]

    ArticlePageFactory(parent=series, title="第二十一篇")
    assert "第 1 / 2 页" in client.get("/laodongmei/?fresh=3").content.decode()
