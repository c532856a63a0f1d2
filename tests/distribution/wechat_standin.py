"""A local stand-in for the WeChat Official Account API, as /work/shared/channels/WECHAT.md describes it.

The real service cannot be reached from here, so the WeChat adapter is tested against this server.
It implements the contract's endpoints (stable_token, media/uploadimg, material/add_material,
draft/add, freepublish/submit, get and batchget), their limits and error codes, checks each request
against the contract (paths, methods, JSON or multipart bodies, field names and types: breaches go
to `state.violations`), strips from article HTML what WeChat strips and reports it (`state.stripped`),
and can be told to misbehave with the same fault kinds as the Douyin stand-in (standin_base). When
the adapter and this server disagree, the contract decides.

Tests steer it through `state`: the IP whitelist (`whitelisted`), the account's verification
(`verified`), daily quotas per API, the clock (token expiry), publish results (`succeed`,
`fail_publish`, `delete`), draft problems (`refuse_draft`) and faults (`fail`).

Usage::

    with running_standin() as wechat:
        token = wechat.state.issue_token()
        httpx.post(wechat.base_url + "/cgi-bin/draft/add", params={"access_token": token}, json=...)
        wechat.state.fail("freepublish_submit", kind="lost_reply")
        assert not wechat.state.violations
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import itertools
import json
import math
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from html import escape
from html.parser import HTMLParser

from PIL import Image, UnidentifiedImageError

from tests.distribution.standin_base import (
    CHINA,
    ERROR,
    FAULT_KINDS,
    FORM_MAX,
    MB,
    ChannelError,
    Clock,
    Endpoint,
    FaultQueue,
    MultipartError,
    MultipartReader,
    StandIn,
    StandInHandler,
    serving,
)
from tests.distribution.standin_base import mask as mask_names

__all__ = ["ERROR", "FAULT_KINDS", "MB", "running_standin"]

# Error codes: the contract's (WECHAT.md, Errors) first, then WeChat's own for what the contract leaves open.
OK = 0
BUSY = -1
INVALID_TOKEN = 40001
TOKEN_EXPIRED = 42001
IP_NOT_WHITELISTED = 40164
QUOTA_REACHED = 45009
UNAUTHORISED = 48001
DRAFT_FAILED_CHECK = 53503
DRAFT_WEB_ONLY = 53504
DRAFT_SAVE_BY_HAND = 53505
DRAFT_PROBLEMS = {DRAFT_FAILED_CHECK, DRAFT_WEB_ONLY, DRAFT_SAVE_BY_HAND}
# Not in the contract (WeChat's codes for what the adapter should never send; all are also violations).
INVALID_FILE_TYPE = 40005
INVALID_MEDIA_ID = 40007
INVALID_IMAGE_SIZE = 40009
INVALID_APPID = 40013
INVALID_SECRET = 40125
MISSING_TOKEN = 41001
INVALID_URL = 40066
REQUIRE_POST = 43002
TOO_FREQUENT = 45011  # a forced refresh less than 30 s after the last one
CONTENT_TOO_LONG = 45002
TITLE_TOO_LONG = 45003
DIGEST_TOO_LONG = 45004
AUTHOR_TOO_LONG = 45110
DATA_FORMAT = 47001

# publish_status (freepublish/get).
PUBLISHED = 0
PUBLISHING = 1
ORIGINALITY_FAILED = 2
FAILED = 3
REJECTED = 4
DELETED_BY_USER = 5
BLOCKED = 6
FAILURES = {ORIGINALITY_FAILED, FAILED, REJECTED}
DELETIONS = {DELETED_BY_USER, BLOCKED}

SECRET_NAMES = {"access_token", "secret"}
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "blockquote"}
ALLOWED_TAGS |= {"section", "span", "img", "a"}
ALLOWED_ATTRIBUTES = {"img": {"src", "style"}, "a": {"href", "style"}}  # every other allowed tag: style only
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "form"}
VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
IMAGE_HOST = "https://mmbiz.qpic.cn"

ARTICLE_FIELDS = {
    "article_type": str,
    "title": str,
    "author": str,
    "digest": str,
    "content": str,
    "content_source_url": str,
    "thumb_media_id": str,
    "need_open_comment": int,
    "only_fans_can_comment": int,
}
ARTICLE_REQUIRED = ["article_type", "title", "content", "thumb_media_id"]


@dataclass
class Limits:
    """The contract's numbers. Only a test of a check itself should lower one."""

    token_ttl: int = 7200
    forced_refreshes_per_day: int = 20
    forced_refresh_spacing: int = 30
    uploadimg_max: int = 1 * MB  # the file must be smaller
    material_max: int = 10 * MB
    title_max: int = 32
    author_max: int = 16
    digest_max: int = 128
    content_chars: int = 20_000  # content must be shorter, in characters
    content_bytes: int = 1 * MB  # and in UTF-8 bytes
    articles_max: int = 8
    batchget_max: int = 20


