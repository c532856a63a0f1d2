"""What every page carries: footer records, mourning mode, share cards, the QR code, robots and sitemap."""

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import segno
from wagtail.models import Site

from columns.models import SiteSettings
from tests.factories import ArticlePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # rendering and signing: the database engine changes nothing here


@pytest.fixture
def site_settings():
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.icp_record = "皖ICP备12345678号-1"
    settings.public_security_record = "皖公网安备34060202000123号"
    settings.complaint_phone = "0561-1234567"
    settings.complaint_email = "jubao@example.cn"
    settings.organisation = "淮北市总工会"
    settings.save()
    return settings


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_footer_links_the_icp_record_to_the_miit_registry(client, site_settings):
    html = client.get("/").content.decode()
    assert '<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">皖ICP备12345678号-1</a>' in html


def test_footer_links_the_public_security_record_by_its_number(client, site_settings):
    html = client.get("/laodongmei/").content.decode()
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=34060202000123"' in html
    assert "皖公网安备34060202000123号" in html


def test_footer_gives_the_complaint_phone_and_email(client, site_settings):
    html = client.get("/").content.decode()
    assert "违法和不良信息举报电话" in html and 'href="tel:0561-1234567"' in html
    assert 'href="mailto:jubao@example.cn"' in html


def test_settings_changes_reach_pages_already_cached(client, site_settings):
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    site_settings.icp_record = "皖ICP备87654321号"
    site_settings.save()
    assert "皖ICP备87654321号" in client.get("/").content.decode()


def test_mourning_mode_greys_every_page_at_once(client, site_settings, series):
    article = ArticlePageFactory(parent=series)
    urls = ["/", "/laodongmei/", article.url, "/search/?q=劳动"]
    assert all('class="mourning"' not in client.get(url).content.decode() for url in urls)
    site_settings.mourning_mode = True
    site_settings.save()
    assert all('<html lang="zh-CN" class="mourning">' in client.get(url).content.decode() for url in urls)


def test_the_stylesheet_greys_the_mourning_class():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    assert re.search(r"html\.mourning\s*\{[^}]*filter:\s*grayscale\(100%\)", css)


def test_article_share_card_has_title_summary_and_absolute_cover(client, series, cover_image):
    article = ArticlePageFactory(parent=series, title="焊花里的青春", summary="一位青年焊工的十年。", cover_image=cover_image)
    html = client.get(article.url).content.decode()
    assert meta(html, "property", "og:title") == "焊花里的青春"
    assert meta(html, "property", "og:description") == "一位青年焊工的十年。"
    assert meta(html, "property", "og:type") == "article"
    image = meta(html, "property", "og:image")
    assert image.startswith("http://testserver/") and image.endswith((".jpg", ".png"))
    assert meta(html, "itemprop", "image") == image
    assert meta(html, "itemprop", "name") == "焊花里的青春"


def test_article_without_cover_shares_the_site_image(client, series, site_settings, cover_image):
    site_settings.share_image = cover_image
    site_settings.save()
    article = ArticlePageFactory(parent=series)
    assert meta(client.get(article.url).content.decode(), "property", "og:image").startswith("http://testserver/")


def test_every_page_type_has_an_open_graph_title(client, series):
    article = ArticlePageFactory(parent=series, title="每种页面")
    article.tags.add("劳模")
    article.save_revision().publish()
    for url in ["/", "/laodongmei/", "/laodongmei/laomo-fengcai/", article.url, "/tags/劳模/"]:
        assert meta(client.get(url).content.decode(), "property", "og:title"), url


def test_a_title_with_markup_is_escaped_in_the_page_and_the_card(client, series):
    article = ArticlePageFactory(parent=series, title='<script>alert(1)</script>"劳模', summary="<img src=x onerror=alert(1)>")
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert meta(html, "property", "og:title") == "&lt;script&gt;alert(1)&lt;/script&gt;&quot;劳模"


