"""A distribution posts an approved clip to Douyin exactly once, whatever the channel does: faults end
posted once, stopped with the channel's message, or 「状态不明」; never a second post."""

from datetime import timedelta

import pytest
from django.utils import timezone

from distribution import douyin_steps, runner
from distribution.models import Distribution
from distribution.publishing import distribute
from tests.distribution import douyin_standin as standin
from tests.distribution.stepping import step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]
Status = Distribution.Status


def items_of(douyin):
    return list(douyin.state.items.values())


@pytest.fixture
def row(approved_clip, douyin_account):
    return distribute(approved_clip, douyin_account)[0]


def test_a_clip_is_uploaded_posted_with_its_caption_and_followed_until_published(row, douyin):
    step(row)
    assert row.status == Status.UNDER_REVIEW and row.item_id
    (item,) = items_of(douyin)
    assert item.title == "新能源企业招聘焊工 #招聘 #直播荐岗"
    douyin.state.publish(row.item_id)
    douyin.state.set_statistics(row.item_id, play_count=120, digg_count=8, comment_count=2, share_count=1)
    step(row)
    assert row.status == Status.PUBLISHED and row.share_url and (row.plays, row.likes, row.comments, row.shares) == (120, 8, 2, 1)
    assert douyin.state.violations == []


def test_a_caption_written_for_the_channel_is_sent_instead(approved_clip, douyin_account, douyin):
    row = distribute(approved_clip, douyin_account, caption="春风行动 焊工岗位月薪八千 #春风行动")[0]
    step(row)
    assert items_of(douyin)[0].title == "春风行动 焊工岗位月薪八千 #春风行动"


def test_the_lean_form_of_video_data_is_followed_too(row, douyin):
    douyin.state.video_data_form = standin.LEAN
    step(row)
    step(row)
    assert row.status == Status.UNDER_REVIEW  # not listed yet: in review
    douyin.state.publish(row.item_id)
    assert step(row).status == Status.PUBLISHED


def test_a_post_that_disappears_after_publication_is_marked_removed(row, douyin):
    step(row)
    douyin.state.publish(row.item_id)
    step(row)
    douyin.state.remove(row.item_id)
    Distribution.objects.filter(pk=row.pk).update(statistics_at=timezone.now() - timedelta(days=2))
    douyin_steps.refresh_statistics()
    row.refresh_from_db()
    assert row.status == Status.REMOVED


@pytest.mark.parametrize(
    "endpoint, kind",
    [
        ("upload_video", standin.HTTP_ERROR),
        ("upload_video", standin.RESET),
        ("upload_video", standin.ERROR_AFTER),
        ("create_video", standin.HTTP_ERROR),
        ("create_video", standin.RESET),
        ("create_video", standin.LOST_REPLY),
        ("create_video", standin.ERROR_AFTER),
        ("video_data", standin.HTTP_ERROR),
        ("video_data", standin.RESET),
    ],
)
def test_every_fault_ends_in_one_post_or_in_a_question_never_in_two(row, douyin, settings, endpoint, kind):
    settings.DISTRIBUTION_RECONCILE_SECONDS = 0  # a post not found at once is 状态不明 at once
    douyin.state.fail(endpoint, kind, times=1)
    step(row, times=4)
    posts = items_of(douyin)
    assert len(posts) <= 1
    if row.status == Status.UNKNOWN:
        assert not row.item_id  # a person looks on the channel; nothing is retried by itself
    else:
        assert row.status == Status.UNDER_REVIEW and [post.item_id for post in posts] == [row.item_id]


def test_a_post_whose_reply_was_lost_is_found_and_not_made_again(row, douyin):
    douyin.state.fail("create_video", standin.LOST_REPLY)
    step(row)
    assert row.status == Status.RETRYING and row.create_started_at and not row.item_id
    (post,) = items_of(douyin)
    douyin.state.publish(post.item_id)  # listed on the account now: findable
    step(row)
    assert row.item_id == post.item_id and row.status == Status.UNDER_REVIEW
    assert len(items_of(douyin)) == 1 and len(douyin.state.requests_to("create_video")) == 1


