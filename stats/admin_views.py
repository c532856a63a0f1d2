from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .reports import period, readership

PERIODS = {"7": "最近7天", "30": "最近30天", "90": "最近90天"}


def report(request):
    if not request.user.has_perm("stats.view_dailycount"):
        raise PermissionDenied
    days = request.GET.get("days") if request.GET.get("days") in PERIODS else "7"
    first_day, last_day = period(int(days))
    context = {"periods": PERIODS, "days": days, "first_day": first_day, "last_day": last_day}
    context.update(readership(first_day, last_day))
    return render(request, "stats/admin/report.html", context)
