"""The WeChat Official Account client against the stand-in: what it sends is the contract's, and every answer is classified.

Each test leaves the stand-in's `violations` empty (the `client` fixture checks): a faithful client never
sends what the contract does not name. Replies the stand-in cannot give (a 200 that is not JSON, a
Retry-After header) come from a few lines of http.server at the end of this file.
"""

import contextlib
import io
import json
import logging
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from PIL import Image

from distribution.platforms import wechat as wechat_module
from distribution.platforms.base import (
    FAILED,
    PUBLISHED,
    REMOVED,
    UNDER_REVIEW,
    ChannelError,
    NeedsConfig,
    Permanent,
    QuotaExceeded,
    Retryable,
    TokenExpired,
    seconds_to_beijing_midnight,
)
from distribution.platforms.wechat import (
    AUTHOR_LIMIT,
    CONTENT_CHAR_LIMIT,
    DIGEST_LIMIT,
    IMAGE_BYTE_LIMIT,
    TITLE_LIMIT,
    DraftArticle,
    Publication,
    Token,
    WechatClient,
)
from tests.distribution.standin_base import CHINA
from tests.distribution.wechat_standin import MB

pytestmark = pytest.mark.once  # no database here

CONTRACT_PATHS = {
    "/cgi-bin/stable_token",
    "/cgi-bin/media/uploadimg",
    "/cgi-bin/material/add_material",
    "/cgi-bin/draft/add",
    "/cgi-bin/freepublish/submit",
    "/cgi-bin/freepublish/get",
    "/cgi-bin/freepublish/batchget",
}


