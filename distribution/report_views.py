"""报表 → 传播报表: the site's reads and plays beside the channels' numbers, per column and series (reports.py),
with a chart drawn on the server as inline SVG and the figures per bucket as CSV.

Open to those who may see both the site's counts (stats.view_dailycount) and the distributions
(distribution.view_distribution).
"""

import math

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from columns.structure import site_structure
from columns.tree import COLUMN_DEPTH
from core.spreadsheets import csv_bytes

from .reports import BUCKETS, DEFAULT_BUCKET, MAX_DAYS, default_range, spread, today

PERMISSIONS = ("stats.view_dailycount", "distribution.view_distribution")


def may_see_report(user):
    return all(user.has_perm(permission) for permission in PERMISSIONS)


def date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效的日期，如 2026-03-01。")},
    )


class SpreadForm(forms.Form):
    """The bucket, the range (`from`, `to`: either may be left out) and a column, all in the GET query."""

    bucket = forms.ChoiceField(label=gettext_lazy("时间粒度"), choices=BUCKETS.items(), required=False)
    column = forms.ChoiceField(label=gettext_lazy("栏目"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = date_field(_("开始日期"))
        self.fields["to"] = date_field(_("结束日期"))
        self.columns = {place.slug: place for place in site_structure().places.values() if place.depth == COLUMN_DEPTH}
        self.fields["column"].choices = [("", _("全部栏目")), *((slug, place.title) for slug, place in self.columns.items())]
        self.order_fields(["bucket", "from", "to", "column"])

    def clean(self):
        data = super().clean()
        kind = data.get("bucket") or DEFAULT_BUCKET
        first, last = data.get("from"), data.get("to")
        if "from" in self.errors or "to" in self.errors:
            return data
        last = last or today()
        first = first or default_range(kind, last)[0]
        if first > last:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationError(_("时间段最长两年（%(days)s 天）。") % {"days": MAX_DAYS})
        data.update({"bucket": kind, "from": first, "to": last})
        return data


def read_query(query):
    """The form, and what to report: (bucket, first day, last day, column's place or None); with bad input, the
    default range of the bucket chosen (or of 按日)."""
    form = SpreadForm(query)
    if form.is_valid():
        data = form.cleaned_data
        return form, (data["bucket"], data["from"], data["to"], form.columns.get(data["column"]))
    valid = form.cleaned_data
    kind = valid.get("bucket") or DEFAULT_BUCKET
    return form, (kind, *default_range(kind), form.columns.get(valid.get("column")))


def csv_header():
    return [
        _("时间段"),
        _("栏目"),
        _("系列"),
        _("网站阅读"),
        _("网站播放"),
        _("抖音播放"),
        _("抖音点赞"),
        _("抖音分享"),
        _("公众号发文"),
    ]


def csv_rows(report):
    for bucket in report.buckets:
        for row in report.rows:
            yield [bucket.label, row.column, row.series, *row.by_bucket[bucket.start].values()]


def csv_response(report):
    response = HttpResponse(csv_bytes(csv_header(), csv_rows(report)), content_type="text/csv; charset=utf-8")
    name = f"spread-{report.kind}-{report.first:%Y%m%d}-{report.last:%Y%m%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


# The chart: site reads, site plays and Douyin plays per bucket, in a 960×320 box.
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 960, 320, 64, 16, 40, 48
Y_INTERVALS = 4
X_LABELS = 12  # at most this many dates under the axis
DOTS_UP_TO = 92  # buckets: each one's dot, with its figure as a tooltip
LINES = (  # measure, colour, dash: told apart without colour too
    ("reads", "#007d7e", ""),
    ("plays", "#c27c00", "8 4"),
    ("douyin_plays", "#cd4444", "2 4"),
)


def line_names():
    return {"reads": _("网站阅读"), "plays": _("网站播放"), "douyin_plays": _("抖音播放")}


def nice_step(value):
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value`, at least 1: the step between the axis' gridlines."""
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    return next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= value)


def short_label(kind, bucket):
    return bucket.start.strftime("%Y-%m") if kind == "month" else bucket.first.strftime("%m-%d")


def chart(report, column_title=None):
    """What the template draws: gridlines with their figures, one polyline per measure, the dates, a legend."""
    count = len(report.buckets)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    figures = [report.total.by_bucket[bucket.start] for bucket in report.buckets]
    highest = max((getattr(figure, measure) for figure in figures for measure, _colour, _dash in LINES), default=0)
    step = nice_step(highest / Y_INTERVALS)
    top = step * Y_INTERVALS

    def x(index):
        return round(LEFT + (index + 0.5) * plot_width / count, 1)

    def y(value):
        return round(TOP + plot_height * (1 - value / top), 1)

    names = line_names()
    lines = []
    for number, (measure, colour, dash) in enumerate(LINES):
        values = [getattr(figure, measure) for figure in figures]
        dots = []
        if count <= DOTS_UP_TO:
            dots = [
                {
                    "x": x(index),
                    "y": y(value),
                    "text": _("%(bucket)s %(name)s：%(value)s")
                    % {"bucket": bucket.label, "name": names[measure], "value": value},
                }
                for index, (bucket, value) in enumerate(zip(report.buckets, values))
            ]
        lines.append(
            {
                "name": names[measure],
                "colour": colour,
                "dash": dash,
                "points": " ".join(f"{x(index)},{y(value)}" for index, value in enumerate(values)),
                "dots": dots,
                "legend_x": LEFT + number * 150,
            }
        )
    every = math.ceil(count / X_LABELS)
    x_labels = [
        {"x": x(index), "text": short_label(report.kind, bucket)}
        for index, bucket in enumerate(report.buckets)
        if index % every == 0
    ]
    y_ticks = [{"y": y(step * index), "value": step * index} for index in range(Y_INTERVALS + 1)]
    where = column_title or _("全部栏目")
    description = _("传播趋势图：%(where)s，%(first)s 至 %(last)s，%(bucket)s；网站阅读、网站播放与抖音播放") % {
        "where": where,
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "bucket": BUCKETS[report.kind],
    }
    x_titles = {"day": _("日期"), "week": _("周（起始日）"), "month": _("月份")}
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "middle": LEFT + plot_width / 2,
        "middle_y": TOP + plot_height / 2,
        "lines": lines,
        "x_labels": x_labels,
        "x_title": x_titles[report.kind],
        "y_title": _("次数"),
        "y_ticks": y_ticks,
        "description": description,
    }


class SpreadReportView(WagtailAdminTemplateMixin, TemplateView):
    """报表 → 传播报表, under the admin's usual header and breadcrumbs; `?format=csv` for the file."""

    template_name = "distribution/admin/report.html"
    page_title = gettext_lazy("传播报表")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.form, (kind, first, last, self.column) = read_query(request.GET)
        self.report = spread(kind, first, last, self.column.path if self.column else None)
        if request.GET.get("format") == "csv":
            return csv_response(self.report)
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query["format"] = "csv"
        column_title = self.column.title if self.column else None
        context.update(
            form=self.form,
            report=self.report,
            bucket_name=BUCKETS[self.report.kind],
            column_title=column_title,
            chart=chart(self.report, column_title),
            csv_query=query.urlencode(),
        )
        return context


urlpatterns = [path("", SpreadReportView.as_view(), name="index")]


class SpreadReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_report(request.user)


def register_report_urls():
    return [path("distribution/report/", include((urlpatterns, "distribution_report")))]


def register_report_menu_item():
    return SpreadReportMenuItem(
        gettext_lazy("传播报表"), reverse("distribution_report:index"), name="spread-report", icon_name="upload", order=710
    )