def test_a_lost_reply_never_found_ends_unknown_and_is_not_retried(row, douyin, settings):
    settings.DISTRIBUTION_RECONCILE_SECONDS = 0
    douyin.state.fail("create_video", standin.LOST_REPLY)
    step(row)
    assert row.status == Status.RETRYING and row.create_started_at
    step(row)  # the item is in review, so the account's list does not show it: the channel cannot tell
    assert row.status == Status.UNKNOWN and "没有找到" in row.last_error
    assert Distribution.objects.due(timezone.now() + timedelta(days=30)).filter(pk=row.pk).count() == 0
    assert len(items_of(douyin)) == 1


def test_a_busy_channel_is_retried_with_back_off(row, douyin):
    douyin.state.fail("upload_video", standin.ERROR, code=standin.BUSY)
    before = timezone.now()
    runner.run(row.pk)
    row.refresh_from_db()
    assert row.status == Status.RETRYING and row.error_code == str(standin.BUSY)
    assert timedelta(seconds=20) < row.next_try_at - before < timedelta(seconds=40)


def test_a_used_up_quota_waits_for_the_day_to_turn(row, douyin):
    douyin.state.fail("create_video", standin.ERROR, code=standin.QUOTA_USED_UP)
    runner.run(row.pk)
    row.refresh_from_db()
    waits_until = timezone.localtime(row.next_try_at)
    assert row.status == Status.RETRYING and waits_until.hour == 0
    assert waits_until.date() == timezone.localdate() + timedelta(days=1)


def test_invalid_content_stops_with_the_channels_message(row, douyin):
    douyin.state.fail("create_video", standin.ERROR, code=standin.BAD_PARAMETER, description="视频内容不符合规范")
    step(row)
    assert row.status == Status.FAILED and "视频内容不符合规范" in row.last_error and not items_of(douyin)


def test_an_expired_token_is_refreshed_and_the_call_made_once_more(row, douyin, douyin_account):
    douyin.state.expire_access_token()
    step(row)
    assert row.status == Status.UNDER_REVIEW and len(items_of(douyin)) == 1
    douyin_account.refresh_from_db()
    assert len(douyin.state.requests_to("refresh_token")) == 1 and douyin_account.access_token in douyin.state.access_tokens


def test_a_revoked_authorisation_asks_a_person_and_waits(row, douyin, douyin_account):
    douyin.state.fail("upload_video", standin.ERROR, code=standin.SCOPE_NOT_AUTHORISED, description="scope not authorised")
    step(row)
    douyin_account.refresh_from_db()
    assert row.status == Status.NEEDS_AUTH and douyin_account.auth_state() == "需要重新授权"
    assert "scope not authorised" in douyin_account.auth_problem


def test_a_second_distribution_of_the_same_clip_to_the_account_is_the_first(row, approved_clip, douyin_account):
    again, created = distribute(approved_clip, douyin_account)
    assert (again.pk, created) == (row.pk, False)


def test_an_upload_broken_mid_part_resumes_at_that_part(douyin_account, douyin, approved_clip, tmp_path):
    from media_center import storage

    large = tmp_path / "large.mp4"
    with open(large, "wb") as handle:  # the clip's mp4 head, then zeros up to 55 MB: parts of 20, 20 and 15 MB
        handle.write(b"".join(storage.read_range(approved_clip.source, 0, 64)))
        handle.truncate(55 * 2**20)
    Distribution.objects.all().delete()
    approved_clip.source = storage.store(large, f"{approved_clip.prefix}/large.mp4")
    approved_clip.save(update_fields=["source"])
    row = distribute(approved_clip, douyin_account)[0]
    douyin.state.fail("upload_video_part", standin.RESET_MID_BODY, part_number="2")
    step(row)
    assert row.status == Status.RETRYING and row.upload_state["parts_done"] == 1
    step(row)
    parts = [request.query["part_number"] for request in douyin.state.requests_to("upload_video_part")]
    assert parts == ["1", "2", "2", "3"] and row.status == Status.UNDER_REVIEW and len(items_of(douyin)) == 1