def image(kind="JPEG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def make_client(wechat, secret=None, **options):
    """verify=False: plain http to 127.0.0.1, so no certificates are loaded for each test."""
    return WechatClient(
        wechat.state.appid,
        wechat.state.secret if secret is None else secret,
        base_url=wechat.base_url,
        transport=httpx.HTTPTransport(verify=False),
        **options,
    )


@pytest.fixture
def client(wechat):
    with make_client(wechat) as client:
        yield client
    assert not wechat.state.violations, wechat.state.violations
    assert {request.path for request in wechat.state.requests} <= CONTRACT_PATHS


@pytest.fixture
def token(wechat):
    """A live access_token, as stable_token gives it, for tests that are not about tokens."""
    return wechat.state.issue_token()


@pytest.fixture
def thumb(client, token):
    media_id, _url = client.add_cover(token, "封面.jpg", image(size=(900, 500)))
    return media_id


def article(thumb, **changes):
    values = {
        "title": "劳模工匠进企业",
        "author": "市总工会",
        "digest": "劳模工匠走进新能源企业，与青年职工面对面。",
        "content": "<p>劳模工匠走进企业，与青年职工面对面。</p>",
        "content_source_url": "https://cms.example/news/1/",
        "thumb_media_id": thumb,
        "need_open_comment": 1,
        "only_fans_can_comment": 0,
    }
    return DraftArticle(**{**values, **changes})


def submitted(client, token, thumb, title="劳模工匠进企业", **changes):
    """The publish_id of a fresh draft of this title, submitted."""
    return client.submit(token, client.add_draft(token, article(thumb, title=title, **changes)))


def published(wechat, client, token, thumb, title, **changes):
    publish_id = submitted(client, token, thumb, title, **changes)
    wechat.state.succeed(publish_id)
    return publish_id


def beijing_noon(state):
    """Stop the stand-in's clock at noon in Beijing, so that moving it by minutes never crosses midnight."""
    state.clock.freeze()
    state.clock.frozen_at = datetime.now(CHINA).replace(hour=12, minute=0, second=0, microsecond=0).timestamp()


# The token.


def test_stable_token_posts_the_credentials_as_json_and_returns_the_token_and_its_expiry(wechat, client):
    before = time.time()
    issued = client.stable_token()
    assert issued.value == wechat.state.current_token
    assert before + 7200 <= issued.expires_at <= time.time() + 7200
    (request,) = wechat.state.requests
    assert request.path == "/cgi-bin/stable_token" and request.query == {}
    assert request.content_type.startswith("application/json")
    assert request.body == {
        "grant_type": "client_credential",
        "appid": wechat.state.appid,
        "secret": "***",
        "force_refresh": False,
    }


def test_stable_token_gives_the_same_token_inside_its_window(wechat, client):
    first = client.stable_token()
    wechat.state.advance(3600)
    second = client.stable_token()
    assert second.value == first.value
    assert second.expires_at == pytest.approx(first.expires_at - 3600, abs=2)  # the same end, by WeChat's clock


def test_the_token_works_as_the_query_parameter_access_token(wechat, client):
    issued = client.stable_token()
    assert client.find(issued, "无此标题", 0) is None
    request = wechat.state.requests_to("freepublish_batchget")[0]
    assert request.query == {"access_token": "***"} and "access_token" not in request.headers


def test_a_forced_refresh_gives_a_new_token_and_the_old_one_is_token_expired_40001(wechat, client):
    old = client.stable_token()
    new = client.stable_token(force_refresh=True)
    assert new.value != old.value and wechat.state.requests[-1].body["force_refresh"] is True
    with pytest.raises(TokenExpired) as raised:
        client.find(old, "标题", 0)
    assert raised.value.code == "40001" and raised.value.kind == "token_expired"
    assert client.find(new, "标题", 0) is None


def test_a_token_past_its_window_is_token_expired_42001_and_stable_token_renews_it(wechat, client):
    old = client.stable_token()
    wechat.state.advance(7201)
    with pytest.raises(TokenExpired) as raised:
        client.upload_image(old, "图.jpg", image())
    assert raised.value.code == "42001"
    assert client.stable_token().value != old.value


def test_forced_refreshes_closer_than_30_seconds_are_retryable_after_30_seconds(wechat, client):
    wechat.state.clock.freeze()
    client.stable_token(force_refresh=True)
    wechat.state.advance(29)
    with pytest.raises(Retryable) as raised:
        client.stable_token(force_refresh=True)
    assert raised.value.code == "45011" and raised.value.retry_after == 30 and "30 秒" in raised.value.text
    wechat.state.advance(1)
    client.stable_token(force_refresh=True)


def test_the_21st_forced_refresh_of_a_day_waits_for_midnight_in_beijing(wechat, client):
    beijing_noon(wechat.state)
    for _ in range(20):
        client.stable_token(force_refresh=True)
        wechat.state.advance(31)
    with pytest.raises(QuotaExceeded) as raised:
        client.stable_token(force_refresh=True)
    assert raised.value.code == "45009" and "强制刷新" in raised.value.text and 0 < raised.value.retry_after <= 86400
    assert client.stable_token().value == wechat.state.current_token  # the token itself is still there


def test_a_wrong_secret_needs_config(wechat):
    with make_client(wechat, secret="not-the-secret-42") as client, pytest.raises(NeedsConfig) as raised:
        client.stable_token()
    assert raised.value.code == "40125" and "AppSecret" in raised.value.text
    assert "not-the-secret-42" not in raised.value.text + repr(raised.value)
    assert not wechat.state.violations


@pytest.mark.parametrize(("appid", "secret"), [("", "secret"), ("wx1", ""), (None, None)])
def test_missing_credentials_need_config_before_anything_is_sent(wechat, appid, secret):
    with WechatClient(appid, secret, base_url=wechat.base_url) as client, pytest.raises(NeedsConfig):
        client.stable_token()
    assert not wechat.state.requests


def test_a_call_without_a_token_is_token_expired_before_sending(wechat, client):
    with pytest.raises(TokenExpired):
        client.find("", "标题", 0)
    assert not wechat.state.requests


# Images.


def test_upload_image_sends_a_jpeg_in_field_media_and_returns_its_mmbiz_url(wechat, client, token):
    url = client.upload_image(token, "车间 合影.jpeg", image())
    assert url.startswith("https://mmbiz.qpic.cn/") and url in wechat.state.image_urls
    (request,) = wechat.state.requests_to("uploadimg")
    assert request.fields == ["media"] and request.query == {"access_token": "***"}
    assert request.files[0]["filename"] == "image.jpg" and request.files[0]["content_type"] == "image/jpeg"


def test_upload_image_takes_a_png_whatever_its_name_says(wechat, client, token):
    url = client.upload_image(token, "logo.gif", image("PNG"))
    assert url in wechat.state.image_urls
    assert wechat.state.requests_to("uploadimg")[0].files[0]["content_type"] == "image/png"


def test_upload_image_takes_a_jpeg_just_under_1_mb(wechat, client, token):
    jpeg = image()
    assert client.upload_image(token, "大图.jpg", jpeg + b"\0" * (IMAGE_BYTE_LIMIT - 1 - len(jpeg))) in wechat.state.image_urls


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (image("GIF"), "JPEG 或 PNG"),
        (image("WEBP"), "JPEG 或 PNG"),
        (image("BMP"), "JPEG 或 PNG"),
        (b"<html>not an image</html>", "JPEG 或 PNG"),
        (b"", "空文件"),
    ],
    ids=["gif", "webp", "bmp", "not an image", "empty"],
)
def test_upload_image_refuses_before_sending_what_is_not_jpeg_or_png(wechat, client, token, data, words):
    with pytest.raises(Permanent) as raised:
        client.upload_image(token, "图片.x", data)
    assert words in raised.value.text and "图片.x" in raised.value.text and raised.value.code == ""
    assert not wechat.state.requests