def qr_of(url):
    return segno.make_qr(url, error="m").svg_inline(scale=4, border=2, dark="#1f2328")


def test_qr_code_encodes_a_page_of_this_site_at_its_configured_address(client, settings):
    settings.SITE_URL = "https://news.example.cn/"
    response = client.get("/qr.svg", {"path": "/laodongmei/"}, HTTP_HOST="attacker.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.decode() == qr_of("https://news.example.cn/laodongmei/")


def test_qr_code_without_a_configured_address_uses_the_wagtail_sites_root_url(client, settings):
    settings.SITE_URL = ""
    assert client.get("/qr.svg", {"path": "/a/"}).content.decode() == qr_of("http://localhost/a/")


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/", "http://evil.example/", "javascript:alert(1)", "", "/" + "a" * 400,
        "/\tevil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\\evil.example", "/\\/evil.example",
        "/ /evil.example", "/\x7f", "/\u3000/evil.example",
    ],
)  # fmt: skip
def test_qr_code_refuses_anything_but_a_path_here(client, path):
    response = client.get("/qr.svg", {"path": path})
    assert response.status_code == 400
    assert "本站" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["path=/%09/evil.example", "path=/%0a/evil.example", "path=/%0d/evil.example", "path=/%5cevil.example"]
)
def test_qr_code_refuses_encoded_control_characters_in_the_raw_query(client, query):
    assert client.get(f"/qr.svg?{query}").status_code == 400


def test_article_page_shows_the_qr_code_to_desktop_readers_only(client, series):
    article = ArticlePageFactory(parent=series)
    html = client.get(article.url).content.decode()
    assert f'src="/qr.svg?path={article.url}"' in html.replace("%2F", "/")
    assert 'loading="lazy"' in html


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_live_articles_and_not_drafts(client, series):
    live = ArticlePageFactory(parent=series, title="在地图上")
    draft = ArticlePageFactory(parent=series, title="草稿", live=False)
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    section = index.find(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemap/{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    ).text
    sitemap = ElementTree.fromstring(client.get(urlsplit(section).path).content)
    paths = [urlsplit(element.text).path for element in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert live.url in paths
    assert draft.url not in paths
    assert "/laodongmei/" in paths


def canonical(html):
    match = re.search(r'<link rel="canonical" href="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.fixture
def shown(series):
    """One page of each kind, by kind: the paths a reader opens."""
    from media_center.models import Video

    article = ArticlePageFactory(parent=series)
    article.tags.add("劳模")
    article.save_revision().publish()
    video = Video.objects.create(title="招聘会回放", status="ready", is_public=True)
    return {
        "home": "/", "column": "/laodongmei/", "series": "/laodongmei/laomo-fengcai/", "article": article.url,
        "tag": "/tags/%E5%8A%B3%E6%A8%A1/", "video": f"/videos/{video.pk}/",
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["home", "column", "series", "article", "tag", "video"])
def test_canonical_and_og_url_are_one_address_on_the_configured_base_url(client, settings, shown, kind):
    settings.SITE_URL = "https://news.example.cn/"
    html = client.get(shown[kind], HTTP_HOST="attacker.example").content.decode()
    assert canonical(html) == meta(html, "property", "og:url") == "https://news.example.cn" + shown[kind]


def test_a_listings_later_page_is_its_own_canonical_address(client, settings, series):
    settings.SITE_URL = "https://news.example.cn"
    for _number in range(21):
        ArticlePageFactory(parent=series)
    html = client.get("/laodongmei/?page=2").content.decode()
    assert canonical(html) == meta(html, "property", "og:url") == "https://news.example.cn/laodongmei/?page=2"


def test_canonical_address_follows_a_reader_who_came_over_https(client, settings):
    settings.SITE_URL = "http://news.example.cn"
    html = client.get("/laodongmei/", secure=True).content.decode()
    assert canonical(html) == meta(html, "property", "og:url") == "https://news.example.cn/laodongmei/"
