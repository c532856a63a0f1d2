"""Reads and plays are counted once per reader per half hour, within daily caps per address, with nothing
about the reader kept; in memory, in Redis, and in the database while Redis is down."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from columns.models import SeriesPage
from media_center.models import Video
from stats.counting import ADDRESS_DAILY_CAP, ITEM_DAILY_CAP, purge_seen_readers
from stats.models import DailyCount, SeenReader
from stats.views import PIXEL, REQUESTS_PER_MINUTE
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.50"
UNREACHABLE_REDIS = {"BACKEND": "core.cache_backends.ReusingRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens


@pytest.fixture(autouse=True)
def empty_caches():
    for alias in ("default", "counting"):
        caches[alias].clear()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": UNREACHABLE_REDIS, "counting": UNREACHABLE_REDIS}


@pytest.fixture
def real_redis(settings):
    """The "counting" cache in the Redis on this machine, under a prefix of its own that is removed afterwards."""
    prefix = f"test-count-{uuid.uuid4().hex}"
    location = "redis://127.0.0.1:6379/0"
    settings.CACHES = {
        **settings.CACHES,
        "counting": {"BACKEND": "core.cache_backends.ReusingRedisCache", "LOCATION": location, "KEY_PREFIX": prefix},
    }
    yield
    redis = caches["counting"]._cache.get_client(write=True)
    for key in redis.scan_iter(match=f"{prefix}:*"):
        redis.delete(key)


@pytest.fixture(params=["memory", "real_redis", "redis_down"])
def counting_cache(request):
    """Caps hold wherever the hashes are kept: the test cache, real Redis, or the database while Redis is down."""
    if request.param != "memory":
        request.getfixturevalue(request.param)


def at_midday():
    """Frozen at noon today, so that a test's reads fall on one day whenever it runs."""
    return time_machine.travel(timezone.localtime().replace(hour=12, minute=0), tick=False)


def browsers(count):
    return [f"{PHONE} Build/{number}" for number in range(count)]


@pytest.fixture
def article(series):
    return ArticlePageFactory(parent=series)


