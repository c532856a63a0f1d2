"""The channels in Chromium: an approved clip sent to Douyin and followed, an article sent to the Official
Account (refused where too long, sent with the channel's own digest), a clip posted on 视频号 by hand with
its package, and the 传播 report; against the stand-ins."""

import zipfile

from django.utils import timezone

from columns.roles import assign_roles
from distribution.models import Channel, ChannelAccount
from tests.e2e.admin_session import sign_in
from tests.factories import ArticlePageFactory, UserFactory


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


def test_an_article_is_sent_to_the_official_account_from_its_editor_and_from_the_list(
    site_after_flush, new_page, live_server, wechat_account, wechat, cover_image, screenshot
):
    article = ArticlePageFactory(title="市总工会春送岗位两千个", summary="摘" * 200, cover_image=cover_image)
    assign_roles(UserFactory(username="guanli"), ["管理员"])
    page = sign_in(new_page(), live_server.url, "guanli")
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.locator("header").get_by_role("button", name="动作").first.click()
    page.get_by_role("link", name="发布到平台").click()
    page.wait_for_selector("text=发布到公众号")
    assign_roles(UserFactory(username="zhongshen"), ["终审"])
    page = sign_in(new_page(), live_server.url, "zhongshen")
    page.goto(f"{live_server.url}/admin/distribution/")
    page.get_by_role("link", name=article.title).click()
    page.get_by_role("button", name="发布", exact=True).click()
    row = page.locator("tr", has_text=article.title)
    assert "发布失败" in row.inner_text() and "128" in row.inner_text()  # the summary is too long: refused, named
    page.get_by_label("公众号摘要").fill("两千个岗位送到家门口。")
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_selector("text=已排队发布到")
    assert "平台审核中" in page.locator("tr", has_text=article.title).first.inner_text()
    (draft,) = [item for item in wechat.state.drafts.values()]
    assert draft.articles[0]["digest"] == "两千个岗位送到家门口。" and wechat.state.violations == []
    screenshot(page, "article-sent-to-official-account")


def test_video_staff_post_a_clip_on_channels_by_hand_and_confirm_its_link(
    new_page, live_server, probed_clip, screenshot, tmp_path
):
    ChannelAccount.objects.create(channel=Channel.CHANNELS, name="淮安市总工会视频号")
    assign_roles(UserFactory(username="shipin"), ["视频"])
    page = sign_in(new_page(), live_server.url, "shipin")
    page.goto(f"{live_server.url}/admin/clips/edit/{probed_clip.pk}/")
    panel = page.locator("section", has_text="平台分发")
    panel.get_by_label("发布到").select_option(label="微信视频号 · 淮安市总工会视频号")
    panel.get_by_role("button", name="发布", exact=True).click()
    row = page.locator("tr", has_text="淮安市总工会视频号")
    assert "待人工发布" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="下载视频号发布包").click()
    saved = tmp_path / "package.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert sorted(name.rsplit(".", 1)[-1] for name in archive.namelist()) == ["jpg", "mp4", "txt"]
    row.get_by_label("作品链接或视频 ID").fill("javascript:alert(1)")
    row.get_by_role("button", name="已人工发布").click()
    page.wait_for_selector("text=请粘贴视频号作品")
    row = page.locator("tr", has_text="淮安市总工会视频号")
    row.get_by_label("作品链接或视频 ID").fill("https://weixin.qq.com/sph/AbCdEf123")
    row.get_by_role("button", name="已人工发布").click()
    row = page.locator("tr", has_text="淮安市总工会视频号")
    assert "已发布" in row.inner_text() and row.get_by_role("link", name="查看作品").count() == 1
    screenshot(page, "clip-posted-on-channels")


def test_the_spread_report_draws_its_chart_and_exports_csv(site_after_flush, new_page, live_server, tmp_path, screenshot):
    from stats.models import DailyCount

    article = ArticlePageFactory()
    DailyCount.objects.create(day=timezone.localdate(), kind=DailyCount.Kind.PAGE, object_id=article.pk, count=42)
    assign_roles(UserFactory(username="guanli"), ["管理员"])
    page = sign_in(new_page(), live_server.url, "guanli")
    page.goto(f"{live_server.url}/admin/distribution/report/")
    assert page.locator("svg.spread-chart").is_visible() and "42" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    saved = tmp_path / "report.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf") and "42" in saved.read_text("utf-8-sig")
    screenshot(page, "spread-report")
