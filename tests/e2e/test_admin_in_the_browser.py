"""The admin's own screens in Chromium: what its JavaScript fills in, draws or plays."""

import re

import pytest

from columns.models import ArticlePage, SeriesPage
from columns.roles import assign_roles
from media_center.ingest import ingest_file
from tests.e2e.test_review_in_the_browser import PASSWORD, log_in
from tests.factories import UserFactory
from tests.media import generate_video


@pytest.fixture
def editor(site_after_flush):
    user = UserFactory(username="bianji", password=PASSWORD, first_name="晓雯", last_name="李")
    assign_roles(user, column_slugs=["laodongmei"])
    return user


@pytest.fixture
def video_staff(site_after_flush):
    user = UserFactory(username="shipin", password=PASSWORD)
    assign_roles(user, ["视频"])
    return user


@pytest.fixture
def private_video(site_after_flush, tmp_path, isolated_video_storage):
    video = ingest_file(generate_video(tmp_path / "内部.mp4", seconds=6), title="内部审看的视频")
    video.refresh_from_db()
    assert video.status == "ready" and not video.is_public, video.failure_reason
    return video


def test_a_new_article_with_a_chinese_title_gets_the_short_dated_slug(new_page, live_server, editor):
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    page = new_page()
    log_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/pages/add/columns/articlepage/{series.pk}/")
    page.locator("#id_title").press_sequentially("劳模工作室里的春天：三十年焊花映初心")
    page.locator("#id_title").blur()
    page.fill("#id_author", "李晓雯")
    page.fill("#id_editor_in_charge", "王敏")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit/")

    assert re.fullmatch(r"\d{8}-[a-z0-9]{4}", ArticlePage.objects.get().slug)


def test_sidebar_shows_the_editors_whole_name(new_page, live_server, editor):
    page = new_page()
    log_in(page, live_server, editor.username)
    assert page.locator(".sidebar-footer__account-label").inner_text() == "李晓雯"


def test_video_staff_see_posters_and_preview_a_private_video_without_counting_a_play(
    new_page, live_server, video_staff, private_video, screenshot
):
    page = new_page()
    log_in(page, live_server, video_staff.username)
    page.goto(f"{live_server.url}/admin/videos/")
    poster = page.locator("td img").first
    poster.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=poster.element_handle())

    beacons = []
    page.on("request", lambda request: beacons.append(request.url) if "/stats/hit/" in request.url else None)
    page.goto(f"{live_server.url}/admin/videos/edit/{private_video.pk}/")
    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine === 'hls.js'")
    page.evaluate("() => { const video = document.querySelector('figure.player video'); video.muted = true; video.play(); }")
    page.wait_for_function("() => document.querySelector('figure.player video').currentTime > 1", timeout=30_000)
    screenshot(page, "admin-video-preview")
    assert beacons == [], "staff previewing a video are not counted as a play"
