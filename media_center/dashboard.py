"""The dashboard panel of clips waiting for 终审: the ones this reviewer may decide on (not their own)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from .models import Video

PANEL_ROWS = 10


class ClipsToReviewPanel(Component):
    name = "clips_to_review"
    template_name = "media_center/admin/clips_to_review_panel.html"
    order = 96

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        waiting = Video.objects.filter(kind=Video.Kind.CLIP, review_status=Video.Review.PENDING, status=Video.Status.READY)
        if not user.is_superuser:
            waiting = waiting.exclude(uploaded_by=user)
        waiting = waiting.select_related("uploaded_by").order_by("ready_at")
        return {"clips": waiting[:PANEL_ROWS], "count": waiting.count(), "heading": _("待审短视频")}


def add_panels(request, panels):
    if request.user.has_perm("media_center.approve_clip"):
        panels.append(ClipsToReviewPanel())
