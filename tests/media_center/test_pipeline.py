import pytest

from media_center import storage
from media_center.ingest import ingest_file
from media_center.models import Video, VideoJob
from tests.media_center.conftest import generate_video

pytestmark = pytest.mark.django_db


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
