"""The Douyin client against the stand-in: what it sends is the contract's, and every answer is classified.

Each test leaves the stand-in's `violations` empty (the `client` fixture checks): a faithful client
never sends what the contract does not name.
"""

import hashlib
import json
import logging
import os
import socket
import time
import tracemalloc
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from distribution.platforms.base import (
    ChannelError,
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
)
from distribution.platforms.douyin import MAX_SIZE, PART_SIZE, SCOPES, WHOLE_UPLOAD_LIMIT, DouyinClient
from tests.distribution.douyin_standin import LEAN, MB, NOT_PUBLIC

pytestmark = pytest.mark.once  # no database here

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01"
BLOCK = os.urandom(MB)
PARTS_SIZE = WHOLE_UPLOAD_LIMIT + 3 * MB  # just above the whole-upload limit: parts of 20, 20 and 13 MB


def generated(size, name="clip.mp4", head=MP4_HEAD):
    """A Source of `size` bytes made on the fly (an mp4 head, then BLOCK over and over): no file, no memory."""

    def read_range(start, length):
        position, end = start, start + length
        while position < end:
            if position < len(head):
                chunk = head[position : min(end, len(head))]
            else:
                offset = (position - len(head)) % MB
                chunk = BLOCK[offset : offset + min(MB - offset, end - position)]
            position += len(chunk)
            yield chunk

    return Source(name, size, read_range)


def digest(source, start=0, length=None):
    hashed = hashlib.sha256()
    for block in source.read_range(start, source.size - start if length is None else length):
        hashed.update(block)
    return hashed.hexdigest()


def make_client(douyin, **options):
    """verify=False: plain http to 127.0.0.1, so no certificates are loaded for each test."""
    return DouyinClient(
        douyin.state.client_key,
        douyin.state.client_secret,
        base_url=douyin.base_url,
        transport=httpx.HTTPTransport(verify=False),
        **options,
    )


@pytest.fixture
def client(douyin):
    with make_client(douyin) as client:
        yield client
    assert not douyin.state.violations, douyin.state.violations


@pytest.fixture
def account(douyin):
    """(access_token, open_id) of an account that went through OAuth."""
    tokens = douyin.state.issue_tokens()
    return tokens["access_token"], tokens["open_id"]


def part_requests(douyin):
    """(upload_id, part_number, size) of each upload_video_part the stand-in received, in order."""
    return [
        (request.query["upload_id"], int(request.query["part_number"]), request.files[0]["size"] if request.files else None)
        for request in douyin.state.requests_to("upload_video_part")
    ]


def post(client, account, caption="职工书屋开放日"):
    video_id = client.upload(*account, generated(MB))
    return client.create_video(*account, video_id, caption)


# OAuth.


def test_the_authorize_url_asks_for_the_contracts_scopes_and_carries_the_state(douyin, client):
    url = client.authorize_url("https://cms.example/douyin/callback", "csrf-123")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == "/platform/oauth/connect/"
    assert query == {
        "client_key": [douyin.state.client_key],
        "response_type": ["code"],
        "scope": [",".join(SCOPES)],
        "redirect_uri": ["https://cms.example/douyin/callback"],
        "state": ["csrf-123"],
    }
    assert douyin.state.client_secret not in url
    with httpx.Client(verify=False) as http:
        location = urlsplit(http.get(url).headers["location"])
    assert parse_qs(location.query)["state"] == ["csrf-123"]


def test_a_code_is_exchanged_for_tokens_and_the_open_id(douyin, client):
    before = time.time()
    tokens = client.exchange_code(douyin.state.authorize())
    assert tokens.access_token in douyin.state.access_tokens and tokens.refresh_token in douyin.state.refresh_tokens
    assert tokens.open_id == douyin.state.open_id and tokens.scope == "video.create.bind,video.data.bind"
    assert before + 1_296_000 <= tokens.access_expires_at <= time.time() + 1_296_000
    assert before + 30 * 86400 <= tokens.refresh_expires_at <= time.time() + 30 * 86400
    (request,) = douyin.state.requests_to("access_token")
    assert request.body["grant_type"] == "authorization_code" and request.body["client_secret"] == "***"


