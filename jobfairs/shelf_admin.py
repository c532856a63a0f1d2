"""The position shelf for staff beside the host: a page built for a phone, one big 「正在讲解」 button per
position and 「讲解结束」. Each press pins the position on the public fair page (through `now/`, whose
cached answer the press renews) and is kept with its time for the replay's chapters (`jobfairs.shelf`)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views import generic

from core.page_cache import bump

from .models import JobFairPage, ShelfPress, shelf_tag
from .state import FairState

SHELF_PERMISSION = "jobfairs.add_shelfpress"
UNDO_PERMISSION = "jobfairs.delete_shelfpress"
NEARBY = timedelta(hours=12)  # fairs listed for the shelf: on air, or starting or ended within this
RECENT_PRESSES = 8


def check_shelf_staff(user):
    if not user.has_perm(SHELF_PERMISSION):
        raise PermissionDenied


class ShelfIndexView(generic.WagtailAdminTemplateMixin, TemplateView):
    template_name = "jobfairs/admin/shelf_index.html"
    header_icon = "media"

    def dispatch(self, request, *args, **kwargs):
        check_shelf_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("直播讲解")

    def get_context_data(self, **kwargs):
        now = timezone.now()
        fairs = (
            JobFairPage.objects.live()
            .filter(start_at__lt=now + NEARBY, end_at__gt=now - NEARBY)
            .select_related("replay")
            .order_by("start_at")
        )
        for fair in fairs:
            fair.current_state = fair.state(now)
        return {**super().get_context_data(**kwargs), "fairs": fairs}


class ShelfView(View):
    """GET shows the buttons; each POST records one press and comes back (it works without JavaScript).
    The line 「正在讲解：…」 on top says what the press did; only a refusal or an undo gets a message."""

    template_name = "jobfairs/admin/shelf.html"

    def dispatch(self, request, *args, **kwargs):
        check_shelf_staff(request.user)  # before anything of the fair is looked up
        self.fair = get_object_or_404(JobFairPage.objects.live(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        fair = self.fair
        positions = fair.positions_in_order()
        presented = fair.presented_position(positions)
        presses = list(fair.shelf_presses.newest_first().select_related("position")[:RECENT_PRESSES])
        return render(
            request,
            self.template_name,
            {
                "fair": fair,
                "live": fair.state() == FairState.LIVE,
                "positions": positions,
                "presented": presented,
                "presses": presses,
                "public_url": fair.url,
            },
        )

    def post(self, request, pk):
        fair = self.fair
        anchor = ""
        if fair.state() != FairState.LIVE:
            messages.error(request, _("招聘会不在直播中：「正在讲解」只在直播时使用。"))
        elif "undo" in request.POST:
            self.undo(request, fair)
        elif "end" in request.POST:
            ShelfPress.objects.create(fair=fair, position=None, pressed_by=request.user)
        else:
            wanted = request.POST.get("position", "")
            position = fair.positions.filter(pk=wanted).first() if wanted.isdigit() else None
            if position is None:
                messages.error(request, _("没有这个岗位，可能已被编辑删除：请刷新页面。"))
            else:
                ShelfPress.objects.create(fair=fair, position=position, pressed_by=request.user)
                anchor = f"#position-{position.pk}"
        bump(shelf_tag(fair.pk))
        return redirect(reverse("jobfair_shelf:shelf", args=[fair.pk]) + anchor)

    @staticmethod
    def undo(request, fair):
        """Take back the press the button was shown with, only while it is still the newest: a double tap,
        or a second phone pressing meanwhile, must not take back two."""
        if not request.user.has_perm(UNDO_PERMISSION):
            raise PermissionDenied
        latest = fair.shelf_presses.newest_first().first()
        if latest is None or str(latest.pk) != request.POST.get("undo"):
            messages.error(request, _("上一次操作已经变了（可能已撤销，或有人刚按过）：请看清当前状态再操作。"))
            return
        latest.delete()
        messages.success(request, _("已撤销上一次操作。"))


urlpatterns = [
    path("", ShelfIndexView.as_view(), name="index"),
    path("<int:pk>/", ShelfView.as_view(), name="shelf"),
]
