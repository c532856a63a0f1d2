"""Dashboard panels: what an editor has in hand, what waits for each review step, what goes live soon,
and what went live without 三审."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState

from core.roles import ADMINISTRATOR, FINAL_REVIEW

from .models import ArticlePage, GroupReviewTask
from .publishing import UNREVIEWED_PUBLICATION
from .review import excluded_from, reviewers_of

PANEL_ROWS = 10


class MyDraftsPanel(Component):
    name = "my_drafts"
    template_name = "columns/panels/my_drafts.html"
    order = 90

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        in_review = WorkflowState.objects.active().values_list("object_id", flat=True)
        drafts = (
            ArticlePage.objects.filter(owner=user, has_unpublished_changes=True)
            .exclude(pk__in=[int(pk) for pk in in_review])
            .order_by("-latest_revision_created_at")[:PANEL_ROWS]
        )
        return {"drafts": drafts, "heading": _("我的草稿")}


class ReviewQueuePanel(Component):
    """One list per review step the user sits on, oldest submission first: what they may pass, and
    what nobody may pass any more. Administrators see the latter for every step, as only they can
    resolve it (by adding a reviewer or publishing directly)."""

    name = "review_queue"
    template_name = "columns/panels/review_queue.html"
    order = 95

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        administrator = user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists()
        queues = []
        for step in GroupReviewTask.objects.filter(active=True).order_by("workflow_tasks__sort_order").distinct():
            reviewer = step.is_reviewer(user)
            if not (reviewer or administrator):
                continue
            rows = self.rows(step, user, reviewer)
            if reviewer or rows:
                queues.append({"step": step, "rows": rows[:PANEL_ROWS], "count": len(rows)})
        return {"queues": queues, "heading": _("等待我审核")}

    def rows(self, step, user, reviewer):
        members = reviewers_of(step)
        states = (
            TaskState.objects.filter(task=step, status=TaskState.STATUS_IN_PROGRESS)
            .select_related("revision", "workflow_state", "workflow_state__requested_by")
            .order_by("started_at")
        )
        rows = []
        for state in states:
            eligible = members - excluded_from(state)
            if not eligible:
                rows.append({"state": state, "nobody_eligible": True})
            elif reviewer and user.pk in eligible:
                rows.append({"state": state})
        for row in rows[:PANEL_ROWS]:
            if "nobody_eligible" not in row:
                row["actions"] = step.get_actions(row["state"].workflow_state.content_object, user)
        return rows


class ScheduledPanel(Component):
    name = "scheduled_soon"
    template_name = "columns/panels/scheduled.html"
    order = 96

    def get_context_data(self, parent_context):
        now = timezone.now()
        revisions = (
            Revision.page_revisions.filter(approved_go_live_at__range=(now, now + timedelta(days=7)))
            .select_related("user")
            .order_by("approved_go_live_at")
        )
        pages = Page.objects.in_bulk([int(revision.object_id) for revision in revisions])
        rows = [(revision, pages.get(int(revision.object_id))) for revision in revisions]
        return {"rows": [row for row in rows if row[1]], "heading": _("未来7天定时发布")}


class UnreviewedPublicationsPanel(Component):
    """Administrators may publish without 三审 (urgent corrections); each time is listed here."""

    name = "unreviewed_publications"
    template_name = "columns/panels/unreviewed_publications.html"
    order = 97

    def get_context_data(self, parent_context):
        entries = PageLogEntry.objects.filter(action=UNREVIEWED_PUBLICATION).select_related("user").order_by("-timestamp")
        return {"entries": entries[:PANEL_ROWS], "heading": _("未经三审发布")}


def add_panels(request, panels):
    # 等待我审核 lists what Wagtail's own review panel would, per step and only what the user may pass.
    panels[:] = [panel for panel in panels if not isinstance(panel, WorkflowObjectsToModeratePanel)]
    panels[:0] = [MyDraftsPanel(), ReviewQueuePanel(), ScheduledPanel()]
    user = request.user
    if user.is_superuser or user.groups.filter(name__in=(ADMINISTRATOR, FINAL_REVIEW)).exists():
        panels.append(UnreviewedPublicationsPanel())
