"""The 求职报名 section of the admin: sign-ups per fair, counts per position and employer, exports and their record.

Staff with the view permission see the counts per position and per employer only. The entries (names
and notes, numbers masked as 138****1234, numbers typed into a name or note masked too) are listed for
holders of the export permission, who alone get the full numbers, in a file; every export is recorded.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views import generic

from jobfairs.models import Employer, JobFairPage

from .exports import export, file_name
from .models import ExportRecord, Signup, SignupPosition
from .roles import EXPORT_LOG_PERMISSION, EXPORT_PERMISSION, VIEW_PERMISSION

PER_PAGE = 50


def require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


class SignupAdminView(generic.WagtailAdminTemplateMixin, TemplateView):
    header_icon = "form"
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)

    def page_of(self, items):
        return Paginator(items, PER_PAGE).get_page(self.request.GET.get("p"))

    def index_crumb(self):
        return {"url": reverse("signups_admin:index"), "label": _("求职报名")}


class FairIndexView(SignupAdminView):
    template_name = "signups/admin/index.html"

    def get_page_title(self):
        return _("求职报名")

    def get_context_data(self, **kwargs):
        fairs = JobFairPage.objects.annotate(signup_count=Count("signups")).order_by("-start_at", "-pk")
        return {
            **super().get_context_data(**kwargs),
            "fairs": self.page_of(fairs),
            "may_see_exports": self.request.user.has_perm(EXPORT_LOG_PERMISSION),
        }


class FairSignupsView(SignupAdminView):
    """Counts per position and per employer; for the export permission, the entries and the export buttons."""

    template_name = "signups/admin/fair.html"

    @cached_property
    def fair(self):
        return get_object_or_404(JobFairPage, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("求职报名")

    def get_page_subtitle(self):
        return self.fair.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [self.index_crumb(), {"url": "", "label": self.fair.title}]

    def get_context_data(self, **kwargs):
        rows = SignupPosition.objects.filter(signup__fair=self.fair)
        per_position = dict(rows.values_list("position_id").annotate(count=Count("pk")))
        positions = self.fair.positions_in_order()
        for position in positions:
            position.signup_count = per_position.get(position.pk, 0)
        removed = rows.filter(position__isnull=True).values("job_title", "employer_name").annotate(count=Count("pk"))
        employers = (
            rows.values("employer_id", "employer_name")
            .annotate(rows=Count("pk"), people=Count("signup", distinct=True))
            .order_by("employer_name")
        )
        entries = Signup.objects.filter(fair=self.fair)
        may_export = self.request.user.has_perm(EXPORT_PERMISSION)
        return {
            **super().get_context_data(**kwargs),
            "fair": self.fair,
            "positions": positions,
            "removed_positions": removed,
            "employers": employers,
            "entries": self.page_of(entries.prefetch_related("choices")) if may_export else None,
            "total": entries.count(),
            "may_export": may_export,
        }


@never_cache
def export_view(request):
    """POST: the file for a fair, an employer (at every fair) or both; recorded before it is sent."""
    require(request.user, EXPORT_PERMISSION)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fair_id, employer_id = request.POST.get("fair", ""), request.POST.get("employer", "")
    fair = get_object_or_404(JobFairPage, pk=fair_id) if fair_id else None
    employer = get_object_or_404(Employer, pk=employer_id) if employer_id else None
    file_format = request.POST.get("format")
    if (fair is None and employer is None) or file_format not in ExportRecord.Format.values:
        return HttpResponseBadRequest()
    content, content_type, record = export(request.user, file_format, fair, employer)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name(record))
    return response


class ExportRecordsView(SignupAdminView):
    """Every export, newest first: read only, for everyone."""

    template_name = "signups/admin/exports.html"
    permission = EXPORT_LOG_PERMISSION

    def get_page_title(self):
        return _("报名导出记录")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [self.index_crumb(), {"url": "", "label": _("报名导出记录")}]

    def get_context_data(self, **kwargs):
        records = ExportRecord.objects.all()  # the names as they were: fair_title, employer_name
        return {**super().get_context_data(**kwargs), "records": self.page_of(records)}


urlpatterns = [
    path("", FairIndexView.as_view(), name="index"),
    path("fairs/<int:pk>/", FairSignupsView.as_view(), name="fair"),
    path("export/", export_view, name="export"),
    path("exports/", ExportRecordsView.as_view(), name="exports"),
]
