from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import ArticleViewSet, tell_review_outcome
from .content_checks import find_typos, page_texts
from .dashboard import add_panels
from .models import CommonTypo, GroupReviewTask, SensitiveWord
from .publishing import UNREVIEWED_PUBLICATION
from .review import follow_latest_revision


class SensitiveWordViewSet(SnippetViewSet):
    model = SensitiveWord
    icon = "warning"
    list_display = ["word", "note", "updated_at"]
    search_fields = ["word", "note"]


class CommonTypoViewSet(SnippetViewSet):
    model = CommonTypo
    icon = "edit"
    list_display = ["wrong", "correct", "note", "updated_at"]
    search_fields = ["wrong", "correct"]


class ContentCheckViewSetGroup(SnippetViewSetGroup):
    items = (SensitiveWordViewSet, CommonTypoViewSet)
    menu_icon = "warning"
    menu_label = gettext_lazy("内容检查")
    menu_name = "content-checks"


register_snippet(ContentCheckViewSetGroup)
hooks.register("construct_homepage_panels", add_panels)


@hooks.register("register_admin_viewset")
def register_article_viewset():
    return ArticleViewSet()


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    actions.register_action(UNREVIEWED_PUBLICATION, gettext_lazy("未经三审发布"), gettext_lazy("未经三审发布"))


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_typos(request, page):
    hits = find_typos(page_texts(page))
    if hits:
        messages.warning(request, _("可能有错别字：%s") % "；".join(hit.describe() for hit in hits))


@hooks.register("before_edit_page")
def tell_reviewers_why_they_cannot_approve(request, page):
    """Why 通过 is missing: the article holds a word added to the list since, or this reviewer may not pass the step."""
    task_state = page.current_workflow_task_state
    if request.method != "GET" or task_state is None or not isinstance(task_state.task.specific, GroupReviewTask):
        return
    task = task_state.task.specific
    hits = task.sensitive_words_in(page)
    if hits:
        messages.error(request, _("含有敏感词，不能通过：%s。请退回修改。") % "；".join(hit.describe() for hit in hits))
    elif task.is_reviewer(request.user) and not task.may_approve(task_state, request.user):
        messages.info(
            request,
            _("三审须由三位不同的人完成：你是本稿作者、在审核中修改过本稿或已通过本轮另一步审核，不能通过“%s”。") % task.name,
        )


@hooks.register("after_edit_page")
def send_edited_page_back_to_first_review(request, page):
    """An edit during review must be looked at again from 初审, not only by the step it happened at;
    a save that changed nothing is no edit."""
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS or state.current_task_state is None:
        return
    current = state.current_task_state
    if follow_latest_revision(current, request.user):
        tell_review_outcome(request, current)
