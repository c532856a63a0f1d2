"""The Content-Security-Policy in the browser: the check itself works, the counter and the player run under
the strict policy, and with the videos in S3 the bucket's origin is allowed where the player needs it.

Every other browser test runs under the policy too: the `csp_violations` fixture (conftest.py) fails any
test whose pages log a violation.
"""

import pytest
from playwright.sync_api import Error

from media_center.ingest import ingest_file
from tests.factories import ArticlePageFactory
from tests.media import generate_video

PHONE = {"width": 390, "height": 844}


def policy_of(response):
    """The enforced policy as {directive: [sources]} (django-csp writes the directives in no fixed order)."""
    header = response.headers["content-security-policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


@pytest.fixture
def article(site_after_flush, series):
    return ArticlePageFactory(parent=series, title="劳模工作室开放日", summary="欢迎职工参观。")


def test_an_injected_inline_script_is_refused_and_recorded_as_a_violation(new_page, live_server, article, csp_violations):
    page = new_page(PHONE)
    response = page.goto(live_server.url + article.url)
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"] and "'unsafe-inline'" not in policy["style-src"]

    refused = lambda message: "Content Security Policy" in message.text  # noqa: E731
    with page.expect_console_message(refused), pytest.raises(Error, match="add_script_tag"):
        page.add_script_tag(content="window.injected = true;")
    with page.expect_console_message(refused):
        page.evaluate("() => { document.body.setAttribute('onclick', 'window.injected = true'); document.body.click(); }")

    assert page.evaluate("() => window.injected") is None
    said = [text for _address, text in csp_violations]
    assert len(said) == 2, said
    assert "inline script" in said[0] and "script-src 'self'" in said[0]
    assert "inline event handler" in said[1] and "script-src 'self'" in said[1]
    assert all(address == live_server.url + article.url for address, _text in csp_violations)
    csp_violations.clear()  # provoked on purpose: the teardown check would otherwise fail this test


def test_the_counter_beacon_is_sent_under_the_policy(new_page, live_server, article):
    page = new_page(PHONE)
    with page.expect_request(f"**/stats/hit/page/{article.pk}/") as beacon:
        page.goto(live_server.url + article.url)
    assert beacon.value.method == "POST"
    assert beacon.value.response().status == 204


@pytest.fixture
def video_on_s3(site_after_flush, settings, tmp_path):
    """A public video whose files are in a bucket of a real S3 server (SeaweedFS on loopback)."""
    from django.core.files.storage import storages

    from tests import seaweedfs

    with seaweedfs.seaweedfs(tmp_path / "seaweedfs") as endpoint:
        seaweedfs.client(endpoint).create_bucket(Bucket="csp-videos")
        settings.STORAGES = {
            **settings.STORAGES,
            "videos": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "csp-videos", "endpoint_url": endpoint, "region_name": "us-east-1",
                    "access_key": seaweedfs.ACCESS_KEY, "secret_key": seaweedfs.SECRET_KEY,
                    "addressing_style": "path", "signature_version": "s3v4", "default_acl": None,
                    "querystring_auth": True, "file_overwrite": True,
                },
            },
        }  # fmt: skip
        settings.VIDEO_WORK_DIR = tmp_path / "work"
        storages._storages = {}
        video = ingest_file(generate_video(tmp_path / "talk.mp4", seconds=6), title="对象存储里的回放", is_public=True)
        video.refresh_from_db()
        assert video.status == "ready", video.failure_reason
        yield video, endpoint
        storages._storages = {}


def test_a_video_in_s3_plays_with_hls_js_under_the_policy(new_page, live_server, video_on_s3):
    video, endpoint = video_on_s3
    page = new_page(PHONE)
    from_bucket = []
    page.on("requestfinished", lambda request: from_bucket.append(request.url) if request.url.startswith(endpoint) else None)
    response = page.goto(f"{live_server.url}/videos/{video.pk}/")
    policy = policy_of(response)
    for directive in ("img-src", "media-src", "connect-src"):
        assert endpoint in policy[directive], (directive, policy[directive])

    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine")
    assert page.locator("figure.player").get_attribute("data-engine") == "hls.js"
    page.evaluate("() => { const video = document.querySelector('video'); video.muted = true; video.play().catch(() => {}); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5", timeout=30_000)
    assert any(".ts" in url or ".m4s" in url or ".mp4" in url for url in from_bucket), from_bucket  # segments from the bucket
