"""What a clip may be, who approves it, and where it may show: the rules, without rendering (tasks held)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from media_center import clips
from media_center.models import ClipReview, Video, VideoJob
from tests.factories import ArticlePageFactory
from tests.media_center.factories import ClipFactory, VideoFactory

pytestmark = pytest.mark.usefixtures("tasks_held")
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "video"]}}


@pytest.fixture
def recording(db):
    return VideoFactory(ready=True, duration=2 * 3600.0)


@pytest.fixture
def final_reviewer(make_staff):
    return make_staff("zhongshen", roles=["终审"])


@pytest.fixture
def video_staff(make_staff):
    return make_staff("shipin", roles=["视频"])


def test_a_clip_is_queued_for_rendering_from_its_recording(recording, video_staff):
    clip = clips.create_clip(recording, start=3723.0, end=3780.0, title="新能源企业招聘焊工", user=video_staff)

    assert clip.kind == Video.Kind.CLIP and clip.clip_of == recording
    assert (clip.clip_start, clip.clip_end) == (3723.0, 3780.0)
    assert clip.review_status == Video.Review.PENDING and not clip.is_public
    assert list(clip.jobs.values_list("kind", "start", "end")) == [(VideoJob.Kind.CLIP, 3723.0, 3780.0)]


def test_a_clip_longer_than_fifteen_minutes_is_refused_with_the_reason(recording):
    with pytest.raises(ValidationError) as refused:
        clips.create_clip(recording, start=0.0, end=16 * 60.0, title="太长的剪辑")

    assert "15 分钟" in " ".join(refused.value.messages)
    assert not Video.objects.filter(kind=Video.Kind.CLIP).exists()


@pytest.mark.parametrize(("start", "end"), [(100.0, 101.0), (50.0, 40.0), (7190.0, 7300.0), (-5.0, 10.0)])
def test_spans_too_short_reversed_or_outside_the_recording_are_refused(recording, start, end):
    with pytest.raises(ValidationError):
        clips.create_clip(recording, start=start, end=end, title="范围不对")


def test_a_recording_still_transcoding_cannot_be_clipped(db):
    busy = VideoFactory(status=Video.Status.TRANSCODING, duration=600.0)

    with pytest.raises(ValidationError) as refused:
        clips.create_clip(busy, start=10.0, end=40.0, title="太早了")

    assert "还没有转码完成" in " ".join(refused.value.messages)


def test_a_clip_needs_a_title_because_it_is_burned_into_the_picture(recording):
    with pytest.raises(ValidationError):
        clips.create_clip(recording, start=10.0, end=40.0, title="   ")


def test_a_cover_time_outside_the_span_is_refused(recording):
    with pytest.raises(ValidationError) as refused:
        clips.create_clip(recording, start=10.0, end=40.0, cover_at=50.0, title="封面不对")

    assert "封面时间" in " ".join(refused.value.messages)


def test_a_clip_of_a_clip_is_cut_from_the_original_recording(recording):
    first = ClipFactory(clip_of=recording, clip_start=600.0, clip_end=900.0, subtitles="WEBVTT\n")

    second = clips.create_clip(first, start=30.0, end=60.0, title="再剪一段")

    assert second.clip_of == recording
    assert (second.clip_start, second.clip_end) == (630.0, 660.0)
    assert second.subtitles == first.subtitles


def test_a_clip_is_filed_where_its_recording_is_shown(recording, series, settings):
    settings.TASKS = IMMEDIATE_TASKS  # Wagtail's reference index is updated by a task
    ArticlePageFactory(parent=series, body=[("video", {"video": recording, "caption": ""})])

    clip = clips.create_clip(recording, start=10.0, end=40.0, title="默认栏目")

    assert clip.section.specific == series


def test_final_review_approves_and_the_decision_is_recorded(final_reviewer, video_staff):
    clip = ClipFactory(ready=True, uploaded_by=video_staff)

    clips.approve(clip, final_reviewer, "画面和字幕都没问题")

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.APPROVED
    entry = clip.reviews.get()
    assert (entry.action, entry.user, entry.comment) == (ClipReview.Action.APPROVED, final_reviewer, "画面和字幕都没问题")


def test_only_a_holder_of_final_review_may_approve(make_staff):
    clip = ClipFactory(ready=True)

    for role in ("编辑", "初审", "复审", "视频"):
        with pytest.raises(PermissionDenied):
            clips.approve(clip, make_staff(f"someone-{role}", roles=[role]))

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.PENDING


def test_nobody_approves_a_clip_they_made(make_staff):
    maker = make_staff("both", roles=["视频", "终审"])
    clip = ClipFactory(ready=True, uploaded_by=maker)

    with pytest.raises(ValidationError):
        clips.approve(clip, maker)


def test_a_clip_still_rendering_cannot_be_approved(final_reviewer):
    clip = ClipFactory(status=Video.Status.CLIPPING)

    with pytest.raises(ValidationError):
        clips.approve(clip, final_reviewer)


def test_sending_back_needs_a_reason_and_takes_the_clip_off_public_pages(final_reviewer):
    clip = ClipFactory(ready=True, approved=True, is_public=True)

    with pytest.raises(ValidationError):
        clips.send_back(clip, final_reviewer, "  ")
    clips.send_back(clip, final_reviewer, "字幕有错别字")

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.RETURNED and not clip.is_public
    assert clip.reviews.get().comment == "字幕有错别字"


def test_changing_the_title_renders_again_and_goes_back_to_pending(video_staff):
    clip = ClipFactory(ready=True, approved=True, is_public=True)
    before = Video.objects.get(pk=clip.pk)
    clip.title = "改过的标题"
    clip.save()

    clips.after_change(clip, clips.changed_fields(before, clip), video_staff)

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.PENDING and not clip.is_public
    assert clip.status == Video.Status.UPLOADED
    assert list(clip.jobs.values_list("kind", flat=True)) == [VideoJob.Kind.CLIP]
    assert clip.reviews.get().action == ClipReview.Action.CHANGED


def test_changing_the_topics_goes_back_to_pending_without_rendering_again(video_staff):
    clip = ClipFactory(ready=True, approved=True)
    before = Video.objects.get(pk=clip.pk)
    clip.topics = "#春风行动"
    clip.save()

    clips.after_change(clip, clips.changed_fields(before, clip), video_staff)

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.PENDING
    assert clip.status == Video.Status.READY and not clip.jobs.exists()


def test_filing_a_clip_elsewhere_keeps_its_approval(video_staff, series):
    clip = ClipFactory(ready=True, approved=True)
    before = Video.objects.get(pk=clip.pk)
    clip.section = series
    clip.save()

    clips.after_change(clip, clips.changed_fields(before, clip), video_staff)

    clip.refresh_from_db()
    assert clip.review_status == Video.Review.APPROVED


def test_clips_are_not_listed_among_the_latest_videos(db):
    recording = VideoFactory(ready=True, is_public=True)
    ClipFactory(ready=True, approved=True, is_public=True)

    assert list(Video.objects.listed()) == [recording]


def test_a_clip_not_approved_is_not_public_even_if_marked_so(db):
    pending = ClipFactory(ready=True, is_public=True)
    approved = ClipFactory(ready=True, approved=True, is_public=True)

    assert list(Video.objects.public()) == [approved]
    assert not pending.is_watchable_by_public


def test_approving_a_clip_already_shown_in_a_published_article_makes_it_public(
    final_reviewer, series, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = IMMEDIATE_TASKS
    clip = ClipFactory(ready=True)
    ArticlePageFactory(parent=series, body=[("video", {"video": clip, "caption": ""})])
    clip.refresh_from_db()
    assert not clip.is_public

    with django_capture_on_commit_callbacks(execute=True):
        clips.approve(clip, final_reviewer)

    clip.refresh_from_db()
    assert clip.is_public


def test_a_clip_is_found_by_what_is_said_in_its_span_only(db, settings):
    settings.TASKS = IMMEDIATE_TASKS  # the search index is updated by a task
    subtitles = "WEBVTT\n\n00:00:12.000 --> 00:00:15.000\n焊工月薪八千\n\n00:01:00.000 --> 00:01:03.000\n叉车司机包吃住\n"
    clip = ClipFactory(ready=True, title="岗位短视频", subtitles=subtitles, clip_start=10.0, clip_end=40.0)

    assert "焊工月薪八千" in clip.spoken_text() and "叉车司机" not in clip.spoken_text()
    assert list(Video.objects.search("焊工")) == [clip]
    assert list(Video.objects.search("叉车司机")) == []