ENDPOINTS = {
    endpoint.path: endpoint
    for endpoint in (
        Endpoint("stable_token", "/cgi-bin/stable_token", "POST", "json"),
        Endpoint("uploadimg", "/cgi-bin/media/uploadimg", "POST", "multipart", "api"),
        Endpoint("add_material", "/cgi-bin/material/add_material", "POST", "multipart", "api"),
        Endpoint("draft_add", "/cgi-bin/draft/add", "POST", "json", "api"),
        Endpoint("freepublish_submit", "/cgi-bin/freepublish/submit", "POST", "json", "publish"),
        Endpoint("freepublish_get", "/cgi-bin/freepublish/get", "POST", "json", "publish"),
        Endpoint("freepublish_batchget", "/cgi-bin/freepublish/batchget", "POST", "json", "publish"),
    )
}
ENDPOINT_NAMES = {endpoint.name for endpoint in ENDPOINTS.values()}


class WeChatError(ChannelError):
    """`{errcode, errmsg}` with HTTP 200. `violation`: the request broke the contract (state.violations)."""


def mask(values):
    return mask_names(values, SECRET_NAMES)


def bad_request(description, code=DATA_FORMAT):
    return WeChatError(code, description, violation=True)


@dataclass
class Token:
    token: str
    appid: str
    expires_at: float
    retired: bool = False  # a forced refresh replaced it: 40001 (not the latest), not 42001


@dataclass
class Material:
    media_id: str
    url: str
    size: int
    format: str
    width: int
    height: int


@dataclass
class Draft:
    media_id: str
    articles: list  # as stored: content cleaned
    created_at: float
    published_by: str | None = None  # the publish_id of its submit: a draft is published once


@dataclass
class Publication:
    publish_id: str
    msg_data_id: int
    media_id: str
    articles: list
    submitted_at: float
    status: int = PUBLISHING
    article_id: str | None = None
    urls: list = field(default_factory=list)
    update_time: int | None = None
    seq: int = 0  # the order of success: batchget lists newest first


