"""The public site as most readers see it: a 390×844 phone screen, in Chromium."""

import pytest
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from columns.models import SeriesPage, SiteSettings
from media_center.ingest import ingest_file
from tests.factories import ArticlePageFactory
from tests.media import generate_video

PHONE = {"width": 390, "height": 844}
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


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
    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine")
    assert page.locator("figure.player").get_attribute("data-engine") == "hls.js"
    play(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5", timeout=30_000)
    page.wait_for_function("() => Number(document.querySelector('figure.player').dataset.storyboardCues) > 0")

    bar = page.locator(".scrubber").bounding_box()
    page.mouse.move(bar["x"] + bar["width"] * 0.75, bar["y"] + bar["height"] / 2)
    preview = page.locator(".scrubber-preview")
    assert preview.is_visible()
    assert "storyboard_001.jpg" in preview.evaluate("node => node.style.backgroundImage")
    assert page.locator(".scrubber-mark").count() == 1  # the second chapter's start
    screenshot(page, "site-video-phone")

    page.get_by_role("link", name="企业介绍").click()
    page.wait_for_function("() => document.querySelector('video').currentTime >= 4")
    page.wait_for_selector(".chapters li.current:has-text('企业介绍')")
    assert fits_the_screen(page)


def test_player_falls_back_to_mp4_when_hls_cannot_load(new_page, live_server, public_video):
    page = new_page(PHONE)
    page.route("**/playlist/**", lambda route: route.abort("connectionrefused"))
    page.goto(f"{live_server.url}/videos/{public_video.pk}/")
    play(page)
    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine === 'mp4'", timeout=30_000)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=30_000)


def test_a_missing_page_keeps_the_sites_header_search_and_way_home(new_page, live_server, settings, articles, screenshot):
    settings.DEBUG = False  # as `make run` serves readers unless DJANGO_DEBUG=1
    page = new_page(PHONE)
    response = page.goto(live_server.url + "/laodongmei/no-such-article/")
    assert response.status == 404
    assert page.locator(".site-header .site-name").is_visible()
    assert page.get_by_role("search").first.locator("input[name=q]").is_visible()
    assert fits_the_screen(page)
    screenshot(page, "site-404-phone")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_selector(".lead-title")


def body_font_size(page):
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def body_line_spacing(page):
    return page.evaluate("(style => parseFloat(style.lineHeight) / parseFloat(style.fontSize))(getComputedStyle(document.body))")


def test_large_text_switch_enlarges_the_text_and_is_remembered_across_pages(new_page, live_server, articles, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    normal = body_font_size(page)
    switch = page.get_by_role("button", name="大字")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert body_font_size(page) >= normal * 1.2
    assert body_line_spacing(page) >= 1.8
    assert fits_the_screen(page)
    screenshot(page, "site-home-large-text-phone")

    page.locator(".article-item a").first.click()
    page.wait_for_selector("article.article h1")
    assert body_font_size(page) >= normal * 1.2
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    assert fits_the_screen(page)
    screenshot(page, "site-article-large-text-phone")

    page.get_by_role("button", name="大字").click()
    page.reload()
    assert body_font_size(page) == normal


def test_large_text_switch_is_hidden_without_javascript(browser, live_server, articles):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator(".text-size-switch").count() == 1
    assert not page.locator(".text-size-switch").is_visible()
    context.close()


def test_the_site_has_an_icon_and_answers_favicon_ico(new_page, live_server, articles):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + icon).headers["content-type"].startswith("image/svg+xml")
    legacy = page.request.get(live_server.url + "/favicon.ico")
    assert legacy.ok and legacy.url.endswith(icon)


def test_article_byline_wraps_between_items_never_inside_a_name(new_page, live_server, site_after_flush):
    article = ArticlePageFactory(
        parent=SeriesPage.objects.get(slug="laomo-fengcai"), source="市总工会宣传部", author="张建国 李明华 王小红"
    )
    page = new_page(PHONE)
    page.goto(live_server.url + article.url)
    lines_per_item = page.eval_on_selector_all(".byline > *", "items => items.map(item => item.getClientRects().length)")
    tops = page.eval_on_selector_all(".byline > *", "items => new Set(items.map(item => item.getBoundingClientRect().top)).size")
    assert lines_per_item == [1, 1, 1]
    assert tops > 1, "the byline is too long for one line on a phone"


@pytest.fixture
def listed_video(site_after_flush):
    from media_center.models import Video

    return Video.objects.create(title="直播荐岗第三期回放", status="ready", is_public=True, duration=205)


def test_latest_video_cards_show_a_play_badge_and_the_duration(new_page, live_server, listed_video, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    card = page.locator(".videos-block .video-item").first
    assert card.locator(".video-play").inner_text().startswith("▶")
    assert card.locator(".video-duration").inner_text().endswith("03:25")
    assert card.locator(".video-play").is_visible() and card.locator(".video-duration").is_visible()
    screenshot(page, "site-home-videos-phone")


def native_timelines(page):
    """The display of the browser's own progress bars, read from the video controls' shadow tree."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    found = []

    def walk(node):
        attributes = node.get("attributes", [])
        if "pseudo" in attributes and attributes[attributes.index("pseudo") + 1] == "-webkit-media-controls-timeline":
            style = session.send("CSS.getComputedStyleForNode", {"nodeId": node["nodeId"]})["computedStyle"]
            found.append(next(item["value"] for item in style if item["name"] == "display"))
        for child in node.get("children", []) + node.get("shadowRoots", []):
            walk(child)

    walk(session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"])
    return found


def test_video_page_shows_one_progress_bar(new_page, live_server, listed_video):
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/videos/{listed_video.pk}/")
    page.wait_for_selector("figure.player.has-scrubber .scrubber")
    assert native_timelines(page) == ["none"]
    assert page.locator("video").get_attribute("controls") is not None  # fullscreen stays the browser's


def test_on_an_iphone_the_video_keeps_its_own_controls_alone(browser, live_server, listed_video):
    context = browser.new_context(viewport=PHONE, user_agent=IPHONE_SAFARI)
    page = context.new_page()
    page.goto(f"{live_server.url}/videos/{listed_video.pk}/")
    page.wait_for_function("() => document.querySelector('figure.player').dataset.engine")
    assert page.locator(".scrubber").count() == 0
    assert native_timelines(page) == ["block"]
    assert page.locator("video").get_attribute("controls") is not None
    context.close()
