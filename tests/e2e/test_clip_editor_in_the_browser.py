"""The clip editor in Chromium: mark a span with the player's buttons, make the clip, watch it play."""

import pytest
from django.urls import reverse

from columns.roles import assign_roles
from media_center.ingest import ingest_file
from media_center.models import Video
from tests.e2e.admin_session import PASSWORD, sign_in
from tests.factories import UserFactory
from tests.media import generate_video


@pytest.fixture
def video_staff(site_after_flush):
    user = UserFactory(username="shipin", password=PASSWORD)
    assign_roles(user, ["视频"])
    return user


@pytest.fixture
def recording(tmp_path, isolated_video_storage, site_after_flush):
    video = ingest_file(generate_video(tmp_path / "zhibo.mp4", seconds=10, size="640x360"), title="直播荐岗回放")
    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.failure_reason
    return video


def test_marking_a_span_with_the_player_makes_a_clip_that_plays(new_page, live_server, video_staff, recording, screenshot):
    page = new_page()
    sign_in(page, live_server.url, "shipin")

    page.goto(live_server.url + reverse("media_center_videos:clip", args=(recording.pk,)))
    player = page.locator(".player video")
    page.get_by_role("button", name="播放 / 暂停").click()
    page.wait_for_function("() => document.querySelector('.player video').currentTime > 1.2", timeout=30_000)
    page.get_by_role("button", name="播放 / 暂停").click()
    page.wait_for_function("() => document.querySelector('.player video').paused")
    page.get_by_role("button", name="设为起点").click()
    start = player.evaluate("video => video.currentTime")
    for _ in range(3):
        page.get_by_role("button", name="+1 秒").click()
    page.get_by_role("button", name="+1 帧").click()
    page.wait_for_function(f"() => document.querySelector('.player video').currentTime > {start + 3}")
    page.get_by_role("button", name="设为终点").click()
    page.locator("input[name='clips-0-title']").fill("新能源企业招聘焊工 月薪6000-8000元")

    assert page.locator("[data-length]").first.inner_text().startswith("0:03.04")
    page.wait_for_function(  # the band preview follows the title typed
        "() => (image => image.src.includes('title=%E6') && image.complete && image.naturalWidth === 270)"
        "(document.querySelector('[data-preview-image]'))"
    )
    screenshot(page, "clip-editor")
    with page.expect_navigation(url="**/admin/clips/", timeout=120_000):  # tests render inline, in the request
        page.get_by_role("button", name="生成短视频").click(timeout=120_000)

    clip = Video.objects.get(kind=Video.Kind.CLIP)
    assert clip.status == Video.Status.READY, clip.failure_reason
    assert abs(clip.clip_start - start) < 0.02 and abs(clip.clip_end - clip.clip_start - 3.04) < 0.02
    page.goto(live_server.url + reverse("media_center_clips:edit", args=(clip.pk,)))
    assert "可播放" in page.locator("#video-status-heading + p").inner_text()
    preview = page.locator(".player video")
    preview.evaluate("video => { video.muted = true; return video.play(); }")
    page.wait_for_function("() => document.querySelector('.player video').currentTime > 0.5", timeout=30_000)
    assert preview.evaluate("video => video.videoHeight") > preview.evaluate("video => video.videoWidth")
    screenshot(page, "clip-ready")
