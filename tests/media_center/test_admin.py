import json
import os
import re

import pytest
from django.core.files.storage import storages

from media_center import storage
from media_center.models import Video, VideoUpload
from media_center.uploads import CHUNK_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def start(client, name, size, title="直播荐岗回放"):
    return client.post(
        "/admin/video-uploads/start/",
        json.dumps({"filename": name, "size": size, "title": title}),
        content_type="application/json",
    )


def send(client, state, offset, data):
    return client.post(f"{state['chunk_url']}?offset={offset}", data, content_type="application/octet-stream")


def test_chunked_upload_resumes_after_a_dropped_chunk_and_becomes_a_ready_video(
    video_staff, small_video, django_capture_on_commit_callbacks
):
    data = small_video.read_bytes()
    state = start(video_staff, "回放.mp4", len(data)).json()
    assert state["mode"] == "local"
    half = len(data) // 2

    assert send(video_staff, state, 0, data[:half]).json() == {"received": half}
    conflict = send(video_staff, state, 0, data[:half])  # the browser retried a chunk the server already has
    assert conflict.status_code == 409 and conflict.json()["received"] == half
    assert video_staff.get(f"/admin/video-uploads/{state['key']}/").json()["received"] == half  # resume point
    send(video_staff, state, half, data[half:])
    with django_capture_on_commit_callbacks(execute=True):
        done = video_staff.post(state["complete_url"], "{}", content_type="application/json").json()

    video = Video.objects.get(pk=done["video"])
    assert video.status == Video.Status.READY, video.failure_reason
    assert video.title == "直播荐岗回放" and video.original_filename == "回放.mp4"
    assert storage.local_path_of(video.source).read_bytes() == data


def test_completing_before_every_byte_arrived_is_refused(video_staff, small_video):
    data = small_video.read_bytes()
    state = start(video_staff, "a.mp4", len(data)).json()
    send(video_staff, state, 0, data[:1000])
    response = video_staff.post(state["complete_url"], "{}", content_type="application/json")
    assert response.status_code == 400 and "还没有传完" in response.json()["error"]
    assert not Video.objects.exists()


def test_oversized_and_wrong_type_uploads_get_clear_messages(video_staff, settings):
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    assert "超过上限" in start(video_staff, "big.mp4", 5000).json()["error"]
    assert "不支持的文件类型「.exe」" in start(video_staff, "setup.exe", 10).json()["error"]
    assert not VideoUpload.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"filename": "a.mp4", "size": 1e400}',
        '{"filename": "a.mp4", "size": Infinity}',
        '{"filename": "a.mp4", "size": NaN}',
        '{"filename": "a.mp4", "size": -1}',
        '{"filename": "a.mp4", "size": "12"}',
        '{"filename": "a.mp4", "size": 12.5}',
        '{"filename": "a.mp4", "size": 1%s}' % ("0" * 400),
        '{"filename": "a.mp4", "size": 12, "title": "招聘\\u0000会"}',
        '{"filename": "a\\u0000.mp4", "size": 12}',
        '{"filename": "a\\ud800.mp4", "size": 12}',
        '{"filename": ["a.mp4"], "size": 12}',
    ],
)
def test_nonsense_in_an_upload_start_is_refused_with_a_message(video_staff, body):
    response = video_staff.post("/admin/video-uploads/start/", body, content_type="application/json")
    assert response.status_code == 400
    assert re.search("[\u4e00-\u9fff]", response.json()["error"])
    assert not VideoUpload.objects.exists()


def test_a_stored_chunk_damaged_on_disk_is_refused_at_completion_and_sent_again_from_there(video_staff, monkeypatch):
    monkeypatch.setattr("media_center.uploads.CHUNK_BYTES", 1000)
    data = os.urandom(2500)
    state = start(video_staff, "a.mp4", len(data)).json()
    for offset in (0, 1000, 2000):
        send(video_staff, state, offset, data[offset : offset + 1000])
    with open(storage.local_path_of(VideoUpload.objects.get().storage_name).with_suffix(".part"), "r+b") as part:
        part.seek(1500)
        part.write(bytes(10))

    refused = video_staff.post(state["complete_url"], "{}", content_type="application/json")
    assert refused.status_code == 409 and "校验不一致" in refused.json()["error"]
    assert refused.json()["received"] == 1000, "the chunk before the damage is kept"
    assert not Video.objects.exists()
    for offset in (1000, 2000):
        send(video_staff, state, offset, data[offset : offset + 1000])
    done = video_staff.post(state["complete_url"], "{}", content_type="application/json").json()
    assert storage.local_path_of(Video.objects.get(pk=done["video"]).source).read_bytes() == data


