"""Recordings cut off mid-write: the replay is what decodes, its duration is what decodes, and staff are told."""

import subprocess

import pytest

from media_center import storage
from media_center.ffmpeg import playlists
from media_center.ffmpeg.probe import probe
from media_center.ingest import ingest_file
from media_center.models import Video, clock_text
from tests.media import cut_short, generate_video

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # ffmpeg decides these, not the database
WHOLE_SECONDS = 10
TS_PACKET = 188


@pytest.fixture(scope="session")
def whole_recording(media_dir):
    return generate_video(media_dir / "whole.mp4", seconds=WHOLE_SECONDS)


def process(path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(path, title="断电的录像")
    video.refresh_from_db()
    return video


def about_half(path):
    return path.stat().st_size * 55 // 100


def assert_replay_is_what_decodes(video):
    assert video.status == Video.Status.READY, video.failure_reason
    assert 4 < video.duration < WHOLE_SECONDS - 3
    for rendition in video.renditions.all():
        listed = sum(segment.duration for segment in playlists.read_segments(storage.read_text(rendition.playlist)))
        assert listed == pytest.approx(video.duration, abs=0.1)
        assert probe(storage.local_path_of(rendition.mp4)).duration == pytest.approx(video.duration, abs=0.2)


def test_faststart_mp4_cut_off_is_a_replay_of_what_decodes_with_a_warning(
    media_dir, tmp_path, django_capture_on_commit_callbacks
):
    whole = generate_video(media_dir / "faststart.mp4", seconds=WHOLE_SECONDS, faststart=True)

    video = process(cut_short(whole, tmp_path / "cut.mp4", about_half(whole)), django_capture_on_commit_callbacks)

    assert_replay_is_what_decodes(video)
    assert f"标明时长 0:{WHOLE_SECONDS}，只有前 {clock_text(video.duration)} 能解码" in video.warning


def test_transport_stream_cut_off_mid_packet_is_a_replay_of_what_decodes_with_a_warning(
    media_dir, tmp_path, django_capture_on_commit_callbacks
):
    whole = generate_video(media_dir / "whole.ts", seconds=WHOLE_SECONDS)
    mid_packet = about_half(whole) // TS_PACKET * TS_PACKET + 100

    video = process(cut_short(whole, tmp_path / "cut.ts", mid_packet), django_capture_on_commit_callbacks)

    assert_replay_is_what_decodes(video)
    assert f"末尾不完整，可能是录制中途中断：回放只包含能解码的 {clock_text(video.duration)}" in video.warning


def test_live_flv_stating_no_length_cut_off_is_a_replay_of_what_decodes(
    whole_recording, tmp_path, django_capture_on_commit_callbacks
):
    """Written to a pipe, as a live recorder does, an FLV never gets its length: cut off, it states none at all."""
    live = tmp_path / "live.flv"
    with open(live, "wb") as pipe:
        subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(whole_recording), "-c", "copy", "-f", "flv", "pipe:1"],
                       stdout=pipe, check=True)  # fmt: skip

    video = process(cut_short(live, tmp_path / "cut.flv", about_half(live)), django_capture_on_commit_callbacks)

    assert_replay_is_what_decodes(video)


def test_whole_recording_has_no_warning(whole_recording, django_capture_on_commit_callbacks):
    video = process(whole_recording, django_capture_on_commit_callbacks)
    assert video.status == Video.Status.READY and video.duration == pytest.approx(WHOLE_SECONDS, abs=0.1)
    assert video.warning == ""
