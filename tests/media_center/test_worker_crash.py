"""A worker killed with SIGKILL in the middle of a chunk: another worker finishes the video, with one set of outputs."""

import signal
import time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from media_center import storage
from media_center.ffmpeg import playlists
from media_center.ingest import ingest_file
from media_center.models import Video, VideoJob
from media_center.pipeline import requeue_stalled_jobs
from media_center.tasks import run_video_job
from tests import workers
from tests.media import generate_video
from tests.workers import ffmpeg_processes_under, wait_for

STALE_SECONDS = 3
CHUNK_SECONDS = 6  # long enough at 1080p that the kill lands mid-chunk


def start_worker(tmp_path, name):
    return workers.start_worker(
        tmp_path, name, "video",
        VIDEO_ROOT=tmp_path / "private", VIDEO_WORK_DIR=tmp_path / "work",
        VIDEO_JOB_STALE_SECONDS=STALE_SECONDS, VIDEO_CHUNK_SECONDS=CHUNK_SECONDS,
    )  # fmt: skip


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "video"]}}
    settings.VIDEO_CHUNK_SECONDS = CHUNK_SECONDS
    settings.VIDEO_JOB_STALE_SECONDS = STALE_SECONDS


def kill_mid_chunk(tmp_path, video):
    """Start a worker and SIGKILL it while it encodes a chunk of the video; returns that chunk's job."""
    worker = start_worker(tmp_path, "worker-a")
    try:
        wait_for(
            lambda: VideoJob.objects.filter(video=video, kind=VideoJob.Kind.CHUNK, status="running").exists(),
            120,
            "a chunk to be encoding",
        )
        time.sleep(1.0)
        victim = VideoJob.objects.get(video=video, kind=VideoJob.Kind.CHUNK, status="running")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    wait_for(lambda: not ffmpeg_processes_under(tmp_path), 10, "the dead worker's ffmpeg to exit with it")
    return victim


def task_rows_of(job):
    return [
        row for row in DBTaskResult.objects.filter(task_path=run_video_job.module_path) if row.args_kwargs["args"] == [job.pk]
    ]


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_its_chunk_to_the_next_and_the_video_ends_ready_once(tmp_path, tasks_in_database, media_dir):
    source = generate_video(media_dir / "crash.mp4", seconds=18, size="1920x1080")
    video = ingest_file(source, title="断电测试")

    victim = kill_mid_chunk(tmp_path, video)
    assert Video.objects.get(pk=video.pk).status == Video.Status.TRANSCODING

    time.sleep(STALE_SECONDS + 1)
    assert requeue_stalled_jobs() == 1
    second = start_worker(tmp_path, "worker-b")
    try:
        wait_for(lambda: Video.objects.get(pk=video.pk).is_finished, 240, "the second worker to finish the video")
    finally:
        second.terminate()
        second.wait(timeout=30)

    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.failure_reason + (tmp_path / "worker-b.log").read_text()[-2000:]
    victim.refresh_from_db()
    assert (victim.status, victim.attempts) == ("done", 2)
    for rendition in video.renditions.all():
        folder = f"{video.prefix}/hls/{rendition.name}"
        stored = {name.rsplit("/", 1)[1] for name in storage.list_files(folder)}
        listed = {segment.uri for segment in playlists.read_segments(storage.read_text(rendition.playlist))}
        chunk_playlists = {f"c{job.index:05d}.m3u8" for job in video.jobs.filter(kind=VideoJob.Kind.CHUNK)}
        assert stored == listed | chunk_playlists | {"index.m3u8"}, "exactly one set of outputs"
        assert storage.exists(rendition.mp4)
    assert not storage.list_files(f"{video.prefix}/work")
    assert not list((tmp_path / "work" / str(video.pk)).glob("*/out/*")), "the dead attempt's scratch files are gone"


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_chunk_is_encoded_before_the_chunks_after_it(tmp_path, tasks_in_database, media_dir):
    source = generate_video(media_dir / "crash-order.mp4", seconds=18, size="1920x1080")
    video = ingest_file(source, title="断电后的顺序")
    victim = kill_mid_chunk(tmp_path, video)
    later = VideoJob.objects.filter(video=video, kind=VideoJob.Kind.CHUNK, index__gt=victim.index)
    assert later.exists() and not later.exclude(status="pending").exists()

    time.sleep(STALE_SECONDS + 1)
    call_command("run_scheduler", once=True)
    second = start_worker(tmp_path, "worker-b")
    try:
        wait_for(lambda: VideoJob.objects.get(pk=victim.pk).status == "done", 120, "the dead worker's chunk to be encoded again")
    finally:
        second.terminate()
        second.wait(timeout=60)

    victim.refresh_from_db()
    assert [job.index for job in later.all() if job.started_at and job.started_at < victim.finished_at] == []


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_task_row_is_failed_its_scratch_folder_removed_and_its_chunk_queued_again(
    tmp_path, tasks_in_database, media_dir
):
    source = generate_video(media_dir / "crash-row.mp4", seconds=12, size="1920x1080")
    video = ingest_file(source, title="断电后的任务记录")
    victim = kill_mid_chunk(tmp_path, video)
    scratch = tmp_path / "work" / str(video.pk) / f"chunk-{victim.index}"
    assert scratch.exists()
    [dead_row] = task_rows_of(victim)
    assert dead_row.status == "RUNNING"

    time.sleep(STALE_SECONDS + 1)
    call_command("run_scheduler", once=True)

    dead_row.refresh_from_db()
    assert dead_row.status == "FAILED" and dead_row.exception_class_path == "media_center.pipeline.WorkerLost"
    assert not scratch.exists()
    assert VideoJob.objects.get(pk=victim.pk).status == "pending"
    assert [row.status for row in task_rows_of(victim) if row.pk != dead_row.pk] == ["READY"]