def test_a_used_code_is_refused_as_permanent_with_the_channels_words(douyin, client):
    code = douyin.state.authorize()
    client.exchange_code(code)
    with pytest.raises(Permanent) as raised:
        client.exchange_code(code)
    assert raised.value.code == "2100005" and "授权码" in raised.value.message


def test_refreshing_gives_a_new_access_token_and_keeps_the_refresh_token(douyin, client):
    first = client.exchange_code(douyin.state.authorize())
    douyin.state.expire_access_token(first.access_token)
    tokens = client.refresh_access_token(first.refresh_token, first.open_id)
    assert tokens.access_token != first.access_token and tokens.access_token in douyin.state.access_tokens
    assert tokens.refresh_token == first.refresh_token and tokens.open_id == first.open_id
    assert tokens.access_expires_at > time.time() + 1_296_000 - 60
    assert client.find(tokens.access_token, tokens.open_id, "无", 0) is None  # the new token works


def test_the_refresh_token_renews_five_times_then_needs_auth_10020(douyin, client):
    refresh_token = client.exchange_code(douyin.state.authorize()).refresh_token
    for _ in range(5):
        renewed, expires_at = client.renew_refresh_token(refresh_token)
        assert renewed != refresh_token and expires_at > time.time() + 30 * 86400 - 60
        refresh_token = renewed
    with pytest.raises(NeedsAuth) as raised:
        client.renew_refresh_token(refresh_token)
    assert raised.value.code == "10020" and raised.value.kind == "needs_auth"


def test_an_expired_refresh_token_needs_auth_10010(douyin, client):
    tokens = client.exchange_code(douyin.state.authorize())
    douyin.state.advance(30 * 86400 + 1)
    with pytest.raises(NeedsAuth) as raised:
        client.refresh_access_token(tokens.refresh_token, tokens.open_id)
    assert raised.value.code == "10010" and not isinstance(raised.value, TokenExpired)


def test_missing_app_credentials_need_an_administrator(douyin):
    with DouyinClient(douyin.state.client_key, "", base_url=douyin.base_url) as client, pytest.raises(NeedsConfig):
        client.exchange_code("code")
    assert not douyin.state.requests


# Checking a clip.

VERTICAL = MediaFacts(container="mov,mp4,m4a,3gp,3g2,mj2", duration=58.0, size=40 * MB, width=1080, height=1920)


def facts(**changes):
    return MediaFacts(**{**VERTICAL.__dict__, **changes})


def test_a_vertical_mp4_passes_without_warnings(client):
    assert client.validate(VERTICAL, "劳模工作室 #工匠精神") == []
    assert client.validate(facts(container="mp4"), "标题") == []
    assert client.validate(facts(container="matroska,webm"), "标题") == []


@pytest.mark.parametrize(
    ("changes", "caption", "words"),
    [
        ({"container": "mpegts"}, "标题", "mp4"),
        ({"container": "avi"}, "标题", "avi"),
        ({"duration": 15 * 60 + 0.5}, "标题", "15 分钟"),
        ({"size": MAX_SIZE + 1}, "标题", "4 GB"),
        ({"size": 0}, "标题", "空"),
        ({}, "", "标题"),
        ({}, "   ", "标题"),
        ({}, "工" * 1001, "1000"),
    ],
    ids=[
        "transport stream",
        "avi",
        "longer than 15 minutes",
        "over 4 GB",
        "empty file",
        "no caption",
        "blank caption",
        "caption over 1000",
    ],
)
def test_validate_refuses_what_douyin_refuses(client, changes, caption, words):
    with pytest.raises(Permanent) as raised:
        client.validate(facts(**changes), caption)
    assert words in str(raised.value) and raised.value.code == "" and raised.value.kind == "permanent"


