"""Sending an approved clip to Douyin from its page in Chromium: the button, the queued post, then its
state on the clip's page and in 平台分发, against the Douyin stand-in."""

from columns.roles import assign_roles
from tests.e2e.admin_session import sign_in
from tests.factories import UserFactory


def test_video_staff_send_a_clip_to_douyin_and_follow_it(
    new_page, live_server, approved_clip, douyin_account, douyin, screenshot
):
    assign_roles(UserFactory(username="shipin"), ["视频"])
    page = sign_in(new_page(), live_server.url, "shipin")
    page.goto(f"{live_server.url}/admin/clips/edit/{approved_clip.pk}/")
    panel = page.locator("section", has_text="平台分发")
    panel.get_by_label("标题与话题").fill("春风行动·焊工岗位月薪八千 #春风行动")
    panel.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_selector("text=已排队发布到")
    assert "平台审核中" in panel.inner_text()  # the worker ran it at once here: posted, in the channel's review
    (item,) = douyin.state.items.values()
    assert item.title == "春风行动·焊工岗位月薪八千 #春风行动"
    screenshot(page, "clip-sent-to-douyin")

    page.get_by_role("link", name="平台分发").first.click()
    row = page.locator("tr", has_text=approved_clip.title)
    assert "平台审核中" in row.inner_text() and "淮安市总工会抖音号" in row.inner_text()
    page.get_by_label("状态").select_option("published")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("tr", has_text=approved_clip.title).count() == 0
