"""Sending pages to the Official Account: by hand from the page (「发布到平台」), by a rule once 三审 has passed,
a job fair with its clips, and the administrators' configuration tasks."""

import pytest
from django.test import Client

from distribution.models import Channel, ChannelAccount, Distribution, DistributionRule
from distribution.publishing import distribute
from tests.admin_driver import PageEditor
from tests.factories import ArticlePageFactory
from tests.jobfairs.factories import JobFairPageFactory
from tests.media_center.factories import ClipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]
Status = Distribution.Status


@pytest.fixture
def final_reviewer(make_staff):
    client = Client()
    client.force_login(make_staff("zhongshen", roles=["终审"]))
    return client


@pytest.fixture
def administrator(make_staff):
    client = Client()
    client.force_login(make_staff("guanli", roles=["管理员"]))
    return client


@pytest.fixture
def official_account(db):
    return ChannelAccount.objects.create(
        channel=Channel.WECHAT, name="淮安市总工会", client_key="wx0123456789abcdef", client_secret="secret"
    )


def send_page(client, page, **fields):
    return client.post(f"/admin/distribution/send-page/{page.pk}/", {"title": "", "digest": "", **fields}, follow=True)


def test_a_final_reviewer_sends_a_published_article_from_its_page(final_reviewer, official_account):
    article = ArticlePageFactory(title="职工书屋开放啦")
    assert "发布到公众号" in final_reviewer.get(f"/admin/distribution/send-page/{article.pk}/").text
    response = send_page(final_reviewer, article, account=official_account.pk, digest="周末也开放。")
    row = Distribution.objects.get()
    assert (row.page_id, row.account, row.digest, row.status) == (article.pk, official_account, "周末也开放。", Status.QUEUED)
    assert "已排队发布到" in response.text


def test_the_newest_pages_are_offered_on_the_list_to_those_who_send(final_reviewer, official_account, make_staff):
    article = ArticlePageFactory(title="职工书屋开放啦")
    hidden = ArticlePageFactory(title="还没发布", live=False)
    page = final_reviewer.get("/admin/distribution/").text
    assert f"/admin/distribution/send-page/{article.pk}/" in page and hidden.title not in page
    editor = Client()
    editor.force_login(make_staff("bianji", columns=["laodongmei"]))
    assert "/admin/distribution/send-page/" not in editor.get("/admin/distribution/").text


def test_sending_twice_makes_no_second_distribution(final_reviewer, official_account):
    article = ArticlePageFactory()
    send_page(final_reviewer, article, account=official_account.pk)
    response = send_page(final_reviewer, article, account=official_account.pk, title="新标题")
    assert Distribution.objects.count() == 1 and Distribution.objects.get().title == "新标题"
    assert "已排队" in response.text


def test_a_title_for_the_channel_over_its_limit_is_refused_by_the_form(final_reviewer, official_account):
    article = ArticlePageFactory()
    response = send_page(final_reviewer, article, account=official_account.pk, title="职" * 33)
    assert "32" in response.text and not Distribution.objects.exists()


def test_a_stopped_distribution_is_sent_again_with_the_new_title(final_reviewer, official_account):
    article = ArticlePageFactory(title="职" * 40)
    row = distribute(article, official_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.FAILED, last_error="标题有 40 字")
    send_page(final_reviewer, article, account=official_account.pk, title="职工书屋开放")
    old, new = Distribution.objects.order_by("pk")
    assert (old.active, new.active, new.title, new.status) == (False, True, "职工书屋开放", Status.QUEUED)


def test_an_unpublished_page_cannot_be_sent(administrator, official_account):
    article = ArticlePageFactory(live=False)
    response = send_page(administrator, article, account=official_account.pk)
    assert "已发布且公开可读" in response.text and not Distribution.objects.exists()


def test_a_page_nobody_may_read_is_not_shown_to_staff_who_cannot_edit_it(final_reviewer, official_account):
    article = ArticlePageFactory(live=False, title="还在写的稿子")
    response = final_reviewer.get(f"/admin/distribution/send-page/{article.pk}/")
    assert response.status_code == 404 and "还在写的稿子" not in response.text


def test_video_staff_send_clips_but_not_articles_under_the_unions_name(make_staff, official_account):
    video_staff = Client()
    video_staff.force_login(make_staff("shipin", roles=["视频"]))
    article = ArticlePageFactory()
    assert '<form method="post" novalidate>' not in video_staff.get(f"/admin/distribution/send-page/{article.pk}/").text
    send_page(video_staff, article, account=official_account.pk)
    assert not Distribution.objects.exists()


def test_an_editor_sees_where_a_page_went_but_cannot_send_it(make_staff, official_account):
    editor = Client()
    editor.force_login(make_staff("bianji", columns=["laodongmei"]))
    article = ArticlePageFactory()
    distribute(article, official_account)
    page = editor.get(f"/admin/distribution/send-page/{article.pk}/").text
    assert "淮安市总工会" in page and '<form method="post" novalidate>' not in page
    send_page(editor, article, account=official_account.pk)
    assert Distribution.objects.count() == 1


