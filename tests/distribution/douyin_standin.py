"""A local stand-in for the Douyin Open Platform, as /work/shared/channels/DOUYIN.md describes it.

The real service cannot be reached from here, so the Douyin client is tested against this server.
It implements every endpoint, limit and error code of the contract, checks each request against
it (paths, methods, headers, body types, field names and types) and can be told to misbehave
(5xx, slow replies, timeouts, connection resets, contract errors, lost replies, errors after the
upload took effect, rate limits, daily quotas). When the client and this server disagree, the
contract decides: fix whichever of the two departs from it.

Plain Python on purpose (no Django): tests start it in a thread with `running_standin()`, a
benchmark script can do the same, and `python -m tests.distribution.douyin_standin` serves it
by hand. Request bodies are streamed and never held: an upload keeps only its size, a hash and
its first bytes (or goes to `store_dir` on disk), so a 1 GB upload costs the same memory as 1 MB.

Usage::

    with running_standin() as douyin:
        tokens = douyin.state.issue_tokens()
        httpx.post(douyin.base_url + "/api/douyin/v1/video/upload_video/", ...)
        douyin.state.fail("create_video", kind="lost_reply")
        assert not douyin.state.violations
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import itertools
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tests.distribution.standin_base import (
    CHINA,
    ERROR,
    ERROR_AFTER,
    FAULT_KINDS,
    FORM_MAX,
    GB,
    HTTP_ERROR,
    LOST_REPLY,
    MB,
    READ_CHUNK,
    RESET,
    RESET_MID_BODY,
    SLOW,
    TIMEOUT,
    BodyReader,
    Call,
    ChannelError,
    Clock,
    Endpoint,
    Fault,
    FaultQueue,
    FileSink,
    MultipartError,
    MultipartReader,
    RecordedRequest,
    StandIn,
    StandInHandler,
    serving,
)
from tests.distribution.standin_base import mask as mask_names

__all__ = [  # the shared pieces, as the tests and the client's tests import them from here
    "CHINA",
    "ERROR",
    "ERROR_AFTER",
    "FAULT_KINDS",
    "GB",
    "HTTP_ERROR",
    "LOST_REPLY",
    "MB",
    "READ_CHUNK",
    "RESET",
    "RESET_MID_BODY",
    "SLOW",
    "TIMEOUT",
    "BodyReader",
    "Call",
    "Clock",
    "Fault",
    "MultipartError",
    "MultipartReader",
    "RecordedRequest",
]


SCOPE_CREATE = "video.create.bind"
SCOPE_DATA = "video.data.bind"
DEFAULT_SCOPE = f"{SCOPE_CREATE},{SCOPE_DATA}"

# Error codes of the contract (DOUYIN.md, Errors).
OK = 0
BUSY = 2100004
BAD_PARAMETER = 2100005
NO_PERMISSION = 2100007
INVALID_TOKEN = 2190002
TOKEN_EXPIRED = 2190008
TOKEN_EXPIRED_OTHER = 28001008  # the other code the platform uses for an expired access_token
SCOPE_NOT_AUTHORISED = 28001012
OPEN_ID_MISMATCH = 28001015
QUOTA_USED_UP = 28003017
RATE_TOO_HIGH = 28003018
REFRESH_TOKEN_EXPIRED = 10010
RENEWED_TOO_OFTEN = 10020

# Item states. `video_status` numbers are the contract's; REMOVED items are listed nowhere.
UNDER_REVIEW = "under_review"
PUBLISHED = "published"
NOT_PUBLIC = "not_public"
REMOVED = "removed"
VIDEO_STATUS = {PUBLISHED: 1, NOT_PUBLIC: 2, UNDER_REVIEW: 4}

# The two forms of video_data / video_list: before the platform's notice of 2024-12-13 ("full", with
# `video_status` and `is_reviewed`) and after it ("lean", without them: listed with a share_url = published).
FULL = "full"
LEAN = "lean"

SECRET_NAMES = {"access-token", "authorization", "cookie", "client_secret", "code", "refresh_token", "access_token"}
CREATE_VIDEO_FIELDS = {
    "video_id": str,
    "text": str,
    "at_users": list,
    "cover_tsp": (int, float),
    "custom_cover_image_url": str,
    "poi_id": str,
    "poi_name": str,
    "micro_app_id": str,
    "micro_app_title": str,
    "micro_app_url": str,
}


@dataclass
class Limits:
    """The contract's numbers. Only a test of a check itself should lower one (4 GB is not sent in a test)."""

    access_token_ttl: int = 1_296_000  # 15 days
    refresh_token_ttl: int = 30 * 86400
    max_renewals: int = 5
    code_ttl: int = 600  # an authorization code is good for 10 minutes
    upload_id_ttl: int = 2 * 3600
    single_upload_advised: int = 50 * MB  # above this a single upload works but parts are advised (state.warnings)
    single_upload_max: int = 128 * MB
    min_part_size: int = 5 * MB  # every part but the last
    max_video_size: int = 4 * GB
    max_text_length: int = 1000


