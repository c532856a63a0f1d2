"""Video staff mark where the replay presents a position with the player's buttons, in Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from columns.roles import assign_roles
from jobfairs.models import PositionMoment
from media_center.ingest import ingest_file
from media_center.models import Video
from tests.e2e.admin_session import PASSWORD, sign_in
from tests.factories import UserFactory
from tests.jobfairs.factories import JobFairPageFactory, complete_position
from tests.media import generate_video


@pytest.fixture
def fair(site_after_flush, tmp_path, isolated_video_storage):
    replay = ingest_file(generate_video(tmp_path / "fair.mp4", seconds=10, size="640x360"), title="招聘会回放", is_public=True)
    replay.refresh_from_db()
    assert replay.status == Video.Status.READY, replay.failure_reason
    start = timezone.now() - timedelta(days=1)
    positions = [complete_position(job_title="数控车床操作工"), complete_position(job_title="叉车司机")]
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions, replay=replay)


def test_marking_a_position_on_the_replay_with_the_players_buttons(new_page, live_server, fair, screenshot):
    user = UserFactory(username="shipin", password=PASSWORD)
    assign_roles(user, ["视频"])
    page = new_page()
    sign_in(page, live_server.url, "shipin")

    page.get_by_role("link", name="招聘会回放").first.click()
    page.get_by_role("link", name=fair.title).click()
    row = page.locator("[data-moment-row]", has_text="叉车司机")
    for _ in range(2):
        page.get_by_role("button", name="+1 秒").click()
    page.wait_for_function("() => document.querySelector('.player video').currentTime >= 2")
    row.get_by_role("button", name="设为起点").click()
    for _ in range(4):
        page.get_by_role("button", name="+1 秒").click()
    page.wait_for_function("() => document.querySelector('.player video').currentTime >= 6")
    row.get_by_role("button", name="设为终点").click()
    assert row.locator("[data-start-clock]").inner_text() == "0:02"
    assert row.locator("[data-end-clock]").inner_text() == "0:06"
    screenshot(page, "replay-positions")
    page.get_by_role("button", name="保存讲解时段").click()
    page.wait_for_selector("text=已保存岗位讲解时段")

    moment = PositionMoment.objects.get()
    assert moment.position.job_title == "叉车司机" and (moment.start, moment.end) == (2.0, 6.0)
    assert row.locator("[data-start-clock]").inner_text() == "0:02"  # read back from the saved times