def test_upload_image_refuses_1_mb_or_more_before_sending(wechat, client, token):
    jpeg = image()
    with pytest.raises(Permanent) as raised:
        client.upload_image(token, "大图.jpg", jpeg + b"\0" * (IMAGE_BYTE_LIMIT - len(jpeg)))
    assert str(IMAGE_BYTE_LIMIT) in raised.value.text and "1 MB" in raised.value.text
    assert not wechat.state.requests


def test_add_cover_returns_the_media_id_and_url_of_the_image_material(wechat, client, token):
    media_id, url = client.add_cover(token, "封面.png", image("PNG", (900, 500)))
    material = wechat.state.materials[media_id]
    assert url == material.url and url.startswith("https://mmbiz.qpic.cn/") and (material.width, material.height) == (900, 500)
    (request,) = wechat.state.requests_to("add_material")
    assert request.query == {"access_token": "***", "type": "image"} and request.fields == ["media"]


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"%PDF-1.7", "JPEG、PNG"), (b"", "空文件"), (b"\xff\xd8\xff" + bytes(10 * MB), "10 MB")],
    ids=["not an image", "empty", "over 10 MB"],
)
def test_add_cover_refuses_before_sending_what_wechat_would_refuse(wechat, client, token, data, words):
    with pytest.raises(Permanent) as raised:
        client.add_cover(token, "封面.jpg", data)
    assert words in raised.value.text and not wechat.state.requests


# Drafts.


def test_add_draft_sends_the_article_in_the_contracts_fields(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    (stored,) = wechat.state.drafts[media_id].articles
    assert stored == {
        "article_type": "news",
        "title": "劳模工匠进企业",
        "author": "市总工会",
        "digest": "劳模工匠走进新能源企业，与青年职工面对面。",
        "content": "<p>劳模工匠走进企业，与青年职工面对面。</p>",
        "content_source_url": "https://cms.example/news/1/",
        "thumb_media_id": thumb,
        "need_open_comment": 1,
        "only_fans_can_comment": 0,
    }
    assert not wechat.state.stripped


def test_add_draft_leaves_out_empty_optional_fields(wechat, client, token, thumb):
    client.add_draft(token, article(thumb, author="", digest="", content_source_url="", need_open_comment=False))
    request = wechat.state.requests_to("draft_add")[0]
    assert request.body["articles"][0].keys() == {
        "article_type",
        "title",
        "content",
        "thumb_media_id",
        "need_open_comment",
        "only_fans_can_comment",
    }
    assert request.body["articles"][0]["need_open_comment"] == 0


class RecordingTransport(httpx.HTTPTransport):
    """The plain transport, keeping the bytes of each request body it sends."""

    def __init__(self):
        super().__init__(verify=False)
        self.bodies = []

    def handle_request(self, request):
        self.bodies.append(request.read())
        return super().handle_request(request)


def test_add_draft_sends_chinese_as_utf_8_not_as_escapes(wechat, token, thumb):
    transport = RecordingTransport()
    with WechatClient(wechat.state.appid, wechat.state.secret, base_url=wechat.base_url, transport=transport) as client:
        client.add_draft(token, article(thumb))
    assert "劳模工匠进企业".encode() in transport.bodies[-1] and b"\\u" not in transport.bodies[-1]


def test_add_draft_accepts_the_limits_themselves(wechat, client, token, thumb):
    media_id = client.add_draft(
        token,
        article(
            thumb,
            title="工" * TITLE_LIMIT,
            author="会" * AUTHOR_LIMIT,
            digest="摘" * DIGEST_LIMIT,
            content="<p>" + "字" * (CONTENT_CHAR_LIMIT - 1 - 7) + "</p>",
        ),
    )
    assert len(wechat.state.drafts[media_id].articles[0]["content"]) == CONTENT_CHAR_LIMIT - 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"title": "工" * 33}, ["标题", "33", "32"]),
        ({"author": "会" * 17}, ["作者", "17", "16"]),
        ({"digest": "摘" * 129}, ["摘要", "129", "128"]),
        ({"content": "<p>" + "字" * (20_000 - 7) + "</p>"}, ["正文", "20000", "少于"]),
        ({"title": "  "}, ["标题"]),
        ({"content": ""}, ["正文"]),
        ({"thumb_media_id": ""}, ["封面"]),
        ({"content_source_url": "cms.example/news/1/"}, ["阅读原文", "http"]),
        ({"need_open_comment": 2}, ["need_open_comment", "0 或 1"]),
    ],
    ids=[
        "title of 33",
        "author of 17",
        "digest of 129",
        "content of 20000",
        "blank title",
        "no content",
        "no cover",
        "source link not http",
        "comment switch 2",
    ],
)
def test_add_draft_refuses_before_sending_what_breaks_the_limits(wechat, client, token, changes, words):
    with pytest.raises(Permanent) as raised:
        client.add_draft(token, article("thumb-media-id", **changes))
    assert all(word in raised.value.text for word in words), raised.value.text
    assert raised.value.code == "" and not wechat.state.requests


