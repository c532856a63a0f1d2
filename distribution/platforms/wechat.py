"""微信公众号: an article goes up as images, a cover, a draft, then a free publish; its result is asked for later.

The contract is /work/shared/channels/WECHAT.md. The order of calls: `stable_token`, `upload_image` for
each body image (only the URLs it returns survive in the content), `add_cover`, `add_draft`, `submit`,
then `publication` until the publish_status is final. `submit` is never retried here: when its reply
is lost, the worker looks for the article with `find` instead of publishing again.

The client keeps no state between calls: the caller keeps the Token and refreshes it (once, with
`force_refresh=True`) when a call raises TokenExpired. Forced refreshes are limited (20 a day, 30 s
apart): that bookkeeping is the caller's as well.

Secrets: the AppSecret goes in the stable_token JSON body only; the access_token as the query
parameter `access_token` (WeChat knows no other way), so the URL is never put in an exception, a repr
or a log line, and httpx's own request log has the token masked.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
from dataclasses import dataclass, field

import httpx

from media_center.ffmpeg.messages import gettext_noop

from .base import (
    FAILED,
    PUBLISHED,
    REMOVED,
    UNDER_REVIEW,
    NeedsConfig,
    Permanent,
    QuotaExceeded,
    Retryable,
    TokenExpired,
    as_int,
    retry_after,
    seconds_to_beijing_midnight,
)

logger = logging.getLogger(__name__)

BASE_URL = "https://api.weixin.qq.com"
TITLE_LIMIT, AUTHOR_LIMIT, DIGEST_LIMIT = 32, 16, 128  # characters, at most
CONTENT_CHAR_LIMIT = 20_000  # the content must be shorter than this, in characters (code points, HTML included)
CONTENT_BYTE_LIMIT = 1024 * 1024  # and smaller than this, in UTF-8 bytes
IMAGE_BYTE_LIMIT = 1024 * 1024  # uploadimg: JPEG or PNG smaller than this
COVER_BYTE_LIMIT = 10 * 1024 * 1024  # add_material image: at most this (WeChat's permanent material rule)
FIND_CLOCK_SKEW = 30  # seconds: our clock and WeChat's may disagree by this much
FIND_PAGE_SIZE = 20  # batchget's largest page
FORCED_REFRESH_SPACING = 30  # seconds between two forced token refreshes
FREQUENCY_WAIT = 60  # seconds to wait after 45011 (too frequent) on other calls

PATHS = {
    "stable_token": "/cgi-bin/stable_token",
    "uploadimg": "/cgi-bin/media/uploadimg",
    "add_material": "/cgi-bin/material/add_material",
    "draft_add": "/cgi-bin/draft/add",
    "freepublish_submit": "/cgi-bin/freepublish/submit",
    "freepublish_get": "/cgi-bin/freepublish/get",
    "freepublish_batchget": "/cgi-bin/freepublish/batchget",
}

# The contract's error codes (WECHAT.md, Errors), then WeChat's own for what the contract leaves open.
BUSY = -1
INVALID_TOKEN = 40001
TOKEN_EXPIRED = 42001
IP_NOT_WHITELISTED = 40164
QUOTA_REACHED = 45009
UNAUTHORISED = 48001
DRAFT_FAILED_CHECK = 53503
DRAFT_WEB_ONLY = 53504
DRAFT_SAVE_BY_HAND = 53505
INVALID_APPID = 40013
INVALID_SECRET = 40125
TOO_FREQUENT = 45011

WHITELIST_MESSAGE = gettext_noop(
    "服务器的出口 IP（%(ip)s）不在公众号的 IP 白名单里。请管理员登录微信公众平台 → 设置与开发 → 基本配置 → IP 白名单，"
    "加入该 IP 后在「平台分发」里点重试。"
)
WHITELIST_MESSAGE_WITHOUT_IP = gettext_noop(
    "服务器的出口 IP 不在公众号的 IP 白名单里。请管理员登录微信公众平台 → 设置与开发 → 基本配置 → IP 白名单，"
    "加入本服务器的出口 IP 后在「平台分发」里点重试。"
)
UNAUTHORISED_MESSAGE = gettext_noop(
    "公众号没有发布接口权限：自 2025 年 7 月起未认证的公众号不能通过接口发布。请管理员在微信公众平台完成微信认证后点重试。"
)
CREDENTIALS_MESSAGE = gettext_noop(
    "公众号的 AppID 或 AppSecret 不对（微信的说明：%(errmsg)s）。请管理员在微信公众平台 → 设置与开发 → 基本配置 核对，"
    "在「平台账号」里改正后点重试。"
)
DRAFT_MESSAGES = {
    DRAFT_FAILED_CHECK: gettext_noop("草稿未通过微信的发布检查，请检查标题、正文和封面后重新发布（微信的说明：%(errmsg)s）。"),
    DRAFT_WEB_ONLY: gettext_noop(
        "微信要求这篇草稿在公众平台网页上发表，请到微信公众平台的草稿箱里手动发表（微信的说明：%(errmsg)s）。"
    ),
    DRAFT_SAVE_BY_HAND: gettext_noop(
        "微信要求先在公众平台的草稿箱里手动保存这篇草稿，保存后再点重试（微信的说明：%(errmsg)s）。"
    ),
}
# publish_status (freepublish/get) → (state, message for staff).
PUBLISH_STATES = {
    0: (PUBLISHED, ""),
    1: (UNDER_REVIEW, ""),
    2: (FAILED, gettext_noop("原创校验未通过")),
    3: (FAILED, gettext_noop("发布失败")),
    4: (FAILED, gettext_noop("审核未通过")),
    5: (REMOVED, gettext_noop("已被用户删除")),
    6: (REMOVED, gettext_noop("已被平台封禁")),
}

WHITELIST_IP = re.compile(r"invalid ip\s+([0-9A-Fa-f.:]+)")
TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s'\"]+")
IMAGE_TYPES = {
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "gif": ("image/gif", ".gif"),
    "bmp": ("image/bmp", ".bmp"),
}


@dataclass(frozen=True)
class Token:
    """An access_token and when it ends (unix time). The value never appears in a repr (nor in a log)."""

    value: str = field(repr=False)
    expires_at: float


@dataclass(frozen=True)
class DraftArticle:
    """One article of a draft, in the contract's fields: content is HTML whose images come from upload_image."""

    title: str
    author: str
    digest: str
    content: str
    content_source_url: str  # 阅读原文: the article on our site
    thumb_media_id: str  # from add_cover
    need_open_comment: int = 0
    only_fans_can_comment: int = 0