ENDPOINTS = {
    endpoint.path: endpoint
    for endpoint in (
        Endpoint("connect", "/platform/oauth/connect/", "GET", "empty"),
        Endpoint("access_token", "/oauth/access_token/", "POST", "form"),
        Endpoint("refresh_token", "/oauth/refresh_token/", "POST", "form"),
        Endpoint("renew_refresh_token", "/oauth/renew_refresh_token/", "POST", "form"),
        Endpoint("upload_video", "/api/douyin/v1/video/upload_video/", "POST", "multipart", SCOPE_CREATE),
        Endpoint("init_video_part_upload", "/api/douyin/v1/video/init_video_part_upload/", "POST", "empty", SCOPE_CREATE),
        Endpoint("upload_video_part", "/api/douyin/v1/video/upload_video_part/", "POST", "multipart", SCOPE_CREATE),
        Endpoint("complete_video_part_upload", "/api/douyin/v1/video/complete_video_part_upload/", "POST", "empty", SCOPE_CREATE),
        Endpoint("create_video", "/api/douyin/v1/video/create_video/", "POST", "json", SCOPE_CREATE),
        Endpoint("video_data", "/api/douyin/v1/video/video_data/", "POST", "json", SCOPE_DATA),
        Endpoint("video_list", "/api/douyin/v1/video/video_list/", "GET", "empty", SCOPE_DATA),
        # Not Douyin: a plain sink for the same bytes, so a benchmark can compare the client with a bare upload.
        Endpoint("sink", "/standin/sink/", "POST", "raw"),
    )
}
ENDPOINT_NAMES = {endpoint.name for endpoint in ENDPOINTS.values()}


class DouyinError(ChannelError):
    """An error reply in the contract's envelope. `violation`: the request broke the contract (state.violations)."""


def bad_request(description):
    """The request departs from the contract: 2100005, noted in state.violations."""
    return DouyinError(BAD_PARAMETER, description, violation=True)


@dataclass
class App:
    client_key: str
    client_secret: str


@dataclass
class AuthCode:
    code: str
    client_key: str
    open_id: str
    scope: str
    expires_at: float
    used: bool = False


@dataclass
class AccessToken:
    token: str
    client_key: str
    open_id: str
    scope: str
    expires_at: float


@dataclass
class RefreshToken:
    """`renewals` counts along the chain: a renewed token carries its predecessor's count (at most 5)."""

    token: str
    client_key: str
    open_id: str
    scope: str
    expires_at: float
    renewals: int = 0
    replaced_by: str | None = None


@dataclass
class PartInfo:
    """What is kept of a received part: never its bytes."""

    size: int
    digest: str | None
    head: bytes  # the first bytes, enough to tell mp4 from webm
    received_at: float


@dataclass
class Upload:
    upload_id: str
    open_id: str
    created_at: float
    expires_at: float
    parts: dict[int, PartInfo] = field(default_factory=dict)
    video_id: str | None = None  # set by completion; an upload completes once


@dataclass
class Video:
    video_id: str
    open_id: str
    size: int
    digest: str | None  # of the whole file for a single upload; of the part digests for a multipart one
    format: str
    parts: int
    created_at: float
    used_by: str | None = None  # the item_id of the create_video that used it: a video_id is good for one post


@dataclass
class Item:
    item_id: str
    open_id: str
    video_id: str
    title: str
    create_time: int
    share_url: str
    seq: int  # creation order: the cursor of video_list, stable while new items arrive
    request: dict
    status: str = UNDER_REVIEW
    statistics: dict = field(default_factory=lambda: {"play_count": 0, "digg_count": 0, "comment_count": 0, "share_count": 0})


def mask(values):
    return mask_names(values, SECRET_NAMES)


def video_format(head):
    """mp4 (an ftyp box first) or webm (the EBML magic), from the file's first bytes; None otherwise."""
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


