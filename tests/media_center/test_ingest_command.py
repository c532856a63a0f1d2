import pytest
from django.core.management import CommandError, call_command

from media_center import storage
from media_center.models import Video

pytestmark = pytest.mark.django_db


def test_ingest_video_copies_the_file_and_processes_it(small_video, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest_video", str(small_video), "--title", "春风行动招聘会", "--public")

    video = Video.objects.get(title="春风行动招聘会")
    assert video.status == Video.Status.READY and video.is_public
    assert storage.local_path_of(video.source).read_bytes() == small_video.read_bytes()
    captured = capsys.readouterr()
    assert "已导入「春风行动招聘会」" in captured.out
    assert "100%" in captured.err  # the progress bar reached the end


def test_ingest_video_refuses_everything_when_one_file_is_bad(small_video, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("不是视频")
    with pytest.raises(CommandError, match="notes.txt：不支持的文件类型"):
        call_command("ingest_video", str(small_video), str(bad))
    assert not Video.objects.exists()


def test_ingest_video_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("ingest_video", str(tmp_path / "missing.mp4"))
