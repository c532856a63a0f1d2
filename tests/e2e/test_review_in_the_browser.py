"""One article from draft to published, through the real admin in Chromium."""

import pytest

from columns.models import ArticlePage, SeriesPage
from columns.roles import assign_roles
from tests.factories import UserFactory

PASSWORD = "pass-for-tests"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def people(site_after_flush):
    def person(username, roles=(), columns=()):
        user = UserFactory(username=username, password=PASSWORD)
        assign_roles(user, roles, columns)
        return user

    return {
        "editor": person("bianji", columns=["laodongmei"]),
        "初审": person("chushen", roles=["初审"]),
        "复审": person("fushen", roles=["复审"]),
        "终审": person("zhongshen", roles=["终审"]),
    }


def approve_from_dashboard(page, live_server, username, title):
    """Wagtail's "awaiting your review" panel: open the row's menu, press 通过."""
    log_in(page, live_server, username)
    row = page.locator("section", has_text="等待你的审查").locator("tr", has_text=title)
    row.get_by_role("button").last.click()
    page.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_load_state("networkidle")


def test_article_goes_from_draft_to_published_through_three_reviews(new_page, live_server, people, screenshot):
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    title = "浏览器里走完三审的稿件"

    editor = new_page()
    log_in(editor, live_server, "bianji")
    editor.goto(f"{live_server.url}/admin/pages/add/columns/articlepage/{series.pk}/")
    editor.fill("#id_title", title)
    editor.fill("#id_summary", "一篇由浏览器测试写成的稿件。")
    editor.fill("#id_author", "李晓雯")
    editor.fill("#id_editor_in_charge", "王敏")
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/edit/")
    assert ArticlePage.objects.get(title=title).live is False

    editor.get_by_role("button", name="更多动作").click()
    editor.get_by_role("button", name="提交给三审").click()
    editor.wait_for_load_state("networkidle")
    screenshot(editor, "review-submitted")
    article = ArticlePage.objects.get(title=title)
    assert article.current_workflow_task.name == "初审"

    for step in ("初审", "复审", "终审"):
        reviewer = new_page()
        approve_from_dashboard(reviewer, live_server, people[step].username, title)
        screenshot(reviewer, f"review-approved-{people[step].username}")

    article.refresh_from_db()
    assert article.live
    reader = new_page({"width": 390, "height": 844})
    reader.goto(f"{live_server.url}{article.url}")
    assert reader.locator("h1").inner_text() == title
    screenshot(reader, "review-published-article")
