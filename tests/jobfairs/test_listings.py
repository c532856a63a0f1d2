"""Fairs listed wherever articles are: the series, column and home lists, feeds, tags, search, the sitemap."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from columns.listings import MergedListing, page_listing
from columns.models import ArticlePage
from core.page_cache import current_version, page_tag
from jobfairs.boundaries import bump_crossed_boundaries
from jobfairs.models import JobFairPage
from tests.factories import ArticlePageFactory
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def past_fair(days_ago, **fields):
    start = NOW - timedelta(days=days_ago)
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), date_published=start, **fields)


def article(fair_series, days_ago, **fields):
    return ArticlePageFactory(parent=fair_series, date_published=NOW - timedelta(days=days_ago), **fields)


def listed_titles(response):
    return [item.title for item in response.context["articles"]]


def test_a_fair_records_its_column_and_series_as_articles_do(fair_series):
    fair = past_fair(3)
    assert (fair.column_id, fair.series_id) == (fair_series.get_parent().pk, fair_series.pk)


def test_the_column_lists_fairs_and_articles_newest_first_across_pages(client, fair_series):
    made = {}
    for days_ago in range(25):
        page = past_fair(days_ago) if days_ago % 5 == 2 else article(fair_series, days_ago)
        made[page.title] = days_ago
    newest_first = sorted(made, key=made.get)
    column = fair_series.get_parent()
    first, second = client.get(column.url), client.get(column.url + "?page=2")
    assert listed_titles(first) == newest_first[:20]
    assert listed_titles(second) == newest_first[20:]
    assert first.context["articles"].paginator.count == 25
    assert "fair-item" in first.text


def test_the_series_pins_fairs_to_come_with_their_countdown_above_the_replays(client, fair_series):
    ended = past_fair(10)
    later = JobFairPageFactory(start_at=NOW + timedelta(days=5), end_at=NOW + timedelta(days=5, hours=2))
    sooner = JobFairPageFactory(start_at=NOW + timedelta(days=1), end_at=NOW + timedelta(days=1, hours=2))
    on_air = JobFairPageFactory(start_at=NOW - timedelta(minutes=30), end_at=NOW + timedelta(hours=1))
    news = article(fair_series, 1)
    response = client.get(fair_series.url)
    assert [page.pk for page in response.context["pinned"]] == [on_air.pk, sooner.pk, later.pk]
    assert listed_titles(response) == [news.title, ended.title]
    assert response.text.index(on_air.title) < response.text.index(news.title)
    assert f'data-countdown="{sooner.start_at.astimezone(timezone.get_current_timezone()).isoformat()}"' in response.text
    assert "js/countdown.js" in response.text


def test_the_cached_series_page_expires_when_the_next_pinned_fair_starts(client, fair_series):
    fair = JobFairPageFactory(start_at=NOW + timedelta(minutes=30), end_at=NOW + timedelta(hours=2))
    assert "预告" in client.get(fair_series.url).text
    with time_machine.travel(fair.start_at + timedelta(seconds=1), tick=False):
        assert "直播中" in client.get(fair_series.url).text


def test_the_home_page_shows_a_fair_in_its_columns_block(client, fair_series):
    fair = past_fair(0)
    home = fair_series.get_parent().get_parent()
    blocks = {column.slug: [page.title for page in column.latest] for column in client.get(home.url).context["columns"]}
    assert fair.title in blocks["zhibo-jiangang"]


def test_a_column_that_cannot_hold_fairs_never_looks_for_them(client, series):
    ArticlePageFactory(parent=series)
    with CaptureQueriesContext(connection) as queries:
        client.get(series.get_parent().url)
    assert not [query for query in queries if JobFairPage._meta.db_table in query["sql"]]


def test_the_columns_feed_carries_a_fair_with_its_organiser_as_author(client, fair_series):
    past_fair(1, organiser="淮安市总工会职工服务中心", intro="线上直播招聘 <b>千岗</b>")
    feed = client.get(f"/feeds/{fair_series.get_parent().slug}/atom.xml").text
    assert "淮安市总工会职工服务中心" in feed
    assert "&amp;lt;b&amp;gt;千岗" in feed  # the intro is text: escaped as HTML, then as XML


def test_the_tag_page_lists_fairs_with_articles(client, fair_series):
    fair, news = past_fair(2), article(fair_series, 1)
    for page in (fair, news):
        page.tags.add("春风行动")
        page.save_revision().publish()
    response = client.get("/tags/春风行动/")
    assert listed_titles(response) == [news.title, fair.title]


def test_search_finds_a_fair_by_an_employers_name_and_by_a_positions_title(client, fair_series):
    employer = EmployerFactory(name="苏淮重型装备有限公司")
    fair = past_fair(1, positions=[complete_position(employer=employer, job_title="起重机司机")])
    for words in ("苏淮重型装备", "起重机司机"):
        found = client.get("/search/", {"q": words}).context["other_results"]
        assert [(str(label), [page.pk for page in pages]) for label, pages in found] == [("招聘会", [fair.pk])]


def test_search_in_another_column_does_not_look_for_fairs(client, fair_series):
    past_fair(1, positions=[complete_position(job_title="起重机司机")])
    response = client.get("/search/", {"q": "起重机司机", "column": "laodongmei"})
    assert response.context["other_results"] == []


def test_the_sitemap_lists_a_published_fair_and_not_a_draft(client, fair_series):
    published, draft = past_fair(1), JobFairPageFactory(live=False)
    sitemap = client.get("/sitemap-pages.xml").text
    assert published.url in sitemap
    assert f"/{draft.slug}/" not in sitemap


def test_a_fair_is_routed_in_its_series_in_two_queries_not_wagtails_walk(client, django_assert_max_num_queries, fair_series):
    fair = past_fair(1)
    client.get(fair.url)  # warm: structure, restrictions
    home = fair_series.get_parent().get_parent().specific
    request = type("Request", (), {"method": "GET"})()
    with django_assert_max_num_queries(2):
        found, _args, _kwargs = home.route(request, [fair_series.get_parent().slug, fair_series.slug, fair.slug])
    assert type(found) is JobFairPage and found.pk == fair.pk


def test_a_fair_crossing_its_start_bumps_its_lists(fair_series):
    now = timezone.now()
    JobFairPageFactory(start_at=now + timedelta(seconds=30), end_at=now + timedelta(hours=2))
    bump_crossed_boundaries(now=now)
    before = current_version(page_tag(fair_series))
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        report = bump_crossed_boundaries()
    assert "1 场" in report
    assert current_version(page_tag(fair_series)) > before
    assert current_version(page_tag(fair_series.get_parent())) > before


def test_a_pass_with_no_fair_crossing_bumps_nothing(fair_series):
    JobFairPageFactory(start_at=NOW + timedelta(days=1), end_at=NOW + timedelta(days=1, hours=2))
    bump_crossed_boundaries(now=NOW)
    before = current_version(page_tag(fair_series))
    assert bump_crossed_boundaries(now=NOW + timedelta(minutes=1)) == ""
    assert current_version(page_tag(fair_series)) == before


def test_a_merged_listing_slices_count_and_order_as_one_list(fair_series):
    pages = [past_fair(days) if days % 3 == 0 else article(fair_series, days) for days in range(9)]
    merged = MergedListing(
        [
            page_listing(ArticlePage.objects.filter(series=fair_series)),
            page_listing(JobFairPage.objects.filter(series=fair_series)),
        ]
    )
    assert merged.count() == 9
    assert [page.pk for page in merged[2:5]] == [page.pk for page in pages[2:5]]
    assert merged[4].pk == pages[4].pk
    assert [page.pk for page in merged[7:100]] == [page.pk for page in pages[7:]]


def test_the_fair_item_shows_its_state(client, fair_series):
    past_fair(1)
    response = client.get(fair_series.get_parent().url)
    assert '<span class="fair-badge">已结束</span>' in response.text


def test_a_listed_fair_shows_its_replay_once_the_video_is_watchable(client, fair_series):
    from tests.media_center.factories import VideoFactory

    video = VideoFactory(title="还在转码的回放")
    fair = past_fair(1, replay=video)
    column = fair_series.get_parent()
    assert '<span class="fair-badge">已结束</span>' in client.get(column.url).text
    video.status, video.is_public, video.playable = "ready", True, True
    video.save()
    assert '<span class="fair-badge">回放</span>' in client.get(column.url).text
    assert fair.title in client.get(column.url).text


def test_the_fair_series_and_column_cost_the_same_queries_for_few_or_many_items(client, fair_series):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        client.get(url + "?nocache=1")
        with CaptureQueriesContext(connection) as captured:
            client.get(url + "?nocache=1")
        return len(captured)

    from tests.media_center.factories import VideoFactory

    urls = (fair_series.url, fair_series.get_parent().url, "/")
    for days in range(4):
        past_fair(days + 1, replay=VideoFactory(ready=True, is_public=True)), article(fair_series, days + 1)
    JobFairPageFactory(start_at=NOW + timedelta(days=1), end_at=NOW + timedelta(days=1, hours=2))
    few = [queries(url) for url in urls]
    for days in range(12):
        past_fair(days + 10, replay=VideoFactory(ready=True, is_public=True)), article(fair_series, days + 10)
    JobFairPageFactory(start_at=NOW + timedelta(days=2), end_at=NOW + timedelta(days=2, hours=2))
    assert [queries(url) for url in urls] == few