@dataclass(frozen=True)
class Publication:
    """A post as WeChat shows it.

    `state`: PUBLISHED, UNDER_REVIEW (still publishing), REMOVED (5, deleted by the account's staff) or
    FAILED (2 originality check, 3 failed, 4 rejected by review, 6 blocked by the platform). `message`:
    for the failed and removed states, our untranslated text, followed by WeChat's reason when its
    reply gives one.
    """

    state: str
    article_url: str = ""
    article_id: str = ""
    publish_status: int | None = None
    message: str = ""


def image_type(data):
    """ "jpeg", "png", "gif" or "bmp" by the file's first bytes; None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM" and len(data) >= 26:
        return "bmp"
    return None


def whitelist_ip(errmsg):
    """The server's IP in WeChat's 40164 text ("invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist"), or ""."""
    match = WHITELIST_IP.search(errmsg or "")
    if not match:
        return ""
    try:
        return str(ipaddress.ip_address(match.group(1).rstrip(".:")))
    except ValueError:
        return ""


def mask_tokens(value):
    """`value` as text with every access_token's value replaced by ***."""
    return TOKEN_IN_TEXT.sub(r"\1***", str(value))


class MaskTokens(logging.Filter):
    """httpx logs each request's URL at INFO: the token in it is masked before any handler sees it."""

    def filter(self, record):
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_tokens(arg) if "access_token=" in str(arg) else arg for arg in args)
        if isinstance(record.msg, str) and "access_token=" in record.msg:
            record.msg = mask_tokens(record.msg)
        return True


MASK_TOKENS = MaskTokens()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(MASK_TOKENS)  # a Filter is added once however often this runs