def test_a_clip_account_does_not_take_a_page_nor_an_article_account_a_clip(official_account, approved_clip, douyin_account):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="只发布文章"):
        distribute(approved_clip, official_account)
    with pytest.raises(ValidationError, match="只发布短视频"):
        distribute(ArticlePageFactory(), douyin_account)


def test_a_job_fair_goes_out_with_its_approved_clips(final_reviewer, official_account, approved_clip, douyin_account):
    fair = JobFairPageFactory()
    replay = approved_clip.clip_of
    JobFairPageFactory._meta.model.objects.filter(pk=fair.pk).update(replay=replay)
    pending = ClipFactory(title="待审短视频", clip_of=replay)
    page = final_reviewer.get(f"/admin/distribution/send-page/{fair.pk}/").text
    assert approved_clip.title in page and "待审短视频" not in page
    send_page(final_reviewer, fair, account=official_account.pk, clips=[approved_clip.pk], clip_accounts=[douyin_account.pk])
    assert Distribution.objects.filter(page=fair, account=official_account).exists()
    assert Distribution.objects.filter(video=approved_clip, account=douyin_account).exists()
    assert not Distribution.objects.filter(video=pending).exists()


def reviewed_article(make_staff, series, title):
    people = {
        role: PageEditor(Client(), make_staff(name, roles=[role]))
        for name, role in (("chushen", "初审"), ("fushen", "复审"), ("zhongshen2", "终审"))
    }
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title=title)
    from columns.models import ArticlePage

    article = ArticlePage.objects.get(title=title)
    for role in ("初审", "复审", "终审"):
        people[role].approve(article)
    article.refresh_from_db()
    assert article.live
    return article


def test_a_rule_sends_an_article_once_three_reviews_published_it(make_staff, series, official_account):
    DistributionRule.objects.create(section=series.get_parent(), account=official_account)
    article = reviewed_article(make_staff, series, "劳模工匠进校园")
    row = Distribution.objects.get()
    assert row.page_id == article.pk and row.rule is not None and row.status == Status.QUEUED


def test_a_rule_leaves_a_publication_without_three_reviews_alone(series, official_account):
    DistributionRule.objects.create(section=series, account=official_account)
    ArticlePageFactory(parent=series)  # published directly, as an administrator's urgent correction is
    assert not Distribution.objects.exists()


def test_a_rule_for_a_clip_channel_sends_no_pages(make_staff, series, douyin_account):
    DistributionRule.objects.create(section=series, account=douyin_account)
    reviewed_article(make_staff, series, "职工运动会")
    assert not Distribution.objects.exists()


def test_a_configuration_task_is_listed_and_retried_once_an_administrator_fixed_it(administrator, official_account):
    rows = [distribute(ArticlePageFactory(), official_account)[0] for _ in range(2)]
    Distribution.objects.update(status=Status.NEEDS_CONFIG)
    ChannelAccount.objects.filter(pk=official_account.pk).update(config_problem="公众号没有发布接口权限：请完成微信认证")
    index = administrator.get("/admin/distribution/").text
    assert "需要管理员处理" in index and "请完成微信认证" in index
    response = administrator.post(f"/admin/distribution/accounts/{official_account.pk}/configured/", follow=True)
    assert "已重新排队 2 条分发" in response.text
    assert {row.status for row in Distribution.objects.filter(pk__in=[row.pk for row in rows])} == {Status.RETRYING}
    official_account.refresh_from_db()
    assert official_account.config_problem == ""


def test_only_an_administrator_marks_a_configuration_task_done(final_reviewer, official_account):
    ChannelAccount.objects.filter(pk=official_account.pk).update(config_problem="IP 不在白名单")
    assert "已处理，重试" not in final_reviewer.get("/admin/distribution/").text
    final_reviewer.post(f"/admin/distribution/accounts/{official_account.pk}/configured/")
    official_account.refresh_from_db()
    assert official_account.config_problem == "IP 不在白名单"


def test_a_wechat_account_has_no_douyin_authorisation_button(administrator, official_account):
    page = administrator.get(f"/admin/distribution/accounts/edit/{official_account.pk}/").text
    assert "连接抖音" not in page and "/connect/" not in page


def test_new_credentials_drop_the_old_token_and_retry_what_waited_for_them(administrator, official_account):
    row = distribute(ArticlePageFactory(), official_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.NEEDS_CONFIG)
    ChannelAccount.objects.filter(pk=official_account.pk).update(config_problem="IP 不在白名单", access_token="old")
    administrator.post(
        f"/admin/distribution/accounts/edit/{official_account.pk}/",
        {"channel": "wechat", "name": "淮安市总工会", "client_key": "wx0123456789abcdef", "client_secret": "new-secret"},
    )
    official_account.refresh_from_db()
    assert (official_account.client_secret, official_account.access_token, official_account.config_problem) == (
        "new-secret", "", "",
    )  # fmt: skip
    row.refresh_from_db()
    assert row.status == Status.RETRYING