class StandInState(FaultQueue):
    """Everything the stand-in knows, for the tests to inspect and steer. Thread-safe: handlers run in threads."""

    def __init__(
        self,
        *,
        client_key="standin_client_key",
        client_secret="standin_client_secret",
        open_id=None,
        video_data_form=FULL,
        expired_token_code=TOKEN_EXPIRED,
        store_dir=None,
        hash_name="sha256",
        strict=True,
        limits=None,
    ):
        """`store_dir`: write uploaded files there (else only sizes and hashes are kept). `hash_name=None` skips
        hashing (a benchmark of raw throughput). `strict`: refuse fields the contract does not name."""
        self.lock = threading.RLock()
        self.clock = Clock()
        self.limits = limits or Limits()
        self.video_data_form = video_data_form
        self.expired_token_code = expired_token_code  # an int, or {endpoint name: code} with a "*" default
        self.store_dir = store_dir
        self.hash_name = hash_name
        self.strict = strict
        self.stopping = threading.Event()  # set on stop: held replies (timeouts) end at once
        self.apps: dict[str, App] = {}
        self.users: dict[str, str] = {}  # open_id → nickname
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.uploads: dict[str, Upload] = {}
        self.videos: dict[str, Video] = {}
        self.items: dict[str, Item] = {}
        self.faults: list[Fault] = []
        self.rate_limits: dict[str, float] = {}
        self.daily_quotas: dict[str, int] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []  # requests that broke the contract: a faithful client leaves this empty
        self.warnings: list[str] = []  # allowed but advised against (a single upload above 50 MB)
        self.errors: list[str] = []  # tracebacks of the stand-in's own failures: a test should find none
        self._rate_calls: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._quota_used: collections.Counter = collections.Counter()
        self._seq = itertools.count(1)
        self.client_key = client_key
        self.client_secret = client_secret
        self.add_app(client_key, client_secret)
        self.open_id = self.add_user(open_id)

    # Time.

    def now(self):
        return self.clock.now()

    def advance(self, seconds):
        """Move the stand-in's clock: tokens, codes, upload_ids and the daily quota follow it."""
        self.clock.advance(seconds)

    # Accounts and tokens.

    def add_app(self, client_key, client_secret):
        with self.lock:
            self.apps[client_key] = App(client_key, client_secret)

    def add_user(self, open_id=None, nickname="工会融媒体"):
        """An account that can authorise apps; returns its open_id."""
        open_id = open_id or "_000" + secrets.token_hex(16)
        with self.lock:
            self.users[open_id] = nickname
        return open_id

    def authorize(self, client_key=None, open_id=None, scope=DEFAULT_SCOPE):
        """The code a person's consent on the authorize page would give: the page is a browser's business."""
        with self.lock:
            code = secrets.token_hex(16)
            self.codes[code] = AuthCode(
                code, client_key or self.client_key, open_id or self.open_id, scope, self.now() + self.limits.code_ttl
            )
            return code

    def issue_tokens(self, client_key=None, open_id=None, scope=DEFAULT_SCOPE):
        """Tokens as if the OAuth flow had run, for tests that are not about it: the token-response dict."""
        with self.lock:
            return self._grant(client_key or self.client_key, open_id or self.open_id, scope)

    def _grant(self, client_key, open_id, scope, renewals=0):
        now = self.now()
        access = AccessToken("act." + secrets.token_hex(20), client_key, open_id, scope, now + self.limits.access_token_ttl)
        refresh = RefreshToken(
            "rft." + secrets.token_hex(20), client_key, open_id, scope, now + self.limits.refresh_token_ttl, renewals
        )
        self.access_tokens[access.token] = access
        self.refresh_tokens[refresh.token] = refresh
        return {
            "access_token": access.token,
            "expires_in": self.limits.access_token_ttl,
            "open_id": open_id,
            "refresh_token": refresh.token,
            "refresh_expires_in": self.limits.refresh_token_ttl,
            "scope": scope,
        }

    def expire_access_token(self, token=None):
        """Make one access token (or all) expired now."""
        with self.lock:
            for access in self.access_tokens.values():
                if token is None or access.token == token:
                    access.expires_at = min(access.expires_at, self.now() - 1)

    def expire_refresh_token(self, token=None):
        with self.lock:
            for refresh in self.refresh_tokens.values():
                if token is None or refresh.token == token:
                    refresh.expires_at = min(refresh.expires_at, self.now() - 1)

    # Items.

    def item(self, item_id):
        with self.lock:
            return self.items[item_id]

    def set_status(self, item_id, status):
        if status not in (UNDER_REVIEW, PUBLISHED, NOT_PUBLIC, REMOVED):
            raise ValueError(f"unknown item status {status!r}")
        with self.lock:
            self.items[item_id].status = status

    def publish(self, item_id):
        """The review passed: the item is listed, with its share_url."""
        self.set_status(item_id, PUBLISHED)

    def remove(self, item_id):
        """Taken down (by the platform or the account): listed nowhere any more."""
        self.set_status(item_id, REMOVED)

    def set_statistics(self, item_id, **counts):
        with self.lock:
            self.items[item_id].statistics.update(counts)

    def items_of(self, open_id=None):
        """The account's items, newest first, whatever their status."""
        with self.lock:
            open_id = open_id or self.open_id
            return sorted((item for item in self.items.values() if item.open_id == open_id), key=lambda item: -item.seq)

    # Faults and limits.
    default_fault_code = BUSY
    endpoint_names = ENDPOINT_NAMES

    def set_rate_limit(self, endpoint, per_second):
        """At most `per_second` calls of `endpoint` in any second (on the stand-in's clock); beyond: 28003018."""
        with self.lock:
            self.rate_limits[endpoint] = per_second

    def set_daily_quota(self, endpoint, per_day):
        """At most `per_day` successful calls per account and Beijing day; beyond: 28003017 until midnight."""
        with self.lock:
            self.daily_quotas[endpoint] = per_day

    def _check_rate(self, endpoint):
        with self.lock:
            limit = self.rate_limits.get(endpoint)
            if limit is None:
                return
            calls, now = self._rate_calls[endpoint], self.now()
            while calls and calls[0] <= now - 1:
                calls.popleft()
            if len(calls) >= limit:
                raise DouyinError(RATE_TOO_HIGH, f"请求过于频繁：{endpoint} 每秒至多 {limit} 次")
            calls.append(now)

    def _quota_key(self, endpoint, open_id):
        return endpoint, open_id, datetime.fromtimestamp(self.now(), CHINA).date()

    def _check_quota(self, endpoint, open_id):
        with self.lock:
            limit = self.daily_quotas.get(endpoint)
            if limit is not None and self._quota_used[self._quota_key(endpoint, open_id)] >= limit:
                raise DouyinError(QUOTA_USED_UP, f"今日调用额度已用完：{endpoint} 每天至多 {limit} 次")

    def _use_quota(self, endpoint, open_id):
        with self.lock:
            if endpoint in self.daily_quotas:
                self._quota_used[self._quota_key(endpoint, open_id)] += 1

    # Records.
    def _expired_code(self, endpoint):
        if isinstance(self.expired_token_code, dict):
            return self.expired_token_code.get(endpoint, self.expired_token_code.get("*", TOKEN_EXPIRED))
        return self.expired_token_code


