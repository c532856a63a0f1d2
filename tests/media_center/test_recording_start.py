"""When a recording started, read off the file: the sync point that turns the live's 「正在讲解」 presses
into times in the replay."""

from datetime import UTC, datetime

import pytest

from media_center.ffmpeg.probe import probe
from media_center.ingest import ingest_file
from media_center.models import Video
from tests.media import generate_video


def test_the_files_creation_time_is_when_the_recording_started(tmp_path):
    path = generate_video(tmp_path / "live.mp4", seconds=1, creation_time="2026-11-29T01:00:05.000000Z")
    assert probe(path).recorded_at == datetime(2026, 11, 29, 1, 0, 5, tzinfo=UTC)


def test_a_matroska_recording_states_its_start_too(tmp_path):
    path = generate_video(tmp_path / "live.mkv", seconds=1, creation_time="2026-11-29T01:00:05Z")
    assert probe(path).recorded_at == datetime(2026, 11, 29, 1, 0, 5, tzinfo=UTC)


def test_a_file_stating_no_creation_time_has_no_start(tmp_path):
    assert probe(generate_video(tmp_path / "plain.mp4", seconds=1)).recorded_at is None


@pytest.mark.django_db
def test_ingesting_keeps_when_the_recording_started(media_dir, django_capture_on_commit_callbacks):
    stamped = generate_video(media_dir / "stamped.mp4", seconds=2, creation_time="2026-11-29T01:00:05Z")
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(stamped, title="招聘会直播录像")
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert video.recorded_at == datetime(2026, 11, 29, 1, 0, 5, tzinfo=UTC)


@pytest.mark.django_db
def test_a_start_staff_set_before_the_probe_is_kept(media_dir, django_capture_on_commit_callbacks):
    stamped = generate_video(media_dir / "restamped.mp4", seconds=2, creation_time="2026-11-29T01:00:05Z")
    corrected = datetime(2026, 11, 29, 1, 0, 9, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        video = ingest_file(stamped, title="招聘会直播录像")
    Video.objects.filter(pk=video.pk).update(recorded_at=corrected)  # as staff save it, or a retried probe meets it
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    video.refresh_from_db()
    assert video.status == Video.Status.READY and video.recorded_at == corrected
