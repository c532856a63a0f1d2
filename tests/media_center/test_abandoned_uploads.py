"""Uploads nobody finished: after a day of silence their files, their S3 multipart upload and their row go."""

import io
from datetime import timedelta

import pytest
import time_machine
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.utils import timezone

from media_center import storage, uploads
from media_center.models import VideoUpload

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader(make_staff):
    return make_staff("shipin", roles=["视频"])


def begin(user, size=100):
    return uploads.start(user, filename="招聘会.mp4", size=size, title="")


def part_of(upload):
    return storage.local_path_of(upload.storage_name).with_suffix(".part")


def after(**elapsed):
    return time_machine.travel(timezone.now() + timedelta(**elapsed))


def test_an_upload_silent_for_a_day_is_removed_with_its_part_file(uploader):
    upload = begin(uploader)
    uploads.append_chunk(upload, 0, io.BytesIO(bytes(10)), 10)

    with after(days=1, minutes=1):
        assert uploads.remove_abandoned() == 1

    assert not VideoUpload.objects.exists()
    assert not part_of(upload).parent.exists()


def test_an_upload_that_received_a_chunk_within_the_day_is_kept(uploader):
    upload = begin(uploader)
    with after(hours=20):
        uploads.append_chunk(upload, 0, io.BytesIO(bytes(10)), 10)
    with after(days=1, minutes=1):
        assert uploads.remove_abandoned() == 0
    assert part_of(upload).stat().st_size == 10


def test_an_upload_that_became_a_video_is_kept(uploader):
    upload = begin(uploader, size=10)
    uploads.append_chunk(upload, 0, io.BytesIO(bytes(10)), 10)
    video = uploads.complete(upload)

    with after(days=3):
        assert uploads.remove_abandoned() == 0
    assert VideoUpload.objects.get().video == video
    assert storage.exists(video.source)


def test_removing_again_or_after_the_part_file_vanished_is_harmless(uploader):
    upload = begin(uploader)
    part_of(upload).unlink()

    with after(days=2):
        assert uploads.remove_abandoned() == 1
        assert uploads.remove_abandoned() == 0
    assert not VideoUpload.objects.exists()


def test_an_abandoned_s3_upload_is_aborted_on_the_bucket(uploader, s3_video_storage):
    s3, bucket = s3_video_storage
    upload = begin(uploader)
    assert upload.mode == VideoUpload.Mode.S3
    s3.upload_part(Bucket=bucket, Key=upload.storage_name, UploadId=upload.s3_upload_id, PartNumber=1, Body=bytes(100))

    # the row is made old instead of the clock: S3 refuses requests signed a day off its own time
    VideoUpload.objects.filter(pk=upload.pk).update(updated_at=timezone.now() - timedelta(days=1, minutes=1))

    assert uploads.remove_abandoned() == 1

    with pytest.raises(ClientError) as gone:
        s3.list_parts(Bucket=bucket, Key=upload.storage_name, UploadId=upload.s3_upload_id)
    assert gone.value.response["Error"]["Code"] == "NoSuchUpload"
    assert not VideoUpload.objects.exists()


def test_the_scheduler_removes_abandoned_uploads(uploader, capsys):
    begin(uploader)
    with after(days=1, minutes=1):
        call_command("run_scheduler", "--once")
    assert "清理了 1 个" in capsys.readouterr().out
    assert not VideoUpload.objects.exists()
