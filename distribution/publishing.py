"""Sending an item to a channel account: an approved clip to Douyin or 视频号, a page anyone may read (an
article, a job fair) to the Official Account; by hand from the admin, or by a rule on its column or series
when 终审 approves the clip or the page is published. Retrying, cancelling and publishing again, as staff may.

A 视频号 distribution waits for a person (「待人工发布」): there is no posting API, staff download its
package and confirm the post's link (manual.py).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from columns.review import passed_review
from core.visibility import ReadablePageQuerySet
from media_center.models import Video

from .models import MANUAL_CHANNELS, Distribution, DistributionRule
from .runner import enqueue

Status = Distribution.Status
RETRYABLE_BY_STAFF = (Status.RETRYING, Status.FAILED, Status.NEEDS_AUTH, Status.NEEDS_CONFIG)
OVERRIDES = ("caption", "title", "digest", "allow_shortening")  # what staff may set per channel


def check_sendable(item, account):
    """A clip once 终审 approved and rendered, to a clip channel; a page anyone may read, to an article channel."""
    if isinstance(item, Video):
        if not account.carries_clips:
            raise ValidationError(_("%(account)s只发布文章，不能发布短视频。") % {"account": account})
        if not item.is_clip or item.review_status != Video.Review.APPROVED:
            raise ValidationError(_("只有终审通过的短视频才能发布到平台。"))
        if item.status != Video.Status.READY or not item.source:
            raise ValidationError(_("短视频还没有生成完成，完成后才能发布。"))
        return
    if not account.carries_pages:
        raise ValidationError(_("%(account)s只发布短视频，不能发布文章。") % {"account": account})
    from .wechat_articles import builder_for

    if builder_for(item) is None:
        raise ValidationError(_("这类页面不能发布到公众号。"))
    if not ReadablePageQuerySet(type(item)).readable().filter(pk=item.pk).exists():
        raise ValidationError(_("只有已发布且公开可读的页面才能发布到公众号。"))


def item_filter(item):
    return {"video": item} if isinstance(item, Video) else {"page": item}


@transaction.atomic
def distribute(item, account, *, user=None, rule=None, **overrides):
    """The item's distribution to the account, queued (or waiting for a person, on 视频号): (row, created).
    An active one is returned as it is."""
    check_sendable(item, account)
    existing = Distribution.objects.filter(**item_filter(item), account=account, active=True).first()
    if existing is not None:
        return existing, False
    values = {name: overrides[name] for name in OVERRIDES if name in overrides}
    values.update({name: values[name].strip() for name in ("caption", "title", "digest") if name in values})
    if account.channel in MANUAL_CHANNELS:
        row = Distribution.objects.create(
            **item_filter(item), account=account, created_by=user, rule=rule, status=Status.MANUAL, **values
        )
        return row, True
    row = Distribution.objects.create(
        **item_filter(item), account=account, created_by=user, rule=rule, next_try_at=timezone.now(), **values
    )
    enqueue(row)
    return row, True


@transaction.atomic
def publish_again(row, user):
    """重新发布: only after a final state; the old row stays as the record, a new one is made."""
    if not row.is_final:
        raise ValidationError(_("这条分发还没有结束，不能重新发布。"))
    Distribution.objects.filter(pk=row.pk).update(active=False)
    overrides = {name: getattr(row, name) for name in OVERRIDES}
    return distribute(row.item, row.account, user=user, **overrides)[0]


def send_or_update(item, account, *, user, **overrides):
    """The page's form: a new distribution; or new title and digest for one not yet submitted (tried again
    at once if it had stopped); or, after a final state, publishing again with them."""
    with transaction.atomic():
        row = Distribution.objects.select_for_update().filter(**item_filter(item), account=account, active=True).first()
        if row is None:
            return distribute(item, account, user=user, **overrides)
        if row.is_final:
            Distribution.objects.filter(pk=row.pk).update(active=False)
            return distribute(item, account, user=user, **overrides)
        if row.item_id or row.create_started_at:
            return row, False
        Distribution.objects.filter(pk=row.pk).update(**overrides)
    if row.status in RETRYABLE_BY_STAFF:
        retry(row)
    row.refresh_from_db()
    return row, True


def sent_message(row, created):
    if created:
        return _("已排队发布到%(account)s，进度见下方。") % {"account": row.account}
    return _("已在发布到%(account)s（%(status)s），不会重复发布。") % {
        "account": row.account,
        "status": row.get_status_display(),
    }


def retry_configured(account):
    """An administrator fixed what the account lacked: its distributions waiting for that try again now."""
    from .accounts import configured

    configured(account)
    waiting = list(Distribution.objects.filter(account=account, active=True, status=Status.NEEDS_CONFIG))
    for row in waiting:
        retry(row)
    return len(waiting)


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
    """clip_approved: every clip channel's rule of the clip's column or series sends it."""
    for rule in rules_for(clip.section):
        if rule.account.carries_clips:
            try:
                distribute(clip, rule.account, rule=rule)
            except ValidationError:
                return  # not rendered yet: nothing can be sent


def distribute_page_by_rules(sender, instance, revision=None, **kwargs):
    """page_published: every article channel's rule above the page sends it, once anyone may read it and
    if this revision passed 三审 (an administrator's urgent correction is sent by hand, if at all)."""
    from .wechat_articles import builder_for

    page = instance.specific
    if builder_for(page) is None or revision is None or not passed_review(revision):
        return
    for rule in rules_for(page.get_parent()):
        if rule.account.carries_pages:
            try:
                distribute(page, rule.account, rule=rule)
            except ValidationError:
                return  # restricted or private: nothing is sent
            except IntegrityError:
                continue  # someone sent it by hand this very moment: theirs stands, the publication goes on
