"""「已人工发布」: a 视频号 distribution is posted by hand in 视频号助手 (there is no posting API), then staff
paste what identifies the post, which completes the row.

What they may paste, and where it goes:
- the post's link, `https://…` on channels.weixin.qq.com or another weixin.qq.com / qq.com host (the
  phone's 「复制链接」 gives https://weixin.qq.com/sph/…; the web shows
  https://channels.weixin.qq.com/web/pages/feed?eid=export%2F…) → `share_url`;
- its feed id (视频 ID, `export/UzFf…`, as 视频号助手 and the mini-program API name it) → `item_id`.
Nothing else is accepted: the link is shown to staff as a link, so only https to Tencent's hosts.
"""

import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MANUAL_CHANNELS, Distribution

Status = Distribution.Status
CONFIRMABLE = (Status.MANUAL, Status.UNKNOWN)
MAX_REFERENCE = 500  # what anyone pastes by hand; the link field holds as much
LINK_HOST_SUFFIXES = (".weixin.qq.com", ".qq.com")  # channels.weixin.qq.com, weixin.qq.com/sph/…
# A feed id: `export/` and base64url-like text (what 视频号 shows), or such a token alone; 8–200 long.
FEED_ID = re.compile(r"(?:export/)?[A-Za-z0-9][A-Za-z0-9_\-=+/]{7,199}")
LINK_LENGTH = Distribution._meta.get_field("share_url").max_length
https_url = URLValidator(schemes=["https"])


def bad_link():
    return ValidationError(
        _("请粘贴视频号作品的 https 链接（weixin.qq.com 或 channels.weixin.qq.com），或以 export/ 开头的视频 ID。")
    )


def parse_reference(text):
    """("share_url", link) or ("item_id", feed id) for what staff pasted; ValidationError with why not."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请粘贴视频号作品的链接或视频 ID。"))
    if len(text) > MAX_REFERENCE:
        raise ValidationError(_("内容太长：请只粘贴视频号作品的链接或视频 ID。"))
    if text.lower().startswith("export%2f"):  # the id as the web page's address carries it
        text = unquote(text)
    if ":" in text:
        return "share_url", _checked_link(text)
    if not FEED_ID.fullmatch(text) or "//" in text:
        raise bad_link()
    return "item_id", text


def _checked_link(text):
    if len(text) > LINK_LENGTH or not text.isascii() or any(c.isspace() or c == "\\" or ord(c) < 32 for c in text):
        raise bad_link()
    try:
        https_url(text)
        parts = urlsplit(text)
        port = parts.port
    except (ValidationError, ValueError):
        raise bad_link()
    host = parts.hostname or ""
    if (
        parts.scheme.lower() != "https"
        or "@" in parts.netloc
        or port not in (None, 443)
        or not host.endswith(LINK_HOST_SUFFIXES)
        or (parts.path in ("", "/") and not parts.query)  # a site's front page is not a post
    ):
        raise bad_link()
    return text


def confirm_posted(row, reference, user):
    """Mark a 视频号 row 「已发布」 with the post's link or feed id, now, confirmed by `user`. Only an active
    row waiting for a person; nothing changes otherwise."""
    if row.channel not in MANUAL_CHANNELS:
        raise ValidationError(_("只有发布到视频号的分发需要人工确认发布。"))
    if not row.active or row.status not in CONFIRMABLE:
        raise ValidationError(_("这条分发不是「待人工发布」，不能再确认发布。"))
    field, value = parse_reference(reference)
    now = timezone.now()
    with transaction.atomic():
        waiting = Distribution.objects.filter(pk=row.pk, active=True, status__in=CONFIRMABLE)
        changes = {"status": Status.PUBLISHED, field: value, "published_at": now, "last_error": "", "updated_at": now}
        if user is not None and user.is_authenticated:
            changes["confirmed_by"] = user
        if not waiting.update(next_try_at=None, **changes):  # someone confirmed it, or published it again, meanwhile
            raise ValidationError(_("这条分发不是「待人工发布」，不能再确认发布。"))
    row.refresh_from_db()
    return row
