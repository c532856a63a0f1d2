from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .reports import period, readership

PERIODS = {"7": gettext_lazy("最近7天"), "30": gettext_lazy("最近30天"), "90": gettext_lazy("最近90天")}


class ReadershipReportView(WagtailAdminTemplateMixin, TemplateView):
    """报表 → 阅读与播放, under the admin's usual header and breadcrumbs."""

    template_name = "stats/admin/report.html"
    page_title = gettext_lazy("阅读与播放统计")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("stats.view_dailycount"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        days = self.request.GET.get("days") if self.request.GET.get("days") in PERIODS else "7"
        first_day, last_day = period(int(days))
        context = super().get_context_data(**kwargs)
        context.update(periods=PERIODS, days=days, first_day=first_day, last_day=last_day)
        context.update(readership(first_day, last_day))
        return context