def test_validate_accepts_the_limits_themselves(client):
    assert client.validate(facts(duration=15 * 60, size=MAX_SIZE), "工" * 1000) == []


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(1920, 1080, ["竖屏"]), (1080, 1080, ["竖屏"]), (540, 960, ["720"]), (640, 360, ["竖屏", "720"])],
    ids=["landscape", "square", "small vertical", "small landscape"],
)
def test_validate_warns_of_landscape_square_and_small_videos(client, width, height, expected):
    warnings = client.validate(facts(width=width, height=height), "标题")
    assert len(warnings) == len(expected) and all(word in warning for word, warning in zip(expected, warnings))


# Uploading.


def test_a_small_clip_goes_whole_in_one_streamed_request(douyin, client, account, tmp_path):
    path = tmp_path / "开放日.mp4"
    path.write_bytes((MP4_HEAD + BLOCK * 4)[: 3 * MB + 5])
    progress = []
    video_id = client.upload(*account, Source.from_path(path), on_progress=lambda sent, total: progress.append((sent, total)))
    video = douyin.state.videos[video_id]
    assert (video.size, video.digest, video.format, video.parts) == (
        3 * MB + 5,
        hashlib.sha256(path.read_bytes()).hexdigest(),
        "mp4",
        1,
    )
    (request,) = douyin.state.requests_to("upload_video")
    assert request.headers["content-length"] and "transfer-encoding" not in request.headers
    assert request.files[0]["name"] == "video" and request.files[0]["filename"] == "video.mp4"
    assert progress[-1] == (3 * MB + 5, 3 * MB + 5) and len(progress) > 3
    assert not douyin.state.requests_to("init_video_part_upload")


def test_a_webm_goes_up_as_webm(douyin, client, account):
    video_id = client.upload(*account, generated(2 * MB, name="clip.webm", head=WEBM_HEAD))
    assert douyin.state.videos[video_id].format == "webm"
    assert douyin.state.requests_to("upload_video")[0].files[0]["content_type"] == "video/webm"


def test_a_large_clip_goes_in_20_mb_parts_in_order(douyin, client, account):
    source = generated(PARTS_SIZE)
    states = []
    video_id = client.upload(*account, source, on_state=states.append)
    (upload_id,) = douyin.state.uploads
    assert part_requests(douyin) == [(upload_id, 1, PART_SIZE), (upload_id, 2, PART_SIZE), (upload_id, 3, 13 * MB)]
    assert [state.parts_done for state in states] == [1, 2, 3]
    assert {(state.upload_id, state.part_size) for state in states} == {(upload_id, PART_SIZE)}
    video = douyin.state.videos[video_id]
    assert (video.size, video.parts, video.format) == (PARTS_SIZE, 3, "mp4")
    parts = douyin.state.uploads[upload_id].parts
    assert parts[2].digest == digest(source, PART_SIZE, PART_SIZE)
    assert not douyin.state.warnings


class Crash(Exception):
    """The worker dies after a part was accepted and its state kept."""


def upload_until_crash(client, account, source, after_parts):
    kept = []

    def keep(state):
        kept.append(state.to_dict())
        if state.parts_done == after_parts:
            raise Crash

    with pytest.raises(Crash):
        client.upload(*account, source, on_state=keep)
    return UploadState.from_dict(json.loads(json.dumps(kept[-1])))


def test_a_restarted_upload_continues_from_the_next_part(douyin, client, account):
    source = generated(PARTS_SIZE)
    state = upload_until_crash(client, account, source, after_parts=1)
    states = []
    video_id = client.upload(*account, source, state=state, on_state=states.append)
    assert [number for _id, number, _size in part_requests(douyin)] == [1, 2, 3]
    assert len(douyin.state.requests_to("init_video_part_upload")) == 1
    assert [state.parts_done for state in states] == [2, 3]
    assert douyin.state.videos[video_id].size == PARTS_SIZE


