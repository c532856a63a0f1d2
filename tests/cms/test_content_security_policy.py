"""The Content-Security-Policy headers (core/csp.py, settings "Content-Security-Policy (django-csp)"):
strict on the public site, relaxed on the admin, the S3 bucket's origin where files come from it."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.storage import storages

from cms.settings.base import s3_storages
from core import csp
from tests.factories import ArticlePageFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
KEYWORDS = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def policy_of(response):
    """The enforced policy as {directive: [sources]}."""
    assert "Content-Security-Policy-Report-Only" not in response
    return {name: sources for name, *sources in (part.split() for part in response["Content-Security-Policy"].split(";"))}


class InlineCode(HTMLParser):
    """Scripts without src (JSON data blocks aside), nonces, event-handler and style attributes, <style> elements."""

    def __init__(self):
        super().__init__()
        self.found, self.nonces, self.scripts = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            if "src" not in attrs and attrs.get("type") not in {"application/json", "application/ld+json"}:
                self.found.append(f"<script> without src: {attrs}")
        if "nonce" in attrs:
            self.nonces.append(attrs["nonce"])
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on") or name == "style"]


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser


@pytest.fixture
def article(series):
    return ArticlePageFactory(parent=series, title="劳模工作室开放日", summary="欢迎职工参观。")


@pytest.fixture
def s3(settings, monkeypatch):
    """Media and videos in S3, built by the same function as in production (cms/settings/base.py
    s3_storages): the images' bucket path-style on the endpoint, the videos' bucket virtual-hosted."""
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("S3_BUCKET", "umc-media")
    monkeypatch.setenv("S3_VIDEO_BUCKET", "umc-videos")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://oss-cn-hangzhou.aliyuncs.com")
    built = s3_storages()
    built["videos"]["OPTIONS"]["addressing_style"] = "virtual"
    settings.STORAGES = {**settings.STORAGES, **built}
    yield ["https://oss-cn-hangzhou.aliyuncs.com", "https://umc-videos.oss-cn-hangzhou.aliyuncs.com"]
    storages._storages = {}


@pytest.mark.django_db
def test_the_public_pages_get_the_strict_policy_and_run_no_inline_code(client, home, article):
    for url in ("/", article.url, article.get_parent().url, "/search/?q=劳模", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert policy_of(response) == STRICT, url
        assert "nonce-" not in response["Content-Security-Policy"]  # cached pages are served to everyone alike
        page = inline_code(response.content.decode())
        assert page.found == [], url
        assert page.nonces == [], url  # no nonce in the header: none to match
        assert page.scripts, url  # 大字 at least, as a file


@pytest.mark.django_db
def test_a_page_from_the_page_cache_gets_the_policy_too(client, article):
    client.get(article.url)
    cached = client.get(article.url)
    assert cached["X-Page-Cache"] == "hit"
    assert policy_of(cached) == STRICT


@pytest.mark.django_db
def test_the_admin_gets_the_relaxed_policy_still_from_no_other_origin(client, superuser):
    policy = policy_of(client.get("/admin/login/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert {source for sources in policy.values() for source in sources} <= KEYWORDS, policy
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert policy_of(response)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "nonce-" not in response["Content-Security-Policy"]  # a nonce would turn 'unsafe-inline' off


@pytest.mark.django_db
def test_with_s3_the_buckets_origins_are_allowed_for_images_media_and_xhr_only(client, home, superuser, s3):
    assert csp.storage_origins() == sorted(s3)
    assert storages["videos"].url("videos/1/hls/master.m3u8").startswith(s3[1] + "/")  # what the player is given

    public = policy_of(client.get("/"))
    client.force_login(superuser)
    admin = policy_of(client.get("/admin/"))
    for policy, strict in ((public, STRICT), (admin, None)):
        for directive in csp.STORAGE_DIRECTIVES:
            assert set(s3) <= set(policy[directive]), (directive, policy[directive])
        for directive in ("default-src", "script-src", "style-src", "worker-src", "form-action"):
            assert not set(s3) & set(policy[directive]), directive
        if strict:
            assert {name: [s for s in sources if s not in s3] for name, sources in policy.items()} == strict


def test_without_s3_every_file_is_our_own():
    assert csp.storage_origins() == []


def public_templates():
    for template in sorted(TEMPLATES.rglob("*.html")):
        parts = template.relative_to(TEMPLATES).parts
        if not {"admin", "panels", "wagtailadmin", "wagtailusers"} & set(parts):
            yield template


@pytest.mark.parametrize("template", list(public_templates()), ids=lambda template: str(template.relative_to(TEMPLATES)))
def test_no_public_template_has_inline_code(template):
    """Caught here before a browser test: the strict policy would refuse any of these."""
    source = template.read_text()
    source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", "", source)  # template syntax out, so the HTML parses
    found = inline_code(source).found
    assert found == [], found
