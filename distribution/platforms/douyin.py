"""抖音开放平台: connect an account, check a clip against the limits, upload it, publish it, follow it.

The contract is /work/shared/channels/DOUYIN.md (the channel's docs and public SDKs, with their doubts).
Uploads are streamed: each request body is a multipart envelope written here around bytes read from
the Source in 1 MB blocks, sent with an exact Content-Length, so a 4 GB clip costs the memory of a
1 MB one. `create_video` is never retried here: a video_id is good for one post, and when the reply
is lost the worker looks for the post with `find` instead of posting again.

Secrets (the app secret, tokens) go in form bodies and headers only, never in a URL, an exception
message, a repr or a log line.
"""

from __future__ import annotations

import logging
import math
import os
import time
from urllib.parse import urlencode

import httpx

from media_center.ffmpeg.messages import gettext_noop

from .base import (
    PUBLISHED,
    REMOVED,
    UNDER_REVIEW,
    MediaFacts,
    NeedsAuth,
    NeedsConfig,
    Permanent,
    PostStatus,
    QuotaExceeded,
    Retryable,
    Source,
    TokenExpired,
    Tokens,
    UploadState,
    as_int,
    retry_after,
    seconds_to_beijing_midnight,
)

logger = logging.getLogger(__name__)

BASE_URL = "https://open.douyin.com"
SCOPES = ("video.create.bind", "video.data.bind")
WHOLE_UPLOAD_LIMIT = 50 * 2**20  # below this one request; from it on, parts (above 128 MB the channel insists)
PART_SIZE = 20 * 2**20  # the size the contract recommends
MIN_PART_SIZE = 5 * 2**20  # every part but the last
MAX_SIZE = 4 * 2**30
MAX_SECONDS = 15 * 60
MAX_CAPTION = 1000
UPLOAD_ID_LIFETIME = 2 * 3600
RENEWALS_ALLOWED = 5
UPLOAD_ID_MARGIN = 10 * 60  # an upload_id this close to its end is not resumed: its parts could not all go in time
PART_ATTEMPTS = 3  # a part the channel answers "busy" (or 5xx) is sent again, up to this many times in all
FIND_CLOCK_SKEW = 30  # seconds: our clock and the channel's may disagree by this much
FIND_PAGE_SIZE = 10
STATUS_BATCH = 20  # item_ids per video_data call
MIN_PORTRAIT_SHORT_SIDE = 720

BOUNDARY = "----union-media-center-douyin-upload"
CONTENT_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
ACCEPTED_CONTAINERS = {"mp4", "webm"}

PATHS = {
    "connect": "/platform/oauth/connect/",
    "access_token": "/oauth/access_token/",
    "refresh_token": "/oauth/refresh_token/",
    "renew_refresh_token": "/oauth/renew_refresh_token/",
    "upload_video": "/api/douyin/v1/video/upload_video/",
    "init_video_part_upload": "/api/douyin/v1/video/init_video_part_upload/",
    "upload_video_part": "/api/douyin/v1/video/upload_video_part/",
    "complete_video_part_upload": "/api/douyin/v1/video/complete_video_part_upload/",
    "create_video": "/api/douyin/v1/video/create_video/",
    "video_data": "/api/douyin/v1/video/video_data/",
    "video_list": "/api/douyin/v1/video/video_list/",
}

# The contract's error table (DOUYIN.md, Errors). Codes not here are permanent.
BUSY = 2100004
BAD_PARAMETER = 2100005
QUOTA_USED_UP = 28003017
RATE_TOO_HIGH = 28003018
ERROR_CLASSES = {
    BUSY: Retryable,
    BAD_PARAMETER: Permanent,
    2100007: NeedsAuth,  # no permission
    2190002: NeedsAuth,  # invalid access_token
    2190008: TokenExpired,
    28001008: TokenExpired,
    28001012: NeedsAuth,  # scope not authorised
    28001015: NeedsAuth,  # open_id does not match the token
    QUOTA_USED_UP: QuotaExceeded,
    RATE_TOO_HIGH: Retryable,
    10010: NeedsAuth,  # refresh_token expired
    10020: NeedsAuth,  # refresh_token renewed too often
}