def test_content_of_1_mb_in_bytes_is_refused_though_under_the_character_limit(wechat, client, token, monkeypatch):
    # 20,000 characters of UTF-8 are at most 80 kB, so the byte limit only bites with a larger character limit.
    monkeypatch.setattr(wechat_module, "CONTENT_CHAR_LIMIT", 400_000)
    content = "工" * 349_525 + "a"  # 349,526 characters, exactly 1 MB: not below it
    assert len(content.encode()) == MB
    with pytest.raises(Permanent) as raised:
        client.add_draft(token, article("thumb-media-id", content=content))
    assert "1048576 字节" in raised.value.text and "小于" in raised.value.text
    assert not wechat.state.requests


# Publishing and its result.


def test_submit_returns_the_publish_id_and_the_article_is_publishing(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    publish_id = client.submit(token, media_id)
    assert wechat.state.publication(publish_id).media_id == media_id
    assert wechat.state.requests_to("freepublish_submit")[0].body == {"media_id": media_id}
    assert client.publication(token, publish_id) == Publication(state=UNDER_REVIEW, publish_status=1)
    assert wechat.state.requests_to("freepublish_get")[0].body == {"publish_id": publish_id}


@pytest.mark.parametrize(
    ("status", "state", "message", "has_url"),
    [
        (0, PUBLISHED, "", True),
        (1, UNDER_REVIEW, "", False),
        (2, FAILED, "原创校验未通过", False),
        (3, FAILED, "发布失败", False),
        (4, FAILED, "审核未通过", False),
        (5, REMOVED, "已被用户删除", True),
        (6, REMOVED, "已被平台封禁", True),
    ],
)
def test_publication_reads_each_publish_status(wechat, client, token, thumb, status, state, message, has_url):
    publish_id = submitted(client, token, thumb)
    wechat.state.set_publish_status(publish_id, status)
    result = client.publication(token, publish_id)
    shown = wechat.state.publication(publish_id)
    assert (result.state, result.publish_status, result.message) == (state, status, message)
    assert result.article_url == (shown.urls[0] if has_url else "")
    assert result.article_id == (shown.article_id or "")
    if has_url:
        assert result.article_url.startswith("https://mp.weixin.qq.com/s/")


def test_an_unknown_publish_id_is_permanent_with_wechats_words(client, token):
    with pytest.raises(Permanent) as raised:
        client.publication(token, "2247483999")
    assert raised.value.code == "40007" and "invalid publish_id" in raised.value.message


# A submit whose reply is lost: never sent again, found by its title.


def test_a_lost_submit_reply_may_be_done_and_find_locates_the_article(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb, title="职工运动会集锦"))
    started = time.time()
    wechat.state.fail("freepublish_submit", kind="lost_reply")
    with pytest.raises(Retryable) as raised:
        client.submit(token, media_id)
    assert raised.value.maybe_done is True
    assert len(wechat.state.requests_to("freepublish_submit")) == 1
    (publication,) = wechat.state.publications.values()
    assert client.find(token, "职工运动会集锦", started) is None  # still publishing: not listed yet
    wechat.state.succeed(publication.publish_id)
    found = client.find(token, "职工运动会集锦", started)
    assert found == Publication(
        state=PUBLISHED, article_url=publication.urls[0], article_id=publication.article_id, publish_status=0
    )


