"""The public site as most readers see it: a 390×844 phone screen, in Chromium."""

import pytest
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from columns.models import SeriesPage, SiteSettings
from media_center.ingest import ingest_file
from tests.factories import ArticlePageFactory
from tests.media import generate_video

pytestmark = pytest.mark.once  # how a phone renders the pages; the engine behind them is tested elsewhere
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def articles(site_after_flush, cover_image):
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    backend = get_search_backend()
    created = [
        ArticlePageFactory(
            parent=series,
            title=f"焊工张建国：三十年守在焊花里（第{number}篇）",
            summary="他获得全国劳动模范称号，带出了四十多位徒弟。",
            cover_image=cover_image,
            body=[("paragraph", "<p>清晨六点，车间里已经亮起了焊花。" * 20 + "</p>")],
        )
        for number in range(3)
    ]
    created.append(
        ArticlePageFactory(
            parent=SeriesPage.objects.get(slug="wenhuagong-dongtai"),
            title="工人文化宫春季招聘会开幕",
            summary="八百个岗位，现场还有直播荐岗。",
        )
    )
    for article in created:
        backend.add(article)
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.icp_record = "皖ICP备12345678号-1"
    settings.save()
    return created


@pytest.fixture
def public_video(site_after_flush, tmp_path, isolated_video_storage):
    source = generate_video(tmp_path / "job-fair.mp4", seconds=8)
    video = ingest_file(source, title="直播荐岗第三期回放", is_public=True)
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    video.chapters = "00:00 开场\n00:04 企业介绍"
    video.save()
    return video


def fits_the_screen(page):
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_home_column_and_article_read_well_on_a_phone(new_page, live_server, articles, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    assert page.locator(".lead-title").inner_text().startswith("焊工张建国")
    assert page.locator(".column-block h2").count() == 10
    assert fits_the_screen(page)
    screenshot(page, "site-home-phone")

    page.get_by_role("navigation", name="版块").get_by_role("link", name="劳动美").click()
    page.wait_for_url("**/laodongmei/")
    assert page.locator(".article-item").count() == 3
    assert fits_the_screen(page)
    screenshot(page, "site-column-phone")

    page.locator(".article-item a").first.click()
    page.wait_for_selector("article.article h1")
    assert "焊工张建国" in page.locator("h1").inner_text()
    assert page.locator(".site-footer").inner_text().count("皖ICP备12345678号-1") == 1
    assert not page.locator(".share-qr").is_visible(), "the QR code is for desktop readers"
    assert fits_the_screen(page)
    screenshot(page, "site-article-phone")


def test_article_works_without_javascript(browser, live_server, articles):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + articles[0].url)
    assert "焊工张建国" in page.locator("h1").inner_text()
    page.fill(".site-search input", "招聘")
    page.press(".site-search input", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-result").count() == 1
    context.close()


def test_search_finds_chinese_words_and_filters_by_column(new_page, live_server, articles, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    page.fill(".site-search input", "劳动")
    page.press(".site-search input", "Enter")
    page.wait_for_selector(".search-result")
    assert page.locator(".search-result").count() == 3
    assert page.locator(".search-result mark").first.inner_text() == "劳动"
    screenshot(page, "site-search-phone")

    page.fill(".search-form input[name=q]", "招聘")
    page.select_option(".search-form select", "laodongmei")
    page.click(".search-form button")
    page.wait_for_selector(".result-count")
    assert page.locator(".search-result").count() == 0
    page.select_option(".search-form select", "gonghuodong")
    page.click(".search-form button")
    page.wait_for_selector(".search-result")
    assert page.locator(".search-result h3").inner_text() == "工人文化宫春季招聘会开幕"


def test_mourning_mode_greys_the_page(new_page, live_server, articles):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.mourning_mode = True
    settings.save()
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    assert page.evaluate("getComputedStyle(document.documentElement).filter") == "grayscale(1)"


def play(page):
    """Press play, muted as browsers require without a real tap; a switch of source may interrupt it."""
    page.evaluate("() => { const video = document.querySelector('video'); video.muted = true; video.play().catch(() => {}); }")


def test_player_plays_hls_with_storyboard_and_chapters(new_page, live_server, public_video, screenshot):
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/videos/{public_video.pk}/")
    page.wait_for_function("document.querySelector('figure.player').dataset.engine")
    assert page.locator("figure.player").get_attribute("data-engine") == "hls.js"
    play(page)
    page.wait_for_function("document.querySelector('video').currentTime > 1.5", timeout=30_000)
    page.wait_for_function("Number(document.querySelector('figure.player').dataset.storyboardCues) > 0")

    bar = page.locator(".scrubber").bounding_box()
    page.mouse.move(bar["x"] + bar["width"] * 0.75, bar["y"] + bar["height"] / 2)
    preview = page.locator(".scrubber-preview")
    assert preview.is_visible()
    assert "storyboard_001.jpg" in preview.evaluate("node => node.style.backgroundImage")
    assert page.locator(".scrubber-mark").count() == 1  # the second chapter's start
    screenshot(page, "site-video-phone")

    page.get_by_role("link", name="企业介绍").click()
    page.wait_for_function("document.querySelector('video').currentTime >= 4")
    page.wait_for_selector(".chapters li.current:has-text('企业介绍')")
    assert fits_the_screen(page)


def test_player_falls_back_to_mp4_when_hls_cannot_load(new_page, live_server, public_video):
    page = new_page(PHONE)
    page.route("**/playlist/**", lambda route: route.abort("connectionrefused"))
    page.goto(f"{live_server.url}/videos/{public_video.pk}/")
    play(page)
    page.wait_for_function("document.querySelector('figure.player').dataset.engine === 'mp4'", timeout=30_000)
    page.wait_for_function("document.querySelector('video').currentTime > 1", timeout=30_000)
