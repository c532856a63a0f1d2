"""The admin asks nothing of other hosts: no avatars from gravatar, no release check, no embeds fetched."""

from urllib.parse import urlsplit

import pytest

from columns.models import SeriesPage
from tests.factories import ArticlePageFactory, UserFactory

PASSWORD = "pass-for-tests"


@pytest.fixture
def chief(site_after_flush):
    """A superuser with an e-mail address: gravatar and the release check would both show up for them."""
    UserFactory(username="bianji", email="bianji@example.cn", first_name="李晓雯")
    return UserFactory(username="zongbian", email="zongbian@example.cn", password=PASSWORD, is_superuser=True)


def test_the_admin_requests_only_its_own_site(new_page, live_server, chief, cover_image):
    link_card = {"url": "https://weibo.com/1234567890/Ab3dEf", "title": "市总工会的微博", "summary": "", "image": cover_image}
    article = ArticlePageFactory(
        parent=SeriesPage.objects.get(slug="laomo-fengcai"), cover_image=cover_image, body=[("link_card", link_card)]
    )
    site = urlsplit(live_server.url).netloc
    outside = []
    page = new_page()
    page.on("request", lambda request: outside.append(request.url) if urlsplit(request.url).netloc != site else None)
    page.route("**/*", lambda route: route.abort() if urlsplit(route.request.url).netloc != site else route.continue_())

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", chief.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{article.get_parent().pk}/",
        f"/admin/pages/{article.pk}/edit/",
        "/admin/images/",
        f"/admin/images/{cover_image.pk}/",
        "/admin/users/",
        f"/admin/users/edit/{chief.pk}/",
        "/admin/account/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.locator("[data-side-panel-toggle=preview]").click()
    page.frame_locator("#w-preview-iframe").locator(".block-link-card").wait_for()
    page.wait_for_load_state("networkidle")

    assert outside == []
