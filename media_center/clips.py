"""Clips: a span of a recording made into a vertical short video, and the 终审 approval that lets it
speak for the union on public pages and channels.

The web process only records what staff asked for; the worker renders it (steps.make_clip). A change
to what a clip shows or says sends it back to 待审, and a change to what it shows renders it again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import pipeline
from .ffmpeg.subtitles import SubtitleError, read_subtitles, to_webvtt
from .ffmpeg.vertical import ClipRefusal, check_span
from .models import ClipReview, Video
from .placements import pages_showing

# Sent after a clip is approved: an app that places clips on pages may now make it public there.
clip_approved = Signal()

RENDERED_FIELDS = ("title", "clip_start", "clip_end", "cover_at", "subtitles", "logo")
REVIEWED_FIELDS = (*RENDERED_FIELDS, "description", "topics")


def original_recording(video):
    """A clip of a clip is cut from the recording itself, not from the clip's rendered picture."""
    return video.clip_of if video.is_clip and video.clip_of is not None else video


def span_on_recording(video, start, end):
    """`start`/`end` on `video`'s own timeline, as seconds of its original recording."""
    offset = video.clip_start if video.is_clip and video.clip_of is not None else 0.0
    return start + offset, end + offset


def check_clip_span(recording, start, end, cover_at=None):
    """ValidationError with the reason in Chinese; the same limits the worker applies."""
    if recording.status != Video.Status.READY or not recording.duration:
        raise ValidationError(_("原视频还没有转码完成，暂时不能剪辑。"))
    try:
        check_span(start, end, recording.duration)
    except ClipRefusal as refusal:
        raise ValidationError(_(refusal.message) % refusal.params) from None
    if cover_at is not None and not start <= cover_at <= end:
        raise ValidationError(_("封面时间要在起点和终点之间。"))


def parse_subtitle_file(data):
    """An uploaded SRT/WebVTT as WebVTT text; ValidationError naming the line that is wrong."""
    try:
        return to_webvtt(read_subtitles(data))
    except SubtitleError as error:
        raise ValidationError(_(error.message) % error.params) from None


def default_section(recording):
    """Where the recording is shown: the column or series of the newest live page that shows it."""
    page = Page.objects.filter(pk__in=pages_showing({recording.pk})).live().order_by("-first_published_at").first()
    return page.get_parent() if page else None


@transaction.atomic
def create_clip(
    source, *, start, end, title, user=None, description="", topics="", section=None, subtitles=None, logo=None, cover_at=None
):
    """A new clip of `source` (a recording, or a clip: then cut from its recording), queued for rendering.

    `start`, `end` and `cover_at` are on `source`'s timeline. Raises ValidationError for staff.
    """
    recording = original_recording(source)
    start, end = span_on_recording(source, start, end)
    if cover_at is not None:
        cover_at = span_on_recording(source, cover_at, cover_at)[0]
    check_clip_span(recording, start, end, cover_at)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写标题：它会压在短视频的画面上。"))
    clip = Video.objects.create(
        kind=Video.Kind.CLIP,
        clip_of=recording,
        clip_start=start,
        clip_end=end,
        cover_at=cover_at,
        title=title,
        description=description,
        topics=topics,
        section=section or default_section(recording),
        subtitles=source.subtitles if subtitles is None else subtitles,
        logo=logo,
        uploaded_by=user,
        review_status=Video.Review.PENDING,
    )
    pipeline.start(clip)
    return clip


def changed_fields(before, after):
    return {name for name in REVIEWED_FIELDS if getattr(before, _attname(name)) != getattr(after, _attname(name))}


def _attname(name):
    return "logo_id" if name == "logo" else name


@transaction.atomic
def after_change(clip, changed, user):
    """What a saved edit means: a changed picture is rendered again, and any change goes back to 待审."""
    if not changed:
        return
    if clip.review_status != Video.Review.PENDING:
        ClipReview.objects.create(video=clip, action=ClipReview.Action.CHANGED, user=user)
    clip.review_status = Video.Review.PENDING
    clip.is_public = False
    clip.save(update_fields=["review_status", "is_public"])
    if changed & set(RENDERED_FIELDS):
        pipeline.retry(clip)


def can_review(user, clip):
    return user.has_perm("media_center.approve_clip") and (clip.uploaded_by_id != user.pk or user.is_superuser)


def check_reviewable(user, clip):
    if not user.has_perm("media_center.approve_clip"):
        raise PermissionDenied
    if clip.uploaded_by_id == user.pk and not user.is_superuser:
        raise ValidationError(_("不能审核自己剪辑的短视频：请另一位终审人员审核。"))
    if clip.status != Video.Status.READY:
        raise ValidationError(_("短视频还没有生成完成，完成后才能审核。"))


@transaction.atomic
def approve(clip, user, comment=""):
    check_reviewable(user, clip)
    ClipReview.objects.create(video=clip, action=ClipReview.Action.APPROVED, comment=comment.strip(), user=user)
    clip.review_status = Video.Review.APPROVED
    clip.save(update_fields=["review_status"])
    transaction.on_commit(lambda: clip_approved.send(sender=Video, clip=clip))


@transaction.atomic
def send_back(clip, user, comment):
    """退回 needs its reason: the clip's maker reads it to know what to change."""
    check_reviewable(user, clip)
    if not comment.strip():
        raise ValidationError(_("退回时请写明原因。"))
    ClipReview.objects.create(video=clip, action=ClipReview.Action.RETURNED, comment=comment.strip(), user=user)
    clip.review_status = Video.Review.RETURNED
    clip.is_public = False
    clip.save(update_fields=["review_status", "is_public"])
