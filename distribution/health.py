"""What the channels tell /healthz and /metrics (registered in DistributionConfig.ready()).

Health: no distribution has been due for longer than HEALTH_DISTRIBUTION_MAX_DELAY_SECONDS (the
scheduler queues due rows every minute and a worker takes them: a row due for long means neither
runs), and no worker has held one silently past DISTRIBUTION_STALE_SECONDS plus that delay. A warning,
not a failure of the site. Metrics: the current distributions (not those 重新发布 replaced) per
channel and status, read from the database when scraped.
"""

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import health, metrics

from .models import Channel, Distribution, stale_after


def oldest_due(now):
    """Seconds the longest-waiting due distribution has waited (0: none), and how many are due."""
    waiting = Distribution.objects.filter(active=True, status__in=Distribution.WAITING, next_try_at__lte=now).aggregate(
        count=Count("pk"), oldest=Min("next_try_at")
    )
    silent = Distribution.objects.filter(
        active=True, status__in=Distribution.WORKING, heartbeat_at__lt=now - stale_after()
    ).aggregate(count=Count("pk"), oldest=Min("heartbeat_at"))
    waits = []
    if waiting["oldest"]:
        waits.append((now - waiting["oldest"]).total_seconds())
    if silent["oldest"]:
        waits.append((now - silent["oldest"] - stale_after()).total_seconds())  # due once its worker counted as gone
    return int(max(waits, default=0)), waiting["count"] + silent["count"]


def distributions_check():
    limit = settings.HEALTH_DISTRIBUTION_MAX_DELAY_SECONDS
    seconds, due = oldest_due(timezone.now())
    figures = {"due": due, "oldest_seconds": seconds, "limit_seconds": limit}
    if seconds > limit:
        message = _("有平台分发到时间 %(seconds)d 秒了还没有发出（上限 %(limit)d 秒）：调度进程和 worker 是否在运行？") % {
            "seconds": seconds,
            "limit": limit,
        }
        return False, {"message": message, **figures}
    if not due:
        return True, {"message": _("没有到时间未发的分发"), **figures}
    return True, {"message": _("%(count)d 条到时间，最久 %(seconds)d 秒") % {"count": due, "seconds": seconds}, **figures}


def distributions_by_channel_and_status():
    counts = {
        (row["account__channel"], row["status"]): row["count"]
        for row in Distribution.objects.filter(active=True).values("account__channel", "status").annotate(count=Count("pk"))
    }
    return [
        ((channel, status), counts.get((channel, status), 0))
        for channel in Channel.values
        for status in Distribution.Status.values
    ]


def register_health_and_metrics():
    health.register("distributions", distributions_check, critical=False, label=gettext_lazy("平台分发"))
    metrics.register_gauge(
        "distributions",
        "Current distributions (not those a newer one replaced), by channel and status.",
        distributions_by_channel_and_status,
        ["channel", "status"],
    )