class StandInState(FaultQueue):
    """Everything the stand-in knows, for the tests to inspect and steer. Thread-safe: handlers run in threads."""

    default_fault_code = BUSY
    endpoint_names = ENDPOINT_NAMES

    def __init__(self, *, appid="wxstandin0000001", secret="standin_app_secret", strict=True, limits=None):
        """`strict`: refuse fields the contract does not name."""
        self.lock = threading.RLock()
        self.clock = Clock()
        self.limits = limits or Limits()
        self.strict = strict
        self.appid = appid
        self.secret = secret
        self.whitelisted = True  # False: 40164 for every call (the server's IP is not on the account's list)
        self.verified = True  # False: 48001 on the freepublish calls (unverified accounts lost them in July 2025)
        self.stopping = threading.Event()
        self.tokens: dict[str, Token] = {}
        self.current_token: str | None = None
        self.forced_refreshes: list[float] = []  # when each forced refresh happened
        self.image_urls: set[str] = set()  # what uploadimg produced: the only img src kept in content
        self.materials: dict[str, Material] = {}
        self.drafts: dict[str, Draft] = {}
        self.publications: dict[str, Publication] = {}
        self.draft_problems: dict[str, int] = {}  # media_id (or "*") → 53503/53504/53505 on submit
        self.daily_quotas: dict[str, int] = {}
        self.faults: list = []
        self.requests: list = []
        self.violations: list[str] = []  # requests that broke the contract: a faithful adapter leaves this empty
        self.stripped: list[dict] = []  # what draft/add removed from content: {media_id, index, kind, name, detail}
        self.errors: list[str] = []  # tracebacks of the stand-in's own failures: a test should find none
        self._quota_used: collections.Counter = collections.Counter()
        self._seq = itertools.count(1)

    # Time and tokens.

    def now(self):
        return self.clock.now()

    def advance(self, seconds):
        """Move the stand-in's clock: tokens, the forced-refresh limits and the daily quotas follow it."""
        self.clock.advance(seconds)

    def _new_token(self, now=None):
        """`now`: the time the reply's expires_in is counted from, so that a new token says 7200, not 7201."""
        now = self.now() if now is None else now
        token = Token(secrets.token_urlsafe(96), self.appid, now + self.limits.token_ttl)
        self.tokens[token.token] = token
        self.current_token = token.token
        return token

    def issue_token(self):
        """A live access_token, as stable_token would give it, for tests that are not about tokens."""
        with self.lock:
            token = self.tokens.get(self.current_token)
            if token is None or token.expires_at <= self.now():
                token = self._new_token()
            return token.token

    def expire_token(self, token=None):
        """Make one token (or all) expired now: the next call with it is 42001."""
        with self.lock:
            for item in self.tokens.values():
                if token is None or item.token == token:
                    item.expires_at = min(item.expires_at, self.now() - 1)

    # Drafts and publications.

    def refuse_draft(self, media_id="*", code=DRAFT_FAILED_CHECK):
        """freepublish/submit of this draft (or every draft) answers `code` (53503, 53504 or 53505)."""
        if code not in DRAFT_PROBLEMS:
            raise ValueError(f"not a draft problem: {code}")
        with self.lock:
            self.draft_problems[media_id] = code

    def publication(self, publish_id):
        with self.lock:
            return self.publications[publish_id]

    def set_publish_status(self, publish_id, status):
        """publish_status 0..6; success gives the article its article_id and URLs (once)."""
        if status not in range(7):
            raise ValueError(f"unknown publish_status {status!r}")
        with self.lock:
            publication = self.publications[publish_id]
            if status in (PUBLISHED, *DELETIONS) and publication.article_id is None:
                number = next(self._seq)
                publication.article_id = "standin_" + secrets.token_urlsafe(12)
                publication.urls = [
                    f"https://mp.weixin.qq.com/s/{secrets.token_urlsafe(16)}" for _article in publication.articles
                ]
                publication.update_time = int(self.now())
                publication.seq = number
            publication.status = status

    def succeed(self, publish_id):
        """The publish went through: listed by batchget, with its article_url."""
        self.set_publish_status(publish_id, PUBLISHED)

    def fail_publish(self, publish_id, status=FAILED):
        """2 originality check failed, 3 failed, 4 rejected by review."""
        if status not in FAILURES:
            raise ValueError(f"not a failure status: {status}")
        self.set_publish_status(publish_id, status)

    def delete(self, publish_id, status=DELETED_BY_USER):
        """5 deleted by the account's staff, 6 blocked by the platform: listed no more."""
        if status not in DELETIONS:
            raise ValueError(f"not a deletion status: {status}")
        self.set_publish_status(publish_id, status)

    def published(self):
        """The account's published articles, newest first (what batchget lists)."""
        with self.lock:
            shown = [item for item in self.publications.values() if item.status == PUBLISHED]
            return sorted(shown, key=lambda item: -item.seq)

    # Quotas.

    def set_daily_quota(self, endpoint, per_day):
        """At most `per_day` successful calls of `endpoint` per Beijing day; beyond: 45009 until midnight."""
        if endpoint not in ENDPOINT_NAMES:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self.lock:
            self.daily_quotas[endpoint] = per_day

    def today(self):
        return datetime.fromtimestamp(self.now(), CHINA).date()

    def _check_quota(self, endpoint):
        with self.lock:
            limit = self.daily_quotas.get(endpoint)
            if limit is not None and self._quota_used[endpoint, self.today()] >= limit:
                raise WeChatError(QUOTA_REACHED, f"reach max api daily quota limit ({endpoint} 每天至多 {limit} 次)")

    def _use_quota(self, endpoint):
        with self.lock:
            self._quota_used[endpoint, self.today()] += 1


