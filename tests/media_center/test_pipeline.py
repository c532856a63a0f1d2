import pytest

from media_center import storage
from media_center.ingest import ingest_file
from media_center.models import Video, VideoJob
from tests.media import generate_video

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # ffmpeg and storage: the database engine changes nothing here


def process(path, django_capture_on_commit_callbacks, **kwargs):
    """Upload and run every job (tasks run inline in tests); returns the video as it ended."""
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(path, title=kwargs.pop("title", "测试视频"), **kwargs)
    video.refresh_from_db()
    return video


def test_small_video_ends_ready_with_ladder_playlists_mp4s_and_thumbnails(small_video, django_capture_on_commit_callbacks):
    video = process(small_video, django_capture_on_commit_callbacks)

    assert video.status == Video.Status.READY, video.failure_reason
    assert (video.width, video.height, video.has_audio) == (640, 360, True)
    assert [r.name for r in video.renditions.all()] == ["360p"]
    files = storage.list_files(video.prefix)
    assert f"{video.prefix}/hls/master.m3u8" in files
    assert f"{video.prefix}/mp4/360p.mp4" in files
    assert f"{video.prefix}/thumbs/poster.jpg" in files and f"{video.prefix}/thumbs/storyboard.vtt" in files
    assert not [name for name in files if "/work/" in name]
    assert "#EXT-X-ENDLIST" in storage.read_text(f"{video.prefix}/hls/360p/index.m3u8")


def test_long_recording_is_cut_into_chunks_whose_playlists_join_seamlessly(
    media_dir, settings, django_capture_on_commit_callbacks
):
    settings.VIDEO_CHUNK_SECONDS = 2
    source = generate_video(media_dir / "six-seconds.mp4", seconds=6, size="320x240")

    video = process(source, django_capture_on_commit_callbacks)

    assert video.status == Video.Status.READY, video.failure_reason
    chunks = video.jobs.filter(kind=VideoJob.Kind.CHUNK).order_by("index")
    assert [chunk.index for chunk in chunks] == [0, 1, 2]
    playlist = storage.read_text(f"{video.prefix}/hls/240p/index.m3u8")
    durations = [float(line.split(":")[1].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF")]
    assert abs(sum(durations) - 6.0) < 0.1
    assert all(f"c0000{index}_" in playlist for index in range(3))
    mp4 = storage.local_path_of(f"{video.prefix}/mp4/240p.mp4")
    from media_center.ffmpeg.probe import probe

    stitched = probe(mp4)
    assert abs(stitched.duration - 6.0) < 0.15 and stitched.has_audio


def test_720p_source_gets_720_480_360_and_no_upscaled_1080(media_dir, django_capture_on_commit_callbacks):
    source = generate_video(media_dir / "hd.mp4", seconds=2, size="1280x720")
    video = process(source, django_capture_on_commit_callbacks)
    assert [(r.name, r.width, r.height) for r in video.renditions.all()] == [
        ("720p", 1280, 720),
        ("480p", 854, 480),
        ("360p", 640, 360),
    ]
    master = storage.read_text(video.master_playlist)
    assert "RESOLUTION=1280x720" in master and "1920x1080" not in master
    assert 'TYPE=AUDIO,GROUP-ID="audio"' in master


def test_portrait_phone_video_keeps_its_orientation(media_dir, django_capture_on_commit_callbacks):
    source = generate_video(media_dir / "portrait.mp4", seconds=2, size="480x854")
    video = process(source, django_capture_on_commit_callbacks)
    assert video.is_portrait
    assert [(r.name, r.width, r.height) for r in video.renditions.all()] == [("480p", 480, 854), ("360p", 360, 640)]


def test_rotated_recording_is_measured_as_displayed(media_dir, django_capture_on_commit_callbacks):
    source = generate_video(media_dir / "rotated.mp4", seconds=2, size="640x360", rotate=90)
    video = process(source, django_capture_on_commit_callbacks)
    assert (video.rotation, video.width, video.height) == (90, 360, 640)
    assert [(r.width, r.height) for r in video.renditions.all()] == [(360, 640)]


def test_silent_video_gets_no_audio_rendition(media_dir, django_capture_on_commit_callbacks):
    source = generate_video(media_dir / "silent.mp4", seconds=2, audio=False)
    video = process(source, django_capture_on_commit_callbacks)
    assert video.status == Video.Status.READY, video.failure_reason
    assert not video.has_audio
    assert "TYPE=AUDIO" not in storage.read_text(video.master_playlist)


def test_replay_is_playable_after_the_first_chunk_while_the_rest_wait(
    media_dir, settings, tasks_held, django_capture_on_commit_callbacks
):
    from media_center import pipeline

    settings.VIDEO_CHUNK_SECONDS = 2
    source = generate_video(media_dir / "growing.mp4", seconds=6, size="320x240")
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(source, title="边转边播")

    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.PREPARE).pk)
    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.AUDIO).pk)
    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.CHUNK, index=0).pk)

    video.refresh_from_db()
    assert video.status == Video.Status.TRANSCODING and video.playable
    playlist = storage.read_text(f"{video.prefix}/hls/240p/index.m3u8")
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in playlist and "#EXT-X-ENDLIST" not in playlist
    assert "c00000_" in playlist and "c00001_" not in playlist
    assert 0.2 < video.progress < 0.5

    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.CHUNK, index=2).pk)
    assert "c00002_" not in storage.read_text(f"{video.prefix}/hls/240p/index.m3u8"), "chunks join in order only"


def test_sound_is_stored_segment_by_segment_while_it_encodes(tmp_path):
    from media_center.steps import _store_finished_segments

    local = tmp_path / "audio"
    local.mkdir()
    for name in ("audio_00000.ts", "audio_00001.ts", "audio_00002.ts"):  # the last one still being written
        (local / name).write_bytes(b"G" * 188)
    (local / "audio.m3u8").write_text("#EXTM3U\n#EXTINF:4.0,\naudio_00000.ts\n#EXTINF:4.0,\naudio_00001.ts\n")
    stored = set()

    _store_finished_segments(local / "audio.m3u8", "videos/9/hls/audio", stored)

    assert storage.list_files("videos/9/hls/audio") == [
        "videos/9/hls/audio/audio.m3u8",
        "videos/9/hls/audio/audio_00000.ts",
        "videos/9/hls/audio/audio_00001.ts",
    ]


def test_a_chunk_is_not_published_before_its_sound_is_stored(media_dir, settings, tasks_held, django_capture_on_commit_callbacks):
    from media_center import pipeline

    settings.VIDEO_CHUNK_SECONDS = 2
    source = generate_video(media_dir / "sound-later.mp4", seconds=4, size="320x240")
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(source, title="先画面后声音")
    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.PREPARE).pk)

    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.CHUNK, index=0).pk)
    video.refresh_from_db()
    assert not video.playable

    pipeline.run_job(video.jobs.get(kind=VideoJob.Kind.AUDIO).pk)
    video.refresh_from_db()
    assert video.playable
