"""Backups made by a worker: the scheduler's daily one and the admin's 「立即备份」. The scheduler only
queues them (a backup of terabytes must not hold up publication); a worker that dies leaves the backup
to be put back and resumed where its journal ends."""

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduler import process_identity

from . import backups
from .models import MAX_ATTEMPTS, BackupRun

logger = logging.getLogger(__name__)
REPORT_EVERY_SECONDS = 2


class TakenOver(Exception):
    """Another worker holds the backup now (this one was thought dead): stop without touching it."""


def request(kind, user=None):
    run = BackupRun.objects.create(kind=kind, requested_by=user)
    enqueue(run)
    return run


def enqueue(run):
    from .tasks import make_backup

    transaction.on_commit(lambda: make_backup.enqueue(run.pk))


def run(run_id):
    backup_run = BackupRun.objects.filter(pk=run_id).first()
    if backup_run is None or not backup_run.claim(process_identity()):
        return
    try:
        manifest = backups.back_up(kind=backup_run.kind, report=reporter(backup_run))
        pruned = backups.prune() if backup_run.kind == BackupRun.Kind.SCHEDULED else []
    except TakenOver:
        return
    except Exception as error:  # noqa: BLE001 - any failure is shown in the admin and by /healthz
        logger.exception("backup %s failed", backup_run.pk)
        backup_run.finish(status=BackupRun.Status.FAILED, error=str(error)[:2000])
        return
    backup_run.finish(
        status=BackupRun.Status.DONE,
        share_done=1,
        current="",
        backup_id=manifest["id"],
        files=manifest["files"],
        total_bytes=manifest["bytes"],
        new_bytes=manifest["new_bytes"],
        pruned=" ".join(pruned)[:500],
    )


def reporter(backup_run):
    last = 0.0

    def report(tally):
        nonlocal last
        if time.monotonic() - last < REPORT_EVERY_SECONDS:
            return
        last = time.monotonic()
        share = tally.done_bytes / tally.total_bytes if tally.total_bytes else 0
        if not backup_run.beat(share_done=min(share, 1), current=tally.label[:300]):
            raise TakenOver

    return report


def backups_due(now=None):
    """The scheduler's job: queue today's backup once BACKUP_HOUR has passed, and put back dead ones."""
    if not settings.BACKUP_LOCATION:
        return ""
    now = timezone.localtime(now)
    reports = []
    if now.hour >= settings.BACKUP_HOUR and not BackupRun.in_progress().exists():  # one at a time: queued later
        scheduled, created = BackupRun.objects.get_or_create(day=now.date(), defaults={"kind": BackupRun.Kind.SCHEDULED})
        if created:  # unique per day: one machine's scheduler wins
            enqueue(scheduled)
            reports.append(_("备份：已排队今天的定时备份。"))
    for stalled in BackupRun.stalled():
        if stalled.attempts >= MAX_ATTEMPTS:
            BackupRun.objects.filter(pk=stalled.pk).update(status=BackupRun.Status.FAILED, error="worker lost")
            continue
        if BackupRun.stalled().filter(pk=stalled.pk).update(status=BackupRun.Status.PENDING, heartbeat_at=None):
            enqueue(stalled)
            reports.append(_("备份：中断的备份已重新排队，将从中断处继续。"))
    return "".join(reports)


def backups_check():
    """/healthz: a warning when no backup finished within BACKUP_MAX_AGE_HOURS, or none is configured."""
    if not settings.BACKUP_LOCATION:
        return False, _("没有设置 BACKUP_LOCATION：不做定时备份")
    latest = BackupRun.objects.filter(status=BackupRun.Status.DONE).order_by("-finished_at").first()
    failed = BackupRun.objects.filter(status=BackupRun.Status.FAILED).order_by("-created_at").first()
    if latest is None:
        return False, _("还没有完成过备份")
    hours = (timezone.now() - latest.finished_at).total_seconds() / 3600
    figures = {"hours_since_last_backup": round(hours, 1), "limit_hours": settings.BACKUP_MAX_AGE_HOURS}
    if hours > settings.BACKUP_MAX_AGE_HOURS:
        message = _("最近一次完成的备份在 %(hours)d 小时前") % {"hours": hours}
        if failed and failed.created_at > latest.finished_at:
            message += _("；之后的一次失败：%(error)s") % {"error": failed.error[:200]}
        return False, {"message": message, **figures}
    return True, {"message": _("%(hours).1f 小时前完成（%(id)s）") % {"hours": hours, "id": latest.backup_id}, **figures}
