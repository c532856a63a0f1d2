"""One scheduler run: publish what is due and take down what has expired, once across all machines."""

from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from core.models import SchedulerLease
from core.scheduler import process_identity

LEASE_NAME = "publish_scheduled"


@dataclass(frozen=True)
class ScheduledRun:
    published: int
    expired: int


def run_due_publications(holder=None):
    """Return what was due, or None without doing anything while another scheduler holds the lease."""
    holder = holder or process_identity()
    if not SchedulerLease.acquire(LEASE_NAME, holder):
        return None
    try:
        now = timezone.now()
        run = ScheduledRun(
            published=Revision.objects.filter(approved_go_live_at__lt=now).count(),
            expired=Page.objects.filter(live=True, expire_at__lt=now).count(),
        )
        call_command("publish_scheduled")
        return run
    finally:
        SchedulerLease.release(LEASE_NAME, holder)


def publish_due():
    """The scheduler's job (registered in ColumnsConfig.ready): what it did, for the scheduler's output."""
    run = run_due_publications()
    if run is None:
        return _("另一个调度进程正在运行，定时发布本轮跳过。")
    if run.published or run.expired:
        return _("定时任务：发布 %(published)d 项，下线 %(expired)d 项。") % {"published": run.published, "expired": run.expired}
    return ""
