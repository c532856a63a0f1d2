"""The same upload → ready → playable flow with the videos in S3 (a real SeaweedFS server)."""

import urllib.error
import urllib.request

import pytest

from media_center import storage
from media_center.ingest import ingest_file
from media_center.models import Video

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # ffmpeg and storage: the database engine changes nothing here


def test_upload_to_ready_to_playable_on_s3(s3_video_storage, small_video, client, django_capture_on_commit_callbacks):
    s3, bucket = s3_video_storage
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(small_video, title="对象存储里的视频")
    video.refresh_from_db()

    assert video.status == Video.Status.READY, video.failure_reason
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=video.prefix)["Contents"]}
    assert {video.source, video.master_playlist, f"{video.prefix}/mp4/360p.mp4", video.poster} <= keys
    assert not [key for key in keys if "/work/" in key]
    assert storage.local_path_of(video.master_playlist) is None

    video.is_public = True
    video.save()
    variant_url = [
        line
        for line in client.get(f"/videos/{video.pk}/master.m3u8").content.decode().splitlines()
        if line and not line.startswith("#")
    ][0]
    segment_url = [line for line in client.get(variant_url).content.decode().splitlines() if line and not line.startswith("#")][0]
    assert segment_url.startswith("http://127.0.0.1:") and "X-Amz-Signature=" in segment_url
    with urllib.request.urlopen(segment_url, timeout=10) as response:
        assert response.status == 200 and response.read(1) == b"G"


def test_anonymous_get_on_the_bucket_is_refused(s3_video_storage):
    s3, bucket = s3_video_storage
    s3.put_object(Bucket=bucket, Key="videos/1/hls/master.m3u8", Body=b"#EXTM3U\n")
    endpoint = s3.meta.endpoint_url
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{bucket}/videos/1/hls/master.m3u8", timeout=10)
    assert refused.value.code == 403
