"""/metrics: who may read it, requests by view, and the gauges the apps registered, read from the database."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core import metrics as registered
from distribution.models import Channel, ChannelAccount, Distribution
from media_center.models import Video, VideoJob
from ops.access import Access, metrics_access
from tests.factories import ArticlePageFactory
from tests.media_center.factories import ClipFactory, VideoFactory

from .conftest import TOKEN, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "192.0.2.7"]


def test_metrics_do_not_exist_until_a_token_or_addresses_are_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_are_refused_without_the_token_or_with_another(client, bearer):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    response = client.get("/metrics", **bearer)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def test_metrics_are_refused_from_a_foreign_address_and_given_to_a_listed_one(client, addresses):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.1.1.1").status_code == 200


def test_behind_the_proxy_the_address_is_the_one_the_proxy_gives(client, addresses, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.9.9.9").status_code == 200


@pytest.mark.once
def test_a_token_or_an_address_is_enough_when_both_are_configured(rf, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = TOKEN, ["10.0.0.0/8", "not-an-address"]
    assert metrics_access(rf.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")) is Access.ALLOWED
    assert metrics_access(rf.get("/metrics", REMOTE_ADDR="10.0.0.3")) is Access.ALLOWED
    assert metrics_access(rf.get("/metrics", REMOTE_ADDR="203.0.113.9")) is Access.REFUSED


@pytest.mark.once
def test_an_address_list_entry_that_is_no_address_is_named_by_the_system_check(settings):
    from ops.checks import metrics_addresses

    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "10.0.0.300"]
    assert [error.id for error in metrics_addresses(None)] == ["ops.E001"]


def test_requests_are_counted_by_view_name_and_status_class_never_by_path(client, scrape):
    before = scrape()
    client.get("/ping")
    client.get("/ping")
    client.get("/videos/999999/")
    client.get("/no-such-page/at/all/")
    after = scrape()

    def added(view, status):
        labels = {"view": view, "status": status}
        return value(after, "umc_http_requests_total", **labels) - value(before, "umc_http_requests_total", **labels)

    assert added("cms.urls.ping", "2xx") == 2
    assert added("wagtail_serve", "4xx") == 1  # the page tree answers every other path
    assert added("metrics", "2xx") == 1  # the first scrape
    paths = {dict(labels).get("view") for _name, labels in after}
    assert not any(view and "/" in view for view in paths), paths
    assert value(after, "umc_http_request_duration_seconds_count", view="cms.urls.ping") >= 2


def test_page_cache_hits_and_misses_are_counted_and_a_hit_keeps_its_view(client, scrape, series):
    cache.clear()
    ArticlePageFactory(parent=series)
    before = scrape()
    assert client.get("/laodongmei/")["X-Page-Cache"] == "miss"
    assert client.get("/laodongmei/")["X-Page-Cache"] == "hit"
    after = scrape()

    def added(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert added("umc_page_cache_lookups_total", result="miss") == 1
    assert added("umc_page_cache_lookups_total", result="hit") == 1
    assert added("umc_http_requests_total", view="wagtail_serve", status="2xx") == 2


def task_row(queue, waited, run_after=None):
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="media_center.tasks.run_video_job", backend_name="default",
        queue_name=queue, run_after=run_after or get_date_max(),
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timedelta(seconds=waited))


def test_queue_depth_and_the_oldest_wait_per_queue(scrape):
    now = timezone.now()
    video = VideoFactory(status=Video.Status.TRANSCODING, duration=600.0)
    for index, waited in enumerate((600, 300, 60)):
        VideoJob.objects.create(video=video, kind=VideoJob.Kind.CHUNK, index=index, queued_at=now - timedelta(seconds=waited))
    VideoJob.objects.create(video=video, kind=VideoJob.Kind.AUDIO, status=VideoJob.Status.RUNNING, queued_at=now)
    gone = VideoFactory(status=Video.Status.CANCELLED)  # its pending jobs will never run: not waiting
    VideoJob.objects.create(video=gone, kind=VideoJob.Kind.CHUNK, queued_at=now - timedelta(days=3))
    task_row("video", waited=900)
    task_row("video", waited=30)
    task_row("default", waited=120)
    task_row("default", waited=4000, run_after=now - timedelta(seconds=45))  # to run later: waits from run_after
    task_row("default", waited=5, run_after=now + timedelta(hours=1))  # not due yet: not waiting

    samples = scrape()

    assert value(samples, "umc_video_jobs_pending", kind="chunk") == 3
    assert value(samples, "umc_video_jobs_pending", kind="audio") == 0
    assert 600 <= value(samples, "umc_video_job_oldest_wait_seconds", kind="chunk") < 660
    assert value(samples, "umc_video_job_oldest_wait_seconds", kind="prepare") == 0
    assert value(samples, "umc_tasks_ready", queue="video") == 2
    assert value(samples, "umc_tasks_ready", queue="default") == 2
    assert 900 <= value(samples, "umc_task_oldest_wait_seconds", queue="video") < 960
    assert 120 <= value(samples, "umc_task_oldest_wait_seconds", queue="default") < 180


def test_the_queue_checks_warn_past_their_thresholds(settings):
    from media_center.health import task_queues_check, video_jobs_check

    settings.HEALTH_VIDEO_JOB_MAX_WAIT_SECONDS = 300
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 300
    assert video_jobs_check()[0] and task_queues_check()[0]
    video = VideoFactory(status=Video.Status.TRANSCODING)
    VideoJob.objects.create(video=video, kind=VideoJob.Kind.CHUNK, queued_at=timezone.now() - timedelta(seconds=400))
    task_row("default", waited=400)

    ok, detail = video_jobs_check()
    assert not ok and "worker 是否在运行" in detail["message"] and detail["pending"] == {"chunk": 1}
    ok, detail = task_queues_check()
    assert not ok and "队列 default" in detail["message"]


def test_distributions_by_channel_and_status_and_the_oldest_due(scrape, home, settings):
    from distribution.health import distributions_check

    douyin = ChannelAccount.objects.create(channel=Channel.DOUYIN, name="淮安市总工会抖音号")
    wechat = ChannelAccount.objects.create(channel=Channel.WECHAT, name="淮安市总工会")
    now = timezone.now()
    for status in (Distribution.Status.PUBLISHED, Distribution.Status.PUBLISHED, Distribution.Status.FAILED):
        Distribution.objects.create(video=ClipFactory(approved=True, ready=True), account=douyin, status=status)
    Distribution.objects.create(video=ClipFactory(), account=douyin, status=Distribution.Status.PUBLISHED, active=False)
    Distribution.objects.create(
        page=home, account=wechat, status=Distribution.Status.QUEUED, next_try_at=now - timedelta(hours=1)
    )

    samples = scrape()

    assert value(samples, "umc_distributions", channel="douyin", status="published") == 2  # the replaced row is not
    assert value(samples, "umc_distributions", channel="douyin", status="failed") == 1
    assert value(samples, "umc_distributions", channel="wechat", status="queued") == 1
    assert ("umc_distributions", (("channel", "channels"), ("status", "manual"))) in samples  # every pair, 0 included

    settings.HEALTH_DISTRIBUTION_MAX_DELAY_SECONDS = 900
    ok, detail = distributions_check()
    assert not ok and detail["due"] == 1 and 3600 <= detail["oldest_seconds"] < 3700


def test_transcode_seconds_per_video_second_from_recently_finished_jobs(scrape):
    now = timezone.now()
    video = VideoFactory(status=Video.Status.READY)

    def finished(kind, index, worked, span, ago=60):
        VideoJob.objects.create(
            video=video, kind=kind, index=index, status=VideoJob.Status.DONE, start=0.0, end=span,
            started_at=now - timedelta(seconds=ago + worked), finished_at=now - timedelta(seconds=ago),
        )  # fmt: skip

    finished(VideoJob.Kind.CHUNK, 0, worked=60, span=120)
    finished(VideoJob.Kind.CHUNK, 1, worked=30, span=30)
    finished(VideoJob.Kind.CHUNK, 2, worked=1000, span=10, ago=7200)  # outside the window
    finished(VideoJob.Kind.CLIP, 0, worked=90, span=30)

    samples = scrape()

    assert value(samples, "umc_transcode_seconds_per_video_second", kind="chunk") == pytest.approx(90 / 150)
    assert value(samples, "umc_transcode_seconds_per_video_second", kind="clip") == pytest.approx(3.0)


def test_a_gauge_that_cannot_be_read_is_left_out_and_counted(scrape, monkeypatch):
    monkeypatch.setattr(registered, "gauges", dict(registered.gauges))

    def broken():
        raise RuntimeError("the database is down")

    registered.register_gauge("broken", "A gauge that fails.", broken)

    samples = scrape()

    assert value(samples, "umc_metrics_gauge_errors") == 1
    assert ("umc_broken", ()) not in samples
    assert ("umc_distributions", (("channel", "douyin"), ("status", "queued"))) in samples


def test_the_health_checks_are_gauges_too(scrape):
    samples = scrape()
    assert value(samples, "umc_health_check_ok", check="database", critical="true") == 1
    assert ("umc_health_check_ok", (("check", "scheduler"), ("critical", "true"))) in samples


@pytest.mark.once
def test_a_failure_to_count_never_costs_the_reader_the_answer(client, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("ops.middleware.observe_request", full_disk)
    monkeypatch.setattr("ops.metrics.event_counters", {})
    monkeypatch.setattr("ops.metrics.Counter", full_disk)
    registered.count("page_cache_lookups", result="hit")
    assert client.get("/ping").status_code == 200
