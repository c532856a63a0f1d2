"""The WeChat stand-in keeps to the contract (shared/channels/WECHAT.md) and misbehaves when told to.

The adapter's tests will trust it, so it is checked here on its own, with plain httpx calls.
"""

import io
import time

import httpx
import pytest
from PIL import Image

from tests.distribution.wechat_standin import ENDPOINTS, MB, Limits, running_standin

pytestmark = pytest.mark.once  # no database here

PATHS = {endpoint.name: endpoint.path for endpoint in ENDPOINTS.values()}


def image(kind="JPEG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def reply(response, errcode=0):
    """The reply's JSON after checking WeChat's envelope: HTTP 200, `errcode` when it is an error."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("errcode", 0) == errcode, body
    if errcode:
        assert set(body) == {"errcode", "errmsg"} and body["errmsg"]
    return body


class Account:
    """The union's Official Account calling the API as the contract says: access_token as a query parameter."""

    def __init__(self, http, state):
        self.http = http
        self.state = state
        self.token = state.issue_token()

    def call(self, name, **kwargs):
        params = {"access_token": self.token, **kwargs.pop("params", {})}
        return self.http.post(PATHS[name], params=params, **kwargs)

    def stable_token(self, force_refresh=False, **fields):
        body = {
            "grant_type": "client_credential",
            "appid": self.state.appid,
            "secret": self.state.secret,
            "force_refresh": force_refresh,
            **fields,
        }
        return self.http.post(PATHS["stable_token"], json=body)

    def uploadimg(self, content, filename="photo.jpg", field="media"):
        return self.call("uploadimg", files={field: (filename, content, "image/jpeg")})

    def image_url(self):
        return reply(self.uploadimg(image()))["url"]

    def add_material(self, content=None, kind="image"):
        return self.call("add_material", params={"type": kind}, files={"media": ("cover.jpg", content or image(), "image/jpeg")})

    def cover(self):
        return reply(self.add_material())["media_id"]

    def article(self, **fields):
        return {
            "article_type": "news",
            "title": "劳模工匠进企业",
            "author": "市总工会",
            "digest": "劳模工匠走进新能源企业，与青年职工面对面。",
            "content": "<p>劳模工匠走进企业。</p>",
            "content_source_url": "https://cms.example/news/1/",
            "thumb_media_id": self.thumb,
            "need_open_comment": 1,
            "only_fans_can_comment": 0,
            **fields,
        }

    @property
    def thumb(self):
        if not hasattr(self, "_thumb"):
            self._thumb = self.cover()
        return self._thumb

    def draft(self, **fields):
        return self.call("draft_add", json={"articles": [self.article(**fields)]})

    def draft_id(self, **fields):
        return reply(self.draft(**fields))["media_id"]

    def submit(self, media_id):
        return self.call("freepublish_submit", json={"media_id": media_id})

    def publish_id(self, **fields):
        return reply(self.submit(self.draft_id(**fields)))["publish_id"]

    def get(self, publish_id):
        return reply(self.call("freepublish_get", json={"publish_id": publish_id}))

    def batchget(self, offset=0, count=20, no_content=1):
        return self.call("freepublish_batchget", json={"offset": offset, "count": count, "no_content": no_content})


@pytest.fixture
def http(wechat):
    with httpx.Client(base_url=wechat.base_url, timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def account(wechat, http):
    return Account(http, wechat.state)


# Tokens.


def test_stable_token_gives_the_same_token_inside_its_window(wechat, account):
    first = reply(account.stable_token())
    assert first["expires_in"] == 7200
    wechat.state.clock.freeze()
    wechat.state.advance(3600)
    second = reply(account.stable_token())
    assert second["access_token"] == first["access_token"] and second["expires_in"] == 3600
    assert not wechat.state.violations


def test_a_first_token_says_7200_seconds(wechat, http):
    body = {"grant_type": "client_credential", "appid": wechat.state.appid, "secret": wechat.state.secret}
    assert reply(http.post(PATHS["stable_token"], json=body))["expires_in"] == 7200


def test_a_token_past_its_window_is_42001_and_stable_token_gives_a_new_one(wechat, account):
    old = reply(account.stable_token())["access_token"]
    wechat.state.advance(7201)
    account.token = old
    reply(account.call("freepublish_batchget", json={"offset": 0, "count": 1}), errcode=42001)
    assert reply(account.stable_token())["access_token"] != old


def test_an_unknown_token_is_40001(account):
    account.token = "guess"
    reply(account.add_material(), errcode=40001)


def test_a_forced_refresh_gives_a_new_token_and_retires_the_old(wechat, account):
    old = reply(account.stable_token())["access_token"]
    new = reply(account.stable_token(force_refresh=True))["access_token"]
    assert new != old
    account.token = old
    reply(account.add_material(), errcode=40001)


def test_forced_refreshes_must_be_30_seconds_apart(wechat, account):
    wechat.state.clock.freeze()
    reply(account.stable_token(force_refresh=True))
    wechat.state.advance(29)
    reply(account.stable_token(force_refresh=True), errcode=45011)
    wechat.state.advance(1)
    reply(account.stable_token(force_refresh=True))


def test_at_most_20_forced_refreshes_a_day(wechat, account):
    wechat.state.clock.freeze()
    wechat.state.clock.frozen_at = 1_767_225_600 - 8 * 3600  # midnight in Beijing: the day has room for 20 refreshes
    for _ in range(20):
        reply(account.stable_token(force_refresh=True))
        wechat.state.advance(31)
    reply(account.stable_token(force_refresh=True), errcode=45009)
    wechat.state.advance(86400)
    reply(account.stable_token(force_refresh=True))


def test_a_wrong_secret_buys_no_token(wechat, account):
    reply(account.stable_token(secret="guess"), errcode=40125)


def test_the_token_goes_as_a_query_parameter_not_a_header(wechat, http):
    token = wechat.state.issue_token()
    response = http.post(PATHS["freepublish_batchget"], headers={"access_token": token}, json={"offset": 0, "count": 1})
    reply(response, errcode=41001)
    assert wechat.state.violations


def test_stable_token_takes_json_not_a_form(wechat, http):
    form = {"grant_type": "client_credential", "appid": wechat.state.appid, "secret": wechat.state.secret}
    reply(http.post(PATHS["stable_token"], data=form), errcode=47001)
    assert "JSON" in wechat.state.violations[0]


# Images.


def test_uploadimg_takes_a_jpeg_and_gives_a_url_on_mmbiz(wechat, account):
    url = reply(account.uploadimg(image("JPEG")))["url"]
    assert url.startswith("https://mmbiz.qpic.cn/") and url in wechat.state.image_urls


def test_uploadimg_takes_a_png(wechat, account):
    assert reply(account.uploadimg(image("PNG"), "photo.png"))["url"] in wechat.state.image_urls


@pytest.mark.parametrize("kind", ["GIF", "WEBP"])
def test_uploadimg_refuses_what_is_neither_jpeg_nor_png(wechat, account, kind):
    reply(account.uploadimg(image(kind), f"photo.{kind.lower()}"), errcode=40005)
    assert not wechat.state.image_urls and wechat.state.violations


def test_uploadimg_refuses_a_file_of_1_mb_or_more(wechat, account):
    jpeg = image()
    reply(account.uploadimg(jpeg + b"\0" * (MB - len(jpeg))), errcode=40009)
    assert reply(account.uploadimg(jpeg + b"\0" * (MB - 1 - len(jpeg))))["url"]


def test_uploadimg_wants_the_file_in_field_media(wechat, account):
    reply(account.uploadimg(image(), field="file"), errcode=47001)
    assert "media" in wechat.state.violations[0]


def test_add_material_gives_a_media_id_and_url(wechat, account):
    data = reply(account.add_material(image("PNG", (900, 500))))
    material = wechat.state.materials[data["media_id"]]
    assert data["url"].startswith("https://mmbiz.qpic.cn/") and (material.width, material.height) == (900, 500)


def test_add_material_wants_type_image(wechat, account):
    reply(account.add_material(kind="voice"), errcode=47001)


# Drafts.


def test_a_draft_is_stored_with_its_articles(wechat, account):
    media_id = account.draft_id()
    (article,) = wechat.state.drafts[media_id].articles
    assert article["title"] == "劳模工匠进企业" and article["content"] == "<p>劳模工匠走进企业。</p>"
    assert not wechat.state.violations and not wechat.state.stripped


def test_a_title_over_32_characters_is_refused(account):
    reply(account.draft(title="字" * 33), errcode=45003)
    reply(account.draft(title="字" * 32))


def test_an_author_over_16_characters_is_refused(account):
    reply(account.draft(author="字" * 17), errcode=45110)


def test_a_digest_over_128_characters_is_refused(account):
    reply(account.draft(digest="字" * 129), errcode=45004)


def test_content_of_20000_characters_is_refused(account):
    reply(account.draft(content="<p>" + "字" * 19_994 + "</p>"), errcode=45002)
    reply(account.draft(content="<p>" + "字" * 19_980 + "</p>"))


def test_content_over_the_byte_limit_is_refused_though_under_20000_characters():
    """20,000 characters of UTF-8 stay under 1 MB, so the byte check is tried with the limit lowered."""
    with running_standin(limits=Limits(content_bytes=3000)) as wechat, httpx.Client(base_url=wechat.base_url) as http:
        account = Account(http, wechat.state)
        reply(account.draft(content="<p>" + "字" * 1000 + "</p>"), errcode=45002)  # 3,007 bytes, 1,007 characters
        reply(account.draft(content="<p>" + "字" * 990 + "</p>"))
        assert not wechat.state.errors


def test_an_unknown_thumb_media_id_is_refused(account):
    reply(account.draft(thumb_media_id="nobody"), errcode=40007)


def test_article_type_must_be_news(account):
    reply(account.draft(article_type="newspic"), errcode=47001)


def test_comment_switches_must_be_0_or_1(wechat, account):
    reply(account.draft(need_open_comment=True), errcode=47001)
    reply(account.draft(only_fans_can_comment=2), errcode=47001)


def test_a_field_outside_the_contract_is_a_violation(wechat, account):
    reply(account.draft(show_cover_pic=1), errcode=47001)
    assert "show_cover_pic" in wechat.state.violations[0]


def test_draft_add_reports_what_it_stripped(wechat, account):
    kept_src = account.image_url()
    content = (
        '<div class="box"><p onclick="steal()" style="color:red">正文</p>'
        "<script>alert(1)</script><style>p{}</style><iframe src='x'></iframe>"
        '<form action="/"><input name="a"></form>'
        f'<img src="{kept_src}" alt="劳模"><img src="https://cms.example/a.jpg">'
        '<a href="https://cms.example/" target="_blank">原文</a></div>'
    )
    media_id = account.draft_id(content=content)
    (article,) = wechat.state.drafts[media_id].articles
    assert article["content"] == (f'<p style="color:red">正文</p><img src="{kept_src}"><a href="https://cms.example/">原文</a>')
    stripped = {(item["kind"], item["name"]) for item in wechat.state.stripped}
    assert stripped == {
        ("tag", "div"),
        ("attribute", "onclick"),
        ("element", "script"),
        ("element", "style"),
        ("element", "iframe"),
        ("element", "form"),
        ("attribute", "alt"),
        ("image", "img"),
        ("attribute", "target"),
    }
    assert all(item["media_id"] == media_id and item["index"] == 0 for item in wechat.state.stripped)
    assert [item["detail"] for item in wechat.state.stripped if item["kind"] == "image"] == ["https://cms.example/a.jpg"]


# Publishing.


def test_a_submitted_draft_is_publishing_until_the_platform_decides(wechat, account):
    data = reply(account.submit(account.draft_id()))
    assert data["errcode"] == 0 and data["publish_id"] and isinstance(data["msg_data_id"], int)
    got = account.get(data["publish_id"])
    assert got["publish_status"] == 1 and "article_detail" not in got


def test_a_successful_publish_gives_the_article_url(wechat, account):
    publish_id = account.publish_id()
    wechat.state.succeed(publish_id)
    got = account.get(publish_id)
    assert got["publish_status"] == 0 and got["article_id"]
    (item,) = got["article_detail"]["item"]
    assert item["idx"] == 1 and item["article_url"].startswith("https://mp.weixin.qq.com/s/")
    assert got["article_detail"]["count"] == 1


@pytest.mark.parametrize("status", [2, 3, 4])
def test_a_failed_publish_reports_its_status_and_no_url(wechat, account, status):
    publish_id = account.publish_id()
    wechat.state.fail_publish(publish_id, status)
    got = account.get(publish_id)
    assert got["publish_status"] == status and got["fail_idx"] == [1] and "article_detail" not in got


@pytest.mark.parametrize("status", [5, 6])
def test_a_deleted_article_reports_its_status_and_leaves_batchget(wechat, account, status):
    publish_id = account.publish_id()
    wechat.state.succeed(publish_id)
    wechat.state.delete(publish_id, status)
    got = account.get(publish_id)
    assert got["publish_status"] == status and got["article_detail"]["item"][0]["is_deleted"] is True
    assert reply(account.batchget())["total_count"] == 0


def test_a_draft_is_published_once(wechat, account):
    media_id = account.draft_id()
    reply(account.submit(media_id))
    reply(account.submit(media_id), errcode=40007)
    assert len(wechat.state.publications) == 1


@pytest.mark.parametrize("code", [53503, 53504, 53505])
def test_a_draft_problem_refuses_the_submit(wechat, account, code):
    media_id = account.draft_id()
    wechat.state.refuse_draft(media_id, code)
    reply(account.submit(media_id), errcode=code)
    assert not wechat.state.publications


def test_an_unknown_publish_id_is_refused(account):
    reply(account.call("freepublish_get", json={"publish_id": "1"}), errcode=40007)


def test_batchget_lists_published_articles_newest_first_in_pages(wechat, account):
    titles = [f"第{n}篇" for n in range(5)]
    for title in titles:
        publish_id = account.publish_id(title=title)
        wechat.state.succeed(publish_id)
    account.publish_id(title="仍在发布")  # publishing: not listed
    first = reply(account.batchget(offset=0, count=2))
    second = reply(account.batchget(offset=2, count=2))
    last = reply(account.batchget(offset=4, count=2))
    assert first["total_count"] == 5 and first["item_count"] == 2 and last["item_count"] == 1
    listed = [item["content"]["news_item"][0]["title"] for page in (first, second, last) for item in page["item"]]
    assert listed == titles[::-1]
    news = first["item"][0]["content"]["news_item"][0]
    assert news["url"].startswith("https://mp.weixin.qq.com/s/") and news["content"] == ""
    assert first["item"][0]["article_id"] and isinstance(first["item"][0]["update_time"], int)


def test_batchget_with_content_includes_the_html(wechat, account):
    wechat.state.succeed(account.publish_id())
    item = reply(account.batchget(no_content=0))["item"][0]
    assert item["content"]["news_item"][0]["content"] == "<p>劳模工匠走进企业。</p>"


@pytest.mark.parametrize("count", [0, 21])
def test_batchget_count_is_1_to_20(wechat, account, count):
    reply(account.batchget(count=count), errcode=47001)
    assert wechat.state.violations


# Steering: whitelist, verification, quotas.


def test_an_ip_off_the_whitelist_is_40164_for_every_call(wechat, account):
    wechat.state.whitelisted = False
    reply(account.stable_token(), errcode=40164)
    reply(account.uploadimg(image()), errcode=40164)
    reply(account.batchget(), errcode=40164)


def test_an_unverified_account_is_48001_on_the_publish_calls(wechat, account):
    media_id = account.draft_id()
    wechat.state.verified = False
    reply(account.submit(media_id), errcode=48001)
    reply(account.batchget(), errcode=48001)
    assert reply(account.add_material())["media_id"]


def test_a_daily_quota_is_45009_until_the_day_turns(wechat, account):
    wechat.state.clock.freeze()
    wechat.state.clock.frozen_at = 1_767_225_600 - 8 * 3600 + 3600  # 01:00 in Beijing
    wechat.state.set_daily_quota("freepublish_batchget", 2)
    reply(account.batchget())
    reply(account.batchget())
    reply(account.batchget(), errcode=45009)
    reply(account.add_material())  # other APIs keep their own quota
    wechat.state.advance(23 * 3600)
    reply(account.batchget())


def test_a_path_outside_the_contract_is_refused_and_noted(wechat, http):
    response = http.post("/cgi-bin/draft/publish", json={})
    assert response.status_code == 404 and response.json()["errcode"] == 40066
    assert wechat.state.violations


def test_a_get_is_refused_and_noted(wechat, http):
    token = wechat.state.issue_token()
    reply(http.get(PATHS["freepublish_batchget"], params={"access_token": token}), errcode=43002)
    assert wechat.state.violations


# Faults.


def test_an_error_fault_is_busy_and_does_nothing(wechat, account):
    media_id = account.draft_id()
    wechat.state.fail("freepublish_submit")
    reply(account.submit(media_id), errcode=-1)
    assert not wechat.state.publications
    reply(account.submit(media_id))


def test_an_http_error_fault_is_a_5xx_without_the_envelope(wechat, account):
    wechat.state.fail("draft_add", kind="http_error", status=502)
    response = account.draft()
    assert response.status_code == 502 and "errcode" not in response.text
    assert not wechat.state.drafts


def test_a_slow_fault_replies_late(wechat, account):
    wechat.state.fail("freepublish_batchget", kind="slow", delay=0.3)
    started = time.monotonic()
    reply(account.batchget())
    assert time.monotonic() - started >= 0.3


def test_a_timeout_fault_never_replies(wechat, account):
    wechat.state.fail("freepublish_get", kind="timeout", delay=2)
    with pytest.raises(httpx.ReadTimeout):
        account.http.post(PATHS["freepublish_get"], params={"access_token": account.token}, json={"publish_id": "1"}, timeout=0.3)


def test_a_reset_fault_is_a_transport_error(wechat, account):
    wechat.state.fail("add_material", kind="reset")
    with pytest.raises(httpx.TransportError):
        account.add_material()
    assert not wechat.state.materials


def test_a_reset_mid_body_fault_cuts_the_upload(wechat, account):
    wechat.state.fail("uploadimg", kind="reset_mid_body", after_bytes=1000)
    jpeg = image()
    with pytest.raises(httpx.TransportError):
        account.uploadimg(jpeg + b"\0" * (900 * 1024))
    assert not wechat.state.image_urls


def test_a_lost_reply_on_submit_publishes_though_the_client_got_no_reply(wechat, account):
    media_id = account.draft_id(title="劳模工匠进企业·丢失回复")
    wechat.state.fail("freepublish_submit", kind="lost_reply")
    with pytest.raises(httpx.TransportError):
        account.submit(media_id)
    (publication,) = wechat.state.publications.values()
    assert publication.media_id == media_id and wechat.state.requests_to("freepublish_submit")[0].error_code == 0
    reply(account.submit(media_id), errcode=40007)  # a retry cannot publish twice
    wechat.state.succeed(publication.publish_id)
    news = reply(account.batchget())["item"][0]["content"]["news_item"][0]
    assert news["title"] == "劳模工匠进企业·丢失回复"  # how the adapter finds it after the crash


def test_an_error_after_fault_takes_effect_then_answers_an_error(wechat, account):
    wechat.state.fail("draft_add", kind="error_after", code=-1)
    reply(account.draft(), errcode=-1)
    assert len(wechat.state.drafts) == 1


def test_an_unknown_fault_kind_or_endpoint_is_refused(wechat):
    with pytest.raises(ValueError):
        wechat.state.fail("draft_add", kind="explode")
    with pytest.raises(ValueError):
        wechat.state.fail("create_video")


# Records.


def test_secrets_are_masked_in_recorded_requests(wechat, account):
    reply(account.stable_token())
    account.batchget()
    token_request, batchget_request = wechat.state.requests
    assert token_request.body["secret"] == "***" and token_request.body["appid"] == wechat.state.appid
    assert batchget_request.query["access_token"] == "***"
    recorded = repr(wechat.state.requests)
    assert wechat.state.secret not in recorded and account.token not in recorded


def test_every_request_is_recorded_with_its_fields(wechat, account):
    account.uploadimg(image())
    (request,) = wechat.state.requests
    assert request.endpoint == "uploadimg" and request.fields == ["media"]
    assert request.files[0]["filename"] == "photo.jpg" and request.http_status == 200
