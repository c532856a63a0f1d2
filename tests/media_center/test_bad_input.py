"""Hostile and broken uploads: each ends `failed` with a reason staff can act on, and nothing else happens."""

import struct
import subprocess

import pytest
from PIL import Image

from media_center import pipeline, storage
from media_center.ingest import ingest_file
from media_center.models import Video
from tests.media import cut_short, generate_video

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # ffmpeg decides these, not the database


def refused(path, django_capture_on_commit_callbacks, name=None):
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(path, title="坏文件", original_filename=name or path.name)
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert not video.renditions.exists()
    assert storage.list_files(video.prefix) == [video.source], "only the uploaded file itself is kept"
    return video.failure_reason


def test_text_file_named_mp4(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "notes.mp4"
    path.write_text("这不是视频，只是一段文字。\n" * 100)
    assert "不是受支持的视频文件" in refused(path, django_capture_on_commit_callbacks)


def test_png_image_named_mp4(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "photo.mp4"
    Image.new("RGB", (64, 64), "red").save(path, format="PNG")
    assert "不是受支持的视频文件" in refused(path, django_capture_on_commit_callbacks)


def test_mp4_cut_off_before_its_index_is_refused_as_unrecoverable(small_video, tmp_path, django_capture_on_commit_callbacks):
    """Recorders write the MP4 index (moov) last: without it no frame can be found in the data."""
    path = cut_short(small_video, tmp_path / "cut.mp4", small_video.stat().st_size // 3)
    assert "缺少 MP4/MOV 的索引（moov）" in refused(path, django_capture_on_commit_callbacks)


def test_audio_only_file(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "song.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", str(path)], check=True)
    assert "音频文件" in refused(path, django_capture_on_commit_callbacks)


def test_hls_playlist_pointing_at_local_files_is_never_followed(media_dir, tmp_path, django_capture_on_commit_callbacks):
    """The playlist names /etc/passwd and a real video outside the storage: if it were read, the
    video would transcode and end `ready`."""
    secret = generate_video(media_dir / "secret.ts", seconds=1, audio=False)
    path = tmp_path / "playlist.mp4"
    path.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{secret}\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n")
    assert "不是受支持的视频文件" in refused(path, django_capture_on_commit_callbacks)


def test_concat_list_is_refused(media_dir, tmp_path, django_capture_on_commit_callbacks):
    secret = generate_video(media_dir / "secret2.mp4", seconds=1, audio=False)
    path = tmp_path / "list.mp4"
    path.write_text(f"ffconcat version 1.0\nfile '{secret}'\nfile '/etc/passwd'\n")
    assert "不是受支持的视频文件" in refused(path, django_capture_on_commit_callbacks)


def test_absurd_16000_square_header(tmp_path, django_capture_on_commit_callbacks):
    """A tiny AVI whose header claims 16000×16000: refused from the header, nothing decoded."""
    small = tmp_path / "small.avi"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "color=size=16x16:duration=0.2",
         "-c:v", "rawvideo", "-pix_fmt", "gray", str(small)],
        check=True,
    )  # fmt: skip
    data = bytearray(small.read_bytes())
    for marker in (b"avih", b"strf"):
        at = data.index(marker) + 8
        offset = at + 32 if marker == b"avih" else at + 4  # dwWidth in avih, biWidth in strf
        data[offset : offset + 8] = struct.pack("<ii", 16000, 16000)
    path = tmp_path / "huge.avi"
    path.write_bytes(bytes(data))
    assert "16000×16000 过大" in refused(path, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("size", ["4096x2160", "2160x4096"])
def test_source_above_4k_is_refused_in_either_orientation(size, media_dir, django_capture_on_commit_callbacks):
    path = generate_video(media_dir / f"cinema-{size}.mp4", seconds=1, size=size, rate=5, audio=False)
    assert f"画面尺寸 {size.replace('x', '×')} 过大：最大支持 3840×2160（4K）" in refused(
        path, django_capture_on_commit_callbacks
    )


def test_source_above_60_fps_is_refused(media_dir, django_capture_on_commit_callbacks):
    path = generate_video(media_dir / "slow-motion.mp4", seconds=1, size="320x240", rate=120, audio=False)
    assert "帧率 120 帧/秒过高：最高支持 60 帧/秒" in refused(path, django_capture_on_commit_callbacks)


def test_refusal_is_translated_before_its_values_are_filled_in(media_dir, monkeypatch, django_capture_on_commit_callbacks):
    """media_center.ffmpeg knows no Django: it hands over the text to translate and its values apart."""
    english = {
        "帧率 %(rate)g 帧/秒过高：最高支持 %(limit)d 帧/秒。请导出为 %(limit)d 帧/秒或更低后再上传。": "%(rate)g fps is above %(limit)d fps."
    }
    monkeypatch.setattr(pipeline, "_", lambda message: english.get(message, message))
    path = generate_video(media_dir / "slow-motion.mp4", seconds=1, size="320x240", rate=120, audio=False)
    assert refused(path, django_capture_on_commit_callbacks) == "120 fps is above 60 fps."


def test_zero_length_video(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "empty-stream.mkv"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=64x64:duration=1", "-frames:v", "0",
         "-c:v", "libx264", str(path)],
        check=True,
    )  # fmt: skip
    reason = refused(path, django_capture_on_commit_callbacks)
    assert "时长为零" in reason or "没有视频画面" in reason or "不完整" in reason


def test_wrong_extension_is_refused_before_storing_anything(tmp_path):
    from django.core.exceptions import ValidationError

    path = tmp_path / "evil.m3u8"
    path.write_text("#EXTM3U\n")
    with pytest.raises(ValidationError, match="不支持的文件类型「.m3u8」"):
        ingest_file(path, title="播放列表")
    assert not Video.objects.exists()


def test_uploaders_file_name_never_reaches_the_disk(small_video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(small_video, title="文件名", original_filename="../../etc/招聘会;rm -rf.mp4")
    assert video.source == f"{video.prefix}/source/source.mp4"
    assert video.original_filename == "../../etc/招聘会;rm -rf.mp4"