def test_an_upload_id_near_its_two_hours_starts_over(douyin, client, account):
    source = generated(PARTS_SIZE)
    state = upload_until_crash(client, account, source, after_parts=2)
    later = 2 * 3600 - 5 * 60
    douyin.state.advance(later)
    video_id = client.upload(*account, source, state=state, now=lambda: time.time() + later)
    first, second = douyin.state.uploads
    assert [(upload_id == second, number) for upload_id, number, _size in part_requests(douyin)] == [
        (False, 1),
        (False, 2),
        (True, 1),
        (True, 2),
        (True, 3),
    ]
    assert douyin.state.uploads[second].video_id == video_id and douyin.state.uploads[first].video_id is None


def test_a_kept_upload_id_the_channel_calls_expired_starts_over_once(douyin, client, account):
    source = generated(PARTS_SIZE)
    state = upload_until_crash(client, account, source, after_parts=1)
    douyin.state.advance(2 * 3600 + 1)  # our clock says the upload_id is fresh; the channel's does not
    video_id = client.upload(*account, source, state=state)
    assert len(douyin.state.uploads) == 2 and douyin.state.videos[video_id].size == PARTS_SIZE


def test_a_reset_mid_part_is_retryable_and_the_state_keeps_the_parts_done(douyin, client, account):
    source = generated(PARTS_SIZE)
    douyin.state.fail("upload_video_part", kind="reset_mid_body", part_number=2, after_bytes=MB)
    kept = []
    with pytest.raises(Retryable) as raised:
        client.upload(*account, source, on_state=kept.append)
    assert kept[-1].parts_done == 1 and raised.value.code == ""
    video_id = client.upload(*account, source, state=kept[-1])
    assert [number for _id, number, _size in part_requests(douyin)] == [1, 2, 2, 3]
    assert douyin.state.videos[video_id].size == PARTS_SIZE


def test_a_part_answered_busy_is_sent_again_and_replaces(douyin, client, account):
    douyin.state.fail("upload_video_part", kind="error", code=2100004, part_number=2)
    video_id = client.upload(*account, generated(PARTS_SIZE))
    assert [number for _id, number, _size in part_requests(douyin)] == [1, 2, 2, 3]
    assert douyin.state.videos[video_id].size == PARTS_SIZE


def test_a_part_still_failing_after_the_attempts_is_retryable(douyin, client, account):
    douyin.state.fail("upload_video_part", kind="http_error", status=503, part_number=1, times=None)
    kept = []
    with pytest.raises(Retryable) as raised:
        client.upload(*account, generated(PARTS_SIZE), on_state=kept.append)
    assert raised.value.http_status == 503 and not kept
    assert len(part_requests(douyin)) == 3


def test_a_200_mb_upload_holds_constant_memory(douyin, client, account):
    size = 200 * MB
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        video_id = client.upload(*account, generated(size))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"client and stand-in held {(peak - before) / MB:.1f} MB at most")
    assert (peak - before) < 8 * MB, f"{(peak - before) / MB:.1f} MB held while 200 MB went up"
    assert douyin.state.videos[video_id].size == size
    assert all(request.headers.get("transfer-encoding") is None for request in douyin.state.requests_to("upload_video_part"))


def test_a_source_from_a_path_reads_ranges_in_blocks_of_at_most_1_mb(tmp_path):
    path = tmp_path / "clip.mp4"
    content = (MP4_HEAD + BLOCK * 4)[: 3 * MB + 100]
    path.write_bytes(content)
    source = Source.from_path(path)
    assert (source.name, source.size) == ("clip.mp4", len(content))
    blocks = list(source.read_range(10, 2 * MB + 50))
    assert b"".join(blocks) == content[10 : 10 + 2 * MB + 50] and max(map(len, blocks)) <= MB


def test_upload_state_round_trips_through_json():
    state = UploadState(upload_id="abc", started_at=1_700_000_000.5, part_size=PART_SIZE, parts_done=3)
    assert UploadState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