def hit(client, kind, object_id, address="203.0.113.7", agent=PHONE, method="post"):
    return getattr(client, method)(f"/stats/hit/{kind}/{object_id}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def total(kind, object_id):
    row = DailyCount.objects.filter(kind=kind, object_id=object_id, day=timezone.localdate()).first()
    return row.count if row else 0


def test_a_read_is_counted_and_sets_no_cookie(client, article):
    response = hit(client, "page", article.pk)
    assert response.status_code == 204
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert total("page", article.pk) == 1


def test_the_same_reader_reopening_within_half_an_hour_counts_once(client, article):
    hit(client, "page", article.pk)
    hit(client, "page", article.pk)
    assert total("page", article.pk) == 1


def test_the_same_reader_counts_again_after_half_an_hour(client, article):
    with at_midday() as traveller:
        hit(client, "page", article.pk)
        traveller.shift(timedelta(minutes=31))
        hit(client, "page", article.pk)
        assert total("page", article.pk) == 2


def test_two_readers_count_twice(client, article):
    hit(client, "page", article.pk, address="203.0.113.7")
    hit(client, "page", article.pk, address="198.51.100.9")
    assert total("page", article.pk) == 2


def test_behind_a_proxy_readers_are_told_apart_by_the_configured_header(client, article, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    for reader in ("203.0.113.1", "203.0.113.2"):
        client.post(f"/stats/hit/page/{article.pk}/", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=reader)
    assert total("page", article.pk) == 2


def test_the_address_header_is_ignored_unless_configured(client, article):
    for reader in ("203.0.113.1", "203.0.113.2"):
        client.post(f"/stats/hit/page/{article.pk}/", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=reader)
    assert total("page", article.pk) == 1


def test_nothing_that_identifies_a_reader_is_stored(client, article):
    hit(client, "page", article.pk, address="203.0.113.7")
    stored = repr(list(DailyCount.objects.values()))
    assert "203.0.113.7" not in stored and "iPhone" not in stored


@pytest.mark.parametrize("agent", ["", "Mozilla/5.0 (compatible; Baiduspider/2.0)", "curl/8.0", "Mozilla/5.0 HeadlessChrome/120"])
def test_robots_are_not_counted(client, article, agent):
    hit(client, "page", article.pk, agent=agent)
    assert total("page", article.pk) == 0


def test_drafts_and_unknown_pages_are_not_counted(client, series):
    draft = ArticlePageFactory(parent=series, live=False)
    hit(client, "page", draft.pk)
    hit(client, "page", 987654)
    assert DailyCount.objects.count() == 0


def test_unknown_kinds_are_refused(client, article):
    assert hit(client, "user", article.pk).status_code == 400


def test_without_javascript_a_pixel_counts_the_read(client, article):
    response = hit(client, "page", article.pk, method="get")
    assert response["Content-Type"] == "image/gif"
    assert total("page", article.pk) == 1


def test_article_page_carries_the_counter(client, article):
    assert f"/stats/hit/page/{article.pk}/" in client.get(article.url).content.decode()


def test_plays_of_public_videos_are_counted_and_private_ones_not(client):
    public = Video.objects.create(title="公开", status="ready", is_public=True)
    private = Video.objects.create(title="内部", status="ready", is_public=False)
    hit(client, "video", public.pk)
    hit(client, "video", private.pk)
    assert total("video", public.pk) == 1 and total("video", private.pk) == 0


def test_report_adds_reads_up_by_series_and_column(client, make_staff, series):
    first = ArticlePageFactory(parent=series, title="劳模文章")
    second = ArticlePageFactory(parent=SeriesPage.objects.get(slug="zuimei-zhigong"), title="最美文章")
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        hit(client, "page", first.pk, address=address)
    hit(client, "page", second.pk)
    client.force_login(make_staff("zhubian", roles=["终审"]))

    html = client.get("/admin/reports/readership/").content.decode()

    assert 'data-column="劳动美"><strong>4</strong>' in html
    assert 'data-series="劳模风采">3<' in html and 'data-series="最美职工">1<' in html
    assert "data-total-reads>4<" in html
    assert html.index("劳模文章") < html.index("最美文章")


def test_report_has_the_admin_header_with_breadcrumbs(client, make_staff):
    client.force_login(make_staff("zhubian", roles=["终审"]))
    html = client.get("/admin/reports/readership/").content.decode()
    breadcrumbs = html[html.index('data-controller="w-breadcrumbs"') :]
    assert "阅读与播放统计" in breadcrumbs[: breadcrumbs.index("</nav>")]
    assert "<title>阅读与播放统计" in html


def test_report_is_closed_to_editors(client, make_staff):
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["laodongmei"]))
    assert client.get("/admin/reports/readership/").status_code in (302, 403)


def test_counting_keeps_its_keys_out_of_the_page_cache(client, article):
    hit(client, "page", article.pk)

    def counting_keys(alias):
        return [key for key in caches[alias]._cache if "stats:" in key or "ratelimit:" in key]  # LocMemCache's entries

    assert counting_keys("counting") and not counting_keys("default")


def test_an_address_changing_its_browser_on_every_hit_counts_an_item_ten_times_a_day(client, article, counting_cache):
    with at_midday() as traveller:
        for agent in browsers(1000):
            hit(client, "page", article.pk, agent=agent)
            traveller.shift(2)  # slower than the per-minute limit: only the daily cap holds it back
    assert total("page", article.pk) == ITEM_DAILY_CAP


def test_an_address_counts_three_hundred_reads_a_day_across_items(client, counting_cache):
    videos = Video.objects.bulk_create(
        Video(title=f"视频{n}", status="ready", is_public=True) for n in range(ADDRESS_DAILY_CAP + 5)
    )
    with at_midday() as traveller:
        for video in videos:
            hit(client, "video", video.pk)
            traveller.shift(2)
        hit(client, "video", videos[-1].pk, address="198.51.100.9")
    assert DailyCount.objects.aggregate(reads=Sum("count"))["reads"] == ADDRESS_DAILY_CAP + 1
    assert total("video", videos[-1].pk) == 1  # only the other address's