class _Handler(StandInHandler):
    server_version = "DouyinStandIn/1"
    endpoints = ENDPOINTS
    secret_names = SECRET_NAMES
    error_class = DouyinError

    @property
    def state(self) -> StandInState:
        return self.server.state

    def bad_request(self, description):
        return bad_request(description)

    def unknown_path(self, path):
        return DouyinError(BAD_PARAMETER, f"契约中没有此路径：{path}", http_status=404, violation=True)

    def reply_result(self, record, result):
        if isinstance(result, Redirect):
            self.reply_redirect(record, result.location)
        else:
            self.reply_data(record, result)

    def process(self, call):
        """Checks common to an endpoint's calls, then its logic. Returns the reply's data or raises DouyinError."""
        endpoint, state = call.endpoint, self.state
        if self.command != endpoint.method:
            raise DouyinError(
                BAD_PARAMETER, f"{endpoint.path} 只接受 {endpoint.method}，收到 {self.command}", http_status=405, violation=True
            )
        state._check_rate(endpoint.name)
        if endpoint.scope:
            self.authenticate(call)
            state._check_quota(endpoint.name, call.open_id)
        data = getattr(self, "call_" + endpoint.name)(call)
        if endpoint.scope:
            state._use_quota(endpoint.name, call.open_id)
        return data

    def authenticate(self, call):
        """access-token header, open_id query parameter matching it, the scope the endpoint needs."""
        state, endpoint = self.state, call.endpoint
        token = call.headers.get("access-token")
        if not token:
            raise DouyinError(INVALID_TOKEN, "缺少 access-token 请求头", violation=True)
        open_id = call.query.get("open_id")
        if not open_id:
            raise bad_request("缺少查询参数 open_id")
        with state.lock:
            access = state.access_tokens.get(token)
            if access is None:
                raise DouyinError(INVALID_TOKEN, "access_token 无效")
            if access.expires_at <= state.now():
                raise DouyinError(state._expired_code(endpoint.name), "access_token 已过期")
            if access.open_id != open_id:
                raise DouyinError(OPEN_ID_MISMATCH, "open_id 与 access_token 不匹配")
            if endpoint.scope not in access.scope.split(","):
                raise DouyinError(SCOPE_NOT_AUTHORISED, f"应用未获授权：{endpoint.scope}")
        call.open_id = open_id

    # Bodies.

    def form(self, call, required):
        """An OAuth body: application/x-www-form-urlencoded, with the contract's fields only."""
        if not call.headers.get("content-type", "").lower().startswith("application/x-www-form-urlencoded"):
            raise bad_request(f"{call.endpoint.path} 需要表单 (application/x-www-form-urlencoded) 正文")
        raw = call.body.read_at_most(FORM_MAX)
        if raw is None:
            raise bad_request("表单正文过大")
        values = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        call.record.fields = list(values)
        call.record.body = mask(values)
        self.check_fields(values, required, set(required))
        return values

    def json_body(self, call, allowed, required=()):
        if not call.headers.get("content-type", "").lower().startswith("application/json"):
            raise bad_request(f"{call.endpoint.path} 需要 JSON (application/json) 正文")
        raw = call.body.read_at_most(FORM_MAX)
        if raw is None:
            raise bad_request("JSON 正文过大")
        try:
            values = json.loads(raw or b"null")
        except ValueError:
            raise bad_request("正文不是有效的 JSON")
        if not isinstance(values, dict):
            raise bad_request("JSON 正文应为对象")
        call.record.fields = list(values)
        call.record.body = mask(values)
        self.check_fields(values, required, allowed)
        return values

    def empty_body(self, call):
        """init/complete: no body is needed; a JSON object is tolerated (and recorded), anything else drained."""
        raw = call.body.read_at_most(FORM_MAX)
        if raw and call.headers.get("content-type", "").lower().startswith("application/json"):
            with contextlib.suppress(ValueError, AttributeError):
                call.record.fields = list(json.loads(raw))

    def check_fields(self, values, required, allowed):
        missing = [name for name in required if values.get(name) in (None, "")]
        if missing:
            raise bad_request(f"缺少必填字段：{', '.join(missing)}")
        unknown = sorted(set(values) - set(allowed))
        if unknown and self.state.strict:
            raise bad_request(f"契约中没有这些字段：{', '.join(unknown)}")

    def receive_file(self, call, max_size):
        """Stream the multipart body: exactly one file, in field `video`. Returns its FileSink (closed)."""
        content_type = call.headers.get("content-type", "")
        message = Message()
        message["content-type"] = content_type
        boundary = message.get_param("boundary")
        if message.get_content_type() != "multipart/form-data" or not boundary:
            raise bad_request("上传需要 multipart/form-data 正文 (含 boundary)")
        path = None
        if self.state.store_dir:
            path = os.path.join(self.state.store_dir, secrets.token_hex(8))
        sink, others = None, []
        try:
            for part in MultipartReader(call.body, boundary.encode("latin-1")):
                call.record.fields.append(part.name)
                if part.name != "video" or part.filename is None or sink is not None:
                    others.append(part.name)
                    continue
                sink = FileSink(self.state.hash_name, path)
                try:
                    part.stream(sink.write)
                finally:
                    sink.close()
                call.record.files.append(
                    {
                        "name": part.name,
                        "filename": part.filename,
                        "content_type": part.content_type,
                        "size": sink.size,
                        "digest": sink.digest,
                    }
                )
        except MultipartError as error:
            raise bad_request(str(error))
        if sink is None:
            raise bad_request("multipart 中没有名为 video 的文件字段")
        if others and self.state.strict:
            raise bad_request(f"multipart 只应有文件字段 video，另有：{', '.join(map(str, others))}")
        if sink.size > max_size:
            raise bad_request(f"文件 {sink.size} 字节，超过 {max_size} 字节的上限")
        return sink

    # Endpoints. Each returns the reply's data (besides error_code and description) or raises DouyinError.

    def call_connect(self, call):
        """The authorize page: a person would consent here; the stand-in consents for the state's default user."""
        self.empty_body(call)
        query, state = call.query, self.state
        for name in ("client_key", "response_type", "scope", "redirect_uri"):
            if not query.get(name):
                raise bad_request(f"缺少查询参数 {name}")
        if query["response_type"] != "code":
            raise bad_request("response_type 应为 code")
        if query["client_key"] not in state.apps:
            raise bad_request("client_key 未知")
        code = state.authorize(query["client_key"], state.open_id, query["scope"])
        target = urlsplit(query["redirect_uri"])
        extra = urlencode({"code": code, "state": query.get("state", "")})
        return Redirect(urlunsplit(target._replace(query=f"{target.query}&{extra}" if target.query else extra)))

    def call_access_token(self, call):
        values = self.form(call, ["client_key", "client_secret", "code", "grant_type"])
        state = self.state
        if values["grant_type"] != "authorization_code":
            raise bad_request("grant_type 应为 authorization_code")
        with state.lock:
            app = state.apps.get(values["client_key"])
            if app is None or app.client_secret != values["client_secret"]:
                raise DouyinError(BAD_PARAMETER, "client_key 或 client_secret 不正确")
            code = state.codes.get(values["code"])
            if code is None or code.client_key != app.client_key or code.used or code.expires_at <= state.now():
                raise DouyinError(BAD_PARAMETER, "授权码无效、已使用或已过期")
            code.used = True
            return state._grant(code.client_key, code.open_id, code.scope)

    def refresh_for(self, values):
        state = self.state
        refresh = state.refresh_tokens.get(values["refresh_token"])
        if values["client_key"] not in state.apps:
            raise DouyinError(BAD_PARAMETER, "client_key 未知")
        if refresh is None or refresh.client_key != values["client_key"]:
            raise DouyinError(REFRESH_TOKEN_EXPIRED, "refresh_token 无效，请重新授权")
        if refresh.replaced_by:
            raise DouyinError(REFRESH_TOKEN_EXPIRED, "refresh_token 已被续期替换，请使用新的 refresh_token")
        if refresh.expires_at <= state.now():
            raise DouyinError(REFRESH_TOKEN_EXPIRED, "refresh_token 已过期，请重新授权")
        return refresh

    def call_refresh_token(self, call):
        values = self.form(call, ["client_key", "grant_type", "refresh_token"])
        state = self.state
        if values["grant_type"] != "refresh_token":
            raise bad_request("grant_type 应为 refresh_token")
        with state.lock:
            refresh = self.refresh_for(values)
            access = AccessToken(
                "act." + secrets.token_hex(20),
                refresh.client_key,
                refresh.open_id,
                refresh.scope,
                state.now() + state.limits.access_token_ttl,
            )
            state.access_tokens[access.token] = access
            return {
                "access_token": access.token,
                "expires_in": state.limits.access_token_ttl,
                "open_id": refresh.open_id,
                "refresh_token": refresh.token,
                "refresh_expires_in": int(refresh.expires_at - state.now()),
                "scope": refresh.scope,
            }

    def call_renew_refresh_token(self, call):
        values = self.form(call, ["client_key", "refresh_token"])
        state = self.state
        with state.lock:
            refresh = self.refresh_for(values)
            if refresh.renewals >= state.limits.max_renewals:
                raise DouyinError(RENEWED_TOO_OFTEN, f"refresh_token 续期已达 {state.limits.max_renewals} 次，请重新授权")
            renewed = RefreshToken(
                "rft." + secrets.token_hex(20),
                refresh.client_key,
                refresh.open_id,
                refresh.scope,
                state.now() + state.limits.refresh_token_ttl,
                refresh.renewals + 1,
            )
            refresh.replaced_by = renewed.token
            state.refresh_tokens[renewed.token] = renewed
            return {"refresh_token": renewed.token, "expires_in": state.limits.refresh_token_ttl}

    def call_upload_video(self, call):
        state = self.state
        sink = self.receive_file(call, state.limits.single_upload_max)
        file_format = video_format(sink.head)
        if file_format is None:
            raise bad_request("只接受 mp4 或 webm 文件")
        if sink.size > state.limits.single_upload_advised:
            with state.lock:
                state.warnings.append(f"upload_video：{sink.size} 字节的单次上传，超过 50 MB 应分片上传")
        return {"video": self.new_video(call.open_id, sink.size, sink.digest, file_format, 1)}

    def new_video(self, open_id, size, digest, file_format, parts):
        state = self.state
        with state.lock:
            video = Video("v0200f" + secrets.token_hex(14), open_id, size, digest, file_format, parts, state.now())
            state.videos[video.video_id] = video
        return {"video_id": video.video_id, "width": 1080, "height": 1920}

    def call_init_video_part_upload(self, call):
        self.empty_body(call)
        state = self.state
        with state.lock:
            now = state.now()
            upload = Upload(secrets.token_hex(16), call.open_id, now, now + state.limits.upload_id_ttl)
            state.uploads[upload.upload_id] = upload
        return {"upload_id": upload.upload_id}

    def live_upload(self, call):
        upload_id = call.query.get("upload_id")
        if not upload_id:
            raise bad_request("缺少查询参数 upload_id")
        state = self.state
        with state.lock:
            upload = state.uploads.get(upload_id)
            if upload is None or upload.open_id != call.open_id:
                raise bad_request("upload_id 未知")
            if upload.expires_at <= state.now():
                raise DouyinError(BAD_PARAMETER, "upload_id 已过期 (有效期 2 小时)，请重新初始化分片上传")
            if upload.video_id:
                raise DouyinError(BAD_PARAMETER, "该 upload_id 已完成上传")
        return upload

    def call_upload_video_part(self, call):
        upload = self.live_upload(call)
        try:
            number = int(call.query.get("part_number", ""))
        except ValueError:
            raise bad_request("part_number 应为从 1 起的整数")
        if number < 1:
            raise bad_request("part_number 应为从 1 起的整数")
        state = self.state
        sink = self.receive_file(call, state.limits.max_video_size)
        with state.lock:
            others = sum(part.size for n, part in upload.parts.items() if n != number)
            if others + sink.size > state.limits.max_video_size:
                raise DouyinError(BAD_PARAMETER, f"视频总大小超过 {state.limits.max_video_size} 字节")
            upload.parts[number] = PartInfo(sink.size, sink.digest, sink.head, state.now())  # a re-sent part replaces
        return {}

    def call_complete_video_part_upload(self, call):
        self.empty_body(call)
        upload = self.live_upload(call)
        state = self.state
        with state.lock:
            numbers = sorted(upload.parts)
            if not numbers:
                raise DouyinError(BAD_PARAMETER, "没有收到任何分片")
            missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
            if missing:
                raise DouyinError(BAD_PARAMETER, f"分片不连续：缺少第 {', '.join(map(str, missing))} 片")
            small = [n for n in numbers[:-1] if upload.parts[n].size < state.limits.min_part_size]
            if small:
                raise DouyinError(
                    BAD_PARAMETER,
                    f"除最后一片外每片至少 {state.limits.min_part_size} 字节：第 {', '.join(map(str, small))} 片太小",
                )
            total = sum(part.size for part in upload.parts.values())
            if total > state.limits.max_video_size:
                raise DouyinError(BAD_PARAMETER, f"视频总大小超过 {state.limits.max_video_size} 字节")
            file_format = video_format(upload.parts[1].head)
            if file_format is None:
                raise DouyinError(BAD_PARAMETER, "只接受 mp4 或 webm 文件")
            digest = None
            if state.hash_name:
                digest = hashlib.new(state.hash_name, "".join(upload.parts[n].digest for n in numbers).encode()).hexdigest()
            video = self.new_video(call.open_id, total, digest, file_format, len(numbers))
            upload.video_id = video["video_id"]
        return {"video": video}

    def call_create_video(self, call):
        values = self.json_body(call, CREATE_VIDEO_FIELDS, ["video_id"])
        state = self.state
        for name, kind in CREATE_VIDEO_FIELDS.items():
            value = values.get(name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                raise bad_request(f"字段 {name} 类型不对")
        if not all(isinstance(open_id, str) for open_id in values.get("at_users") or []):
            raise bad_request("at_users 应为 open_id 字符串的列表")
        text = values.get("text") or ""
        if len(text) > state.limits.max_text_length:
            raise bad_request(f"text 共 {len(text)} 字，超过 {state.limits.max_text_length} 字的上限")
        with state.lock:
            video = state.videos.get(values["video_id"])
            if video is None or video.open_id != call.open_id:
                raise DouyinError(BAD_PARAMETER, f"video_id {values['video_id']} 未知")
            if video.used_by:
                raise DouyinError(
                    BAD_PARAMETER,
                    f"video_id {video.video_id} 已用于作品 {video.used_by}：每次 create_video 都需要新上传的 video_id",
                )
            seq = next(state._seq)
            item_id = "@" + secrets.token_urlsafe(24)
            number = 7_400_000_000_000_000_000 + seq
            item = Item(
                item_id,
                call.open_id,
                video.video_id,
                text,
                int(state.now()),
                f"https://www.douyin.com/video/{number}",
                seq,
                values,
            )
            state.items[item_id] = item
            video.used_by = item_id
        return {"item_id": item_id}

    def listed(self, item, *, with_review):
        """An item as video_data / video_list show it in the current form; None when it is not shown."""
        state = self.state
        if item.status == REMOVED or (item.status == UNDER_REVIEW and not with_review):
            return None
        if state.video_data_form == LEAN and item.status != PUBLISHED:
            return None
        data = {
            "item_id": item.item_id,
            "title": item.title,
            "create_time": item.create_time,
            "share_url": item.share_url if item.status == PUBLISHED else "",
            "cover": f"https://p3-sign.douyinpic.com/cover/{item.item_id[1:9]}.jpeg",
            "is_top": False,
            "statistics": dict(item.statistics),
        }
        if state.video_data_form == FULL:
            data["video_status"] = VIDEO_STATUS[item.status]
            data["is_reviewed"] = item.status != UNDER_REVIEW
        return data

    def call_video_data(self, call):
        values = self.json_body(call, {"item_ids"}, ["item_ids"])
        item_ids = values["item_ids"]
        if not isinstance(item_ids, list) or not all(isinstance(item_id, str) for item_id in item_ids):
            raise bad_request("item_ids 应为字符串列表")
        state = self.state
        with state.lock:
            items = [state.items.get(item_id) for item_id in item_ids]
            shown = [self.listed(item, with_review=True) for item in items if item is not None and item.open_id == call.open_id]
        return {"list": [data for data in shown if data is not None]}

    def call_video_list(self, call):
        self.empty_body(call)
        try:
            cursor = int(call.query.get("cursor", "0"))
            count = int(call.query.get("count", "10"))
        except ValueError:
            raise bad_request("cursor 与 count 应为整数")
        if cursor < 0 or count < 1:
            raise bad_request("cursor 应 ≥ 0，count 应 ≥ 1")
        state = self.state
        with state.lock:
            shown = [
                (item.seq, data)
                for item in state.items_of(call.open_id)
                if (not cursor or item.seq < cursor) and (data := self.listed(item, with_review=False)) is not None
            ]
        page = shown[:count]
        return {"list": [data for _seq, data in page], "cursor": page[-1][0] if page else cursor, "has_more": len(shown) > count}

    def call_sink(self, call):
        """Not Douyin: the body is read and dropped (hashed if the state hashes), for a bare-throughput baseline."""
        sink = FileSink(self.state.hash_name)
        for chunk in call.body.chunks():
            sink.write(chunk)
        return {"size": sink.size, "digest": sink.digest}

    # Replies.

    def envelope(self, code, description, data=None):
        extra = {
            "error_code": code,
            "description": description,
            "sub_error_code": 0,
            "sub_description": "",
            "logid": datetime.now(UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper(),
            "now": int(self.state.now() * 1000),
        }
        return {"data": {"error_code": code, "description": description, **(data or {})}, "extra": extra}

    def reply_json(self, record, status, payload):
        record.http_status = status
        record.error_code = payload["data"]["error_code"]
        record.description = payload["data"]["description"]
        self.send(status, "application/json; charset=utf-8", json.dumps(payload, ensure_ascii=False).encode())

    def reply_data(self, record, data):
        self.reply_json(record, 200, self.envelope(OK, "", data))

    def reply_error(self, record, error):
        if error.violation:
            with self.state.lock:
                self.state.violations.append(f"{record.method} {record.path}: {error.description}")
        self.reply_json(record, error.http_status, self.envelope(error.code, error.description))

    def reply_redirect(self, record, location):
        record.http_status = 302
        record.error_code = OK
        self.send(302, "text/html; charset=utf-8", b"", [("Location", location)])


@dataclass
class Redirect:
    location: str


class DouyinStandIn(StandIn):
    """The server and its state; `running_standin()` is the usual way in."""

    state_class = StandInState
    handler_class = _Handler
    name = "douyin-standin"


@contextlib.contextmanager
def running_standin(**options):
    """Serve the stand-in on 127.0.0.1 (a free port unless `port` is given) while the block runs.

    Options: host, port, and StandInState's (client_key, client_secret, open_id, video_data_form,
    expired_token_code, store_dir, hash_name, strict, limits).
    """
    with serving(DouyinStandIn, **options) as standin:
        yield standin


def main():
    """Serve by hand (a benchmark in another process, a look with curl): prints the URL and a token pair."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--form", choices=[FULL, LEAN], default=FULL)
    parser.add_argument("--no-hash", action="store_true", help="keep only sizes (raw throughput)")
    parser.add_argument("--store-dir", help="write uploaded files here")
    args = parser.parse_args()
    options = {"video_data_form": args.form, "hash_name": None if args.no_hash else "sha256", "store_dir": args.store_dir}
    with running_standin(host=args.host, port=args.port, **options) as standin:
        tokens = standin.state.issue_tokens()
        print(
            json.dumps(
                {
                    "base_url": standin.base_url,
                    "client_key": standin.state.client_key,
                    "client_secret": standin.state.client_secret,
                    **tokens,
                },
                indent=2,
            ),
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
