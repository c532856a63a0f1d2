"""What every channel client shares: its errors, the file it uploads, the state of an upload, tokens and results.

Plain Python, no Django: the distribution worker calls the clients and decides what an error means
for the row (back off, wait for the day to turn, ask staff to reconnect, give up). Every error
carries the channel's own code and description, or our untranslated message for staff.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

READ_BLOCK = 1024 * 1024  # what a Source yields at a time: memory stays at about this much per upload
CHINA = timezone(timedelta(hours=8))  # the channels' daily quotas turn over at midnight, Beijing time


class ChannelError(Exception):
    """A call to a channel failed. `kind` says what the worker does about it.

    `code` is the channel's error code ("" when it gave none); `message` its description, or our own
    untranslated text (gettext_noop) with `params` to %-format it after translation. `retry_after`:
    seconds to wait before trying again, when known. `maybe_done`: the request reached the channel
    and may have taken effect though no answer says so (a post is then looked for, never re-sent).
    """

    RETRYABLE = "retryable"
    QUOTA = "quota"
    NEEDS_AUTH = "needs_auth"
    NEEDS_CONFIG = "needs_config"
    PERMANENT = "permanent"
    TOKEN_EXPIRED = "token_expired"

    kind = PERMANENT

    def __init__(self, message, *, code="", params=None, retry_after=None, maybe_done=False, http_status=None):
        self.message = message
        self.code = str(code) if code else ""
        self.params = params or {}
        self.retry_after = retry_after
        self.maybe_done = maybe_done
        self.http_status = http_status
        super().__init__(self.text)

    @property
    def text(self):
        """The message filled in, untranslated: for logs and the shell (the admin translates `message` first)."""
        text = self.message % self.params if self.params else self.message
        return f"{self.code} {text}" if self.code else text


class Retryable(ChannelError):
    """Busy, rate-limited, 5xx, a timeout or a broken connection: try again later, with back-off."""

    kind = ChannelError.RETRYABLE


class QuotaExceeded(ChannelError):
    """The day's quota is used up: try again after the day turns (`retry_after`), not with back-off."""

    kind = ChannelError.QUOTA


class NeedsAuth(ChannelError):
    """The account's authorisation is gone or lacks a scope: staff must connect the account again."""

    kind = ChannelError.NEEDS_AUTH


class TokenExpired(NeedsAuth):
    """The access token expired: refresh it and retry once; only if that fails does a person act."""

    kind = ChannelError.TOKEN_EXPIRED


class NeedsConfig(ChannelError):
    """The application is not set up (credentials missing, IP not whitelisted): an administrator must act."""

    kind = ChannelError.NEEDS_CONFIG


class Permanent(ChannelError):
    """The channel refused this content or request for good: shown to staff with the channel's message."""

    kind = ChannelError.PERMANENT


@dataclass(frozen=True)
class Source:
    """The file to upload, read in ranges so that memory stays the same whatever its size.

    `read_range(start, length)` yields the `length` bytes from offset `start`, in blocks of at most
    1 MB: a local file here, S3 ranged GETs on the Django side.
    """

    name: str
    size: int
    read_range: Callable[[int, int], Iterator[bytes]] = field(repr=False)

    @classmethod
    def from_path(cls, path):
        path = os.fspath(path)

        def read_range(start, length):
            with open(path, "rb", buffering=0) as file:
                file.seek(start)
                left = length
                while left > 0:
                    block = file.read(min(READ_BLOCK, left))
                    if not block:
                        return  # the file is shorter than it was: the uploader notices the missing bytes
                    left -= len(block)
                    yield block

        return cls(os.path.basename(path), os.path.getsize(path), read_range)


@dataclass
class UploadState:
    """How far a multipart upload got: kept on the distribution's row after every part, so a worker
    restarted mid-upload continues from the next part while the upload_id is still valid."""

    upload_id: str
    started_at: float  # unix time the upload_id was issued
    part_size: int
    parts_done: int = 0

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        return cls(
            upload_id=str(values["upload_id"]),
            started_at=float(values["started_at"]),
            part_size=int(values["part_size"]),
            parts_done=int(values.get("parts_done", 0)),
        )


@dataclass(frozen=True)
class Tokens:
    """An account's authorisation. The token values never appear in a repr (nor, therefore, in a log)."""

    access_token: str = field(repr=False)
    access_expires_at: float  # unix time
    refresh_token: str = field(repr=False)
    refresh_expires_at: float  # unix time; 0.0 when the channel's reply did not say (keep the stored one)
    open_id: str
    scope: str


PUBLISHED = "published"
UNDER_REVIEW = "under_review"
REMOVED = "removed"
FAILED = "failed"  # the channel refused to publish it (WeChat: originality, review, blocked)


@dataclass(frozen=True)
class PostStatus:
    """A post as the channel shows it now; the statistics are None when the reply does not give them."""

    item_id: str
    state: str  # PUBLISHED, UNDER_REVIEW or REMOVED
    share_url: str = ""
    plays: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None


@dataclass(frozen=True)
class MediaFacts:
    """What the channel's limits are checked against (the probe's findings on the clip to post)."""

    container: str  # as ffprobe names it ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm") or plainly "mp4"
    duration: float  # seconds; 0 when unknown
    size: int  # bytes
    width: int  # as displayed
    height: int


def seconds_to_beijing_midnight(now):
    here = datetime.fromtimestamp(now, CHINA)
    midnight = (here + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - here).total_seconds())


def as_int(value):
    """An int from a JSON number or numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def retry_after(header):
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not header:
        return None
    if header.strip().isdigit():
        return float(header.strip())
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