# Publishing.


def test_create_video_sends_the_caption_and_cover_time_as_the_contract_names_them(douyin, client, account):
    video_id = client.upload(*account, generated(MB))
    item_id = client.create_video(*account, video_id, "劳模工作室 #工匠精神", cover_seconds=2.5)
    assert douyin.state.item(item_id).title == "劳模工作室 #工匠精神"
    (request,) = douyin.state.requests_to("create_video")
    assert request.body == {"video_id": video_id, "text": "劳模工作室 #工匠精神", "cover_tsp": 2.5}
    assert request.query == {"open_id": account[1]}


def test_create_video_without_a_cover_time_sends_none(douyin, client, account):
    post(client, account)
    assert douyin.state.requests_to("create_video")[0].fields == ["video_id", "text"]


def test_a_lost_create_reply_may_be_done_and_find_locates_the_post(douyin, client, account):
    video_id = client.upload(*account, generated(MB))
    started = time.time()
    douyin.state.fail("create_video", kind="lost_reply")
    with pytest.raises(Retryable) as raised:
        client.create_video(*account, video_id, "职工运动会集锦")
    assert raised.value.maybe_done is True
    (item,) = douyin.state.items.values()
    assert client.find(*account, "职工运动会集锦", started) is None  # under review: not listed yet
    douyin.state.publish(item.item_id)
    assert client.find(*account, "职工运动会集锦", started) == item.item_id
    assert len(douyin.state.requests_to("create_video")) == 1


def test_a_video_id_is_single_use(douyin, client, account):
    video_id = client.upload(*account, generated(MB))
    client.create_video(*account, video_id, "第一次")
    with pytest.raises(Permanent) as raised:
        client.create_video(*account, video_id, "第二次")
    assert raised.value.code == "2100005" and raised.value.maybe_done is False
    assert len(douyin.state.items) == 1


def test_a_create_timeout_may_be_done(douyin, account):
    douyin.state.fail("create_video", kind="timeout", delay=2)
    with make_client(douyin, read_timeout=0.3) as client:
        video_id = client.upload(*account, generated(MB))
        with pytest.raises(Retryable) as raised:
            client.create_video(*account, video_id, "标题")
    assert raised.value.maybe_done is True


def test_a_create_that_cannot_connect_is_not_done():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    client = DouyinClient("key", "secret", base_url=f"http://127.0.0.1:{port}", transport=httpx.HTTPTransport(verify=False))
    with client, pytest.raises(Retryable) as raised:
        client.create_video("token", "open_id", "v0200f", "标题")
    assert raised.value.maybe_done is False


def test_a_create_refused_with_a_code_is_not_done(douyin, client, account):
    video_id = client.upload(*account, generated(MB))
    douyin.state.fail("create_video", kind="error", code=2100004)
    with pytest.raises(Retryable) as raised:
        client.create_video(*account, video_id, "标题")
    assert raised.value.maybe_done is False and raised.value.code == "2100004"


def test_a_create_answered_5xx_may_be_done(douyin, client, account):
    video_id = client.upload(*account, generated(MB))
    douyin.state.fail("create_video", kind="error_after", status=502)
    with pytest.raises(Retryable) as raised:
        client.create_video(*account, video_id, "标题")
    assert raised.value.maybe_done is True and raised.value.http_status == 502
    assert len(douyin.state.items) == 1


# Finding a post after a crash.


def test_find_returns_none_when_no_post_matches(douyin, client, account):
    started = time.time()
    for caption in ("别的标题", "职工书屋"):
        douyin.state.publish(post(client, account, caption))
    assert client.find(*account, "职工运动会集锦", started) is None


def test_find_ignores_a_post_of_the_same_caption_from_before_the_attempt(douyin, client, account):
    douyin.state.publish(post(client, account, "职工书屋"))
    douyin.state.advance(3600)
    assert client.find(*account, "职工书屋", douyin.state.now()) is None


