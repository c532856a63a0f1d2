"""A clip made for real: rendered from its recording by ffmpeg, then through the same ladder as any video."""

import json
import subprocess

import pytest
from django.core.management import call_command
from PIL import Image

from media_center import clips, storage
from media_center.ingest import ingest_file
from media_center.models import Video
from tests.media import generate_video
from tests.media_center.factories import VideoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.once]

SUBTITLES = "WEBVTT\n\n00:00:03.000 --> 00:00:05.000\n欢迎来到春风行动招聘会\n"


@pytest.fixture(scope="module")
def recording_file(tmp_path_factory):
    return generate_video(tmp_path_factory.mktemp("clips") / "recording.mp4", seconds=12, size="1280x720", rate=25)


@pytest.fixture
def recording(recording_file):
    """A ready recording whose source is stored; its own ladder is not needed to clip it, so not made."""
    video = VideoFactory(ready=True, width=1280, height=720, frame_rate=25.0, duration=12.0, title="春风行动招聘会回放")
    video.source = storage.store(recording_file, f"{video.prefix}/source/source.mp4")
    video.save()
    return video


def make(recording, capture, **fields):
    with capture(execute=True):
        clip = clips.create_clip(recording, **{"start": 2.0, "end": 5.0, "title": "新能源企业招聘焊工 薪资6000-8000元", **fields})
    clip.refresh_from_db()
    return clip


def streams(path):
    shown = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    return json.loads(shown.stdout)


def test_a_clip_becomes_a_vertical_video_with_its_ladder_covers_and_subtitles(recording, django_capture_on_commit_callbacks):
    """One render checked for everything the site and the channels take from it (renders are slow)."""
    clip = make(recording, django_capture_on_commit_callbacks, subtitles=SUBTITLES)

    assert clip.status == Video.Status.READY, clip.failure_reason
    facts = streams(storage.local_path_of(clip.source))
    video, audio = (next(s for s in facts["streams"] if s["codec_type"] == kind) for kind in ("video", "audio"))
    assert (video["width"], video["height"], video["profile"], video["pix_fmt"]) == (1080, 1920, "High", "yuv420p")
    assert audio["sample_rate"] == "48000"
    assert abs(float(facts["format"]["duration"]) - 3.0) <= 0.1
    assert {(r.width, r.height) for r in clip.renditions.all()} >= {(1080, 1920), (720, 1280)}
    assert all(r.mp4 for r in clip.renditions.all())
    assert Image.open(storage.local_path_of(clip.poster)).size == (1080, 1920)
    assert Image.open(storage.local_path_of(clip.square_cover)).size == (1080, 1080)
    track = storage.read_text(clip.subtitle_track)
    assert "00:00:01.000 --> 00:00:03.000" in track and "欢迎来到春风行动招聘会" in track


def test_a_machine_without_a_chinese_font_fails_the_clip_naming_the_package(
    recording, django_capture_on_commit_callbacks, settings
):
    settings.CJK_FONT_PATHS = ("/nonexistent/wqy-microhei.ttc",)

    clip = make(recording, django_capture_on_commit_callbacks)

    assert clip.status == Video.Status.FAILED
    assert "fonts-wqy-microhei" in clip.failure_reason


def test_make_clip_renders_with_a_progress_bar(recording, capsys, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}

    call_command("make_clip", str(recording.pk), "--start", "0:02", "--end", "0:05.5", "--title", "物流公司招聘司机 C1")

    out, err = capsys.readouterr()
    clip = Video.objects.get(kind=Video.Kind.CLIP)
    assert clip.status == Video.Status.READY and (clip.clip_start, clip.clip_end) == (2.0, 5.5)
    assert "已生成" in out and "100%" in err


def test_make_clip_refuses_a_span_past_the_recording_with_the_reason(recording):
    with pytest.raises(Exception, match="超出") as refused:
        call_command("make_clip", str(recording.pk), "--start", "0:05", "--end", "1:00", "--title", "太长")

    assert type(refused.value).__name__ == "CommandError"
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


def test_on_s3_a_clip_reads_its_span_of_the_recording_in_place(
    s3_video_storage, recording_file, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        recording = ingest_file(recording_file, title="对象存储上的回放")
    recording.refresh_from_db()
    copied = []
    real_local_copy = storage.local_copy
    monkeypatch.setattr(storage, "local_copy", lambda name, work_dir: copied.append(name) or real_local_copy(name, work_dir))

    clip = make(recording, django_capture_on_commit_callbacks)

    assert clip.status == Video.Status.READY, clip.failure_reason
    assert recording.source not in copied
