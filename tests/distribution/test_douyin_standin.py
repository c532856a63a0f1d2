"""The Douyin stand-in keeps to the contract (shared/channels/DOUYIN.md) and misbehaves when told to.

The client's tests will trust it, so it is checked here on its own, with plain httpx calls.
"""

import hashlib
import os
import threading
import tracemalloc
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.distribution.douyin_standin import (
    CHINA,
    ENDPOINTS,
    LEAN,
    MB,
    NOT_PUBLIC,
    UNDER_REVIEW,
    running_standin,
)

pytestmark = pytest.mark.once  # no database here

PATHS = {endpoint.name: endpoint.path for endpoint in ENDPOINTS.values()}
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01"
BLOCK = os.urandom(MB)  # reused: the bytes need not be meaningful, only the same on both sides


def clip(size, head=MP4_HEAD):
    """A file of `size` bytes that looks like an mp4 (or what `head` says) to the stand-in."""
    return (head + BLOCK * (size // MB + 1))[:size]


def file_chunks(size, head=MP4_HEAD):
    """The same bytes as clip(size), made on the fly."""
    yield head
    left = size - len(head)
    while left > 0:
        yield BLOCK[: min(left, MB)]
        left -= MB


def multipart_stream(chunks, field="video", boundary=b"standin-test-boundary"):
    """A multipart/form-data body yielded piece by piece (httpx then sends it chunked, never whole)."""
    yield (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="' + field.encode() + b'"; filename="clip.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n"
    )
    yield from chunks
    yield b"\r\n--" + boundary + b"--\r\n"


def data_of(response, code=0):
    """The reply's `data` after checking the contract's envelope; `code` is the error_code expected."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "extra"}
    assert body["data"]["error_code"] == code, body
    assert body["extra"]["error_code"] == code
    assert isinstance(body["data"]["description"], str) and (code == 0) == (body["data"]["description"] == "")
    assert body["extra"]["logid"] and isinstance(body["extra"]["now"], int)
    return body["data"]


class Account:
    """An authorised account calling the API as the contract says: access-token header, open_id query."""

    def __init__(self, http, tokens):
        self.http = http
        self.open_id = tokens["open_id"]
        self.access_token = tokens["access_token"]

    def call(self, name, *, params=None, **kwargs):
        method = "GET" if name == "video_list" else "POST"
        params = {"open_id": self.open_id, **(params or {})}
        headers = {"access-token": self.access_token, **kwargs.pop("headers", {})}
        return self.http.request(method, PATHS[name], params=params, headers=headers, **kwargs)

    def upload(self, content, filename="clip.mp4", field="video"):
        return self.call("upload_video", files={field: (filename, content, "video/mp4")})

    def video_id(self, size=1000):
        return data_of(self.upload(clip(size)))["video"]["video_id"]

    def part(self, upload_id, number, content):
        return self.call(
            "upload_video_part", params={"upload_id": upload_id, "part_number": number}, files={"video": ("clip.mp4", content)}
        )

    def create(self, video_id, text="职工书屋开放日", **fields):
        return self.call("create_video", json={"video_id": video_id, "text": text, **fields})

    def post(self, text="职工书屋开放日"):
        """Upload and create: the new item_id."""
        return data_of(self.create(self.video_id(), text))["item_id"]

    def video_data(self, *item_ids):
        return data_of(self.call("video_data", json={"item_ids": list(item_ids)}))["list"]

    def video_list(self, cursor=0, count=10):
        return data_of(self.call("video_list", params={"cursor": cursor, "count": count}))


@pytest.fixture
def http(douyin):
    """verify=False: plain http, so no certificates are loaded (a fifth of a second per client)."""
    with httpx.Client(base_url=douyin.base_url, timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def account(douyin, http):
    return Account(http, douyin.state.issue_tokens())


def oauth(http, name, **form):
    return http.post(PATHS[name], data=form)


# OAuth.


def test_the_authorize_page_redirects_to_the_redirect_uri_with_a_code_and_the_state(douyin, http):
    response = http.get(
        PATHS["connect"],
        params={
            "client_key": douyin.state.client_key,
            "response_type": "code",
            "scope": "video.create.bind,video.data.bind",
            "redirect_uri": "https://cms.example/douyin/callback?account=1",
            "state": "csrf-123",
        },
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.netloc == "cms.example" and location.path == "/douyin/callback"
    query = parse_qs(location.query)
    assert query["account"] == ["1"] and query["state"] == ["csrf-123"]
    assert query["code"][0] in douyin.state.codes


def test_the_authorize_page_refuses_an_unknown_client_key(douyin, http):
    query = {
        "client_key": "nobody",
        "response_type": "code",
        "scope": "video.create.bind",
        "redirect_uri": "https://cms.example/cb",
    }
    data_of(http.get(PATHS["connect"], params=query), code=2100005)
    assert not douyin.state.codes


def test_a_code_buys_tokens_once(douyin, http):
    code = douyin.state.authorize()
    form = {
        "client_key": douyin.state.client_key,
        "client_secret": douyin.state.client_secret,
        "code": code,
        "grant_type": "authorization_code",
    }
    data = data_of(oauth(http, "access_token", **form))
    assert data["open_id"] == douyin.state.open_id
    assert data["expires_in"] == 1_296_000 and data["refresh_expires_in"] == 30 * 86400
    assert data["scope"] == "video.create.bind,video.data.bind"
    assert data["access_token"] in douyin.state.access_tokens and data["refresh_token"] in douyin.state.refresh_tokens
    assert data_of(oauth(http, "access_token", **form), code=2100005)


def test_the_token_calls_take_a_form_not_json(douyin, http):
    code = douyin.state.authorize()
    form = {
        "client_key": douyin.state.client_key,
        "client_secret": douyin.state.client_secret,
        "code": code,
        "grant_type": "authorization_code",
    }
    assert "表单" in data_of(http.post(PATHS["access_token"], json=form), code=2100005)["description"]
    assert douyin.state.violations


def test_a_wrong_client_secret_buys_nothing(douyin, http):
    form = {
        "client_key": douyin.state.client_key,
        "client_secret": "guess",
        "code": douyin.state.authorize(),
        "grant_type": "authorization_code",
    }
    data_of(oauth(http, "access_token", **form), code=2100005)


def test_refreshing_gives_a_new_access_token(douyin, http):
    tokens = douyin.state.issue_tokens()
    douyin.state.expire_access_token(tokens["access_token"])
    data = data_of(
        oauth(
            http,
            "refresh_token",
            client_key=douyin.state.client_key,
            grant_type="refresh_token",
            refresh_token=tokens["refresh_token"],
        )
    )
    assert data["access_token"] != tokens["access_token"] and data["open_id"] == tokens["open_id"]
    assert data["expires_in"] == 1_296_000
    assert data_of(Account(http, {**tokens, **data}).call("video_list"))["list"] == []


def test_the_refresh_token_renews_five_times_then_10020(douyin, http):
    refresh_token = douyin.state.issue_tokens()["refresh_token"]
    for _ in range(5):
        data = data_of(oauth(http, "renew_refresh_token", client_key=douyin.state.client_key, refresh_token=refresh_token))
        assert data["refresh_token"] != refresh_token and data["expires_in"] == 30 * 86400
        refresh_token = data["refresh_token"]
    data = data_of(
        oauth(http, "renew_refresh_token", client_key=douyin.state.client_key, refresh_token=refresh_token), code=10020
    )
    assert "5" in data["description"]


def test_a_renewed_refresh_token_replaces_the_old_one(douyin, http):
    old = douyin.state.issue_tokens()["refresh_token"]
    data_of(oauth(http, "renew_refresh_token", client_key=douyin.state.client_key, refresh_token=old))
    data_of(
        oauth(http, "refresh_token", client_key=douyin.state.client_key, grant_type="refresh_token", refresh_token=old),
        code=10010,
    )


def test_an_expired_refresh_token_is_10010(douyin, http):
    refresh_token = douyin.state.issue_tokens()["refresh_token"]
    douyin.state.advance(30 * 86400 + 1)
    form = {"client_key": douyin.state.client_key, "refresh_token": refresh_token}
    data_of(oauth(http, "refresh_token", grant_type="refresh_token", **form), code=10010)
    data_of(oauth(http, "renew_refresh_token", **form), code=10010)


# Calling the API: the token, the open_id, the scope.


def test_an_access_token_expires_after_15_days_with_2190008(douyin, account):
    douyin.state.advance(1_296_000 - 60)
    data_of(account.call("video_list"))
    douyin.state.advance(61)
    data_of(account.call("video_list"), code=2190008)


def test_the_expired_token_code_can_be_28001008_for_one_call(douyin, account):
    douyin.state.expired_token_code = {"create_video": 28001008, "*": 2190008}
    douyin.state.expire_access_token()
    data_of(account.create("v0200fnone"), code=28001008)
    data_of(account.call("video_list"), code=2190008)


def test_an_unknown_or_missing_access_token_is_2190002(douyin, account):
    account.access_token = "act.forged"
    data_of(account.call("video_list"), code=2190002)
    response = account.http.get(PATHS["video_list"], params={"open_id": account.open_id})
    data_of(response, code=2190002)
    assert any("access-token" in violation for violation in douyin.state.violations)


def test_an_open_id_not_of_the_token_is_28001015(douyin, account):
    account.open_id = douyin.state.add_user()
    data_of(account.call("video_list"), code=28001015)


def test_a_token_without_the_scope_is_28001012(douyin, http):
    account = Account(http, douyin.state.issue_tokens(scope="video.data.bind"))
    data_of(account.upload(clip(1000)), code=28001012)
    data_of(account.call("video_list"))


# Uploading.


def test_a_whole_upload_gives_a_video_id(douyin, account):
    content = clip(3 * MB)
    video_id = data_of(account.upload(content))["video"]["video_id"]
    video = douyin.state.videos[video_id]
    assert (video.size, video.digest, video.format, video.open_id) == (
        len(content),
        hashlib.sha256(content).hexdigest(),
        "mp4",
        account.open_id,
    )


def test_a_webm_uploads_too(douyin, account):
    video_id = data_of(account.upload(clip(1000, head=WEBM_HEAD), filename="clip.webm"))["video"]["video_id"]
    assert douyin.state.videos[video_id].format == "webm"


def test_what_is_neither_mp4_nor_webm_is_refused(douyin, account):
    data = data_of(account.upload(b"GIF89a" + bytes(1000), filename="clip.mp4"), code=2100005)
    assert "mp4" in data["description"]
    assert not douyin.state.videos


def test_the_file_goes_in_the_field_video(douyin, account):
    data = data_of(account.upload(clip(1000), field="file"), code=2100005)
    assert "video" in data["description"]


def test_a_single_upload_above_128_mb_is_refused(douyin, account):
    size = 128 * MB + 1
    body = multipart_stream(file_chunks(size))
    data_of(
        account.call(
            "upload_video", content=body, headers={"content-type": "multipart/form-data; boundary=standin-test-boundary"}
        ),
        code=2100005,
    )
    assert douyin.state.requests_to("upload_video")[0].files[0]["size"] == size
    assert not douyin.state.videos


def test_a_single_upload_above_50_mb_works_but_is_noted(douyin, account):
    douyin.state.limits.single_upload_advised = 1 * MB  # 50 MB, lowered to keep the test quick
    data_of(account.upload(clip(2 * MB)))
    assert douyin.state.warnings


def test_parts_in_order_give_a_video_id(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    parts = [clip(5 * MB), BLOCK * 5, BLOCK[:1234]]
    for number, content in enumerate(parts, 1):
        data_of(account.part(upload_id, number, content))
    video_id = data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}))["video"]["video_id"]
    upload = douyin.state.uploads[upload_id]
    assert [(n, part.size, part.digest) for n, part in sorted(upload.parts.items())] == [
        (n, len(content), hashlib.sha256(content).hexdigest()) for n, content in enumerate(parts, 1)
    ]
    video = douyin.state.videos[video_id]
    assert (video.size, video.parts, video.format) == (sum(map(len, parts)), 3, "mp4")
    data_of(account.create(video_id))


def test_a_re_sent_part_replaces_the_first(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    data_of(account.part(upload_id, 1, clip(5 * MB)))
    data_of(account.part(upload_id, 2, BLOCK[:10]))
    data_of(account.part(upload_id, 2, BLOCK[:20]))
    assert douyin.state.uploads[upload_id].parts[2].size == 20
    video_id = data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}))["video"]["video_id"]
    assert douyin.state.videos[video_id].size == 5 * MB + 20


def test_a_part_under_5_mb_but_the_last_is_refused(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    data_of(account.part(upload_id, 1, clip(5 * MB - 1)))
    data_of(account.part(upload_id, 2, BLOCK))
    data = data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}), code=2100005)
    assert "第 1 片太小" in data["description"]


def test_completing_with_a_gap_is_refused(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    data_of(account.part(upload_id, 1, clip(5 * MB)))
    data_of(account.part(upload_id, 3, BLOCK))
    data = data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}), code=2100005)
    assert "缺少第 2 片" in data["description"]
    assert not douyin.state.videos


def test_an_upload_id_expires_after_two_hours(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    douyin.state.advance(2 * 3600 - 1)
    data_of(account.part(upload_id, 1, clip(1000)))
    douyin.state.advance(2)
    assert "过期" in data_of(account.part(upload_id, 1, clip(1000)), code=2100005)["description"]
    data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}), code=2100005)


def test_a_video_above_4_gb_is_refused(douyin, account):
    douyin.state.limits.max_video_size = 6 * MB  # 4 GB, lowered: the check is the same
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    data_of(account.part(upload_id, 1, clip(5 * MB)))
    data_of(account.part(upload_id, 2, BLOCK * 2), code=2100005)


def test_an_upload_id_completes_once(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    data_of(account.part(upload_id, 1, clip(1000)))
    data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}))
    data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}), code=2100005)


def test_a_200_mb_streamed_upload_leaves_the_servers_memory_flat(douyin, account):
    """Ten 20 MB parts sent chunked from a generator: the stand-in keeps sizes and hashes, not bytes."""
    douyin.state.hash_name = "sha256"
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    part_size = 20 * MB
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for number in range(1, 11):
            chunks = file_chunks(part_size) if number == 1 else (BLOCK for _ in range(20))
            response = account.call(
                "upload_video_part",
                params={"upload_id": upload_id, "part_number": number},
                content=multipart_stream(chunks),
                headers={"content-type": "multipart/form-data; boundary=standin-test-boundary"},
            )
            data_of(response)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before < 16 * MB, f"{(peak - before) / MB:.1f} MB held while 200 MB went through"
    assert douyin.state.requests_to("upload_video_part")[0].headers["transfer-encoding"] == "chunked"
    video = data_of(account.call("complete_video_part_upload", params={"upload_id": upload_id}))["video"]
    assert douyin.state.videos[video["video_id"]].size == 200 * MB
    assert douyin.state.uploads[upload_id].parts[2].digest == hashlib.sha256(BLOCK * 20).hexdigest()


def test_uploads_can_be_kept_on_disk(tmp_path):
    """store_dir: for a client test that must check the very bytes it sent."""
    with running_standin(store_dir=str(tmp_path)) as douyin, httpx.Client(base_url=douyin.base_url, verify=False) as http:
        content = clip(MB + 7)
        data_of(Account(http, douyin.state.issue_tokens()).upload(content))
    (stored,) = tmp_path.iterdir()
    assert stored.read_bytes() == content


# Publishing.


def test_create_video_gives_an_item_under_review(douyin, account):
    video_id = account.video_id()
    item_id = data_of(account.create(video_id, "劳模工作室 #工匠精神", cover_tsp=2.5, at_users=[]))["item_id"]
    item = douyin.state.item(item_id)
    assert (item.title, item.status, item.video_id) == ("劳模工作室 #工匠精神", UNDER_REVIEW, video_id)
    assert abs(item.create_time - douyin.state.now()) < 5
    assert douyin.state.requests_to("create_video")[0].body == {
        "video_id": video_id,
        "text": "劳模工作室 #工匠精神",
        "cover_tsp": 2.5,
        "at_users": [],
    }


def test_a_video_id_is_good_for_one_create_video(douyin, account):
    video_id = account.video_id()
    item_id = data_of(account.create(video_id))["item_id"]
    data = data_of(account.create(video_id), code=2100005)
    assert video_id in data["description"] and item_id in data["description"] and "新上传" in data["description"]
    assert len(douyin.state.items) == 1


def test_a_text_over_1000_characters_is_refused(douyin, account):
    data_of(account.create(account.video_id(), "工" * 1000))
    data = data_of(account.create(account.video_id(), "工" * 1001), code=2100005)
    assert "1000" in data["description"]


@pytest.mark.parametrize(
    "fields",
    [
        {"video_id": None},
        {"cover_tsp": "2.5"},
        {"at_users": "someone"},
        {"title": "not a field of the contract"},
    ],
    ids=["no video_id", "cover_tsp not a number", "at_users not a list", "unknown field"],
)
def test_create_video_checks_its_fields(douyin, account, fields):
    body = {"video_id": account.video_id(), "text": "职工书屋", **fields}
    data_of(account.call("create_video", json={k: v for k, v in body.items() if v is not None}), code=2100005)
    assert douyin.state.violations and not douyin.state.items


def test_create_video_takes_json_not_a_form(douyin, account):
    data_of(account.call("create_video", data={"video_id": account.video_id()}), code=2100005)


def test_video_data_full_form_tells_the_review_state(douyin, account):
    reviewing, published, hidden, removed = (account.post(text) for text in "abcd")
    douyin.state.publish(published)
    douyin.state.set_status(hidden, NOT_PUBLIC)
    douyin.state.publish(removed)
    douyin.state.remove(removed)
    douyin.state.set_statistics(published, play_count=42)
    listed = {entry["item_id"]: entry for entry in account.video_data(reviewing, published, hidden, removed, "@unknown")}
    assert set(listed) == {reviewing, published, hidden}
    assert (listed[reviewing]["video_status"], listed[reviewing]["is_reviewed"], listed[reviewing]["share_url"]) == (4, False, "")
    assert (listed[published]["video_status"], listed[published]["is_reviewed"]) == (1, True)
    assert listed[published]["share_url"].startswith("https://") and listed[published]["statistics"]["play_count"] == 42
    assert listed[hidden]["video_status"] == 2


def test_video_data_lean_form_lists_published_items_only_and_without_review_fields(douyin, account):
    """The platform's notice of 2024-12-13: listed with a share_url = published; not listed = under review or removed."""
    douyin.state.video_data_form = LEAN
    item_id = account.post()
    assert account.video_data(item_id) == []
    douyin.state.publish(item_id)
    (entry,) = account.video_data(item_id)
    assert entry["share_url"] and "video_status" not in entry and "is_reviewed" not in entry
    assert [entry["item_id"] for entry in account.video_list()["list"]] == [item_id]
    assert "video_status" not in account.video_list()["list"][0]
    douyin.state.remove(item_id)
    assert account.video_data(item_id) == []
    assert account.video_list()["list"] == []


def test_video_data_lists_only_the_accounts_own_items(douyin, http, account):
    item_id = account.post()
    douyin.state.publish(item_id)
    other = Account(http, douyin.state.issue_tokens(open_id=douyin.state.add_user()))
    assert other.video_data(item_id) == []


def test_video_list_pages_published_items_newest_first(douyin, account):
    item_ids = [account.post(f"第{n}期") for n in range(5)]
    for item_id in item_ids:
        douyin.state.publish(item_id)
    account.post("审核中")
    first = account.video_list(count=2)
    assert [entry["item_id"] for entry in first["list"]] == item_ids[:2:-1] and first["has_more"]
    assert [entry["title"] for entry in first["list"]] == ["第4期", "第3期"]
    assert {"item_id", "title", "create_time", "share_url"} <= set(first["list"][0])
    second = account.video_list(cursor=first["cursor"], count=2)
    assert [entry["item_id"] for entry in second["list"]] == [item_ids[2], item_ids[1]] and second["has_more"]
    later = account.post("翻页时新发的")
    douyin.state.publish(later)
    third = account.video_list(cursor=second["cursor"], count=2)
    assert [entry["item_id"] for entry in third["list"]] == [item_ids[0]] and not third["has_more"]
    assert account.video_list()["list"][0]["item_id"] == later


# Faults.


def test_an_http_5xx_fault(douyin, account):
    douyin.state.fail("upload_video", kind="http_error", status=502)
    assert account.upload(clip(1000)).status_code == 502
    assert not douyin.state.videos
    data_of(account.upload(clip(1000)))


def test_a_slow_reply_fault(douyin, account):
    douyin.state.fail("video_list", kind="slow", delay=0.3)
    started = datetime.now()
    data_of(account.call("video_list"))
    assert datetime.now() - started >= timedelta(seconds=0.3)


def test_a_timeout_fault_holds_the_reply_past_the_clients_read_timeout(douyin, account):
    douyin.state.fail("create_video", kind="timeout", delay=2)
    video_id = account.video_id()
    with pytest.raises(httpx.ReadTimeout):
        account.call("create_video", json={"video_id": video_id}, timeout=httpx.Timeout(5, read=0.2))
    assert not douyin.state.items


def test_a_reset_after_the_request_is_a_transport_error(douyin, account):
    douyin.state.fail("create_video", kind="reset")
    video_id = account.video_id()
    with pytest.raises(httpx.TransportError):
        account.create(video_id)
    assert not douyin.state.items
    data_of(account.create(video_id))


def test_a_reset_mid_body_is_a_transport_error_and_stores_nothing(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    douyin.state.fail("upload_video_part", kind="reset_mid_body", part_number=2, after_bytes=1 * MB)
    data_of(account.part(upload_id, 1, clip(5 * MB)))
    with pytest.raises(httpx.TransportError):
        account.part(upload_id, 2, BLOCK * 8)
    assert set(douyin.state.uploads[upload_id].parts) == {1}
    data_of(account.part(upload_id, 2, BLOCK * 8))


@pytest.mark.parametrize("code", [2100004, 2100005, 2100007, 2190008, 28001008, 28001012, 28003017, 28003018])
def test_a_contract_error_fault_changes_nothing(douyin, account, code):
    douyin.state.fail("create_video", kind="error", code=code)
    video_id = account.video_id()
    data_of(account.create(video_id), code=code)
    assert not douyin.state.items
    data_of(account.create(video_id))


def test_a_lost_reply_takes_effect_though_the_client_gets_no_reply(douyin, account):
    """The exactly-once case: the item exists, the video_id is spent, and video_list shows it once published."""
    douyin.state.fail("create_video", kind="lost_reply")
    video_id = account.video_id()
    with pytest.raises(httpx.TransportError):
        account.create(video_id, "职工运动会集锦")
    (item,) = douyin.state.items.values()
    assert item.title == "职工运动会集锦"
    (lost,) = douyin.state.requests_to("create_video")
    assert (lost.fault, lost.http_status, lost.error_code) == ("lost_reply", None, 0)
    data_of(account.create(video_id, "职工运动会集锦"), code=2100005)
    douyin.state.publish(item.item_id)
    assert [entry["title"] for entry in account.video_list()["list"]] == ["职工运动会集锦"]


def test_an_error_after_the_upload_keeps_the_upload(douyin, account):
    douyin.state.fail("upload_video", kind="error_after", code=2100004)
    data_of(account.upload(clip(2 * MB)), code=2100004)
    (video,) = douyin.state.videos.values()
    assert video.size == 2 * MB and video.used_by is None


def test_an_error_after_a_part_keeps_the_part(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    douyin.state.fail("upload_video_part", kind="error_after", status=503, part_number=1)
    assert account.part(upload_id, 1, clip(1000)).status_code == 503
    assert douyin.state.uploads[upload_id].parts[1].size == 1000


def test_a_fault_fires_the_times_it_was_given_then_stops(douyin, account):
    douyin.state.fail("video_list", kind="error", code=2100004, times=2)
    assert [data_of(account.call("video_list"), code=code)["error_code"] for code in (2100004, 2100004, 0)] == [
        2100004,
        2100004,
        0,
    ]


def test_a_fault_without_times_repeats(douyin, account):
    douyin.state.fail("video_list", kind="http_error", times=None)
    assert {account.call("video_list").status_code for _ in range(4)} == {500}
    douyin.state.clear_faults()
    data_of(account.call("video_list"))


def test_a_fault_for_one_part_leaves_the_others(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    douyin.state.fail("upload_video_part", kind="error", code=2100004, part_number=2)
    data_of(account.part(upload_id, 1, clip(1000)))
    data_of(account.part(upload_id, 2, clip(1000)), code=2100004)
    data_of(account.part(upload_id, 2, clip(1000)))


def test_calls_beyond_the_rate_limit_are_28003018(douyin, account):
    douyin.state.set_rate_limit("video_list", per_second=2)
    douyin.state.clock.freeze()
    data_of(account.call("video_list"))
    data_of(account.call("video_list"))
    data_of(account.call("video_list"), code=28003018)
    douyin.state.advance(1.01)
    data_of(account.call("video_list"))


def test_create_video_beyond_the_daily_quota_is_28003017_until_midnight_in_beijing(douyin, account):
    douyin.state.set_daily_quota("create_video", per_day=2)
    account.post()
    account.post()
    data_of(account.create(account.video_id()), code=28003017)
    now = datetime.fromtimestamp(douyin.state.now(), CHINA)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    douyin.state.advance((midnight - now).total_seconds() + 1)
    assert account.post()


def test_faults_are_told_apart_from_unknown_names():
    from tests.distribution.douyin_standin import StandInState

    with pytest.raises(ValueError, match="endpoint"):
        StandInState().fail("publish", kind="error")
    with pytest.raises(ValueError, match="kind"):
        StandInState().fail("create_video", kind="explode")


# What was asked.


def test_requests_are_recorded_without_the_secrets_values(douyin, http, account):
    form = {
        "client_key": douyin.state.client_key,
        "client_secret": douyin.state.client_secret,
        "code": douyin.state.authorize(),
        "grant_type": "authorization_code",
    }
    data_of(oauth(http, "access_token", **form))
    account.post("职工书屋")
    token_call, upload_call, create_call = douyin.state.requests
    assert (token_call.method, token_call.path, token_call.fields) == (
        "POST",
        "/oauth/access_token/",
        ["client_key", "client_secret", "code", "grant_type"],
    )
    assert token_call.body == {
        "client_key": douyin.state.client_key,
        "client_secret": "***",
        "code": "***",
        "grant_type": "authorization_code",
    }
    assert upload_call.headers["access-token"] == "***" and upload_call.query == {"open_id": account.open_id}
    assert upload_call.fields == ["video"] and upload_call.files[0]["filename"] == "clip.mp4"
    assert create_call.content_type == "application/json" and create_call.fields == ["video_id", "text"]
    assert (create_call.http_status, create_call.error_code) == (200, 0)
    everything = repr(douyin.state.requests)
    assert douyin.state.client_secret not in everything and account.access_token not in everything
    assert not douyin.state.violations


def test_a_path_or_method_outside_the_contract_is_refused_and_noted(douyin, account):
    assert account.http.post("/api/douyin/v1/video/create_video", json={}).status_code == 404
    assert account.http.get(PATHS["create_video"]).status_code == 405
    assert len(douyin.state.violations) == 2


def test_parallel_uploads_are_served_side_by_side(douyin, account):
    upload_id = data_of(account.call("init_video_part_upload"))["upload_id"]
    errors = []

    def send(number):
        with httpx.Client(base_url=douyin.base_url, timeout=10, verify=False) as client:
            try:
                data_of(
                    Account(client, {"open_id": account.open_id, "access_token": account.access_token}).part(
                        upload_id, number, clip(5 * MB)
                    )
                )
            except Exception as error:  # reported below, in the test's own thread
                errors.append(error)

    threads = [threading.Thread(target=send, args=(number,)) for number in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(douyin.state.uploads[upload_id].parts) == [1, 2, 3, 4]