def test_find_walks_the_pages_newest_first(douyin, client, account):
    started = time.time()
    target = post(client, account, "职工书屋")
    for number in range(12):
        post(client, account, f"第{number}期")
    for item in douyin.state.items.values():
        douyin.state.publish(item.item_id)
    assert client.find(*account, "职工书屋", started, pages=1) is None
    assert client.find(*account, "职工书屋", started) == target
    cursors = [request.query["cursor"] for request in douyin.state.requests_to("video_list")]
    assert cursors[-2:] == ["0", "4"]  # the second page asked from the first reply's cursor


# Status.


def test_status_in_the_full_form(douyin, client, account):
    reviewing, published, hidden, removed = (post(client, account, caption) for caption in "abcd")
    douyin.state.publish(published)
    douyin.state.set_status(hidden, NOT_PUBLIC)
    douyin.state.publish(removed)
    douyin.state.remove(removed)
    statuses = client.status(*account, [reviewing, published, hidden, removed])
    assert set(statuses) == {reviewing, published, hidden}
    assert statuses[reviewing] == PostStatus(reviewing, "under_review", "", 0, 0, 0, 0)
    assert statuses[published].state == "published" and statuses[published].share_url.startswith("https://")
    assert statuses[hidden].state == "removed"


def test_status_in_the_lean_form_without_review_fields(douyin, client, account):
    douyin.state.video_data_form = LEAN
    reviewing, published, removed = (post(client, account, caption) for caption in "abc")
    douyin.state.publish(published)
    douyin.state.publish(removed)
    assert set(client.status(*account, [reviewing, published, removed])) == {published, removed}
    douyin.state.remove(removed)
    statuses = client.status(*account, [reviewing, published, removed])
    assert list(statuses) == [published]  # under review and removed: absent, the caller knows which
    assert statuses[published].state == "published" and statuses[published].share_url


def test_status_carries_the_statistics(douyin, client, account):
    item_id = post(client, account)
    douyin.state.publish(item_id)
    douyin.state.set_statistics(item_id, play_count=1200, digg_count=85, comment_count=7, share_count=12)
    status = client.status(*account, [item_id])[item_id]
    assert (status.plays, status.likes, status.comments, status.shares) == (1200, 85, 7, 12)


def test_status_asks_in_batches(douyin, client, account):
    item_ids = [post(client, account, f"第{number}期") for number in range(25)]
    assert len(client.status(*account, item_ids)) == 25
    assert [len(request.body["item_ids"]) for request in douyin.state.requests_to("video_data")] == [20, 5]


# Errors.


@pytest.mark.parametrize(
    ("code", "error_class", "kind"),
    [
        (2100004, Retryable, "retryable"),
        (2100005, Permanent, "permanent"),
        (2100007, NeedsAuth, "needs_auth"),
        (2190002, NeedsAuth, "needs_auth"),
        (2190008, TokenExpired, "token_expired"),
        (28001008, TokenExpired, "token_expired"),
        (28001012, NeedsAuth, "needs_auth"),
        (28001015, NeedsAuth, "needs_auth"),
        (28003017, QuotaExceeded, "quota"),
        (28003018, Retryable, "retryable"),
        (10010, NeedsAuth, "needs_auth"),
        (10020, NeedsAuth, "needs_auth"),
        (2199999, Permanent, "permanent"),
    ],
)
def test_each_error_code_maps_to_its_class_keeping_the_channels_code_and_words(douyin, client, account, code, error_class, kind):
    douyin.state.fail("video_list", kind="error", code=code, description=f"平台的说明 {code}")
    with pytest.raises(ChannelError) as raised:
        client.find(*account, "标题", 0)
    error = raised.value
    assert type(error) is error_class and error.kind == kind
    assert (error.code, error.message) == (str(code), f"平台的说明 {code}")


def test_an_expired_access_token_is_token_expired_2190008(douyin, client, account):
    douyin.state.expire_access_token()
    with pytest.raises(TokenExpired) as raised:
        client.upload(*account, generated(MB))
    assert raised.value.code == "2190008" and isinstance(raised.value, NeedsAuth)


