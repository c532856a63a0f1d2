from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.tasks import update_reference_index_task

from media_center import pipeline
from media_center.models import MAX_ATTEMPTS, Video, VideoJob
from media_center.tasks import run_video_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(tasks_held):
    video = Video.objects.create(title="任务", status=Video.Status.TRANSCODING)
    return VideoJob.objects.create(video=video, kind=VideoJob.Kind.CHUNK, index=0, end=120)


def test_only_one_of_two_workers_claims_a_job(job):
    first, second = VideoJob.objects.get(pk=job.pk), VideoJob.objects.get(pk=job.pk)
    assert first.claim("machine-a:1")
    assert not second.claim("machine-b:1")
    assert VideoJob.objects.get(pk=job.pk).worker == "machine-a:1"


def test_a_silent_job_can_be_claimed_by_another_worker(job, settings):
    job.claim("machine-a:1")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS + 1)):
        assert VideoJob.objects.get(pk=job.pk).claim("machine-b:1")


def test_a_reporting_job_keeps_its_worker(job, settings):
    job.claim("machine-a:1")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS - 5)):
        job.beat(done_seconds=30)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS + 1)):
        assert not VideoJob.objects.get(pk=job.pk).claim("machine-b:1")


def test_stalled_job_goes_back_to_the_queue(job, settings):
    job.claim("machine-a:1")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS + 1)):
        assert pipeline.requeue_stalled_jobs() == 1
    assert VideoJob.objects.get(pk=job.pk).status == VideoJob.Status.PENDING


def test_a_job_that_keeps_dying_fails_the_video_with_a_reason(job, settings):
    VideoJob.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS - 1)
    job.refresh_from_db()
    job.claim("machine-a:1")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS + 1)):
        pipeline.requeue_stalled_jobs()
    video = Video.objects.get(pk=job.video_id)
    assert video.status == Video.Status.FAILED and "多次中断" in video.failure_reason


def test_progress_and_time_left_follow_the_encoded_seconds(job):
    video = job.video
    Video.objects.filter(pk=video.pk).update(duration=240, transcode_started_at=timezone.now() - timedelta(seconds=60))
    VideoJob.objects.filter(pk=job.pk).update(done_seconds=60)
    pipeline.update_progress(video.pk)
    video.refresh_from_db()
    assert video.progress == pytest.approx(0.25 * pipeline.CHUNKS_SHARE)
    assert 150 <= video.eta_seconds <= 250


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "video"]}}


def started_by_a_worker(result):
    """The row as `db_worker` leaves it when it takes the task (and when it is killed right after)."""
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("worker-killed")
    return row


def test_wagtail_task_left_running_by_a_killed_worker_is_failed_and_queued_again(tasks_in_database, settings):
    row = started_by_a_worker(update_reference_index_task.enqueue("wagtailcore", "page", 1))

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_STALE_SECONDS + 1)):
        assert pipeline.rerun_orphaned_tasks() == 1

    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "media_center.pipeline.WorkerLost"
    again = DBTaskResult.objects.exclude(pk=row.pk).get()
    assert (again.status, again.task_path, again.args_kwargs) == ("READY", row.task_path, row.args_kwargs)


def test_wagtail_task_running_for_less_than_the_limit_is_left_to_its_worker(tasks_in_database, settings):
    row = started_by_a_worker(update_reference_index_task.enqueue("wagtailcore", "page", 1))

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_STALE_SECONDS - 5)):
        assert pipeline.rerun_orphaned_tasks() == 0

    assert DBTaskResult.objects.get(pk=row.pk).status == "RUNNING"


def test_a_long_video_job_that_keeps_reporting_keeps_its_task_row(tasks_in_database, settings):
    video = Video.objects.create(title="两小时的录像", status=Video.Status.TRANSCODING)
    job = VideoJob.objects.create(video=video, kind=VideoJob.Kind.AUDIO, end=7200)
    row = started_by_a_worker(run_video_job.enqueue(job.pk))
    job.claim("machine-a:1")

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_STALE_SECONDS * 2)):
        job.beat()
        pipeline.rerun_orphaned_tasks()

    assert DBTaskResult.objects.get(pk=row.pk).status == "RUNNING"


def test_a_video_job_whose_worker_died_before_taking_it_is_queued_again(tasks_in_database, settings):
    video = Video.objects.create(title="任务", status=Video.Status.TRANSCODING)
    job = VideoJob.objects.create(video=video, kind=VideoJob.Kind.CHUNK, index=3, end=120)
    row = started_by_a_worker(run_video_job.enqueue(job.pk))

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS + 1)):
        assert pipeline.rerun_orphaned_tasks() == 1

    assert DBTaskResult.objects.get(pk=row.pk).status == "FAILED"
    assert DBTaskResult.objects.filter(task_path=row.task_path).exclude(pk=row.pk).get().status == "READY"


def test_a_failed_attempt_is_tried_again_30_then_60_seconds_later(job, monkeypatch):
    """Storage down for half a minute fails every attempt made meanwhile: tried again at once, the video
    would spend all its attempts in the outage and fail (bench/faults.py stops SeaweedFS for 30 s)."""
    from botocore.exceptions import EndpointConnectionError
    from django_tasks import default_task_backend

    def storage_down(*args):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:8333/umc")

    monkeypatch.setitem(pipeline.steps.HANDLERS, VideoJob.Kind.CHUNK, storage_down)
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        failed_at = timezone.now()
        pipeline.run_job(job.pk)
        waits.append(round((default_task_backend.results[-1].task.run_after - failed_at).total_seconds()))
    assert waits == [30, 60]
    assert VideoJob.objects.get(pk=job.pk).status == VideoJob.Status.PENDING
    pipeline.run_job(job.pk)
    assert Video.objects.get(pk=job.video_id).status == Video.Status.FAILED  # a lasting failure still fails the video
