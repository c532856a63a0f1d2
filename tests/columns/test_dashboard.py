from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from columns.models import ArticlePage
from tests.admin_driver import PageEditor
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_my_drafts_lists_my_unsubmitted_articles_only(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="draft", title="还没提交的草稿")
    editor.add_article(series, action="submit", title="已经提交的稿件")
    ArticlePageFactory(parent=series, live=False, title="别人的草稿")

    html = dashboard(editor.client)

    drafts = html[html.index("我的草稿") :]
    drafts = drafts[: drafts.index("</section>")]
    assert "还没提交的草稿" in drafts
    assert "已经提交的稿件" not in drafts and "别人的草稿" not in drafts


def test_review_queue_shows_each_step_to_its_reviewers(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="等待初审的稿件")
    first = Client()
    first.force_login(make_staff("chushen", roles=["初审"]))
    second = Client()
    second.force_login(make_staff("fushen", roles=["复审"]))

    first_html, second_html = dashboard(first), dashboard(second)

    assert "初审（1）" in first_html and "等待初审的稿件" in first_html
    assert "复审（0）" in second_html and "等待初审的稿件" not in second_html


def test_scheduled_panel_lists_what_goes_live_in_the_next_seven_days(superuser, series, client):
    soon = timezone.now() + timedelta(days=2)
    later = timezone.now() + timedelta(days=10)
    for title, when in (("后天上线的稿件", soon), ("十天后上线的稿件", later)):
        article = ArticlePageFactory(parent=series, live=False, title=title, go_live_at=when)
        article.save_revision(approved_go_live_at=when)
    client.force_login(superuser)

    html = dashboard(client)

    assert "后天上线的稿件" in html
    assert "十天后上线的稿件" not in html


def reviewer(make_staff, username, *roles):
    return PageEditor(Client(), make_staff(username, roles=roles))


def review_queue(client):
    html = dashboard(client)
    queue = html[html.index("等待我审核") :]
    return queue[: queue.index("</section>")]


def test_a_reviewer_sees_each_article_once(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="等待初审的稿件")

    html = dashboard(reviewer(make_staff, "chushen", "初审").client)

    assert html.count("等待初审的稿件") == 1


def test_an_article_is_not_offered_to_a_reviewer_who_may_not_pass_it(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="等待初审的稿件")
    first, colleague = reviewer(make_staff, "chushen", "初审"), reviewer(make_staff, "chushen2", "初审")
    first.edit(ArticlePage.objects.get(title="等待初审的稿件"), action="draft", summary="初审改了摘要")

    assert "等待初审的稿件" not in review_queue(first.client)
    offered = review_queue(colleague.client)
    assert "等待初审的稿件" in offered and "data-workflow-action-url" in offered


def test_a_step_nobody_may_pass_says_so_to_its_reviewers_and_administrators(make_staff, series, superuser):
    author = PageEditor(Client(), make_staff("bianji", roles=["初审"], columns=["laodongmei"]))
    author.add_article(series, action="submit", title="作者自己是唯一的初审")
    chief = Client()
    chief.force_login(superuser)

    for client in (author.client, chief):
        queue = review_queue(client)
        assert "作者自己是唯一的初审" in queue and "本步骤没有可审核的人员" in queue
        assert "data-workflow-action-url" not in queue


@pytest.mark.parametrize(
    ("steps", "said"),
    [
        (("初审",), "已通过初审，已转复审"),
        (("初审", "复审"), "已通过复审，已转终审"),
        (("初审", "复审", "终审"), "已通过终审，已发布"),
    ],
    ids=["first", "second", "final"],
)
def test_approving_from_the_dashboard_says_what_happened(make_staff, series, steps, said):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="审核中的稿件")
    article = ArticlePage.objects.get(title="审核中的稿件")
    for number, step in enumerate(steps):
        last = reviewer(make_staff, f"reviewer{number}", step)
        last.approve(article)

    assert said in dashboard(last.client)


def test_rejecting_from_the_dashboard_says_what_happened(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="审核中的稿件")
    first = reviewer(make_staff, "chushen", "初审")

    first.reject(ArticlePage.objects.get(title="审核中的稿件"), comment="请核实数据")

    assert "已退回修改" in dashboard(first.client)


def test_publications_without_review_are_listed_for_the_chief_editor(make_staff, series):
    administrator = PageEditor(Client(), make_staff("guanli", roles=["管理员"]))
    administrator.add_article(series, action="publish", title="紧急更正")

    html = dashboard(reviewer(make_staff, "zhongshen", "终审").client)

    listed = html[html.index("未经三审发布") :]
    assert "紧急更正" in listed[: listed.index("</section>")]
    assert "未经三审发布" not in dashboard(reviewer(make_staff, "chushen", "初审").client)


def test_the_review_queue_still_shows_a_submission_whose_author_left(make_staff, series):
    author = make_staff("likai", columns=["laodongmei"])
    editor = PageEditor(Client(), author)
    editor.add_article(series, action="submit", title="作者已离职的稿件")
    author.delete()
    reviewer = Client()
    reviewer.force_login(make_staff("chushen", roles=["初审"]))

    html = dashboard(reviewer)

    assert "作者已离职的稿件" in html