def test_chunk_larger_than_allowed_is_refused(video_staff):
    state = start(video_staff, "a.mp4", CHUNK_BYTES * 3).json()
    response = send(video_staff, state, 0, b"x" * (CHUNK_BYTES + 1))
    assert response.status_code == 400


def test_another_persons_upload_cannot_be_touched(video_staff, make_staff):
    state = start(video_staff, "a.mp4", 100).json()
    from django.test import Client

    other = Client()
    other.force_login(make_staff("shipin2", roles=["视频"]))
    assert send(other, state, 0, b"x" * 10).status_code == 404


def test_editors_cannot_upload_videos(client, make_staff):
    client.force_login(make_staff("bianji", columns=["laodongmei"]))
    assert start(client, "a.mp4", 100).status_code in (302, 403)
    assert not VideoUpload.objects.exists()


def test_upload_page_renders_for_video_staff(video_staff):
    html = video_staff.get("/admin/videos/new/").content.decode()
    assert 'id="video-upload"' in html and "断点继续" in html


def test_listing_shows_progress_and_failure_reasons(video_staff):
    Video.objects.create(title="转码中的视频", status=Video.Status.TRANSCODING, progress=0.42, eta_seconds=125, playable=True)
    Video.objects.create(title="坏视频", status=Video.Status.FAILED, failure_reason="这是一个音频文件，没有视频画面。")
    html = video_staff.get("/admin/videos/").content.decode()
    assert "42%，约剩 2 分 5 秒（已可边转边播）" in html
    assert "这是一个音频文件，没有视频画面。" in html


def test_listing_and_video_page_warn_of_a_replay_shorter_than_its_file(video_staff):
    warning = "文件不完整：标明时长 2:30，只有前 1:05 能解码，回放只包含这一部分。"
    video = Video.objects.create(title="断电的录像", status=Video.Status.READY, duration=65.0, warning=warning)
    listing = video_staff.get("/admin/videos/").content.decode()
    page = video_staff.get(f"/admin/videos/edit/{video.pk}/").content.decode()
    assert warning in listing and "1:05" in listing
    assert warning in page


def test_cancel_then_retry_from_the_admin(video_staff, ready_video, django_capture_on_commit_callbacks):
    Video.objects.filter(pk=ready_video.pk).update(status=Video.Status.TRANSCODING)
    video_staff.post(f"/admin/videos/{ready_video.pk}/cancel/")
    assert Video.objects.get(pk=ready_video.pk).status == Video.Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        video_staff.post(f"/admin/videos/{ready_video.pk}/retry/")

    video = Video.objects.get(pk=ready_video.pk)
    assert video.status == Video.Status.READY
    assert video.renditions.count() == 1


def test_chooser_offers_only_ready_videos(video_staff, ready_video):
    Video.objects.create(title="还在转码的视频", status=Video.Status.TRANSCODING)
    html = video_staff.get("/admin/video-chooser/").json()["html"]
    assert ready_video.title in html and "还在转码的视频" not in html


def test_s3_multipart_upload_completes_on_the_bucket(
    video_staff, s3_video_storage, small_video, django_capture_on_commit_callbacks
):
    import urllib.request

    data = small_video.read_bytes()
    state = start(video_staff, "直传.mp4", len(data)).json()
    assert state["mode"] == "s3"
    urls = video_staff.post(state["parts_url"], json.dumps({"numbers": [1]}), content_type="application/json").json()["urls"]
    put = urllib.request.Request(urls["1"], data=data, method="PUT")
    with urllib.request.urlopen(put, timeout=30) as response:
        etag = response.headers["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        done = video_staff.post(
            state["complete_url"], json.dumps({"parts": [{"PartNumber": 1, "ETag": etag}]}), content_type="application/json"
        ).json()

    video = Video.objects.get(pk=done["video"])
    assert video.status == Video.Status.READY, video.failure_reason
    assert storages["videos"].exists(video.master_playlist)
