"""The Douyin steps of a distribution: upload the clip and create the post, find it after a crash,
follow its review, keep its statistics. Each loads what it needs, calls the plain client
(platforms/douyin.py) and saves what came of it (rows.py).

An upload's video id is used by the run that made it only: a run that died before recording its
intent uploads again next time, so no video id is ever given to create twice.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from media_center import storage

from . import accounts
from .models import Channel, Distribution
from .platforms.base import ChannelError, MediaFacts, Retryable, Source, UploadState
from .rows import drop_intent, follow_review, never_sent, not_found_yet, posted, record_intent, record_reading, save

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 1.0
Status = Distribution.Status


def caption_of(row):
    """The caption staff wrote for this channel, else the clip's title and its #话题."""
    if row.caption.strip():
        return row.caption.strip()
    return " ".join(part for part in (row.video.title.strip(), row.video.topics.strip()) if part)


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
    record_intent(row, caption)
    save(row, upload_state={})
    try:
        item_id = accounts.with_token(
            row.account, lambda token: client.create_video(token, row.account.open_id, video_id, caption, video.cover_at)
        )
    except Retryable as error:
        if never_sent(error):  # nothing reached the channel: nothing to look for
            drop_intent(row)
        raise  # busy, 5xx, a reset, a timeout: the post may exist (a channel may err after posting), so it is looked for
    except ChannelError:
        drop_intent(row)  # refused in so many words: the channel made nothing
        raise
    posted(row, item_id)


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
    if item_id:
        posted(row, item_id)
    else:
        not_found_yet(row)


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
    record_reading(row, now, counts)
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


def statuses_of(account, item_ids):
    client = accounts.client_for(account)
    return accounts.with_token(account, lambda token: client.status(token, account.open_id, item_ids))


def refresh_statistics(batch=100):
    """Scheduler: a published post's statistics once a day, one call per account for its posts; a post that
    disappeared from the account is marked removed."""
    now = timezone.now()
    rows = list(
        Distribution.objects.filter(status=Status.PUBLISHED, active=True, statistics_at__lt=now - timedelta(days=1))
        .filter(account__channel=Channel.DOUYIN)
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
