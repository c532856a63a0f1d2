"""The live position shelf in Chromium, both sides on a phone: staff beside the host press 「正在讲解」
on one page, and a job seeker's fair page pins that position within five seconds, without reloading."""

from datetime import timedelta

import pytest
from django.utils import timezone

from columns.roles import assign_roles
from tests.e2e.admin_session import sign_in
from tests.factories import UserFactory
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

PHONE = {"width": 390, "height": 844}
PIN_WITHIN_MS = 5_000


@pytest.fixture
def fair_on_air(site_after_flush):
    start = timezone.now() - timedelta(minutes=20)
    positions = [
        complete_position(employer=EmployerFactory(name="淮安精工机械有限公司"), job_title="数控车床操作工"),
        complete_position(employer=EmployerFactory(name="苏北快运物流有限公司"), job_title="叉车司机"),
        complete_position(employer=EmployerFactory(name="清江浦区人民医院"), job_title="护理员"),
    ]
    return JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions)


def press(shelf, title):
    shelf.locator(".shelf-positions li", has_text=title).get_by_role("button").click()
    shelf.wait_for_selector(f".shelf-current:has-text('{title}')")


def test_the_pinned_position_follows_the_presses_of_staff(new_page, live_server, fair_on_air, screenshot):
    staff = UserFactory(username="xianchang")
    assign_roles(staff, ["视频"])
    shelf = sign_in(new_page(PHONE), live_server.url, "xianchang")
    shelf.goto(f"{live_server.url}/admin/fair-shelf/{fair_on_air.pk}/")
    reader = new_page(PHONE)
    reader.goto(live_server.url + fair_on_air.url)
    pinned = reader.locator(".now-presenting")
    assert pinned.is_hidden()

    press(shelf, "叉车司机")
    reader.wait_for_selector(".now-presenting:has-text('叉车司机')", timeout=PIN_WITHIN_MS)
    assert "苏北快运物流有限公司" in pinned.inner_text()
    assert reader.locator(".position-item.presenting").inner_text().startswith("叉车司机")
    screenshot(shelf, "position-shelf-staff-phone")
    screenshot(reader, "position-shelf-reader-phone")

    press(shelf, "护理员")
    reader.wait_for_selector(".now-presenting:has-text('护理员')", timeout=PIN_WITHIN_MS)
    interest = pinned.get_by_role("link", name="我感兴趣")
    assert interest.get_attribute("href").endswith(
        f"/interest/{fair_on_air.pk}/?position={fair_on_air.positions_in_order()[2].pk}"
    )
    pinned.locator("a").first.click()
    reader.wait_for_url(f"**{fair_on_air.url}positions/3/")

    reader.go_back()
    shelf.get_by_role("button", name="讲解结束").click()
    reader.wait_for_selector(".now-presenting", state="hidden", timeout=PIN_WITHIN_MS)
    assert reader.locator(".position-item.presenting").count() == 0
