"""三审 through the real admin views, as each role."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from columns.models import ArticlePage, SeriesPage
from columns.scheduling import run_due_publications
from tests.admin_driver import PageEditor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, make_staff):
    """One person per role; the editor writes for 劳动美 only. Each gets their own admin session."""
    from django.test import Client

    people = {
        "editor": make_staff("bianji", columns=["laodongmei"]),
        "first": make_staff("chushen", roles=["初审"]),
        "second": make_staff("fushen", roles=["复审"]),
        "final": make_staff("zhongshen", roles=["终审"]),
    }
    return {role: PageEditor(Client(), user) for role, user in people.items()}


def submitted_article(staff, series, **fields):
    response = staff["editor"].add_article(series, action="submit", **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ArticlePage.objects.get(title=fields.get("title", "劳模风采测试稿"))


def current_step(page):
    page.refresh_from_db()
    task = page.current_workflow_task
    return task.name if task else None


def test_editor_submits_and_the_three_steps_approve_in_turn_before_it_goes_live(staff, series):
    article = submitted_article(staff, series)
    assert (current_step(article), article.live) == ("初审", False)

    staff["first"].approve(article)
    assert (current_step(article), ArticlePage.objects.get(pk=article.pk).live) == ("复审", False)

    staff["second"].approve(article)
    assert (current_step(article), ArticlePage.objects.get(pk=article.pk).live) == ("终审", False)

    staff["final"].approve(article)
    article.refresh_from_db()
    assert article.live
    assert article.current_workflow_state is None


def test_a_step_cannot_be_approved_by_someone_outside_its_group(staff, series):
    article = submitted_article(staff, series)
    staff["second"].approve(article)  # 复审 trying to approve 初审
    assert current_step(article) == "初审"


def test_reviewer_who_edited_the_revision_cannot_approve_it(staff, series):
    article = submitted_article(staff, series)
    staff["first"].edit(article, action="draft", title="初审改过的标题")

    response = staff["first"].approve(article)

    assert response.status_code in (302, 403)
    assert current_step(article) == "初审"
    assert not TaskState.objects.filter(status=TaskState.STATUS_APPROVED).exists()


def test_reviewer_who_changes_and_approves_in_one_go_sends_it_back_instead(staff, series):
    article = submitted_article(staff, series)
    staff["first"].approve(article)

    staff["second"].edit(article, action="approve", summary="复审顺手改了摘要")

    assert current_step(article) == "初审"
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision().user.username == "fushen"


def test_approving_on_the_edit_page_without_a_change_passes_the_step(staff, series):
    article = submitted_article(staff, series)

    staff["first"].edit(article, action="approve")
    assert current_step(article) == "复审"
    staff["second"].edit(article, action="approve")
    assert current_step(article) == "终审"


def test_approving_on_the_edit_page_lands_a_reviewer_on_the_dashboard_not_the_page_tree(staff, series):
    article = submitted_article(staff, series)

    response = staff["first"].edit(article, action="approve")

    assert response.get("Location") == "/admin/"
    dashboard = staff["first"].client.get("/admin/").content.decode()
    assert "已通过初审，已转复审" in dashboard
    assert "没有权限" not in dashboard


def test_saving_without_a_change_during_review_keeps_the_step(staff, series):
    article = submitted_article(staff, series)
    staff["first"].approve(article)

    staff["second"].edit(article, action="draft")
    assert current_step(article) == "复审"
    staff["second"].approve(article)
    assert current_step(article) == "终审"


def test_one_person_in_all_three_groups_passes_only_one_step(staff, series, make_staff):
    from django.test import Client

    article = submitted_article(staff, series)
    everything = PageEditor(Client(), make_staff("quanneng", roles=["初审", "复审", "终审"]))

    everything.approve(article)
    assert current_step(article) == "复审"
    response = everything.approve(article)

    assert response.status_code == 403
    assert current_step(article) == "复审"
    staff["second"].approve(article)
    everything.approve(article)
    assert current_step(article) == "终审"


def test_wagtails_awaiting_my_review_leaves_out_what_the_reviewer_may_not_pass(staff, series, make_staff):
    from django.test import Client

    article = submitted_article(staff, series)
    everything = make_staff("quanneng", roles=["初审", "复审", "终审"])
    assert TaskState.objects.reviewable_by(everything).count() == 1

    PageEditor(Client(), everything).approve(article)

    assert not TaskState.objects.reviewable_by(everything).exists()
    assert TaskState.objects.reviewable_by(staff["second"].user).count() == 1


def test_editor_who_is_also_a_reviewer_cannot_pass_their_own_article_saved_last_by_someone_else(staff, series, make_staff):
    from django.test import Client

    author = PageEditor(Client(), make_staff("bianji2", roles=["初审"], columns=["laodongmei"]))
    author.add_article(series, action="submit", title="自己写的稿件")
    article = ArticlePage.objects.get(title="自己写的稿件")
    staff["first"].edit(article, action="draft", summary="初审补充了摘要")
    article.refresh_from_db()
    assert article.get_latest_revision().user.username == "chushen"

    response = author.approve(article)

    assert response.status_code == 403
    assert current_step(article) == "初审"


def test_reviewer_who_changed_the_article_cannot_pass_a_later_step(staff, series, make_staff):
    from django.test import Client

    article = submitted_article(staff, series)
    staff["first"].approve(article)
    staff["second"].edit(article, action="draft", summary="复审改了摘要")  # back to 初审
    staff["first"].edit(article, action="draft", summary="初审又改了摘要")  # saved last by someone else
    PageEditor(Client(), make_staff("chushen2", roles=["初审"])).approve(article)
    assert current_step(article) == "复审"

    response = staff["second"].approve(article)

    assert response.status_code == 403
    assert current_step(article) == "复审"


def test_the_edit_page_tells_a_reviewer_why_they_cannot_approve(staff, series, make_staff):
    from django.test import Client

    article = submitted_article(staff, series)
    both = PageEditor(Client(), make_staff("chufushen", roles=["初审", "复审"]))
    both.approve(article)

    html = both.client.get(f"/admin/pages/{article.pk}/edit/").content.decode()

    assert "三审须由三位不同的人完成" in html


def test_another_member_of_the_same_group_can_approve_the_edited_revision(staff, series, make_staff):
    from django.test import Client

    article = submitted_article(staff, series)
    staff["first"].edit(article, action="draft", title="初审改过的标题")
    colleague = PageEditor(Client(), make_staff("chushen2", roles=["初审"]))

    colleague.approve(article)

    assert current_step(article) == "复审"


def test_editing_during_a_later_step_sends_the_article_back_to_first_review(staff, series):
    article = submitted_article(staff, series)
    staff["first"].approve(article)
    staff["second"].approve(article)
    assert current_step(article) == "终审"

    staff["final"].edit(article, action="draft", summary="终审修改了摘要")

    assert current_step(article) == "初审"
    staff["first"].approve(article)
    staff["second"].approve(article)
    assert current_step(article) == "终审"
    staff["final"].approve(article)
    assert current_step(article) == "终审", "the chief editor edited this revision, so cannot approve it"


def test_rejection_without_a_comment_is_refused(staff, series):
    article = submitted_article(staff, series)

    response = staff["first"].reject(article, comment="")

    assert "退回时必须填写修改意见" in response.json()["html"]
    assert WorkflowState.objects.get(object_id=str(article.pk)).status == WorkflowState.STATUS_IN_PROGRESS


def test_rejection_comment_reaches_the_editor(staff, series):
    article = submitted_article(staff, series)

    staff["first"].reject(article, comment="第二段数据需要核实来源")

    assert WorkflowState.objects.get(object_id=str(article.pk)).status == WorkflowState.STATUS_NEEDS_CHANGES
    editor_view = staff["editor"].client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "第二段数据需要核实来源" in editor_view


def test_resubmitted_article_after_rejection_goes_through_review_again(staff, series):
    article = submitted_article(staff, series)
    staff["first"].reject(article, comment="请补充采访对象姓名")

    staff["editor"].edit(article, action="submit", summary="补充了采访对象姓名")

    assert current_step(article) == "初审"


def test_editor_cannot_publish_directly(staff, series):
    staff["editor"].add_article(series, action="publish", title="想直接发布的稿件")
    article = ArticlePage.objects.get(title="想直接发布的稿件")
    assert not article.live


def test_editor_of_one_column_is_refused_in_another_columns_series(staff):
    other_series = SeriesPage.objects.get(slug="lvshi-shuofa")
    response = staff["editor"].client.get(f"/admin/pages/add/columns/articlepage/{other_series.pk}/")
    assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_editor_cannot_edit_an_article_in_another_column(staff, make_staff):
    from tests.factories import ArticlePageFactory

    article = ArticlePageFactory(parent=SeriesPage.objects.get(slug="lvshi-shuofa"), title="维权版块的文章")
    response = staff["editor"].client.get(f"/admin/pages/{article.pk}/edit/")
    assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_final_approval_with_a_go_live_time_schedules_instead_of_publishing(staff, series):
    go_live = timezone.localtime() + timedelta(hours=2)
    article = submitted_article(staff, series, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    for step in ("first", "second", "final"):
        staff[step].approve(article)

    article.refresh_from_db()
    assert not article.live
    assert article.get_latest_revision().approved_go_live_at is not None


def test_scheduled_article_goes_live_when_the_scheduler_runs_after_its_time(staff, series, client):
    go_live = timezone.localtime() + timedelta(hours=2)
    article = submitted_article(staff, series, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    for step in ("first", "second", "final"):
        staff[step].approve(article)

    run_due_publications()
    assert not ArticlePage.objects.get(pk=article.pk).live

    with time_machine.travel(go_live + timedelta(seconds=30)):
        run = run_due_publications()

    assert run.published == 1
    assert ArticlePage.objects.get(pk=article.pk).live
    assert client.get(ArticlePage.objects.get(pk=article.pk).url).status_code == 200


def test_expired_article_disappears_when_the_scheduler_runs(series, client):
    from tests.factories import ArticlePageFactory

    expiry = timezone.now() + timedelta(days=3)
    article = ArticlePageFactory(parent=series, expire_at=expiry)
    run_due_publications()
    assert ArticlePage.objects.get(pk=article.pk).live

    with time_machine.travel(expiry + timedelta(seconds=30)):
        run_due_publications()

    assert not ArticlePage.objects.get(pk=article.pk).live
    assert client.get(article.url).status_code == 404


def test_every_step_is_in_the_history_with_who_did_it(staff, series):
    article = submitted_article(staff, series)
    for step in ("first", "second", "final"):
        staff[step].approve(article)

    entries = PageLogEntry.objects.filter(page=article).order_by("timestamp", "pk")
    actions = [(entry.action, entry.user.username if entry.user else None) for entry in entries]
    assert ("wagtail.workflow.start", "bianji") in actions
    assert ("wagtail.workflow.approve", "chushen") in actions
    assert ("wagtail.workflow.approve", "fushen") in actions
    assert ("wagtail.workflow.approve", "zhongshen") in actions
    assert ("wagtail.publish", "zhongshen") in actions


def test_workflow_history_report_lists_each_step_with_its_reviewer(staff, series, superuser, client):
    article = submitted_article(staff, series)
    for step in ("first", "second", "final"):
        staff[step].approve(article)
    state = WorkflowState.objects.get(object_id=str(article.pk))

    client.force_login(superuser)
    html = client.get(f"/admin/pages/{article.pk}/workflow_history/detail/{state.pk}/").content.decode()

    for step, reviewer in (("初审", "chushen"), ("复审", "fushen"), ("终审", "zhongshen")):
        assert step in html and reviewer in html


def test_scheduling_and_unpublishing_are_in_the_history_with_who(staff, series, superuser, client):
    go_live = timezone.localtime() + timedelta(hours=2)
    article = submitted_article(staff, series, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    for step in ("first", "second", "final"):
        staff[step].approve(article)
    with time_machine.travel(go_live + timedelta(seconds=30)):
        run_due_publications()
    client.force_login(superuser)
    client.post(f"/admin/pages/{article.pk}/unpublish/")

    entries = {(entry.action, entry.user.username if entry.user else None) for entry in PageLogEntry.objects.filter(page=article)}
    assert ("wagtail.publish.schedule", "zhongshen") in entries
    assert ("wagtail.publish.scheduled", None) in entries
    assert ("wagtail.unpublish", "chief") in entries


def unreviewed_publications(article):
    return [
        (entry.user.username if entry.user else None)
        for entry in PageLogEntry.objects.filter(page=article, action="columns.publish_unreviewed")
    ]


def test_an_administrator_still_publishes_directly_and_it_is_marked_in_the_history(make_staff, series):
    from django.test import Client

    administrator = PageEditor(Client(), make_staff("guanli", roles=["管理员"]))
    administrator.add_article(series, action="publish", title="紧急更正")
    article = ArticlePage.objects.get(title="紧急更正")

    assert article.live
    assert unreviewed_publications(article) == ["guanli"]
    assert "未经三审发布" in administrator.client.get(f"/admin/pages/{article.pk}/history/").content.decode()


def test_only_a_persons_publication_without_three_reviews_is_marked(staff, series, make_staff):
    from django.test import Client

    from tests.factories import ArticlePageFactory

    reviewed = submitted_article(staff, series)
    for step in ("first", "second", "final"):
        staff[step].approve(reviewed)
    loaded_by_a_script = ArticlePageFactory(parent=series)
    PageEditor(Client(), make_staff("guanli", roles=["管理员"])).add_article(series, action="publish", title="紧急更正")

    marked = PageLogEntry.objects.filter(action="columns.publish_unreviewed").values_list("page__title", flat=True)
    assert ArticlePage.objects.get(pk=reviewed.pk).live and loaded_by_a_script.live
    assert list(marked) == ["紧急更正"]


def test_a_direct_publication_scheduled_by_an_administrator_is_marked_when_it_goes_live(make_staff, series):
    from django.test import Client

    go_live = timezone.localtime() + timedelta(hours=2)
    administrator = PageEditor(Client(), make_staff("guanli", roles=["管理员"]))
    administrator.add_article(series, action="publish", title="定时更正", go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    article = ArticlePage.objects.get(title="定时更正")
    assert unreviewed_publications(article) == []

    with time_machine.travel(go_live + timedelta(seconds=30)):
        run_due_publications()

    assert ArticlePage.objects.get(pk=article.pk).live
    assert unreviewed_publications(article) == ["guanli"]