class Hidden:
    """A secret held so that no repr shows it (a debugger's or an error reporter's view of the client included)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "'***'" if self.value else "''"

    __str__ = __repr__


class WechatClient:
    """One Official Account (AppID and AppSecret) calling the WeChat API.

    `transport`: an httpx transport (tests pass one without certificate loading); `connect_timeout`
    and `read_timeout` in seconds bound every call (the read timeout also bounds each write).
    Every `token` argument is a Token or its value.
    """

    def __init__(self, appid, secret, *, base_url=BASE_URL, connect_timeout=10, read_timeout=60, transport=None):
        self.appid = appid
        self._secret = Hidden(secret)
        self.base_url = base_url.rstrip("/")
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False)

    def __repr__(self):
        return f"<WechatClient appid={self.appid!r} base_url={self.base_url!r}>"

    def close(self):
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # The token.

    def stable_token(self, *, force_refresh=False) -> Token:
        """The account's access_token: the same one while it lasts (7200 s), a new one when `force_refresh`.

        Force only after a call raised TokenExpired, once: WeChat allows 20 forced refreshes a day, 30 s apart.
        """
        if not self.appid or not self._secret.value:
            raise NeedsConfig(gettext_noop("未配置公众号的 AppID 或 AppSecret。请管理员在「平台账号」里填写后点重试。"))
        now = time.time()
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self._secret.value,
            "force_refresh": bool(force_refresh),
        }
        data = self._call("stable_token", json=body, forced=bool(force_refresh))
        value = data.get("access_token")
        expires_in = as_int(data.get("expires_in"))
        if not value or not isinstance(value, str) or not expires_in:
            raise Retryable(gettext_noop("微信的回复缺少 %(field)s，稍后重试。"), params={"field": "access_token"})
        return Token(value, now + expires_in)

    # Images.

    def upload_image(self, token, name, data: bytes) -> str:
        """A body image (JPEG or PNG, under 1 MB) → its URL on mmbiz.qpic.cn, the only kind kept in content.

        Anything else is refused before sending (Permanent): GIF, WebP and larger files are converted first.
        """
        kind = image_type(data)
        if not data:
            raise Permanent(gettext_noop("图片 %(name)s 是空文件。"), params={"name": name})
        if kind not in ("jpeg", "png"):
            raise Permanent(
                gettext_noop("图片 %(name)s 不是 JPEG 或 PNG：公众号正文图片只接受这两种，请先转换。"), params={"name": name}
            )
        if len(data) >= IMAGE_BYTE_LIMIT:
            raise Permanent(
                gettext_noop("图片 %(name)s 共 %(size)s 字节，公众号正文图片须小于 %(limit)s 字节（1 MB），请先压缩。"),
                params={"name": name, "size": len(data), "limit": IMAGE_BYTE_LIMIT},
            )
        data_reply = self._call("uploadimg", token=token, files=self._media(kind, data))
        return self._field(data_reply, "url")

    def add_cover(self, token, name, data: bytes) -> tuple[str, str]:
        """The cover as permanent image material → (media_id for the draft's thumb_media_id, its URL)."""
        kind = image_type(data)
        if not data:
            raise Permanent(gettext_noop("封面图片 %(name)s 是空文件。"), params={"name": name})
        if kind is None:
            raise Permanent(gettext_noop("封面图片 %(name)s 不是 JPEG、PNG、GIF 或 BMP，公众号不接受。"), params={"name": name})
        if len(data) > COVER_BYTE_LIMIT:
            raise Permanent(
                gettext_noop("封面图片 %(name)s 共 %(size)s 字节，超过公众号 %(limit)s 字节（10 MB）的上限。"),
                params={"name": name, "size": len(data), "limit": COVER_BYTE_LIMIT},
            )
        reply = self._call("add_material", token=token, params={"type": "image"}, files=self._media(kind, data))
        return self._field(reply, "media_id"), self._field(reply, "url")

    def _media(self, kind, data):
        content_type, suffix = IMAGE_TYPES[kind]
        return {"media": ("image" + suffix, data, content_type)}  # a plain ASCII file name: WeChat reads the bytes

    # The draft and its publication.

    def add_draft(self, token, article: DraftArticle) -> str:
        """A draft of the one article → its media_id. The contract's limits are checked first (Permanent, nothing sent)."""
        self.check_article(article)
        values = {
            "article_type": "news",
            "title": article.title,
            "author": article.author,
            "digest": article.digest,
            "content": article.content,
            "content_source_url": article.content_source_url,
            "thumb_media_id": article.thumb_media_id,
            "need_open_comment": int(article.need_open_comment),
            "only_fans_can_comment": int(article.only_fans_can_comment),
        }
        for name in ("author", "digest", "content_source_url"):
            if not values[name]:
                del values[name]  # left out, WeChat fills in its default (the digest: the content's start)
        reply = self._call("draft_add", token=token, json={"articles": [values]})
        return self._field(reply, "media_id")

    def check_article(self, article: DraftArticle):
        """Refuse (Permanent) what draft/add would refuse, naming the limit and the length."""
        if not article.title.strip():
            raise Permanent(gettext_noop("公众号文章需要标题。"))
        for value, limit, message in (
            (article.title, TITLE_LIMIT, gettext_noop("标题共 %(length)s 字，超过公众号 %(limit)s 字的上限。")),
            (article.author, AUTHOR_LIMIT, gettext_noop("作者共 %(length)s 字，超过公众号 %(limit)s 字的上限。")),
            (article.digest, DIGEST_LIMIT, gettext_noop("摘要共 %(length)s 字，超过公众号 %(limit)s 字的上限。")),
        ):
            if len(value or "") > limit:
                raise Permanent(message, params={"length": len(value), "limit": limit})
        content = article.content or ""
        if not content.strip():
            raise Permanent(gettext_noop("公众号文章需要正文。"))
        if len(content) >= CONTENT_CHAR_LIMIT:
            raise Permanent(
                gettext_noop("正文（含 HTML）共 %(length)s 字，公众号要求少于 %(limit)s 字。"),
                params={"length": len(content), "limit": CONTENT_CHAR_LIMIT},
            )
        size = len(content.encode("utf-8"))
        if size >= CONTENT_BYTE_LIMIT:
            raise Permanent(
                gettext_noop("正文（含 HTML）共 %(length)s 字节，公众号要求小于 %(limit)s 字节。"),
                params={"length": size, "limit": CONTENT_BYTE_LIMIT},
            )
        if not article.thumb_media_id:
            raise Permanent(gettext_noop("公众号文章需要封面（thumb_media_id）。"))
        if article.content_source_url and not article.content_source_url.startswith(("http://", "https://")):
            raise Permanent(
                gettext_noop("“阅读原文”链接应以 http:// 或 https:// 开头：%(url)s"), params={"url": article.content_source_url}
            )
        for name in ("need_open_comment", "only_fans_can_comment"):
            if getattr(article, name) not in (0, 1):
                raise Permanent(gettext_noop("%(field)s 应为 0 或 1。"), params={"field": name})

    def submit(self, token, media_id) -> str:
        """Publish the draft → its publish_id (accepted, not yet published). Never retried here.

        An error with `maybe_done` True (sent, but a timeout, a broken connection, a 5xx or an unreadable
        reply came back) means the article may be publishing: look for it with `find`, never submit again.
        An error in WeChat's envelope (`{errcode, errmsg}`) says nothing was published.
        """
        reply = self._call("freepublish_submit", token=token, json={"media_id": media_id})
        publish_id = reply.get("publish_id")
        if publish_id in (None, ""):
            raise Retryable(gettext_noop("微信的回复缺少 %(field)s，稍后重试。"), params={"field": "publish_id"}, maybe_done=True)
        return str(publish_id)

    def publication(self, token, publish_id) -> Publication:
        """What became of a submit: publishing, published (with its URL), failed or removed."""
        reply = self._call("freepublish_get", token=token, json={"publish_id": str(publish_id)})
        status = as_int(reply.get("publish_status"))
        if status is None:
            raise Retryable(gettext_noop("微信的回复缺少 %(field)s，稍后重试。"), params={"field": "publish_status"})
        if status not in PUBLISH_STATES:
            raise Retryable(gettext_noop("微信回复了未知的发布状态 %(status)s，稍后再查。"), params={"status": status})
        state, message = PUBLISH_STATES[status]
        detail = reply.get("article_detail") if isinstance(reply.get("article_detail"), dict) else {}
        items = [item for item in detail.get("item") or [] if isinstance(item, dict)]
        items.sort(key=lambda item: as_int(item.get("idx")) or 0)
        reason = fail_reason(reply)
        if message and reason:
            message = f"{message}：{reason}"  # our text, then WeChat's words
        return Publication(
            state=state,
            article_url=str(items[0].get("article_url") or "") if items else "",
            article_id=str(reply.get("article_id") or ""),
            publish_status=status,
            message=message,
        )

    def find(self, token, title, published_after: float, pages=3, *, source_url="", exclude=()) -> Publication | None:
        """The article of this title (and, when given, this 阅读原文 link) published at or after
        `published_after` (unix time), or None; article ids in `exclude` (already another row's) are passed over.

        For a submit whose reply was lost: walks batchget newest first, `pages` pages of 20 at most, and
        stops at the first article older than the window. An article still publishing is not listed
        yet, so None now may become a publication later. A title alone is not enough where a column
        publishes 「工会动态」 every week: the link says which page the article was made of.
        """
        wanted = title.strip()
        since = published_after - FIND_CLOCK_SKEW
        for page in range(pages):
            offset = page * FIND_PAGE_SIZE
            reply = self._call(
                "freepublish_batchget", token=token, json={"offset": offset, "count": FIND_PAGE_SIZE, "no_content": 1}
            )
            items = reply.get("item")
            if items is None and (as_int(reply.get("item_count")) == 0 or as_int(reply.get("total_count")) == 0):
                items = []
            if not isinstance(items, list):
                raise Retryable(gettext_noop("微信的回复缺少 %(field)s，稍后重试。"), params={"field": "item"})
            items = [item for item in items if isinstance(item, dict)]
            for item in items:
                content = item.get("content") if isinstance(item.get("content"), dict) else {}
                updated = as_int(item.get("update_time"))
                if updated is None:
                    updated = as_int(content.get("update_time"))
                if updated is None:
                    continue
                if updated < since:
                    return None  # newest first: everything further down is older still
                if str(item.get("article_id") or "") in exclude:
                    continue
                for news in content.get("news_item") or []:
                    if not isinstance(news, dict) or str(news.get("title") or "").strip() != wanted:
                        continue
                    if not source_url or str(news.get("content_source_url") or "") == source_url:
                        return listed(item, news)
            total = as_int(reply.get("total_count"))
            if len(items) < FIND_PAGE_SIZE or (total is not None and offset + len(items) >= total):
                return None
        return None

    # Calls.

    def _field(self, reply, name):
        value = reply.get(name)
        if value in (None, ""):
            raise Retryable(gettext_noop("微信的回复缺少 %(field)s，稍后重试。"), params={"field": name}, maybe_done=True)
        return str(value)

    def _call(self, endpoint, *, token=None, params=None, json=None, files=None, forced=False):
        """One POST: the reply's fields when errcode is 0 (or absent), else the error class the contract names."""
        query = dict(params or {})
        if endpoint != "stable_token":
            if not token:
                raise TokenExpired(gettext_noop("没有 access_token：先获取一个再调用。"))
            query = {"access_token": token.value if isinstance(token, Token) else str(token), **query}
        headers = {}
        content = None
        if json is not None:
            # UTF-8 as it is: WeChat stores \uXXXX escapes in articles literally.
            content = dumps(json)
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            response = self._http.post(PATHS[endpoint], params=query or None, content=content, files=files, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # `from None`: the httpx error holds the request, whose URL carries the token.
            raise Retryable(
                gettext_noop("连接微信失败（%(error)s），稍后重试。"), params={"error": type(error).__name__}, maybe_done=False
            ) from None
        except httpx.TimeoutException as error:
            raise Retryable(
                gettext_noop("微信在规定时间内没有回复（%(error)s），稍后重试。"),
                params={"error": type(error).__name__},
                maybe_done=True,
            ) from None
        except httpx.TransportError as error:
            raise Retryable(
                gettext_noop("与微信的连接中断（%(error)s），稍后重试。"), params={"error": type(error).__name__}, maybe_done=True
            ) from None
        return self._reply(endpoint, response, forced)

    def _reply(self, endpoint, response, forced):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        code = as_int(body.get("errcode")) if isinstance(body, dict) else None
        errmsg = str(body.get("errmsg") or "") if isinstance(body, dict) else ""
        if status >= 500 or status == 429:
            raise Retryable(
                gettext_noop("微信服务暂时不可用（HTTP %(status)s），稍后重试。"),
                code=code or "",
                params={"status": status},
                retry_after=retry_after(response.headers.get("retry-after")),
                maybe_done=True,
                http_status=status,
            )
        if code:
            logger.info("wechat %s: error %s %s", endpoint, code, errmsg)
            raise self._error(endpoint, code, errmsg, status, forced)
        if not 200 <= status < 300:
            raise Permanent(gettext_noop("微信拒绝了请求（HTTP %(status)s）。"), params={"status": status}, http_status=status)
        if not isinstance(body, dict):
            raise Retryable(
                gettext_noop("微信的回复无法解读（HTTP %(status)s，不是 JSON 对象），稍后重试。"),
                params={"status": status},
                maybe_done=True,
                http_status=status,
            )
        return body

    def _error(self, endpoint, code, errmsg, status, forced):
        """The error for WeChat's `{errcode, errmsg}` (errcode not 0): the contract's table, then WeChat's own codes."""
        options = {"code": code, "http_status": status}
        if code == BUSY:
            return Retryable(gettext_noop("微信系统繁忙，稍后重试。"), **options)
        if endpoint == "stable_token" and code in (INVALID_TOKEN, INVALID_APPID, INVALID_SECRET):
            return NeedsConfig(CREDENTIALS_MESSAGE, params={"errmsg": errmsg}, **options)
        if code in (INVALID_TOKEN, TOKEN_EXPIRED):
            return TokenExpired(gettext_noop("access_token 无效或已过期：刷新后重试。"), **options)
        if code == IP_NOT_WHITELISTED:
            ip = whitelist_ip(errmsg)
            if ip:
                return NeedsConfig(WHITELIST_MESSAGE, params={"ip": ip}, **options)
            return NeedsConfig(WHITELIST_MESSAGE_WITHOUT_IP, **options)
        if code == UNAUTHORISED:
            return NeedsConfig(UNAUTHORISED_MESSAGE, **options)
        if code == QUOTA_REACHED:
            wait = seconds_to_beijing_midnight(time.time())
            if forced:
                message = gettext_noop("今天强制刷新 access_token 的次数已用完（每天至多 20 次），北京时间零点后重试。")
            else:
                message = gettext_noop("公众号今天调用这个接口的次数已用完，北京时间零点后重试。")
            return QuotaExceeded(message, retry_after=wait, **options)
        if code == TOO_FREQUENT:
            if forced:
                message, wait = gettext_noop("强制刷新 access_token 须间隔 30 秒，稍后重试。"), FORCED_REFRESH_SPACING
            else:
                message, wait = gettext_noop("调用微信接口太频繁，稍后重试。"), FREQUENCY_WAIT
            return Retryable(message, retry_after=wait, **options)
        if code in DRAFT_MESSAGES:
            return Permanent(DRAFT_MESSAGES[code], params={"errmsg": errmsg or str(code)}, **options)
        return Permanent(errmsg or str(code), **options)


def dumps(values):
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fail_reason(reply):
    """WeChat's own words on a failed publish, when its reply has any (the documented reply has none)."""
    for name in ("fail_reason", "reason"):
        value = reply.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    errmsg = reply.get("errmsg")
    if isinstance(errmsg, str) and errmsg.strip() and errmsg.strip().lower() != "ok":
        return errmsg.strip()
    return ""


def listed(item, news):
    """A batchget entry as a Publication: published, or removed when WeChat marks it deleted."""
    deleted = news.get("is_deleted") is True
    return Publication(
        state=REMOVED if deleted else PUBLISHED,
        article_url=str(news.get("url") or ""),
        article_id=str(item.get("article_id") or ""),
        publish_status=None if deleted else 0,  # listed means published; deleted by staff (5) or blocked (6): not said
        message=gettext_noop("已删除") if deleted else "",
    )
