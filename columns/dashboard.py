"""Dashboard panels: what an editor has in hand, what waits for each review step, what goes live soon."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision, TaskState, WorkflowState

from .models import ArticlePage, GroupReviewTask

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
    """One list per review step the user sits on, oldest submission first."""

    name = "review_queue"
    template_name = "columns/panels/review_queue.html"
    order = 95

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        steps = GroupReviewTask.objects.filter(active=True).order_by("workflow_tasks__sort_order")
        if not user.is_superuser:
            steps = steps.filter(groups__in=user.groups.all())
        queues = []
        for step in steps.distinct():
            states = (
                TaskState.objects.filter(task=step, status=TaskState.STATUS_IN_PROGRESS)
                .select_related("revision", "revision__user", "workflow_state")
                .order_by("started_at")
            )
            queues.append({"step": step, "states": states[:PANEL_ROWS], "count": states.count()})
        return {"queues": queues, "heading": _("等待我审核")}


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


def add_panels(request, panels):
    panels[:0] = [MyDraftsPanel(), ReviewQueuePanel(), ScheduledPanel()]
