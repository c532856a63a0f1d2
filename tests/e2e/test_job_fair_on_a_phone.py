"""A job fair as job seekers see it on a 390×844 phone, in Chromium: the countdown that turns into
the live rooms, the replay that seeks to a position, the filters without JavaScript, the printable list."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jobfairs.models import PositionMoment
from media_center.ingest import ingest_file
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position
from tests.media import generate_video

PHONE = {"width": 390, "height": 844}


def positions():
    machines = EmployerFactory(name="淮安精工机械有限公司", industry="制造业")
    logistics = EmployerFactory(name="苏北快运物流有限公司", industry="交通运输")
    return [
        complete_position(employer=machines, job_title="数控车床操作工", district="清江浦区"),
        complete_position(employer=logistics, job_title="叉车司机", district="淮阴区", pay_min=5500, pay_max=7000),
        complete_position(employer=logistics, job_title="仓库分拣员", district="淮阴区", pay_min=4000, pay_max=5000),
    ]


@pytest.fixture
def replayed_fair(site_after_flush, tmp_path, isolated_video_storage):
    video = ingest_file(generate_video(tmp_path / "fair.mp4", seconds=8), title="春风行动招聘会回放", is_public=True)
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    start = timezone.now() - timedelta(days=1)
    fair = JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions(), replay=video)
    for position, (begin, end) in zip(fair.positions.order_by("sort_order"), [(1.0, 3.0), (5.0, 7.5)]):
        PositionMoment.objects.create(position=position, replay=video, start=begin, end=end)
    return fair


def fits_the_screen(page):
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_the_countdown_turns_into_the_live_rooms_at_the_start(new_page, live_server, site_after_flush, screenshot):
    start = timezone.now() + timedelta(seconds=6)
    fair = JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2), positions=positions())
    page = new_page(PHONE)
    page.goto(live_server.url + fair.url)
    countdown = page.locator(".fair-countdown .countdown")
    assert countdown.inner_text().startswith("距开播还有") and countdown.inner_text().endswith("秒")
    assert page.locator(".live-room-qr svg").count() == 1
    assert fits_the_screen(page)
    screenshot(page, "fair-countdown-phone")

    page.wait_for_selector(".fair-live", timeout=20_000)  # the page reloads itself at the start
    assert "正在直播" in page.locator(".fair-live h2").inner_text()
    assert page.locator(".live-rooms-big .live-room-link").get_attribute("href") == "https://v.douyin.com/abc123/"
    assert page.locator(".fair-countdown").count() == 0
    screenshot(page, "fair-live-phone")


def test_tapping_a_position_seeks_the_replay_to_where_it_is_presented(new_page, live_server, replayed_fair, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + replayed_fair.url)
    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine")
    assert page.locator(".chapters li").all_inner_texts() == [
        "00:01 淮安精工机械有限公司 数控车床操作工",
        "00:05 苏北快运物流有限公司 叉车司机",
    ]
    page.evaluate("document.querySelector('video').muted = true")
    page.locator(".position-item", has_text="叉车司机").get_by_role("button", name="看讲解").click()
    page.wait_for_function("() => document.querySelector('video').currentTime >= 5", timeout=30_000)
    page.wait_for_selector(".chapters li.current:has-text('叉车司机')", timeout=30_000)
    assert page.locator(".position-item", has_text="仓库分拣员").get_by_role("button", name="看讲解").count() == 0
    assert fits_the_screen(page)
    screenshot(page, "fair-replay-phone")

    page.get_by_role("link", name="00:01 淮安精工机械有限公司 数控车床操作工").click()
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 1) < 1")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_filters_narrow_the_positions(browser, live_server, replayed_fair, screenshot, javascript):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(live_server.url + replayed_fair.url)
        page.get_by_label("工作地点").select_option("淮阴区")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url("**district=*")
        titles = page.locator(".position-item .position-title").all_inner_texts()
        assert titles == ["叉车司机", "仓库分拣员"]
        assert "符合条件的岗位：2个" in page.locator(".filter-count").inner_text()
        screenshot(page, f"fair-filtered-phone-{'js' if javascript else 'no-js'}")
        page.get_by_role("link", name="清除筛选").click()
        assert page.locator(".position-item").count() == 3
    finally:
        context.close()


def test_a_position_opens_its_own_page(new_page, live_server, replayed_fair):
    page = new_page(PHONE)
    page.goto(live_server.url + replayed_fair.url)
    page.get_by_role("link", name="仓库分拣员").click()
    page.wait_for_url("**/positions/3/")
    assert page.locator("h1").inner_text() == "仓库分拣员"
    assert "苏北快运物流有限公司" in page.locator("dl.position-facts").inner_text()
    assert fits_the_screen(page)


def test_the_printable_list_prints_on_a4_with_every_position_and_the_qr_code(new_page, live_server, replayed_fair, screenshot):
    page = new_page(PHONE)
    page.add_init_script("window.print = () => { window.printed = true; };")  # the dialog, as the button calls it
    page.goto(live_server.url + replayed_fair.url)
    page.get_by_role("link", name="打印岗位清单").click()
    page.wait_for_url("**/print/")
    page.get_by_role("button", name="打印").click()
    page.wait_for_function("() => window.printed === true")
    page.emulate_media(media="print")
    assert page.locator("tbody tr").count() == 3
    assert page.locator(".fair-qr svg").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()  # the screen's buttons are not printed
    pdf = page.pdf(prefer_css_page_size=True)
    width, height = (float(value) for value in re.search(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert width == pytest.approx(595.28, abs=1) and height == pytest.approx(841.89, abs=1)  # A4 in points
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1  # three positions: one sheet
    screenshot(page, "fair-printable-list")
