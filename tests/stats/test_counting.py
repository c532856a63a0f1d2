"""Reads and plays are counted once per reader per half hour, with nothing about the reader kept."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from columns.models import SeriesPage
from media_center.models import Video
from stats.models import DailyCount
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.50"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


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
    midday = timezone.localtime().replace(hour=12, minute=0)  # both reads on one day, whenever the test runs
    with time_machine.travel(midday, tick=False) as traveller:
        hit(client, "page", article.pk)
        traveller.shift(timedelta(minutes=31))
        hit(client, "page", article.pk)
        assert total("page", article.pk) == 2


def test_two_readers_count_twice(client, article):
    hit(client, "page", article.pk, address="203.0.113.7")
    hit(client, "page", article.pk, address="198.51.100.9")
    assert total("page", article.pk) == 2


def test_behind_a_proxy_readers_are_told_apart_by_the_configured_header(client, article, settings):
    settings.STATS_CLIENT_ADDRESS_HEADER = "X-Real-IP"
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
    assert 'data-total-reads>4<' in html
    assert html.index("劳模文章") < html.index("最美文章")


def test_report_is_closed_to_editors(client, make_staff):
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["laodongmei"]))
    assert client.get("/admin/reports/readership/").status_code in (302, 403)
