"""Taking a distribution one step further on the worker. The runner claims the row, hands it to its
channel's steps (douyin_steps.py, wechat_steps.py) and decides what a channel's error means for it.

Exactly once: the intent to create the post (its time, and its caption or title) is saved before the
call, the post's id after it. A row holding an intent but no id never calls create again: its steps
look for the post (`reconcile`), and it ends 「状态不明，请人工核对」 when the channel cannot say within
the reconciliation window (rows.not_found_yet).
"""

import logging
import random
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import log_context
from core.scheduler import process_identity

from . import accounts, douyin_steps, wechat_steps
from .models import Channel, Distribution, stale_after
from .platforms.base import ChannelError, NeedsAuth, NeedsConfig, Permanent, QuotaExceeded, Retryable
from .rows import Superseded, save

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_BACKOFF_SECONDS = 30
LONGEST_BACKOFF_SECONDS = 3600
STEPS = {Channel.DOUYIN: douyin_steps, Channel.WECHAT: wechat_steps}
Status = Distribution.Status


def backoff(attempts, retry_after=None):
    """Exponential, from half a minute up to an hour, with a fifth of jitter so retries do not march together."""
    seconds = min(LONGEST_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    seconds = max(seconds, retry_after or 0)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def after_the_day_turns(now):
    """A few minutes past the next midnight in Shanghai, when a channel's daily quota starts again."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(0, 5))) + timedelta(seconds=random.uniform(0, 600))


def claim(distribution_id):
    """Take the row for this process if it is due or its worker went silent: the row, or None.

    One conditional UPDATE: two workers racing for it cannot both win. Each claim is named apart (the
    process and a nonce), so an intent is recorded only by the claim that holds the row (rows.record_intent).
    """
    now = timezone.now()
    claimant = f"{process_identity()}#{secrets.token_hex(4)}"
    # Due again only if this worker goes silent: no other worker takes it meanwhile, and none is needed to free it.
    won = (
        Distribution.objects.due(now)
        .filter(pk=distribution_id)
        .update(worker=claimant, heartbeat_at=now, next_try_at=now + stale_after())
    )
    return Distribution.objects.select_related("video", "page", "account").get(pk=distribution_id) if won else None


def run(distribution_id):
    """One step of the distribution if this process can claim it; every line logged meanwhile carries its id."""
    with log_context.bind(distribution_id=distribution_id):
        _run(distribution_id)


def _run(distribution_id):
    row = claim(distribution_id)
    if row is None:
        return
    steps = STEPS.get(row.account.channel)
    try:
        if steps is None:  # 视频号: posted by hand; a row of it is never queued, but one may be by mistake
            raise Permanent(_("视频号没有发布接口：请下载发布包，人工发布后点「已人工发布」。"))
        if row.item_id:
            steps.check_status(row)
        elif row.create_started_at:
            steps.reconcile(row)
        else:
            steps.publish(row)
    except Superseded:
        logger.warning("distribution %s was taken over by another worker; this one stops", row.pk)
        return
    except ChannelError as error:
        record_error(row, error)
    except Exception as error:  # noqa: BLE001 - a fault of ours (storage, a bug) is retried, then shown
        logger.exception("distribution %s failed", row.pk)
        record_error(row, Retryable(_("内部错误：%(error)s") % {"error": type(error).__name__}))
    else:
        accounts.configured(row.account)


def record_error(row, error):
    """Retry, wait for the day to turn, ask a person, or stop, as the channel's error says."""
    message = _(error.message) % error.params if error.params else _(error.message)
    fields = {"last_error": message[:2000], "error_code": error.code[:40], "heartbeat_at": None}
    now = timezone.now()
    if isinstance(error, NeedsAuth):
        save(row, status=Status.NEEDS_AUTH, next_try_at=None, **fields)
    elif isinstance(error, NeedsConfig):
        save(row, status=Status.NEEDS_CONFIG, next_try_at=None, **fields)
        accounts.needs_configuration(row.account, message)
    elif isinstance(error, Permanent):
        save(row, status=Status.FAILED, next_try_at=None, **fields)
    elif isinstance(error, QuotaExceeded):
        save(row, status=Status.RETRYING, next_try_at=after_the_day_turns(now), **fields)
    elif row.attempts + 1 >= MAX_ATTEMPTS and not row.item_id and not row.create_started_at:
        save(row, status=Status.FAILED, attempts=row.attempts + 1, next_try_at=None, **fields)
    else:  # a post already made, or maybe made, is never given up on by itself: it is followed until it is known
        retry_after = getattr(error, "retry_after", None)
        status = Status.UNDER_REVIEW if row.item_id else Status.RETRYING
        save(row, status=status, attempts=row.attempts + 1, next_try_at=now + backoff(row.attempts + 1, retry_after), **fields)


def enqueue(row):
    """Run the row on the worker once its transaction has committed."""
    from .tasks import run_distribution

    transaction.on_commit(lambda: run_distribution.enqueue(row.pk))


def enqueue_due():
    """Scheduler: rows whose time has come, and those a dead worker held (no heartbeat for a while)."""
    from .tasks import run_distribution

    due = list(Distribution.objects.due().values_list("pk", flat=True)[:200])
    for pk in due:
        run_distribution.enqueue(pk)
    return _("分发：%(count)d 条到时间，已排队。") % {"count": len(due)} if due else ""
