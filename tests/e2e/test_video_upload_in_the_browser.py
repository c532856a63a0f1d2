"""The admin's resumable upload, in Chromium: small chunks, one dropped on the way, a ready video at the end."""

import pytest

from columns.roles import assign_roles
from media_center import storage
from media_center.models import Video, VideoUpload
from tests.e2e.admin_session import PASSWORD, sign_in
from tests.factories import UserFactory
from tests.media import generate_video


@pytest.fixture
def video_staff(site_after_flush):
    user = UserFactory(username="shipin", password=PASSWORD)
    assign_roles(user, ["视频"])
    return user


def logged_in_page(new_page, live_server):
    page = new_page()
    sign_in(page, live_server.url, "shipin")
    return page


def test_upload_survives_a_dropped_chunk_and_the_video_becomes_ready(
    new_page, live_server, video_staff, tmp_path, monkeypatch, screenshot, isolated_video_storage
):
    monkeypatch.setattr("media_center.uploads.CHUNK_BYTES", 64 * 1024)
    source = generate_video(tmp_path / "招聘会.mp4", seconds=3)
    page = logged_in_page(new_page, live_server)

    dropped = []

    def drop_second_chunk(route):
        if "offset=65536" in route.request.url and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chunk/**", drop_second_chunk)
    page.goto(f"{live_server.url}/admin/videos/new/")
    page.fill("#video-title", "春风行动直播招聘会")
    page.set_input_files("#video-file", str(source))
    page.get_by_role("button", name="开始上传").click()
    page.wait_for_url("**/admin/videos/edit/*/", timeout=120_000)
    screenshot(page, "video-uploaded")

    assert dropped, "the test meant to drop a chunk"
    video = Video.objects.get(title="春风行动直播招聘会")
    assert video.original_filename == "招聘会.mp4"
    assert video.size_bytes == source.stat().st_size
    assert video.status == Video.Status.READY, video.failure_reason


def test_the_browser_continues_from_where_the_server_says_it_stands(
    new_page, live_server, video_staff, tmp_path, monkeypatch, isolated_video_storage
):
    """A chunk whose answer was lost is answered 409 on its retry; stored bytes damaged before completion
    are answered 409 by `complete`: both times the page sends again from the server's offset, unattended."""
    monkeypatch.setattr("media_center.uploads.CHUNK_BYTES", 64 * 1024)
    source = generate_video(tmp_path / "招聘会.mp4", seconds=3)
    page = logged_in_page(new_page, live_server)
    lost, damaged = [], []

    def lose_the_answer_to_the_second_chunk(route):
        if "offset=65536" in route.request.url and not lost:
            lost.append(route.fetch().status)  # the server stores it; the browser never hears so
            route.abort("connectionreset")
        else:
            route.continue_()

    def damage_the_stored_file_before_completing(route):
        if not damaged:
            with open(storage.local_path_of(VideoUpload.objects.get().storage_name).with_suffix(".part"), "r+b") as part:
                part.seek(100_000)
                damaged.append(part.read(10))
                part.seek(100_000)
                part.write(bytes(b ^ 0xFF for b in damaged[0]))
        route.continue_()

    page.route("**/chunk/**", lose_the_answer_to_the_second_chunk)
    page.route("**/complete/", damage_the_stored_file_before_completing)
    page.goto(f"{live_server.url}/admin/videos/new/")
    page.fill("#video-title", "断点续传")
    page.set_input_files("#video-file", str(source))
    page.get_by_role("button", name="开始上传").click()
    page.wait_for_url("**/admin/videos/edit/*/", timeout=120_000)

    assert lost == [200] and len(damaged[0]) == 10, "the test meant to lose an answer and damage the file"
    video = Video.objects.get(title="断点续传")
    assert storage.local_path_of(video.source).read_bytes() == source.read_bytes()
