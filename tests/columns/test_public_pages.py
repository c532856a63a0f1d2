import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from columns.models import ArticlePage, ColumnPage, SeriesPage
from tests.columns.test_taxonomy_file import EXPECTED
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

COLUMN_TITLES = [
    "劳动美",
    "工活动",
    "宣讲课堂",
    "职工夜校",
    "淮工阅读",
    "直播荐岗",
    "维权服务",
    "工惠生活",
    "创新创效",
    "暖心关爱",
]


def test_home_lists_the_ten_columns_in_order_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    headings = re.findall(r'<h2><a href="/([^/]+)/">([^<]+)</a></h2>', html)
    assert headings == list(zip(EXPECTED, COLUMN_TITLES))


def test_home_shows_the_latest_articles_under_their_column(client, series):
    ArticlePageFactory(parent=series, title="首页应当看到的劳模故事")
    assert "首页应当看到的劳模故事" in client.get("/").content.decode()


def test_column_page_lists_its_series_and_articles_from_all_of_them(client):
    ArticlePageFactory(parent=SeriesPage.objects.get(slug="laomo-fengcai"), title="劳模风采里的文章")
    ArticlePageFactory(parent=SeriesPage.objects.get(slug="zuimei-zhigong"), title="最美职工里的文章")

    html = client.get("/laodongmei/").content.decode()

    assert [title for title in ("劳模风采", "工匠故事", "最美职工") if f">{title}</a>" in html] == [
        "劳模风采",
        "工匠故事",
        "最美职工",
    ]
    assert "劳模风采里的文章" in html and "最美职工里的文章" in html


def test_column_page_paginates_twenty_at_a_time(client, series):
    for number in range(21):
        ArticlePageFactory(parent=series, title=f"分页文章{number:02d}")
    first, second = client.get("/laodongmei/").content.decode(), client.get("/laodongmei/?page=2").content.decode()
    assert first.count('class="article-item"') == 20
    assert second.count('class="article-item"') == 1
    assert client.get("/laodongmei/?page=abc").status_code == 301


def test_series_page_lists_only_its_own_live_articles(client, series):
    ArticlePageFactory(parent=series, title="已发布的文章")
    ArticlePageFactory(parent=series, title="尚未发布的草稿", live=False)
    ArticlePageFactory(parent=SeriesPage.objects.get(slug="gongjiang-gushi"), title="别的序列的文章")

    html = client.get("/laodongmei/laomo-fengcai/").content.decode()

    assert "已发布的文章" in html
    assert "尚未发布的草稿" not in html
    assert "别的序列的文章" not in html


def test_article_page_shows_byline_source_and_editor_in_charge(client, series):
    article = ArticlePageFactory(
        parent=series, title="焊花里的毫米之间", author="赵刚", editor_in_charge="刘洋", source="市总工会"
    )
    html = client.get(article.url).content.decode()
    assert "焊花里的毫米之间" in html
    assert "作者：赵刚" in html and "责任编辑：刘洋" in html and "来源：市总工会" in html


def test_draft_article_is_not_public(client, series):
    article = ArticlePageFactory(parent=series, live=False)
    assert client.get(f"/laodongmei/laomo-fengcai/{article.slug}/").status_code == 404


def test_script_in_a_title_or_summary_is_escaped(client, series):
    article = ArticlePageFactory(parent=series, title="<script>alert(1)</script>标题", summary='"><img src=x onerror=alert(2)>')
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html


def test_script_in_rich_text_body_is_stripped(client, series):
    article = ArticlePageFactory(
        parent=series, body=[("paragraph", '<p>正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a></p>')]
    )
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "正文" in html


@pytest.mark.once  # the demo loader: the database engine changes nothing here
def test_load_demo_writes_a_dozen_articles_in_several_series_once(capsys):
    call_command("load_demo", "--no-videos")
    articles = ArticlePage.objects.live()
    assert articles.count() >= 12
    assert len({article.get_parent().pk for article in articles}) >= 6
    assert all(article.cover_image_id for article in articles)

    call_command("load_demo", "--no-videos")

    assert ArticlePage.objects.count() == articles.count()
    assert "新建 0 篇文章" in capsys.readouterr().out


@pytest.mark.once  # the demo loader: the database engine changes nothing here
def test_the_first_views_of_a_fresh_demo_site_write_nothing_to_the_database(client):
    """Nothing for the first reader to wait for behind the worker's writes: covers come resized, settings exist."""
    cache.clear()  # renditions cached by an earlier test under image ids this database gives out again
    call_command("load_demo", "--no-videos")
    article = ArticlePage.objects.live().first()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get(article.url).status_code == 200
    writes = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


@pytest.mark.once  # the demo loader: the database engine changes nothing here
def test_demo_articles_appear_on_their_column_pages(client):
    call_command("load_demo", "--no-videos")
    column = ColumnPage.objects.get(slug="zhibo-jiangang")
    assert "春风行动直播招聘会" in client.get(column.url).content.decode()


def test_home_lead_story_is_not_repeated_in_its_columns_list(client, series, cover_image):
    older = ArticlePageFactory(parent=series, title="劳动美栏目里的另一篇")
    ArticlePageFactory(parent=series, title="头条只出现一次", cover_image=cover_image)
    html = client.get("/").content.decode()
    lead, lists = html.split('class="column-block', 1)
    assert "头条只出现一次" in lead
    assert "头条只出现一次" not in lists
    assert older.title in lists


@pytest.mark.parametrize(("seconds", "shown"), [(205.4, "03:25"), (3723, "1:02:03")])
def test_home_video_cards_show_a_play_badge_and_the_duration(client, seconds, shown):
    from media_center.models import Video

    Video.objects.create(title="招聘会回放", status="ready", is_public=True, duration=seconds)
    html = client.get("/").content.decode()
    assert '<span class="video-play" aria-hidden="true">▶&#xFE0E;</span>' in html  # text, not the emoji
    assert f'<span class="video-duration"><span class="visually-hidden">时长</span>{shown}</span>' in html