def test_a_submit_past_the_read_timeout_may_be_done(wechat, token, thumb):
    wechat.state.fail("freepublish_submit", kind="timeout", delay=2)
    with make_client(wechat, read_timeout=0.3) as client:
        media_id = client.add_draft(token, article(thumb))
        started = time.monotonic()
        with pytest.raises(Retryable) as raised:
            client.submit(token, media_id)
    assert raised.value.maybe_done is True and time.monotonic() - started < 1.5
    assert len(wechat.state.requests_to("freepublish_submit")) == 1


def test_a_submit_answered_5xx_may_be_done(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    wechat.state.fail("freepublish_submit", kind="error_after", status=502)
    with pytest.raises(Retryable) as raised:
        client.submit(token, media_id)
    assert raised.value.maybe_done is True and raised.value.http_status == 502
    assert len(wechat.state.publications) == 1 and len(wechat.state.requests_to("freepublish_submit")) == 1


def test_a_submit_reset_after_sending_may_be_done(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    wechat.state.fail("freepublish_submit", kind="reset")
    with pytest.raises(Retryable) as raised:
        client.submit(token, media_id)
    assert raised.value.maybe_done is True and len(wechat.state.requests_to("freepublish_submit")) == 1


def test_a_submit_answered_busy_is_retryable_and_not_done(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    wechat.state.fail("freepublish_submit", kind="error", code=-1)
    with pytest.raises(Retryable) as raised:
        client.submit(token, media_id)
    assert raised.value.maybe_done is False and raised.value.code == "-1" and "繁忙" in raised.value.text
    assert not wechat.state.publications and len(wechat.state.requests_to("freepublish_submit")) == 1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


def test_a_submit_that_cannot_connect_is_not_done():
    client = WechatClient(
        "wx1", "secret", base_url=f"http://127.0.0.1:{free_port()}", transport=httpx.HTTPTransport(verify=False)
    )
    with client, pytest.raises(Retryable) as raised:
        client.submit("token", "media-id")
    assert raised.value.maybe_done is False


@pytest.mark.parametrize("code", [53503, 53504, 53505])
def test_a_draft_wechat_will_not_publish_is_permanent_with_its_words_and_ours(wechat, client, token, thumb, code):
    media_id = client.add_draft(token, article(thumb))
    wechat.state.refuse_draft(media_id, code)
    with pytest.raises(Permanent) as raised:
        client.submit(token, media_id)
    error = raised.value
    assert error.code == str(code) and error.maybe_done is False
    assert wechat_module.DRAFT_MESSAGES[code] == error.message and "草稿" in error.text
    assert error.params["errmsg"].startswith({53503: "该草稿未通过发布检查", 53504: "需前往", 53505: "请手动保存"}[code])


def test_a_draft_is_submitted_once_a_second_submit_is_refused(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    client.submit(token, media_id)
    with pytest.raises(Permanent) as raised:
        client.submit(token, media_id)
    assert raised.value.code == "40007" and len(wechat.state.publications) == 1


# Finding a post.


def test_find_returns_the_article_of_this_title_published_after_the_start(wechat, client, token, thumb):
    started = time.time()
    published(wechat, client, token, thumb, "别的标题")
    publish_id = published(wechat, client, token, thumb, "职工书屋开放日")
    published(wechat, client, token, thumb, "更新的文章")
    found = client.find(token, "职工书屋开放日", started)
    assert found.state == PUBLISHED and found.article_id == wechat.state.publication(publish_id).article_id
    (request,) = wechat.state.requests_to("freepublish_batchget")
    assert request.body == {"offset": 0, "count": 20, "no_content": 1}


def test_find_tells_two_articles_of_one_title_apart_by_their_link(wechat, client, token, thumb):
    started = time.time()
    ours = published(wechat, client, token, thumb, "工会动态", content_source_url="https://cms.example/news/2/")
    published(wechat, client, token, thumb, "工会动态", content_source_url="https://cms.example/news/3/")
    found = client.find(token, "工会动态", started, source_url="https://cms.example/news/2/")
    assert found.article_id == wechat.state.publication(ours).article_id


def test_find_passes_over_articles_another_row_already_holds(wechat, client, token, thumb):
    started = time.time()
    first = published(wechat, client, token, thumb, "工会动态")
    second = published(wechat, client, token, thumb, "工会动态")
    taken = {wechat.state.publication(second).article_id}
    assert client.find(token, "工会动态", started, exclude=taken).article_id == wechat.state.publication(first).article_id


def test_find_allows_30_seconds_of_clock_skew(wechat, client, token, thumb):
    published(wechat, client, token, thumb, "职工书屋开放日")
    now = wechat.state.now()
    assert client.find(token, "职工书屋开放日", now + 25) is not None
    assert client.find(token, "职工书屋开放日", now + 35) is None


def test_find_ignores_an_older_article_of_the_same_title(wechat, client, token, thumb):
    published(wechat, client, token, thumb, "职工书屋开放日")
    wechat.state.advance(3600)
    assert client.find(token, "职工书屋开放日", wechat.state.now()) is None


def test_find_returns_none_when_no_title_matches(wechat, client, token, thumb):
    started = time.time()
    for title in ("别的标题", "职工书屋"):
        published(wechat, client, token, thumb, title)
    submitted(client, token, thumb, "职工书屋开放日")  # still publishing: not listed
    assert client.find(token, "职工书屋开放日", started) is None


def test_find_on_an_account_without_articles_returns_none(wechat, client, token):
    assert client.find(token, "职工书屋开放日", 0) is None
    assert len(wechat.state.requests_to("freepublish_batchget")) == 1


def test_find_walks_the_pages_newest_first(wechat, client, token, thumb):
    started = time.time()
    target = published(wechat, client, token, thumb, "职工书屋开放日")
    for number in range(21):
        published(wechat, client, token, thumb, f"第{number}期")
    assert client.find(token, "职工书屋开放日", started, pages=1) is None
    found = client.find(token, "职工书屋开放日", started)
    assert found.article_id == wechat.state.publication(target).article_id
    offsets = [request.body["offset"] for request in wechat.state.requests_to("freepublish_batchget")]
    assert offsets == [0, 0, 20]


def test_find_stops_paging_at_the_first_article_older_than_the_window(wechat, client, token, thumb):
    for number in range(25):
        published(wechat, client, token, thumb, f"第{number}期")
    wechat.state.advance(3600)
    published(wechat, client, token, thumb, "新的一期")
    assert client.find(token, "第0期", wechat.state.now() - 60) is None
    assert len(wechat.state.requests_to("freepublish_batchget")) == 1


# Errors.


@pytest.mark.parametrize(
    ("code", "error_class", "kind", "words"),
    [
        (-1, Retryable, "retryable", "繁忙"),
        (40001, TokenExpired, "token_expired", "access_token"),
        (42001, TokenExpired, "token_expired", "access_token"),
        (40164, NeedsConfig, "needs_config", "IP 白名单"),
        (45009, QuotaExceeded, "quota", "零点"),
        (48001, NeedsConfig, "needs_config", "微信认证"),
        (53503, Permanent, "permanent", "平台的说明 53503"),
        (53504, Permanent, "permanent", "平台的说明 53504"),
        (53505, Permanent, "permanent", "平台的说明 53505"),
        (40007, Permanent, "permanent", "平台的说明 40007"),
        (99999, Permanent, "permanent", "平台的说明 99999"),
    ],
)
def test_each_error_code_maps_to_its_class_and_message(wechat, client, token, code, error_class, kind, words):
    wechat.state.fail("freepublish_get", kind="error", code=code, description=f"平台的说明 {code}")
    with pytest.raises(ChannelError) as raised:
        client.publication(token, "2247483001")
    error = raised.value
    assert type(error) is error_class and error.kind == kind and error.code == str(code)
    assert words in error.text and error.maybe_done is False


@pytest.mark.parametrize(
    ("errmsg", "ip"),
    [
        ("invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist", "1.2.3.4"),
        ("invalid ip 240e:3b7:3271:f2a0::1, not in whitelist", "240e:3b7:3271:f2a0::1"),
    ],
    ids=["ipv4", "ipv6"],
)
def test_an_ip_off_the_whitelist_tells_the_administrator_which_ip_to_add(wechat, client, token, errmsg, ip):
    wechat.state.fail("draft_add", kind="error", code=40164, description=errmsg)
    with pytest.raises(NeedsConfig) as raised:
        client.add_draft(token, article("thumb-media-id"))
    error = raised.value
    assert error.code == "40164" and error.params == {"ip": ip}
    assert f"服务器的出口 IP（{ip}）不在公众号的 IP 白名单里" in error.text
    assert "设置与开发 → 基本配置 → IP 白名单" in error.text and "点重试" in error.text


def test_an_ip_off_the_whitelist_without_an_ip_in_the_reply_still_says_what_to_do(wechat, client):
    wechat.state.fail("stable_token", kind="error", code=40164, description="invalid ip, not in whitelist")
    with pytest.raises(NeedsConfig) as raised:
        client.stable_token()
    assert raised.value.code == "40164" and not raised.value.params
    assert "服务器的出口 IP 不在公众号的 IP 白名单里" in raised.value.text and "设置与开发" in raised.value.text


def test_an_unverified_account_needs_config_48001_on_submit(wechat, client, token, thumb):
    media_id = client.add_draft(token, article(thumb))
    wechat.state.verified = False
    with pytest.raises(NeedsConfig) as raised:
        client.submit(token, media_id)
    assert raised.value.code == "48001" and "2025 年 7 月" in raised.value.text and "微信认证" in raised.value.text
    assert not wechat.state.publications


def test_the_daily_quota_waits_for_midnight_in_beijing(wechat, client, token, thumb):
    wechat.state.set_daily_quota("draft_add", 1)
    client.add_draft(token, article(thumb))
    with pytest.raises(QuotaExceeded) as raised:
        client.add_draft(token, article(thumb))
    assert raised.value.code == "45009" and raised.value.kind == "quota"
    assert raised.value.retry_after == pytest.approx(seconds_to_beijing_midnight(time.time()), abs=5)


def test_seconds_to_beijing_midnight():
    noon = datetime(2026, 3, 1, 12, 0, tzinfo=CHINA).timestamp()
    assert seconds_to_beijing_midnight(noon) == 12 * 3600
    assert seconds_to_beijing_midnight(datetime(2026, 3, 1, 23, 59, 59, 999_000, tzinfo=CHINA).timestamp()) == 1.0


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_5xx_or_429_is_retryable(wechat, client, token, status):
    wechat.state.fail("freepublish_batchget", kind="http_error", status=status)
    with pytest.raises(Retryable) as raised:
        client.find(token, "标题", 0)
    assert raised.value.http_status == status and raised.value.code == "" and str(status) in raised.value.text


def test_a_slow_reply_within_the_read_timeout_is_fine(wechat, token):
    wechat.state.fail("freepublish_batchget", kind="slow", delay=0.2)
    with make_client(wechat, read_timeout=2) as client:
        assert client.find(token, "标题", 0) is None


def test_a_reply_past_the_read_timeout_is_retryable(wechat, token):
    wechat.state.fail("freepublish_get", kind="timeout", delay=2)
    with make_client(wechat, read_timeout=0.3) as client:
        started = time.monotonic()
        with pytest.raises(Retryable) as raised:
            client.publication(token, "2247483001")
    assert time.monotonic() - started < 1.5 and "规定时间" in raised.value.text


def test_a_reset_connection_is_retryable(wechat, client, token):
    wechat.state.fail("add_material", kind="reset")
    with pytest.raises(Retryable) as raised:
        client.add_cover(token, "封面.jpg", image())
    assert "连接中断" in raised.value.text and not wechat.state.materials


def test_an_upload_cut_mid_body_is_retryable(wechat, client, token):
    wechat.state.fail("uploadimg", kind="reset_mid_body", after_bytes=1000)
    jpeg = image()
    with pytest.raises(Retryable):
        client.upload_image(token, "图.jpg", jpeg + b"\0" * (900 * 1024))
    assert not wechat.state.image_urls


# Secrets.


def test_no_secret_or_token_shows_in_reprs_errors_or_logs(wechat, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # the settings keep it at WARNING: here its request lines are on
    state = wechat.state
    errors = []
    with make_client(wechat, read_timeout=0.3) as client:
        assert state.secret not in repr(client) and state.secret not in repr(vars(client))
        issued = client.stable_token()
        assert issued.value not in repr(issued)
        state.fail("freepublish_get", kind="timeout", delay=2)
        state.fail("freepublish_batchget", kind="reset")
        state.fail("uploadimg", kind="error", code=40164, description="invalid ip 1.2.3.4, not in whitelist")
        for call in (
            lambda: client.publication(issued, "2247483001"),
            lambda: client.find(issued, "标题", 0),
            lambda: client.upload_image(issued, "图.jpg", image()),
            lambda: client.add_cover(issued, "封面.jpg", b"not an image"),
        ):
            with pytest.raises(ChannelError) as raised:
                call()
            errors.append(raised.value)
    with make_client(wechat, secret=state.secret + "x") as wrong, pytest.raises(NeedsConfig) as raised:
        wrong.stable_token()
    errors.append(raised.value)
    assert "HTTP Request" in caplog.text and "access_token=***" in caplog.text  # httpx's line, the token masked
    everything = " ".join([*(repr(error) + str(error) + repr(vars(error)) for error in errors), caplog.text])
    for value in (state.secret, issued.value):
        assert value not in everything
    assert all(error.__cause__ is None for error in errors)


def test_a_token_is_a_plain_value_without_its_value_in_the_repr():
    token = Token("secret-token-value", 1_767_225_600.0)
    assert "secret-token-value" not in repr(token) and "1767225600" in repr(token)


# Replies the stand-in never gives.


@contextlib.contextmanager
def scripted_server(*replies):
    """An HTTP server answering each request with the next (status, headers, body) of `replies`."""
    queue = list(replies)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, body = queue.pop(0)
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Length": str(len(raw)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        with WechatClient("wx1", "secret", base_url=base_url, transport=httpx.HTTPTransport(verify=False)) as client:
            yield client
    finally:
        server.shutdown()
        server.server_close()


def test_a_200_that_is_not_json_is_retryable_and_may_be_done():
    html = (200, {"Content-Type": "text/html"}, b"<html>proxy login</html>")
    with scripted_server(html) as client, pytest.raises(Retryable) as raised:
        client.submit("token", "media-id")
    assert raised.value.maybe_done is True and "无法解读" in raised.value.text and raised.value.http_status == 200


def test_a_submit_reply_without_a_publish_id_is_retryable_and_may_be_done():
    with scripted_server((200, {}, {"errcode": 0, "errmsg": "ok"})) as client, pytest.raises(Retryable) as raised:
        client.submit("token", "media-id")
    assert raised.value.maybe_done is True and "publish_id" in raised.value.text


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda client: client.stable_token(), "access_token"),
        (lambda client: client.upload_image("token", "图.jpg", image()), "url"),
        (lambda client: client.add_draft("token", article("thumb")), "media_id"),
        (lambda client: client.publication("token", "1"), "publish_status"),
        (lambda client: client.find("token", "标题", 0), "item"),
    ],
    ids=["stable_token", "uploadimg", "draft_add", "freepublish_get", "freepublish_batchget"],
)
def test_a_reply_without_the_expected_field_is_retryable(call, field):
    with scripted_server((200, {}, {"errcode": 0, "errmsg": "ok"})) as client, pytest.raises(Retryable) as raised:
        call(client)
    assert f"缺少 {field}" in raised.value.text


def test_retry_after_of_a_429_is_honoured():
    with scripted_server((429, {"Retry-After": "7"}, b"slow down")) as client, pytest.raises(Retryable) as raised:
        client.find("token", "标题", 0)
    assert raised.value.retry_after == 7 and raised.value.http_status == 429


def test_a_4xx_without_the_envelope_is_permanent():
    with scripted_server((403, {}, b"forbidden")) as client, pytest.raises(Permanent) as raised:
        client.find("token", "标题", 0)
    assert raised.value.http_status == 403 and "403" in raised.value.text


def test_wechats_fail_reason_follows_our_message_when_the_reply_has_one():
    reply = {"publish_id": "1", "publish_status": 4, "fail_idx": [1], "fail_reason": "标题含有违规内容"}
    with scripted_server((200, {}, reply), (200, {}, {**reply, "fail_reason": "", "errmsg": "ok"})) as client:
        assert client.publication("token", "1").message == "审核未通过：标题含有违规内容"
        assert client.publication("token", "1").message == "审核未通过"


def test_an_unknown_publish_status_is_retryable():
    with scripted_server((200, {}, {"publish_id": "1", "publish_status": 9})) as client, pytest.raises(Retryable) as raised:
        client.publication("token", "1")
    assert "9" in raised.value.text
