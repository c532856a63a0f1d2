"""Sending an approved clip to a channel account: by hand from the admin, or by a rule on its column or
series when 终审 approves it. Retrying, cancelling and publishing again, as staff may."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from media_center.models import Video

from .models import Distribution, DistributionRule
from .runner import enqueue

Status = Distribution.Status
RETRYABLE_BY_STAFF = (Status.RETRYING, Status.FAILED, Status.NEEDS_AUTH, Status.NEEDS_CONFIG)


def check_sendable(video):
    if not video.is_clip or video.review_status != Video.Review.APPROVED:
        raise ValidationError(_("只有终审通过的短视频才能发布到平台。"))
    if video.status != Video.Status.READY or not video.source:
        raise ValidationError(_("短视频还没有生成完成，完成后才能发布。"))


@transaction.atomic
def distribute(video, account, *, user=None, rule=None, caption=""):
    """The clip's distribution to the account, queued: (row, created). An active one is returned as it is."""
    check_sendable(video)
    existing = Distribution.objects.filter(video=video, account=account, active=True).first()
    if existing is not None:
        return existing, False
    row = Distribution.objects.create(
        video=video, account=account, created_by=user, rule=rule, caption=caption.strip(), next_try_at=timezone.now()
    )
    enqueue(row)
    return row, True


@transaction.atomic
def publish_again(row, user):
    """重新发布: only after a final state; the old row stays as the record, a new one is made."""
    if not row.is_final:
        raise ValidationError(_("这条分发还没有结束，不能重新发布。"))
    Distribution.objects.filter(pk=row.pk).update(active=False)
    return distribute(row.video, row.account, user=user, caption=row.caption)[0]


def retry(row):
    """Try again now: after a fix of the account or its settings, or instead of waiting for the back-off."""
    if row.status not in RETRYABLE_BY_STAFF or not row.active:
        raise ValidationError(_("这条分发现在不能重试。"))
    Distribution.objects.filter(pk=row.pk).update(status=Status.RETRYING, attempts=0, next_try_at=timezone.now())
    enqueue(row)


def cancel(row):
    """Stop a distribution that has not reached the channel; one that may have is followed to the end."""
    if row.is_final:
        raise ValidationError(_("这条分发已经结束。"))
    if row.item_id or row.create_started_at:
        raise ValidationError(_("作品可能已经发到平台上，不能取消：请等待结果，或到平台上删除。"))
    cancelled = Distribution.objects.filter(pk=row.pk, item_id="", create_started_at__isnull=True).exclude(
        status__in=Distribution.FINAL
    )
    if not cancelled.update(status=Status.CANCELLED, next_try_at=None):
        raise ValidationError(_("作品可能已经发到平台上，不能取消：请等待结果，或到平台上删除。"))


def rules_for(section):
    """The active rules of the section and of the column above it."""
    if section is None:
        return DistributionRule.objects.none()
    places = Page.objects.ancestor_of(section, inclusive=True).values_list("pk", flat=True)
    return DistributionRule.objects.filter(section__in=places, active=True).select_related("account")


def distribute_by_rules(sender, clip, **kwargs):
    """clip_approved: every rule of the clip's column or series sends it."""
    for rule in rules_for(clip.section):
        try:
            distribute(clip, rule.account, rule=rule)
        except ValidationError:
            return  # not rendered yet: nothing can be sent
