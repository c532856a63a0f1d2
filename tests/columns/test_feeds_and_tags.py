"""RSS and Atom per column, and tag pages."""

from xml.etree import ElementTree

import pytest

from columns.models import SeriesPage
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def two_columns(series):
    mine = ArticlePageFactory(parent=series, title="劳动美的新文章", summary="焊工的故事")
    other = ArticlePageFactory(parent=SeriesPage.objects.get(slug="wenhuagong-dongtai"), title="文化宫的新文章")
    return mine, other


def test_rss_feed_lists_the_columns_articles_only(client, two_columns):
    mine, other = two_columns
    response = client.get("/feeds/laodongmei/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.iter("item")]
    assert "劳动美的新文章" in titles and "文化宫的新文章" not in titles
    item = next(item for item in channel.iter("item") if item.findtext("title") == "劳动美的新文章")
    assert item.findtext("link") == f"http://testserver{mine.url}"
    assert item.findtext("description") == "焊工的故事"
    assert channel.findtext("title").startswith("劳动美")


def test_atom_feed_lists_the_columns_articles_with_authors(client, two_columns):
    feed = ElementTree.fromstring(client.get("/feeds/gonghuodong/atom.xml").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["文化宫的新文章"]
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "李晓雯"


def test_feed_leaves_out_drafts(client, series):
    ArticlePageFactory(parent=series, title="还没发布", live=False)
    assert "还没发布" not in client.get("/feeds/laodongmei/rss.xml").content.decode()


def test_feed_of_an_unknown_column_is_not_found(client):
    assert client.get("/feeds/no-such-column/rss.xml").status_code == 404


def test_column_page_announces_its_feeds(client):
    html = client.get("/laodongmei/").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/feeds/laodongmei/rss.xml"' in html


def test_feed_shows_a_new_article_even_when_cached(client, series):
    client.get("/feeds/laodongmei/rss.xml")
    ArticlePageFactory(parent=series, title="缓存之后发布")
    assert "缓存之后发布" in client.get("/feeds/laodongmei/rss.xml").content.decode()


def test_tag_page_lists_articles_with_that_chinese_tag(client, series):
    tagged = ArticlePageFactory(parent=series, title="带标签的文章")
    tagged.tags.add("劳模")
    tagged.save_revision().publish()
    ArticlePageFactory(parent=series, title="没有标签的文章")
    html = client.get("/tags/劳模/").content.decode()
    assert "带标签的文章" in html and "没有标签的文章" not in html


def test_article_links_its_tags(client, series):
    tagged = ArticlePageFactory(parent=series)
    tagged.tags.add("工匠")
    tagged.save_revision().publish()
    assert 'href="/tags/%E5%B7%A5%E5%8C%A0/"' in client.get(tagged.url).content.decode()


def test_unknown_tag_is_not_found(client):
    assert client.get("/tags/没有的标签/").status_code == 404


def test_a_feed_costs_the_same_queries_for_five_or_twenty_articles(client, series, cover_image):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.page_cache import forget_process_state

    def queries():
        cache.clear()
        forget_process_state()  # a cold process each time: what it holds is read again
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/feeds/laodongmei/rss.xml").status_code == 200
        return len(captured)

    for number in range(5):
        ArticlePageFactory(parent=series, cover_image=cover_image, summary=f"摘要{number}")
    five = queries()
    for number in range(15):
        ArticlePageFactory(parent=series, cover_image=cover_image, summary=f"摘要{number}")
    assert queries() == five


@pytest.mark.parametrize("feed", ["rss.xml", "atom.xml"])
def test_markup_in_a_summary_reaches_feed_readers_as_text(client, series, feed):
    ArticlePageFactory(parent=series, title="带标记的摘要", summary='<img src=x onerror="alert(1)">焊工')
    document = ElementTree.fromstring(client.get(f"/feeds/laodongmei/{feed}").content)
    summaries = [element.text for element in document.iter() if element.tag in ("description", f"{ATOM}summary")]
    summary = next(text for text in summaries if text and "焊工" in text)
    # What a reader renders as HTML after the XML is parsed: escaped once more, so it shows as text.
    assert summary == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;焊工"
