"""Taking a distribution one step further on the worker: upload and create the post, find it after a
crash, follow its review, keep its statistics. Each step loads the row, calls the channel's plain
client (distribution/platforms/) and saves what came of it.

Exactly once: the intent to create the post (its time and caption) is saved before the call, the
post's id after it. A row holding an intent but no id never calls create again: it looks for its post
(`find`), and ends 「状态不明，请人工核对」 when the channel cannot say within the reconciliation window.
An upload's video id is used by the run that made it only: a run that died before recording its
intent uploads again next time, so no video id is ever given to create twice.
"""

import logging
import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduler import process_identity
from media_center import storage

from . import accounts
from .models import Distribution, stale_after
from .platforms.base import (
    ChannelError,
    MediaFacts,
    NeedsAuth,
    NeedsConfig,
    Permanent,
    QuotaExceeded,
    Retryable,
    Source,
    UploadState,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_BACKOFF_SECONDS = 30
LONGEST_BACKOFF_SECONDS = 3600
REVIEW_CHECKS = (60, 120, 300, 600, 1800, 3600)  # seconds between status checks while the channel reviews
PROGRESS_EVERY_SECONDS = 1.0
Status = Distribution.Status


def caption_of(row):
    """The caption staff wrote for this channel, else the clip's title and its #话题."""
    if row.caption.strip():
        return row.caption.strip()
    return " ".join(part for part in (row.video.title.strip(), row.video.topics.strip()) if part)


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

    One conditional UPDATE: two workers racing for it cannot both win.
    """
    now = timezone.now()
    # Due again only if this worker goes silent: no other worker takes it meanwhile, and none is needed to free it.
    won = (
        Distribution.objects.due(now)
        .filter(pk=distribution_id)
        .update(worker=process_identity(), heartbeat_at=now, next_try_at=now + stale_after())
    )
    return Distribution.objects.select_related("video", "account").get(pk=distribution_id) if won else None


def save(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    Distribution.objects.filter(pk=row.pk).update(**fields, updated_at=timezone.now())


def run(distribution_id):
    """One step of the distribution if this process can claim it."""
    row = claim(distribution_id)
    if row is None:
        return
    try:
        if row.item_id:
            check_status(row)
        elif row.create_started_at:
            reconcile(row)
        else:
            publish(row)
    except ChannelError as error:
        record_error(row, error)
    except Exception as error:  # noqa: BLE001 - a fault of ours (storage, a bug) is retried, then shown
        logger.exception("distribution %s failed", row.pk)
        record_error(row, Retryable(_("内部错误：%(error)s") % {"error": type(error).__name__}))


def publish(row):
    video = row.video
    client = accounts.client_for(row.account)
    caption = caption_of(row)
    facts = MediaFacts(
        container=video.container or "mp4",
        duration=video.duration or 0.0,
        size=storage.size_of(video.source),
        width=video.width or 0,
        height=video.height or 0,
    )
    warnings = client.validate(facts, caption)
    save(row, status=Status.UPLOADING, warnings="\n".join(_(text) for text in warnings), bytes_total=facts.size)
    video_id = upload(row, client, video, facts.size)
    # The intent, saved before the call: after a crash past this line the post is looked for, never made again.
    save(row, status=Status.CREATING, create_started_at=timezone.now(), sent_caption=caption, upload_state={})
    try:
        item_id = accounts.with_token(
            row.account, lambda token: client.create_video(token, row.account.open_id, video_id, caption, video.cover_at)
        )
    except Retryable as error:
        if never_sent(error):  # nothing reached the channel: nothing to look for
            save(row, create_started_at=None, sent_caption="")
        raise  # busy, 5xx, a reset, a timeout: the post may exist (a channel may err after posting), so it is looked for
    except ChannelError:
        save(row, create_started_at=None, sent_caption="")  # refused in so many words: the channel made nothing
        raise
    save(
        row, item_id=item_id, status=Status.UNDER_REVIEW, attempts=0, last_error="", error_code="",
        next_try_at=timezone.now() + timedelta(seconds=REVIEW_CHECKS[0]), heartbeat_at=None,
    )  # fmt: skip


def never_sent(error):
    """A connection that failed before the request went out: no answer of the channel, nothing sent."""
    return not error.maybe_done and not error.code and error.http_status is None


def upload(row, client, video, size):
    """The clip's file to the channel in parts, resumed from the part after the last one the row saved."""
    source = Source(
        name=video.source.rsplit("/", 1)[-1],
        size=size,
        read_range=lambda start, length: storage.read_range(video.source, start, length),
    )
    resumed = UploadState.from_dict(row.upload_state) if row.upload_state else None
    last_saved = [0.0]

    def on_state(state):
        save(row, upload_state=state.to_dict(), heartbeat_at=timezone.now())

    def on_progress(sent, total):
        now = timezone.now()
        if now.timestamp() - last_saved[0] >= PROGRESS_EVERY_SECONDS or sent == total:
            last_saved[0] = now.timestamp()
            save(row, bytes_sent=sent, heartbeat_at=now)

    return accounts.with_token(
        row.account,
        lambda token: client.upload(
            token, row.account.open_id, source, state=resumed, on_state=on_state, on_progress=on_progress
        ),
    )


def reconcile(row):
    """The create call may have made the post though its reply was lost: look for it by its caption."""
    client = accounts.client_for(row.account)
    started = row.create_started_at
    item_id = accounts.with_token(
        row.account, lambda token: client.find(token, row.account.open_id, row.sent_caption, started.timestamp())
    )
    now = timezone.now()
    if item_id:
        save(
            row, item_id=item_id, status=Status.UNDER_REVIEW, last_error="", error_code="",
            next_try_at=now + timedelta(seconds=REVIEW_CHECKS[0]), heartbeat_at=None,
        )  # fmt: skip
    elif now - started > timedelta(seconds=settings.DISTRIBUTION_RECONCILE_SECONDS):
        save(
            row, status=Status.UNKNOWN, next_try_at=None, heartbeat_at=None,
            last_error=_("发布请求已发出，但没有收到平台的答复，在账号的作品里也没有找到它。请到平台上查看是否已发布；"
                         "确认没有发布后再点「重新发布」。"),
        )  # fmt: skip
    else:
        save(
            row,
            status=Status.RETRYING,
            next_try_at=now + timedelta(seconds=settings.DISTRIBUTION_FIND_EVERY_SECONDS),
            heartbeat_at=None,
        )


def check_status(row):
    """Follow the post: published once listed with a link, under review until then, removed if it goes."""
    apply_status(row, statuses_of(row.account, [row.item_id]).get(row.item_id))


def apply_status(row, post, now=None):
    now = now or timezone.now()
    if post is None:
        if row.status == Status.PUBLISHED:
            save(row, status=Status.REMOVED, next_try_at=None, statistics_at=now, heartbeat_at=None)
        else:
            follow_review(row, now)
        return
    counts = {"plays": post.plays, "likes": post.likes, "comments": post.comments, "shares": post.shares}
    counts = {name: value for name, value in counts.items() if value is not None}
    if post.state == "published":
        published_at = row.published_at or now
        save(
            row, status=Status.PUBLISHED, share_url=post.share_url, published_at=published_at, statistics_at=now,
            next_try_at=None, heartbeat_at=None, **counts,
        )  # fmt: skip
    elif post.state == "removed":
        save(row, status=Status.REMOVED, next_try_at=None, statistics_at=now, heartbeat_at=None, **counts)
    else:
        follow_review(row, now)


def follow_review(row, now):
    checks = min(row.attempts, len(REVIEW_CHECKS) - 1)
    save(
        row, status=Status.UNDER_REVIEW, attempts=row.attempts + 1, heartbeat_at=None,
        next_try_at=now + timedelta(seconds=REVIEW_CHECKS[checks]),
    )  # fmt: skip


def record_error(row, error):
    """Retry, wait for the day to turn, ask a person, or stop, as the channel's error says."""
    message = _(error.message) % error.params if error.params else _(error.message)
    fields = {"last_error": message[:2000], "error_code": error.code[:40], "heartbeat_at": None}
    now = timezone.now()
    if isinstance(error, NeedsAuth):
        save(row, status=Status.NEEDS_AUTH, next_try_at=None, **fields)
    elif isinstance(error, NeedsConfig):
        save(row, status=Status.NEEDS_CONFIG, next_try_at=None, **fields)
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


def statuses_of(account, item_ids):
    client = accounts.client_for(account)
    return accounts.with_token(account, lambda token: client.status(token, account.open_id, item_ids))


def refresh_statistics(batch=100):
    """Scheduler: a published post's statistics once a day, one call per account for its posts; a post that
    disappeared from the account is marked removed."""
    now = timezone.now()
    rows = list(
        Distribution.objects.filter(status=Status.PUBLISHED, active=True, statistics_at__lt=now - timedelta(days=1))
        .select_related("account")
        .order_by("statistics_at")[:batch]
    )
    by_account = {}
    for row in rows:
        by_account.setdefault(row.account_id, []).append(row)
    refreshed = 0
    for account_rows in by_account.values():
        account = account_rows[0].account
        try:
            found = statuses_of(account, [row.item_id for row in account_rows])
        except ChannelError:
            logger.warning("statistics of account %s not refreshed", account.pk)
            continue
        for row in account_rows:
            apply_status(row, found.get(row.item_id), now)
            refreshed += 1
    return _("分发：更新了 %(count)d 条作品的数据。") % {"count": refreshed} if refreshed else ""