class ContentCleaner(HTMLParser):
    """Article HTML as WeChat keeps it: allowed tags and attributes only, img from uploadimg only.

    `removed` lists what went: {"kind": "tag" | "element" | "attribute" | "image", "name", "detail"}.
    """

    def __init__(self, image_urls):
        super().__init__(convert_charrefs=True)
        self.image_urls = image_urls
        self.out = []
        self.removed = []
        self.skipping = 0  # depth inside script/style/iframe/form

    def note(self, kind, name, detail=""):
        self.removed.append({"kind": kind, "name": name, "detail": detail})

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, closed=True)

    def start(self, tag, attrs, *, closed):
        if self.skipping:
            if tag in REMOVED_WITH_CONTENT and not closed:
                self.skipping += 1
            return
        if tag in REMOVED_WITH_CONTENT:
            self.note("element", tag)
            if not closed and tag not in VOID_TAGS:
                self.skipping = 1
            return
        if tag not in ALLOWED_TAGS:
            self.note("tag", tag)
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, {"style"})
        kept = []
        for name, value in attrs:
            if name in allowed:
                kept.append((name, value))
            else:
                self.note("attribute", name, f"<{tag}>")
        if tag == "img":
            src = dict(kept).get("src")
            if src not in self.image_urls:
                self.note("image", "img", src or "")
                return
        text = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in kept)
        self.out.append(f"<{tag}{text}>")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in REMOVED_WITH_CONTENT:
                self.skipping -= 1
            return
        if tag in ALLOWED_TAGS and tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def handle_comment(self, data):
        self.note("comment", "!--")

    def clean(self, content):
        self.feed(content)
        self.close()
        return "".join(self.out)


