"""Sending clips: by hand from the clip's page, by a rule when 终审 approves, and the list's actions."""

import pytest
from django.utils import timezone
from wagtail.models import Page

from distribution.models import Distribution, DistributionRule
from distribution.publishing import distribute
from media_center import clips
from media_center.models import Video
from tests.distribution import douyin_standin as standin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]
Status = Distribution.Status


@pytest.fixture
def video_staff(client, make_staff):
    client.force_login(make_staff("shipin", roles=["视频"]))
    return client


def clip_page(clip):
    return f"/admin/clips/edit/{clip.pk}/"


def test_video_staff_send_an_approved_clip_from_its_page(video_staff, approved_clip, douyin_account):
    page = video_staff.get(clip_page(approved_clip)).text
    assert "平台分发" in page and "淮安市总工会抖音号" in page
    response = video_staff.post(
        f"/admin/distribution/send/{approved_clip.pk}/",
        {"account": douyin_account.pk, "caption": "", "next": clip_page(approved_clip)},
        follow=True,
    )
    assert "已排队发布到" in response.text
    (row,) = Distribution.objects.all()
    assert (row.video, row.account, row.status) == (approved_clip, douyin_account, Status.QUEUED)


def test_sending_twice_keeps_one_distribution(video_staff, approved_clip, douyin_account):
    form = {"account": douyin_account.pk, "next": clip_page(approved_clip)}
    video_staff.post(f"/admin/distribution/send/{approved_clip.pk}/", form)
    response = video_staff.post(f"/admin/distribution/send/{approved_clip.pk}/", form, follow=True)
    assert "不会重复发布" in response.text and Distribution.objects.count() == 1


def test_a_clip_not_approved_cannot_be_sent(video_staff, approved_clip, douyin_account):
    Video.objects.filter(pk=approved_clip.pk).update(review_status=Video.Review.PENDING)
    response = video_staff.post(f"/admin/distribution/send/{approved_clip.pk}/", {"account": douyin_account.pk}, follow=True)
    assert "终审通过" in response.text and not Distribution.objects.exists()


def test_an_editor_may_see_but_not_send(client, make_staff, approved_clip, douyin_account):
    client.force_login(make_staff("bianji", roles=["编辑"], columns=["zhibo-jiangang"]))
    response = client.post(f"/admin/distribution/send/{approved_clip.pk}/", {"account": douyin_account.pk})
    assert response.status_code == 302 and not Distribution.objects.exists()
    assert client.get("/admin/distribution/").status_code == 200


def test_a_rule_sends_every_clip_approved_in_its_column(
    approved_clip, douyin_account, make_staff, django_capture_on_commit_callbacks
):
    column = Page.objects.get(slug="zhibo-jiangang")
    series = column.get_children().first()
    DistributionRule.objects.create(section=column, account=douyin_account)
    Video.objects.filter(pk=approved_clip.pk).update(review_status=Video.Review.PENDING, section=series)
    approved_clip.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        clips.approve(approved_clip, make_staff("zhongshen", roles=["终审"]))
    (row,) = Distribution.objects.all()
    assert row.rule.section == column and row.account == douyin_account


def test_a_clip_of_another_column_is_left_alone(approved_clip, douyin_account, make_staff, django_capture_on_commit_callbacks):
    DistributionRule.objects.create(section=Page.objects.get(slug="zhibo-jiangang"), account=douyin_account)
    Video.objects.filter(pk=approved_clip.pk).update(
        review_status=Video.Review.PENDING, section=Page.objects.get(slug="laodongmei")
    )
    approved_clip.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        clips.approve(approved_clip, make_staff("zhongshen", roles=["终审"]))
    assert not Distribution.objects.exists()


def test_the_list_filters_by_status_and_account(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.FAILED, last_error="视频内容不符合规范")
    assert "视频内容不符合规范" in video_staff.get("/admin/distribution/", {"status": "failed"}).text
    assert approved_clip.title not in video_staff.get("/admin/distribution/", {"status": "published"}).text
    assert approved_clip.title in video_staff.get("/admin/distribution/", {"account": douyin_account.pk}).text


def test_a_failed_distribution_is_retried_now(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=8, next_try_at=None)
    video_staff.post(f"/admin/distribution/{row.pk}/retry/")
    row.refresh_from_db()
    assert row.status == Status.RETRYING and row.attempts == 0 and row.next_try_at <= timezone.now()


def test_a_distribution_that_may_have_posted_cannot_be_cancelled(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.RETRYING, create_started_at=timezone.now())
    response = video_staff.post(f"/admin/distribution/{row.pk}/cancel/", follow=True)
    assert "不能取消" in response.text
    row.refresh_from_db()
    assert row.status == Status.RETRYING


def test_a_queued_distribution_is_cancelled(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    video_staff.post(f"/admin/distribution/{row.pk}/cancel/")
    row.refresh_from_db()
    assert row.status == Status.CANCELLED and row.is_final


def test_publishing_again_after_an_unknown_end_makes_a_new_row_and_keeps_the_old(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    Distribution.objects.filter(pk=row.pk).update(status=Status.UNKNOWN)
    video_staff.post(f"/admin/distribution/{row.pk}/again/")
    old, new = Distribution.objects.order_by("pk")
    assert (old.active, old.status) == (False, Status.UNKNOWN) and (new.active, new.status) == (True, Status.QUEUED)


def test_a_running_distribution_cannot_be_published_again(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    response = video_staff.post(f"/admin/distribution/{row.pk}/again/", follow=True)
    assert "还没有结束" in response.text and Distribution.objects.count() == 1


def test_an_unknown_action_is_refused(video_staff, approved_clip, douyin_account):
    row = distribute(approved_clip, douyin_account)[0]
    assert video_staff.post(f"/admin/distribution/{row.pk}/delete/").status_code in (302, 403)
    assert Distribution.objects.count() == 1


def test_the_channels_message_and_code_are_shown_on_the_clips_page(video_staff, approved_clip, douyin_account, douyin):
    from distribution.runner import run

    row = distribute(approved_clip, douyin_account)[0]
    douyin.state.fail("create_video", standin.ERROR, code=standin.BAD_PARAMETER, description="标题含有不允许的内容")
    run(row.pk)
    page = video_staff.get(clip_page(approved_clip)).text
    assert "发布失败" in page and "[2100005] 标题含有不允许的内容" in page
