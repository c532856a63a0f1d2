from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("stats.view_dailycount")


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/readership/", admin_views.ReadershipReportView.as_view(), name="stats_readership")]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return ReportMenuItem(_("阅读与播放"), reverse("stats_readership"), icon_name="view", order=700)
