"""What every channel's steps do to a distribution's row: save fields at once, follow the channel's review,
and end a post whose reply was lost 「状态不明」 once it has been looked for long enough."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Distribution, DistributionDay

Status = Distribution.Status
REVIEW_CHECKS = (60, 120, 300, 600, 1800, 3600)  # seconds between status checks while the channel reviews


class Superseded(Exception):  # noqa: N818 - a state, not a fault
    """Another worker took the row over while this one was silent: this one stops and leaves it alone."""


def save(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    Distribution.objects.filter(pk=row.pk).update(**fields, updated_at=timezone.now())


def never_sent(error):
    """A connection that failed before the request went out: no answer of the channel, nothing sent. Any
    other failure of a create (busy, 5xx, a reset, a timeout) may follow a post made: it is looked for."""
    return not error.maybe_done and not error.code and error.http_status is None


def record_intent(row, caption):
    """The intent to create the post, saved before the call, by this claim only: a worker that was taken
    over (its heartbeat late) finds the row no longer its own and stops, instead of posting a second time."""
    now = timezone.now()
    mine = Distribution.objects.filter(pk=row.pk, worker=row.worker, create_started_at__isnull=True, item_id="")
    if not mine.update(status=Status.CREATING, create_started_at=now, sent_caption=caption, updated_at=now):
        raise Superseded
    row.status, row.create_started_at, row.sent_caption = Status.CREATING, now, caption


def drop_intent(row):
    """The channel refused the create in so many words, or it never left: nothing to look for."""
    save(row, create_started_at=None, sent_caption="")


def posted(row, item_id, **fields):
    """The channel took the post: from now on it is only followed, never made again."""
    save(
        row, item_id=item_id, status=Status.UNDER_REVIEW, attempts=0, last_error="", error_code="",
        next_try_at=timezone.now() + timedelta(seconds=REVIEW_CHECKS[0]), heartbeat_at=None, **fields,
    )  # fmt: skip


def follow_review(row, now=None):
    now = now or timezone.now()
    checks = min(row.attempts, len(REVIEW_CHECKS) - 1)
    save(
        row, status=Status.UNDER_REVIEW, attempts=row.attempts + 1, heartbeat_at=None,
        next_try_at=now + timedelta(seconds=REVIEW_CHECKS[checks]),
    )  # fmt: skip


def not_found_yet(row, now=None):
    """A post looked for and not (yet) seen: look again soon, until the window closes; then ask a person."""
    now = now or timezone.now()
    if now - row.create_started_at > timedelta(seconds=settings.DISTRIBUTION_RECONCILE_SECONDS):
        save(
            row, status=Status.UNKNOWN, next_try_at=None, heartbeat_at=None,
            last_error=_("发布请求已发出，但没有收到平台的答复，在账号已发布的内容里也没有找到它。请到平台上查看是否已发布；"
                         "确认没有发布后再点「重新发布」。"),
        )  # fmt: skip
    else:
        save(
            row,
            status=Status.RETRYING,
            next_try_at=now + timedelta(seconds=settings.DISTRIBUTION_FIND_EVERY_SECONDS),
            heartbeat_at=None,
        )


def record_reading(row, now, counts):
    """Today's reading of the post's running totals (the last of the day wins): the report's days and weeks."""
    if counts:
        DistributionDay.objects.update_or_create(distribution=row, day=timezone.localdate(now), defaults=counts)
