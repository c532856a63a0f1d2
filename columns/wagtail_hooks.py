from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .content_checks import article_texts, find_typos
from .dashboard import add_panels
from .models import ArticlePage, CommonTypo, SensitiveWord


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


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_typos(request, page):
    if not isinstance(page, ArticlePage):
        return
    hits = find_typos(article_texts(page.title, page.subtitle, page.summary, page.body))
    if hits:
        messages.warning(request, _("可能有错别字：%s") % "；".join(hit.describe() for hit in hits))


@hooks.register("before_edit_page")
def warn_reviewers_about_sensitive_words(request, page):
    """Why 通过 is missing: the article in review holds a word that was added to the list since."""
    task = page.current_workflow_task
    if request.method != "GET" or task is None or not hasattr(task.specific, "sensitive_words_in"):
        return
    hits = task.specific.sensitive_words_in(page)
    if hits:
        messages.error(request, _("含有敏感词，不能通过：%s。请退回修改。") % "；".join(hit.describe() for hit in hits))


@hooks.register("after_edit_page")
def send_edited_page_back_to_first_review(request, page):
    """An edit during review must be looked at again from 初审, not only by the step it happened at."""
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return
    current = state.current_task_state
    if current is None or current.revision_id == page.latest_revision_id:
        return
    # Approvals count only for the latest revision, so the workflow restarts at its first step.
    current.cancel(user=request.user, comment=_("稿件在审核中被修改，重新从第一步审核。"))
    state.refresh_from_db()
    messages.info(request, _("稿件已修改，已退回“%s”重新审核。") % state.current_task_state.task.name)