def test_the_daily_cap_starts_afresh_the_next_day(client, article):
    with at_midday() as traveller:
        for agent in browsers(ITEM_DAILY_CAP + 1):
            hit(client, "page", article.pk, agent=agent)
        traveller.shift(timedelta(days=1))
        hit(client, "page", article.pk)
    assert (
        DailyCount.objects.filter(kind="page", object_id=article.pk).aggregate(reads=Sum("count"))["reads"] == ITEM_DAILY_CAP + 1
    )


def test_two_phones_behind_one_carrier_address_count_twice(client, article, counting_cache):
    with at_midday() as traveller:
        hit(client, "page", article.pk, agent=PHONE)
        traveller.shift(timedelta(minutes=5))
        hit(client, "page", article.pk, agent=PHONE.replace("iPhone", "Android"))
        hit(client, "page", article.pk, agent=PHONE)
    assert total("page", article.pk) == 2


@pytest.mark.parametrize("method, body", [("post", b""), ("get", PIXEL)])
def test_past_the_per_minute_limit_the_beacon_answers_429_with_its_usual_body_and_does_not_count(client, series, method, body):
    first, second = ArticlePageFactory(parent=series), ArticlePageFactory(parent=series)
    with at_midday():
        for _ in range(REQUESTS_PER_MINUTE):
            hit(client, "page", first.pk, method=method)
        refused = hit(client, "page", second.pk, method=method)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.content == body
    assert total("page", second.pk) == 0


def test_the_per_minute_limit_is_per_address(client, series):
    article = ArticlePageFactory(parent=series)
    with at_midday():
        for _ in range(REQUESTS_PER_MINUTE + 1):
            hit(client, "page", article.pk)
        assert hit(client, "page", article.pk, address="198.51.100.9").status_code == 204


def test_the_per_minute_limit_holds_in_redis(client, article, real_redis):
    with at_midday():
        answers = [hit(client, "page", article.pk).status_code for _ in range(REQUESTS_PER_MINUTE + 1)]
    assert answers[-2:] == [204, 429]


def test_while_redis_is_down_a_reader_is_counted_once(client, article, redis_down):
    hit(client, "page", article.pk)
    hit(client, "page", article.pk)
    hit(client, "page", article.pk, address="198.51.100.9")
    assert total("page", article.pk) == 2


def test_while_redis_is_down_the_same_reader_counts_again_after_half_an_hour(client, article, redis_down):
    with at_midday() as traveller:
        hit(client, "page", article.pk)
        traveller.shift(timedelta(minutes=31))
        hit(client, "page", article.pk)
    assert total("page", article.pk) == 2


def test_while_redis_is_down_the_database_keeps_only_salted_hashes(client, article, redis_down):
    hit(client, "page", article.pk, address="203.0.113.7")
    rows = list(SeenReader.objects.values())
    assert len(rows) == 3  # the reader on this article, the address on this article, the address
    assert all(len(row["digest"]) == 32 for row in rows)
    assert "203.0.113.7" not in repr(rows) and "iPhone" not in repr(rows)


def test_hashes_of_days_before_yesterday_are_purged():
    today = timezone.localdate()
    for days_ago in (0, 1, 2, 30):
        SeenReader.objects.create(day=today - timedelta(days=days_ago), digest=f"{days_ago:032x}", last_at=timezone.now())
    assert purge_seen_readers() == 2
    assert sorted(SeenReader.objects.values_list("day", flat=True)) == [today - timedelta(days=1), today]


def test_the_scheduler_purges_old_hashes():
    SeenReader.objects.create(day=timezone.localdate() - timedelta(days=2), digest="0" * 32, last_at=timezone.now())
    call_command("run_scheduler", "--once")
    assert not SeenReader.objects.exists()
