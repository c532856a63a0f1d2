from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from media_center import pipeline
from media_center.models import MAX_ATTEMPTS, Video, VideoJob

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
