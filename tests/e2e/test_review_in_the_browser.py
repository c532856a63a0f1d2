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
    """The 等待我审核 panel: open the row's menu, press 通过."""
    log_in(page, live_server, username)
    row = page.locator("section", has_text="等待我审核").locator("tr", has_text=title)
    row.get_by_role("button").last.click()
    page.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_load_state("networkidle")


def submit_article(new_page, live_server, title):
    """Written and submitted by the editor in the browser, as in the newsroom."""
    series = SeriesPage.objects.get(slug="laomo-fengcai")
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
    return editor, ArticlePage.objects.get(title=title)


def approve_on_the_edit_page(page, live_server, username, article, summary=None):
    """As a reviewer: open the article, change the summary if asked, press 通过 in the save menu."""
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    if summary is not None:
        page.fill("#id_summary", summary)
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/")


def current_step(article):
    article.refresh_from_db()
    return article.current_workflow_task.name


def test_article_goes_from_draft_to_published_through_three_reviews(new_page, live_server, people, screenshot):
    title = "浏览器里走完三审的稿件"
    editor, article = submit_article(new_page, live_server, title)
    screenshot(editor, "review-submitted")
    assert current_step(article) == "初审"

    for step, said in (("初审", "已通过初审，已转复审"), ("复审", "已通过复审，已转终审"), ("终审", "已通过终审，已发布")):
        reviewer = new_page()
        approve_from_dashboard(reviewer, live_server, people[step].username, title)
        assert said in reviewer.locator(".messages").inner_text()
        screenshot(reviewer, f"review-approved-{people[step].username}")

    article.refresh_from_db()
    assert article.live
    reader = new_page({"width": 390, "height": 844})
    reader.goto(f"{live_server.url}{article.url}")
    assert reader.locator("h1").inner_text() == title
    screenshot(reader, "review-published-article")


def test_reviewers_approve_on_the_edit_page_without_changing_anything(new_page, live_server, people, screenshot):
    _editor, article = submit_article(new_page, live_server, "在编辑页通过的稿件")

    for step, said, next_step in (("初审", "已通过初审，已转复审", "复审"), ("复审", "已通过复审，已转终审", "终审")):
        reviewer = new_page()
        approve_on_the_edit_page(reviewer, live_server, people[step].username, article)
        screenshot(reviewer, f"review-edit-page-approved-{people[step].username}")
        messages = reviewer.locator(".messages").inner_text()
        assert said in messages and "没有权限" not in messages
        assert current_step(article) == next_step


def test_a_reviewer_who_changes_the_article_and_approves_sends_it_back_to_first_review(new_page, live_server, people, screenshot):
    _editor, article = submit_article(new_page, live_server, "复审改过的稿件")
    approve_from_dashboard(new_page(), live_server, "chushen", "复审改过的稿件")

    reviewer = new_page()
    approve_on_the_edit_page(reviewer, live_server, "fushen", article, summary="复审改写了摘要。")

    screenshot(reviewer, "review-edit-page-changed")
    assert "稿件已修改，已退回“初审”重新审核" in reviewer.locator(".messages").inner_text()
    assert current_step(article) == "初审"
    assert article.get_latest_revision().user.username == "fushen"
