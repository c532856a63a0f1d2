"""终审's decision on a position its editor asked to let through (申请放行), for 终审 holders who
edit no pages: a page of its own and a dashboard panel of the fairs waiting for it.

The reason and who gave it are written onto the revision in review, the one 终审 is about to pass,
and are published with it (`Position.override_reason`, `override_by`): no new revision, so the
steps already passed stand. Refusing is 退回 with a comment, as for any article.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic
from wagtail.models import Page, WorkflowState

from .forms import may_override
from .models import JobFairPage, Position

MAX_REASON = Position._meta.get_field("override_reason").max_length
PANEL_ROWS = 10


def fairs_awaiting_override():
    """(fair, the positions waiting) of the fairs in review whose editor asked 终审 to let a position through."""
    pages = ContentType.objects.get_for_model(Page)
    ids = WorkflowState.objects.active().filter(base_content_type=pages).values_list("object_id", flat=True)
    waiting = []
    for fair in JobFairPage.objects.filter(pk__in=[int(pk) for pk in ids]).order_by("pk"):
        revision = fair.get_latest_revision()
        positions = revision.as_object().positions_awaiting_override() if revision else []
        if positions:
            waiting.append((fair, positions))
    return waiting


def grant(revision, number, reason, user):
    """Let the revision's `number`th position through, with the reason and who gave it."""
    positions = revision.content["positions"]
    ordered = sorted(range(len(positions)), key=lambda index: positions[index].get("sort_order") or 0)
    position = positions[ordered[number - 1]]
    position["override_reason"], position["override_by"] = reason, user.pk
    revision.save(update_fields=["content"])


class OverrideView(generic.WagtailAdminTemplateMixin, TemplateView):
    template_name = "jobfairs/admin/override.html"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not may_override(request.user):
            raise PermissionDenied
        self.fair = get_object_or_404(JobFairPage, pk=kwargs["pk"])
        self.revision = self.fair.get_latest_revision()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("终审放行")

    def get_page_subtitle(self):
        return self.fair.title

    def get_context_data(self, **kwargs):
        waiting = self.revision.as_object().positions_awaiting_override() if self.revision else []
        return {
            **super().get_context_data(**kwargs),
            "fair": self.fair,
            "waiting": waiting,
            "in_review": self.fair.workflow_in_progress,
        }

    def may_decide(self):
        """At the last step, by someone who may pass it (not an author, nobody who passed an earlier step)."""
        task_state = self.fair.current_workflow_task_state
        if task_state is None:
            return False
        task = task_state.task.specific
        return task.is_last_step(self.fair) and getattr(task, "may_approve", lambda *_: False)(task_state, self.request.user)

    def post(self, request, pk):
        if not self.may_decide():
            messages.error(
                request, _("只有本轮终审步骤的审核人可以决定放行：招聘会须已通过前面的审核步骤，且您不是作者或前面步骤的审核人。")
            )
            return redirect("jobfair_overrides:decide", pk=self.fair.pk)
        reason = " ".join(request.POST.get("reason", "").split())[:MAX_REASON]
        waiting = {number: position for number, position, _hits in self.revision.as_object().positions_awaiting_override()}
        number = int(request.POST["number"]) if request.POST.get("number", "").isdigit() else None
        if number not in waiting:
            messages.error(request, _("这个岗位没有待决定的放行申请。"))
        elif not reason:
            messages.error(request, _("放行必须写明理由（依据的国家规定），它会和岗位一起记录。"))
        else:
            grant(self.revision, number, reason, request.user)
            messages.success(
                request, _("已放行第%(number)d个岗位“%(title)s”。") % {"number": number, "title": waiting[number].job_title}
            )
        return redirect("jobfair_overrides:decide", pk=self.fair.pk)


class OverridesPanel(Component):
    name = "fair_overrides"
    template_name = "jobfairs/admin/overrides_panel.html"
    order = 97

    def get_context_data(self, parent_context):
        waiting = fairs_awaiting_override()
        return {"fairs": waiting[:PANEL_ROWS], "count": len(waiting), "heading": gettext_lazy("待终审放行的招聘岗位")}


def add_panels(request, panels):
    if may_override(request.user):
        panels.append(OverridesPanel())


urlpatterns = [path("<int:pk>/", OverrideView.as_view(), name="decide")]