def image_format(data):
    """(format, width, height) by Pillow, or None when it is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format, image.width, image.height
    except (UnidentifiedImageError, OSError):
        return None


class _Handler(StandInHandler):
    server_version = "WeChatStandIn/1"
    endpoints = ENDPOINTS
    secret_names = SECRET_NAMES
    error_class = WeChatError

    @property
    def state(self) -> StandInState:
        return self.server.state

    def bad_request(self, description):
        return bad_request(description)

    def unknown_path(self, path):
        return WeChatError(INVALID_URL, f"invalid url: 契约中没有此路径 {path}", http_status=404, violation=True)

    def process(self, call):
        """Checks common to every call (method, whitelist, token, verification, quota), then its logic."""
        endpoint, state = call.endpoint, self.state
        if self.command != endpoint.method:
            raise WeChatError(REQUIRE_POST, f"require POST method ({endpoint.path})", violation=True)
        if not state.whitelisted:
            address = self.client_address[0]
            raise WeChatError(IP_NOT_WHITELISTED, f"invalid ip {address} ipv6 ::ffff:{address}, not in whitelist")
        if endpoint.scope:
            self.authenticate(call)
            if endpoint.scope == "publish" and not state.verified:
                raise WeChatError(UNAUTHORISED, "api unauthorized: 未认证的公众号不能调用发布接口")
            state._check_quota(endpoint.name)
        data = getattr(self, "call_" + endpoint.name)(call)
        if endpoint.scope:
            state._use_quota(endpoint.name)
        return data

    def authenticate(self, call):
        state = self.state
        token = call.query.get("access_token")
        if not token:
            raise WeChatError(MISSING_TOKEN, "access_token missing: 应作为查询参数 access_token 传递", violation=True)
        with state.lock:
            item = state.tokens.get(token)
            if item is None or item.retired:
                raise WeChatError(INVALID_TOKEN, "invalid credential, access_token is invalid or not latest")
            if item.expires_at <= state.now():
                raise WeChatError(TOKEN_EXPIRED, "access_token expired")
        call.open_id = item.appid

    # Bodies.

    def json_body(self, call, allowed, required=(), max_size=FORM_MAX):
        if not call.headers.get("content-type", "").lower().startswith("application/json"):
            raise bad_request(f"{call.endpoint.path} 需要 JSON (application/json) 正文")
        raw = call.body.read_at_most(max_size)
        if raw is None:
            raise bad_request("JSON 正文过大")
        try:
            values = json.loads(raw or b"null")
        except ValueError:
            raise bad_request("data format error: 正文不是有效的 JSON")
        if not isinstance(values, dict):
            raise bad_request("data format error: JSON 正文应为对象")
        call.record.fields = list(values)
        call.record.body = mask(values)
        self.check_fields(values, required, allowed)
        return values

    def check_fields(self, values, required, allowed, where=""):
        missing = [name for name in required if values.get(name) in (None, "")]
        if missing:
            raise bad_request(f"{where}缺少必填字段：{', '.join(missing)}")
        unknown = sorted(set(values) - set(allowed))
        if unknown and self.state.strict:
            raise bad_request(f"{where}契约中没有这些字段：{', '.join(unknown)}")

    def check_types(self, values, types, where=""):
        for name, kind in types.items():
            value = values.get(name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                raise bad_request(f"{where}字段 {name} 类型不对，应为 {kind.__name__}")

    def receive_media(self, call, keep):
        """The multipart body's one file, in field `media`: (bytes up to `keep` + 1, its full size)."""
        message = Message()
        message["content-type"] = call.headers.get("content-type", "")
        boundary = message.get_param("boundary")
        if message.get_content_type() != "multipart/form-data" or not boundary:
            raise bad_request("上传需要 multipart/form-data 正文 (含 boundary)")
        held, size, found, others = bytearray(), 0, False, []

        def write(data):
            nonlocal size
            size += len(data)
            if len(held) <= keep:
                held.extend(data[: keep + 1 - len(held)])

        try:
            for part in MultipartReader(call.body, boundary.encode("latin-1")):
                call.record.fields.append(part.name)
                if part.name != "media" or part.filename is None or found:
                    others.append(part.name)
                    continue
                found = True
                part.stream(write)
                call.record.files.append(
                    {"name": part.name, "filename": part.filename, "content_type": part.content_type, "size": size}
                )
        except MultipartError as error:
            raise bad_request(str(error))
        if not found:
            raise bad_request("multipart 中没有名为 media 的文件字段")
        if others and self.state.strict:
            raise bad_request(f"multipart 只应有文件字段 media，另有：{', '.join(map(str, others))}")
        return bytes(held), size

    # Endpoints. Each returns the reply's fields or raises WeChatError.

    def call_stable_token(self, call):
        values = self.json_body(call, {"grant_type", "appid", "secret", "force_refresh"}, ["grant_type", "appid", "secret"])
        self.check_types(values, {"grant_type": str, "appid": str, "secret": str})
        force = values.get("force_refresh", False)
        if not isinstance(force, bool):
            raise bad_request("force_refresh 应为 true 或 false")
        if values["grant_type"] != "client_credential":
            raise bad_request("grant_type 应为 client_credential")
        state, limits = self.state, self.state.limits
        if values["appid"] != state.appid:
            raise WeChatError(INVALID_APPID, "invalid appid")
        if values["secret"] != state.secret:
            raise WeChatError(INVALID_SECRET, "invalid appsecret")
        with state.lock:
            now = state.now()
            token = state.tokens.get(state.current_token)
            if force:
                today = state.today()
                used = [at for at in state.forced_refreshes if datetime.fromtimestamp(at, CHINA).date() == today]
                if len(used) >= limits.forced_refreshes_per_day:
                    raise WeChatError(
                        QUOTA_REACHED, f"reach max api daily quota limit (强制刷新每天至多 {limits.forced_refreshes_per_day} 次)"
                    )
                if state.forced_refreshes and now - state.forced_refreshes[-1] < limits.forced_refresh_spacing:
                    raise WeChatError(
                        TOO_FREQUENT, f"api minute-quota reach limit (强制刷新间隔至少 {limits.forced_refresh_spacing} 秒)"
                    )
                state.forced_refreshes.append(now)
                if token is not None:
                    token.retired = True  # the old one is no longer the latest
                token = state._new_token(now)
            elif token is None or token.expires_at <= now:
                token = state._new_token(now)
            return {"access_token": token.token, "expires_in": max(1, math.ceil(token.expires_at - now))}

    def call_uploadimg(self, call):
        state = self.state
        data, size = self.receive_media(call, state.limits.uploadimg_max)
        if size >= state.limits.uploadimg_max:
            raise bad_request(f"invalid image size: {size} 字节，应小于 {state.limits.uploadimg_max} 字节", INVALID_IMAGE_SIZE)
        found = image_format(data)
        if found is None or found[0] not in ("JPEG", "PNG"):
            raise bad_request(f"invalid file type: 只接受 JPEG 或 PNG，收到 {found[0] if found else '非图片'}", INVALID_FILE_TYPE)
        kind = "jpg" if found[0] == "JPEG" else "png"
        url = f"{IMAGE_HOST}/mmbiz_{kind}/{secrets.token_urlsafe(24)}/0?wx_fmt={'jpeg' if kind == 'jpg' else 'png'}"
        with state.lock:
            state.image_urls.add(url)
        return {"url": url}

    def call_add_material(self, call):
        state = self.state
        if call.query.get("type") != "image":
            raise bad_request("add_material 的查询参数 type 应为 image")
        data, size = self.receive_media(call, state.limits.material_max)
        if size > state.limits.material_max:
            raise bad_request(f"invalid image size: {size} 字节，超过 {state.limits.material_max} 字节", INVALID_IMAGE_SIZE)
        found = image_format(data)
        if found is None or found[0] not in ("JPEG", "PNG", "GIF", "BMP"):
            raise bad_request("invalid file type: 封面应为 JPEG、PNG、GIF 或 BMP", INVALID_FILE_TYPE)
        media_id = secrets.token_urlsafe(32)
        url = f"{IMAGE_HOST}/mmbiz_{found[0].lower()}/{secrets.token_urlsafe(24)}/0"
        with state.lock:
            state.materials[media_id] = Material(media_id, url, size, found[0], found[1], found[2])
        return {"media_id": media_id, "url": url}

    def call_draft_add(self, call):
        state, limits = self.state, self.state.limits
        values = self.json_body(call, {"articles"}, ["articles"], max_size=limits.articles_max * 2 * MB)
        articles = values["articles"]
        if not isinstance(articles, list) or not articles or not all(isinstance(item, dict) for item in articles):
            raise bad_request("articles 应为非空的对象列表")
        if len(articles) > limits.articles_max:
            raise bad_request(f"articles 至多 {limits.articles_max} 篇")
        for index, article in enumerate(articles):
            where = f"articles[{index}] "
            self.check_fields(article, ARTICLE_REQUIRED, ARTICLE_FIELDS, where)
            self.check_types(article, ARTICLE_FIELDS, where)
            if article["article_type"] != "news":
                raise bad_request(f"{where}article_type 应为 news")
            for name in ("need_open_comment", "only_fans_can_comment"):
                if article.get(name) not in (None, 0, 1):
                    raise bad_request(f"{where}{name} 应为 0 或 1")
            for name, limit, code in (
                ("title", limits.title_max, TITLE_TOO_LONG),
                ("author", limits.author_max, AUTHOR_TOO_LONG),
                ("digest", limits.digest_max, DIGEST_TOO_LONG),
            ):
                if len(article.get(name) or "") > limit:
                    raise bad_request(f"{where}{name} 共 {len(article[name])} 字，超过 {limit} 字的上限", code)
            content = article["content"]
            if len(content) >= limits.content_chars or len(content.encode()) >= limits.content_bytes:
                raise bad_request(
                    f"{where}content 应少于 {limits.content_chars} 字且小于 {limits.content_bytes} 字节", CONTENT_TOO_LONG
                )
            source = article.get("content_source_url")
            if source and not source.startswith(("http://", "https://")):
                raise bad_request(f"{where}content_source_url 应为 http(s) 链接")
            with state.lock:
                if article["thumb_media_id"] not in state.materials:
                    raise WeChatError(INVALID_MEDIA_ID, f"invalid media_id: {where}thumb_media_id 未知")
        media_id = secrets.token_urlsafe(32)
        stored = []
        with state.lock:
            image_urls = set(state.image_urls)
        for index, article in enumerate(articles):
            cleaner = ContentCleaner(image_urls)
            stored.append({**article, "content": cleaner.clean(article["content"])})
            with state.lock:
                state.stripped.extend({"media_id": media_id, "index": index, **item} for item in cleaner.removed)
        with state.lock:
            state.drafts[media_id] = Draft(media_id, stored, state.now())
        return {"media_id": media_id}

    def call_freepublish_submit(self, call):
        values = self.json_body(call, {"media_id"}, ["media_id"])
        self.check_types(values, {"media_id": str})
        state = self.state
        with state.lock:
            draft = state.drafts.get(values["media_id"])
            if draft is None:
                raise WeChatError(INVALID_MEDIA_ID, "invalid media_id: 草稿未知")
            if draft.published_by:
                raise WeChatError(INVALID_MEDIA_ID, f"invalid media_id: 草稿已提交发布 ({draft.published_by})")
            problem = state.draft_problems.get(draft.media_id, state.draft_problems.get("*"))
            if problem:
                raise WeChatError(problem, DRAFT_MESSAGES[problem])
            number = next(state._seq)
            publication = Publication(
                str(2_247_483_000 + number), 2_247_483_000 + number, draft.media_id, draft.articles, state.now()
            )
            state.publications[publication.publish_id] = publication
            draft.published_by = publication.publish_id
        return {"errcode": OK, "errmsg": "ok", "publish_id": publication.publish_id, "msg_data_id": publication.msg_data_id}

    def call_freepublish_get(self, call):
        values = self.json_body(call, {"publish_id"}, ["publish_id"])
        self.check_types(values, {"publish_id": str})
        state = self.state
        with state.lock:
            publication = state.publications.get(values["publish_id"])
            if publication is None:
                raise WeChatError(INVALID_MEDIA_ID, "invalid publish_id")
            data = {"publish_id": publication.publish_id, "publish_status": publication.status}
            if publication.article_id:
                data["article_id"] = publication.article_id
                data["article_detail"] = {
                    "count": len(publication.urls),
                    "item": [
                        {"idx": index, "article_url": url, **({"is_deleted": True} if publication.status in DELETIONS else {})}
                        for index, url in enumerate(publication.urls, 1)
                    ],
                }
            if publication.status in FAILURES:
                data["fail_idx"] = list(range(1, len(publication.articles) + 1))
        return data

    def call_freepublish_batchget(self, call):
        values = self.json_body(call, {"offset", "count", "no_content"}, ["offset", "count"])
        self.check_types(values, {"offset": int, "count": int, "no_content": int})
        offset, count, no_content = values["offset"], values["count"], values.get("no_content", 0)
        if offset < 0:
            raise bad_request("offset 应 ≥ 0")
        if not 1 <= count <= self.state.limits.batchget_max:
            raise bad_request(f"count 应在 1 到 {self.state.limits.batchget_max} 之间")
        if no_content not in (0, 1):
            raise bad_request("no_content 应为 0 或 1")
        shown = self.state.published()
        page = shown[offset : offset + count]
        items = []
        for publication in page:
            news = [
                {
                    "title": article["title"],
                    "author": article.get("author", ""),
                    "digest": article.get("digest", ""),
                    "content": "" if no_content else article["content"],
                    "content_source_url": article.get("content_source_url", ""),
                    "thumb_media_id": article["thumb_media_id"],
                    "url": url,
                    "is_deleted": False,
                }
                for article, url in zip(publication.articles, publication.urls, strict=True)
            ]
            items.append(
                {
                    "article_id": publication.article_id,
                    "content": {
                        "news_item": news,
                        "create_time": publication.update_time,
                        "update_time": publication.update_time,
                    },
                    "update_time": publication.update_time,
                }
            )
        return {"total_count": len(shown), "item_count": len(items), "item": items}

    # Replies.

    def reply_json(self, record, status, payload):
        record.http_status = status
        record.error_code = payload.get("errcode", OK)
        record.description = payload.get("errmsg", "")
        self.send(status, "application/json; charset=utf-8", json.dumps(payload, ensure_ascii=False).encode())

    def reply_data(self, record, data):
        self.reply_json(record, 200, data)

    def reply_error(self, record, error):
        if error.violation:
            with self.state.lock:
                self.state.violations.append(f"{record.method} {record.path}: {error.description}")
        payload = {"errcode": error.code, "errmsg": f"{error.description} rid: {secrets.token_hex(4)}-{secrets.token_hex(6)}"}
        self.reply_json(record, error.http_status, payload)


DRAFT_MESSAGES = {
    DRAFT_FAILED_CHECK: "该草稿未通过发布检查",
    DRAFT_WEB_ONLY: "需前往公众平台官网使用草稿",
    DRAFT_SAVE_BY_HAND: "请手动保存成功后再发表",
}


class WeChatStandIn(StandIn):
    """The server and its state; `running_standin()` is the usual way in."""

    state_class = StandInState
    handler_class = _Handler
    name = "wechat-standin"


@contextlib.contextmanager
def running_standin(**options):
    """Serve the stand-in on 127.0.0.1 (a free port unless `port` is given) while the block runs.

    Options: host, port, and StandInState's (appid, secret, strict, limits).
    """
    with serving(WeChatStandIn, **options) as standin:
        yield standin


def main():
    """Serve by hand (`python -m tests.distribution.wechat_standin`, a look with curl): prints the URL, the appid and the secret."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with running_standin(host=args.host, port=args.port) as standin:
        state = standin.state
        print(json.dumps({"base_url": standin.base_url, "appid": state.appid, "secret": state.secret}, indent=2), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