def container_names(container):
    return {name.strip().lower() for name in container.split(",") if name.strip()}


class DouyinClient:
    """One Douyin application (client_key and secret) calling the Open Platform for its accounts.

    `transport`: an httpx transport (tests pass one without certificate loading); `connect_timeout`
    and `read_timeout` in seconds bound every call (the read timeout also bounds each write).
    """

    def __init__(self, client_key, client_secret, *, base_url=BASE_URL, connect_timeout=10, read_timeout=60, transport=None):
        self.client_key = client_key
        self._client_secret = client_secret
        self.base_url = base_url.rstrip("/")
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False)

    def __repr__(self):
        return f"<DouyinClient client_key={self.client_key!r} base_url={self.base_url!r}>"

    def close(self):
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # OAuth.

    def _app_credentials(self):
        if not self.client_key or not self._client_secret:
            raise NeedsConfig(gettext_noop("未配置抖音应用的 client_key 或 client_secret。"))
        return self.client_key, self._client_secret

    def authorize_url(self, redirect_uri, state, scopes=SCOPES):
        """Where staff consent for the account; Douyin then sends them to `redirect_uri` with `code` and `state`."""
        client_key, _secret = self._app_credentials()
        query = {
            "client_key": client_key,
            "response_type": "code",
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        return self.base_url + PATHS["connect"] + "?" + urlencode(query, safe=",")

    def exchange_code(self, code):
        """The callback's `code` (good once, for 10 minutes) for the account's tokens."""
        client_key, secret = self._app_credentials()
        now = time.time()
        data = self._call(
            "access_token",
            "POST",
            data={"client_key": client_key, "client_secret": secret, "code": code, "grant_type": "authorization_code"},
        )
        return Tokens(
            access_token=self._field(data, "access_token"),
            access_expires_at=now + float(data.get("expires_in") or 0),
            refresh_token=self._field(data, "refresh_token"),
            refresh_expires_at=now + float(data.get("refresh_expires_in") or 0),
            open_id=self._field(data, "open_id"),
            scope=str(data.get("scope") or ""),
        )

    def refresh_access_token(self, refresh_token, open_id):
        """A new access token (15 days). The refresh token stays the same unless the reply carries another."""
        client_key, _secret = self._app_credentials()
        now = time.time()
        data = self._call(
            "refresh_token",
            "POST",
            data={"client_key": client_key, "grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        refresh_expires_in = data.get("refresh_expires_in")
        return Tokens(
            access_token=self._field(data, "access_token"),
            access_expires_at=now + float(data.get("expires_in") or 0),
            refresh_token=str(data.get("refresh_token") or refresh_token),
            refresh_expires_at=now + float(refresh_expires_in) if refresh_expires_in else 0.0,
            open_id=str(data.get("open_id") or open_id),
            scope=str(data.get("scope") or ""),
        )

    def renew_refresh_token(self, refresh_token):
        """A new refresh token (30 days) and its expiry; the old one stops working. At most 5 times, then 10020."""
        client_key, _secret = self._app_credentials()
        now = time.time()
        data = self._call("renew_refresh_token", "POST", data={"client_key": client_key, "refresh_token": refresh_token})
        return self._field(data, "refresh_token"), now + float(data.get("expires_in") or 0)

    # Checking a clip before anything is sent.

    def validate(self, facts: MediaFacts, caption: str) -> list[str]:
        """Refuse what the channel would refuse (Permanent); return advice (untranslated Chinese) otherwise."""
        if not container_names(facts.container) & ACCEPTED_CONTAINERS:
            raise Permanent(
                gettext_noop("抖音只接受 mp4 或 webm 视频，这个文件是 %(container)s。"), params={"container": facts.container}
            )
        if facts.duration > MAX_SECONDS:
            raise Permanent(
                gettext_noop("视频时长 %(minutes).1f 分钟，超过抖音 15 分钟的上限。"), params={"minutes": facts.duration / 60}
            )
        if facts.size > MAX_SIZE:
            raise Permanent(gettext_noop("视频大小 %(gb).2f GB，超过抖音 4 GB 的上限。"), params={"gb": facts.size / 2**30})
        if facts.size <= 0:
            raise Permanent(gettext_noop("视频文件是空的。"))
        if not caption.strip():
            raise Permanent(gettext_noop("发布到抖音需要标题文案。"))
        if len(caption) > MAX_CAPTION:
            raise Permanent(gettext_noop("标题文案共 %(length)s 字，超过抖音 1000 字的上限。"), params={"length": len(caption)})
        warnings = []
        if facts.width and facts.height and facts.width >= facts.height:
            warnings.append(gettext_noop("这是横屏或方形视频，抖音推荐竖屏（9:16）。"))
        if facts.width and facts.height and min(facts.width, facts.height) < MIN_PORTRAIT_SHORT_SIDE:
            warnings.append(gettext_noop("画面短边不足 720 像素，抖音推荐 720p 或更清晰。"))
        return warnings

    # Uploading.

    def upload(self, access_token, open_id, source: Source, *, state=None, on_state=None, on_progress=None, now=time.time):
        """Upload the clip and return its video_id (good for one post).

        Below WHOLE_UPLOAD_LIMIT in one request; otherwise in parts: a valid `state` (upload_id,
        parts done) continues from the next part, else a new upload_id is asked for. `on_state`
        gets the UploadState after each accepted part (the caller keeps it); `on_progress` gets
        (bytes sent, total) as the bytes go.
        """
        progress = on_progress or (lambda sent, total: None)
        if source.size < WHOLE_UPLOAD_LIMIT:
            data = self._send_file(access_token, open_id, "upload_video", source, 0, source.size, {}, progress)
            return self._video_id(data)
        resumed = state is not None and self._resumable(state, source, now)
        if state is not None and not resumed:
            logger.info("douyin upload of %s: upload_id too old or unusable, starting over", source.name)
        if not resumed:
            state = self._init_upload(access_token, open_id, now)
        try:
            return self._upload_parts(access_token, open_id, source, state, on_state, progress)
        except Permanent as error:
            if not resumed or error.code != str(BAD_PARAMETER):
                raise
            # The channel no longer knows the upload_id we kept (expired early, completed, another
            # environment): the parts are lost with it. Start over once.
            logger.info("douyin upload of %s: the kept upload_id was refused (%s), starting over", source.name, error.text)
            state = self._init_upload(access_token, open_id, now)
            return self._upload_parts(access_token, open_id, source, state, on_state, progress)

    def _resumable(self, state, source, now):
        return (
            bool(state.upload_id)
            and state.part_size >= MIN_PART_SIZE
            and 0 <= state.parts_done <= math.ceil(source.size / state.part_size)
            and now() < state.started_at + UPLOAD_ID_LIFETIME - UPLOAD_ID_MARGIN
        )

    def _init_upload(self, access_token, open_id, now):
        started_at = now()
        data = self._call("init_video_part_upload", "POST", token=access_token, open_id=open_id)
        return UploadState(upload_id=self._field(data, "upload_id"), started_at=started_at, part_size=PART_SIZE, parts_done=0)

    def _upload_parts(self, access_token, open_id, source, state, on_state, progress):
        parts = math.ceil(source.size / state.part_size)
        for number in range(state.parts_done + 1, parts + 1):
            start = (number - 1) * state.part_size
            length = min(state.part_size, source.size - start)
            query = {"upload_id": state.upload_id, "part_number": number}
            for attempt in range(1, PART_ATTEMPTS + 1):
                try:
                    self._send_file(access_token, open_id, "upload_video_part", source, start, length, query, progress)
                    break
                except Retryable as error:
                    # Re-send only what the channel answered "busy" to: a part sent again replaces the first.
                    # A broken connection is left to the worker's back-off; the state says what is done.
                    if error.http_status is None or attempt == PART_ATTEMPTS:
                        raise
                    logger.info("douyin part %s of %s answered %s: sending it again", number, parts, error.text)
                    time.sleep(error.retry_after if error.retry_after is not None else 0.5 * attempt)
            state = UploadState(state.upload_id, state.started_at, state.part_size, number)
            if on_state:
                on_state(state)
        data = self._call(
            "complete_video_part_upload", "POST", token=access_token, open_id=open_id, params={"upload_id": state.upload_id}
        )
        return self._video_id(data)

    def _video_id(self, data):
        video = data.get("video")
        if not isinstance(video, dict) or not video.get("video_id"):
            raise Permanent(gettext_noop("抖音的回复缺少 %(field)s。"), params={"field": "video.video_id"})
        return str(video["video_id"])

    def _send_file(self, access_token, open_id, endpoint, source, start, length, query, progress):
        """One multipart request carrying source[start:start+length] in the field `video`, streamed."""
        suffix = os.path.splitext(source.name)[1].lower()
        content_type = CONTENT_TYPES.get(suffix, "video/mp4")
        filename = "video" + (suffix if suffix in CONTENT_TYPES else ".mp4")
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="video"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()

        def body():
            yield head
            sent = 0
            for block in source.read_range(start, length):
                sent += len(block)
                if sent > length:
                    break
                yield block
                progress(start + sent, source.size)
            if sent != length:
                raise Permanent(
                    gettext_noop("读取视频文件出错：第 %(start)s 字节起应有 %(length)s 字节，读到 %(sent)s 字节。"),
                    params={"start": start, "length": length, "sent": sent},
                )
            yield tail

        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(head) + length + len(tail)),
        }
        return self._call(endpoint, "POST", token=access_token, open_id=open_id, params=query, content=body(), headers=headers)

    # Publishing and following.

    def create_video(self, access_token, open_id, video_id, caption, cover_seconds=None):
        """Publish the uploaded video with its caption; returns the item_id. Never retried here.

        An error whose `maybe_done` is True (the request went out, no clear answer came back) means the
        post may exist: look for it with `find`; calling again with the same video_id cannot post twice
        (it is single-use) but would only be refused.
        """
        body = {"video_id": video_id, "text": caption}
        if cover_seconds is not None:
            body["cover_tsp"] = float(cover_seconds)
        # A reply in the contract's envelope with an error code says nothing was posted (maybe_done False);
        # a 5xx, a timeout or a broken connection after sending leaves it open (maybe_done True).
        data = self._call("create_video", "POST", token=access_token, open_id=open_id, json=body)
        item_id = data.get("item_id")
        if not item_id:
            raise Retryable(gettext_noop("抖音的回复缺少 %(field)s。"), params={"field": "item_id"}, maybe_done=True)
        return str(item_id)

    def status(self, access_token, open_id, item_ids):
        """What the channel shows of each post now. A post it does not list is absent from the answer: under
        review if it was never listed, removed if it was (the caller knows which; DOUYIN.md's note)."""
        statuses = {}
        item_ids = list(item_ids)
        for first in range(0, len(item_ids), STATUS_BATCH):
            data = self._call(
                "video_data",
                "POST",
                token=access_token,
                open_id=open_id,
                json={"item_ids": item_ids[first : first + STATUS_BATCH]},
            )
            for entry in data.get("list") or []:
                if isinstance(entry, dict) and entry.get("item_id"):
                    statuses[str(entry["item_id"])] = post_status(entry)
        return statuses

    def find(self, access_token, open_id, caption, created_after, pages=3):
        """The item_id of a post of this caption created at or after `created_after` (unix time), or None.

        For a create_video whose reply was lost: walks video_list newest first. Posts under review
        are not listed yet, so None now may become an item later.
        """
        wanted = caption.strip()
        since = created_after - FIND_CLOCK_SKEW
        cursor = 0
        for _page in range(pages):
            data = self._call(
                "video_list", "GET", token=access_token, open_id=open_id, params={"cursor": cursor, "count": FIND_PAGE_SIZE}
            )
            entries = [entry for entry in data.get("list") or [] if isinstance(entry, dict)]
            for entry in entries:
                create_time = as_int(entry.get("create_time"))
                if create_time is not None and create_time < since:
                    return None  # newest first: everything further down is older still
                if str(entry.get("title") or "").strip() == wanted and create_time is not None and entry.get("item_id"):
                    return str(entry["item_id"])
            if not data.get("has_more") or not entries:
                return None
            cursor = data.get("cursor") or 0
        return None

    # Calls.

    def _field(self, data, name):
        value = data.get(name)
        if not value:
            raise Permanent(gettext_noop("抖音的回复缺少 %(field)s。"), params={"field": name})
        return str(value)

    def _call(self, endpoint, method, *, token=None, open_id=None, params=None, data=None, json=None, content=None, headers=None):
        """One request: the reply's `data` when error_code is 0, else the error class the contract's table names."""
        query = dict(params or {})
        headers = dict(headers or {})
        if token is not None:
            headers["access-token"] = token
            query = {"open_id": open_id, **query}
        try:
            response = self._http.request(
                method, PATHS[endpoint], params=query or None, data=data, json=json, content=content, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise Retryable(
                gettext_noop("连接抖音失败（%(error)s），稍后重试。"), params={"error": type(error).__name__}, maybe_done=False
            ) from error
        except httpx.TimeoutException as error:
            raise Retryable(
                gettext_noop("抖音在规定时间内没有回复（%(error)s），稍后重试。"),
                params={"error": type(error).__name__},
                maybe_done=True,
            ) from error
        except httpx.TransportError as error:
            raise Retryable(
                gettext_noop("与抖音的连接中断（%(error)s），稍后重试。"), params={"error": type(error).__name__}, maybe_done=True
            ) from error
        return self._reply(endpoint, response)

    def _reply(self, endpoint, response):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        payload = body.get("data") if isinstance(body, dict) else None
        extra = body.get("extra") if isinstance(body, dict) else None
        code, description = 0, ""
        for part in (payload, extra):
            if isinstance(part, dict) and as_int(part.get("error_code")):
                code, description = int(part["error_code"]), str(part.get("description") or "")
                break
        if status >= 500 or status == 429:
            raise Retryable(
                description or gettext_noop("抖音服务暂时不可用（HTTP %(status)s），稍后重试。"),
                code=code or "",
                params={} if description else {"status": status},
                retry_after=retry_after(response.headers.get("retry-after")),
                maybe_done=True,
                http_status=status,
            )
        if code:
            error_class = ERROR_CLASSES.get(code, Permanent)
            logger.info("douyin %s: error %s %s", endpoint, code, description)
            wait = seconds_to_beijing_midnight(time.time()) if error_class is QuotaExceeded else None
            raise error_class(description or str(code), code=code, retry_after=wait, http_status=status)
        if not 200 <= status < 300:
            raise Permanent(gettext_noop("抖音拒绝了请求（HTTP %(status)s）。"), params={"status": status}, http_status=status)
        if not isinstance(payload, dict):
            raise Retryable(
                gettext_noop("抖音的回复无法解读（HTTP %(status)s），稍后重试。"),
                params={"status": status},
                maybe_done=True,
                http_status=status,
            )
        return payload


def post_status(entry):
    """One video_data entry, in either form: with `video_status`/`is_reviewed` (before the platform's notice
    of 2024-12-13) or without them (listed with a share_url = published)."""
    share_url = str(entry.get("share_url") or "")
    video_status = as_int(entry.get("video_status"))
    if video_status == 1:
        state = PUBLISHED
    elif video_status == 2:
        state = REMOVED  # 不公开: no longer seen by the public
    elif video_status == 4 or entry.get("is_reviewed") is False:
        state = UNDER_REVIEW
    else:
        state = PUBLISHED if share_url else UNDER_REVIEW
    statistics = entry.get("statistics") if isinstance(entry.get("statistics"), dict) else {}
    return PostStatus(
        item_id=str(entry["item_id"]),
        state=state,
        share_url=share_url,
        plays=as_int(statistics.get("play_count")),
        likes=as_int(statistics.get("digg_count")),
        comments=as_int(statistics.get("comment_count")),
        shares=as_int(statistics.get("share_count")),
    )
