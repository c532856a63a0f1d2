"""A worker killed with SIGKILL in the middle of a chunk: another worker finishes the video, with one set of outputs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from media_center import storage
from media_center.ffmpeg import playlists
from media_center.ingest import ingest_file
from media_center.models import Video, VideoJob
from media_center.pipeline import requeue_stalled_jobs
from tests.media import generate_video

REPO = Path(__file__).resolve().parents[2]
STALE_SECONDS = 3
CHUNK_SECONDS = 6  # long enough at 1080p that the kill lands mid-chunk


def database_url():
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    return f"postgres://{config['USER']}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{config['NAME']}"


def start_worker(tmp_path, name):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "UMC_TASKS": "database",
        "DATABASE_URL": database_url(),
        "VIDEO_ROOT": str(tmp_path / "private"),
        "VIDEO_WORK_DIR": str(tmp_path / "work"),
        "VIDEO_JOB_STALE_SECONDS": str(STALE_SECONDS),
        "VIDEO_CHUNK_SECONDS": str(CHUNK_SECONDS),
    }
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "video", "--no-reload", "--interval", "0.2",
         "--no-startup-delay", "--worker-id", name],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ffmpeg_processes_under(folder):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if arguments and arguments[0].endswith(b"ffmpeg") and any(str(folder).encode() in a for a in arguments):
            found.append(cmdline.parent.name)
    return found


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_its_chunk_to_the_next_and_the_video_ends_ready_once(tmp_path, settings, media_dir):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "video"]}}
    settings.VIDEO_CHUNK_SECONDS = CHUNK_SECONDS
    settings.VIDEO_JOB_STALE_SECONDS = STALE_SECONDS
    source = generate_video(media_dir / "crash.mp4", seconds=18, size="1920x1080")
    video = ingest_file(source, title="断电测试")

    first = start_worker(tmp_path, "worker-a")
    try:
        wait_for(
            lambda: VideoJob.objects.filter(video=video, kind=VideoJob.Kind.CHUNK, status="running").exists(),
            120,
            "a chunk to be encoding",
        )
        time.sleep(1.0)
        victim = VideoJob.objects.get(video=video, kind=VideoJob.Kind.CHUNK, status="running")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    wait_for(lambda: not ffmpeg_processes_under(tmp_path), 10, "the dead worker's ffmpeg to exit with it")
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