def test_an_expired_access_token_is_token_expired_28001008_too(douyin, client, account):
    douyin.state.expired_token_code = 28001008
    douyin.state.expire_access_token()
    with pytest.raises(TokenExpired) as raised:
        client.status(*account, ["@x"])
    assert raised.value.code == "28001008"


def test_a_scope_not_granted_needs_auth(douyin, client):
    tokens = douyin.state.issue_tokens(scope="video.data.bind")
    with pytest.raises(NeedsAuth) as raised:
        client.upload(tokens["access_token"], tokens["open_id"], generated(MB))
    assert raised.value.code == "28001012"


def test_the_daily_quota_waits_for_midnight_in_beijing(douyin, client, account):
    douyin.state.set_daily_quota("create_video", per_day=1)
    post(client, account)
    video_id = client.upload(*account, generated(MB))
    with pytest.raises(QuotaExceeded) as raised:
        client.create_video(*account, video_id, "标题")
    assert 0 < raised.value.retry_after <= 86400 and raised.value.code == "28003017"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_5xx_or_429_is_retryable(douyin, client, account, status):
    douyin.state.fail("video_list", kind="http_error", status=status)
    with pytest.raises(Retryable) as raised:
        client.find(*account, "标题", 0)
    assert raised.value.http_status == status and raised.value.code == "" and str(status) in str(raised.value)


def test_a_slow_reply_within_the_read_timeout_is_fine(douyin, account):
    douyin.state.fail("video_list", kind="slow", delay=0.2)
    with make_client(douyin, read_timeout=2) as client:
        assert client.find(*account, "标题", 0) is None


def test_a_reply_past_the_read_timeout_is_retryable(douyin, account):
    douyin.state.fail("video_data", kind="timeout", delay=2)
    with make_client(douyin, read_timeout=0.3) as client:
        started = time.monotonic()
        with pytest.raises(Retryable):
            client.status(*account, ["@x"])
    assert time.monotonic() - started < 1.5


def test_a_reset_connection_is_retryable(douyin, client, account):
    douyin.state.fail("video_list", kind="reset")
    with pytest.raises(Retryable):
        client.find(*account, "标题", 0)


# Secrets.


def test_no_secret_or_token_shows_in_reprs_errors_or_logs(douyin, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = douyin.state.client_secret
    assert secret not in repr(client) and secret not in str(vars(client).get("client_key"))
    tokens = client.exchange_code(douyin.state.authorize())
    assert tokens.access_token not in repr(tokens) and tokens.refresh_token not in repr(tokens)
    douyin.state.fail("access_token", kind="error", code=2100005)
    errors = []
    for call in (
        lambda: client.exchange_code("used-code"),
        lambda: client.refresh_access_token("rft.unknown", tokens.open_id),
        lambda: client.upload(tokens.access_token, "other", generated(MB)),
    ):
        with pytest.raises(ChannelError) as raised:
            call()
        errors.append(raised.value)
    everything = " ".join([*(repr(error) + str(error) for error in errors), caplog.text])
    for value in (secret, tokens.access_token, tokens.refresh_token):
        assert value not in everything


def test_tokens_are_a_plain_value():
    tokens = Tokens("act.x", 1.0, "rft.y", 2.0, "open", "video.create.bind")
    assert "act.x" not in repr(tokens) and "open" in repr(tokens)


def test_a_source_shorter_than_it_said_is_permanent_and_the_client_goes_on(douyin, client, account):
    full = generated(2 * MB)
    short = Source("clip.mp4", 3 * MB, lambda start, length: full.read_range(start, min(length, full.size - start)))
    with pytest.raises(Permanent) as raised:
        client.upload(*account, short)
    assert "读取视频文件出错" in raised.value.message and not douyin.state.videos
    assert client.upload(*account, full) in douyin.state.videos
