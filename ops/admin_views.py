"""设置 → 备份: the backups workers made, with their progress, and 「立即备份」. Administrators only (the
`ops.add_backuprun` permission, granted to 管理员): a backup holds every sign-up's phone number."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import backup_runs
from .models import BackupRun

PERMISSION = "ops.add_backuprun"
SHOWN = 30


class BackupsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "ops/admin/backups.html"
    page_title = gettext_lazy("备份")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if backup_runs.request(BackupRun.Kind.MANUAL, request.user):
            messages.success(request, _("已排队一份备份，由后台进程完成；本页显示进度。"))
        else:
            messages.warning(request, _("已有一份备份在排队或进行中，完成后再开始新的。"))
        return redirect("ops_backups")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(BackupRun.objects.select_related("requested_by")[:SHOWN])
        context.update(
            runs=runs,
            busy=any(run.status in (BackupRun.Status.PENDING, BackupRun.Status.RUNNING) for run in runs),
            health=backup_runs.backups_check(),
        )
        return context


class BackupsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


def menu_item():
    return BackupsMenuItem(gettext_lazy("备份"), reverse("ops_backups"), name="backups", icon_name="download", order=900)


urlpatterns = [path("backups/", BackupsView.as_view(), name="ops_backups")]
