"""Backups made by a worker: the scheduler's daily one and the admin's 「立即备份」; `manage.py backup`
makes one the same way in its own process. The scheduler only queues them (a backup of terabytes must
not hold up publication); a worker that dies leaves the backup to be put back and resumed where its
journal ends. One at a time across all machines (a database constraint)."""

import logging
import threading
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduler import process_identity

from . import backups
from .models import MAX_ATTEMPTS, BackupRun

logger = logging.getLogger(__name__)
REPORT_EVERY_SECONDS = 2


class TakenOver(Exception):
    """Another worker holds the backup now (this one was thought dead): stop without touching it."""


def create(kind, user=None, location=""):
    """A new backup waiting for a worker, or None when one is already queued or running."""
    try:
        with transaction.atomic():
            return BackupRun.objects.create(kind=kind, requested_by=user, location=location or "")
    except IntegrityError:
        return None


def request(kind, user=None):
    backup_run = create(kind, user)
    if backup_run:
        enqueue(backup_run)
    return backup_run


def enqueue(backup_run):
    from .tasks import make_backup

    transaction.on_commit(lambda: make_backup.enqueue(backup_run.pk))


def run(run_id, report=None):
    """Make backup `run_id` if this process can claim it; `report(tally)` also hears of its progress."""
    backup_run = BackupRun.objects.filter(pk=run_id).first()
    if backup_run is None or not backup_run.claim(process_identity()):
        return
    with Heartbeat(backup_run) as heartbeat:
        try:
            manifest = backups.back_up(
                kind=backup_run.kind, location=backup_run.location or None, report=reporter(backup_run, heartbeat, report)
            )
        except TakenOver:
            return
        except Exception as error:  # noqa: BLE001 - any failure is shown in the admin, by the command and by /healthz
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
        )
        if backup_run.kind == BackupRun.Kind.SCHEDULED:
            prune(backup_run)


def prune(backup_run):
    """Retention after a scheduled backup, which stays done whatever happens here."""
    try:
        pruned = " ".join(backups.prune(backup_run.location or None)) or "-"
    except Exception as error:  # noqa: BLE001 - the backup is made; the old ones wait for the next prune
        logger.exception("pruning the backups failed")
        pruned = _("按保留规则清理失败：%(error)s") % {"error": error}
    BackupRun.objects.filter(pk=backup_run.pk).update(pruned=pruned[:500])


class Heartbeat:
    """Says every BACKUP_STALE_SECONDS/5 that this worker still holds the backup, from a thread of its own:
    a dump, a listing or an upload of a large file can each take longer than the stale limit."""

    def __init__(self, backup_run):
        self.backup_run, self.stop, self.lost = backup_run, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.beat, daemon=True, name=f"backup-{backup_run.pk}-heartbeat")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def beat(self):
        try:
            while not self.stop.wait(max(settings.BACKUP_STALE_SECONDS / 5, 1)):
                if not self.backup_run.beat():
                    self.lost.set()
                    return
        finally:
            connection.close()  # this thread's own


def reporter(backup_run, heartbeat, then=None):
    last = 0.0

    def report(tally):
        nonlocal last
        if heartbeat.lost.is_set():
            raise TakenOver
        if then:
            then(tally)
        if time.monotonic() - last < REPORT_EVERY_SECONDS:
            return
        last = time.monotonic()
        share = tally.done_bytes / tally.total_bytes if tally.total_bytes else 0
        if not backup_run.beat(share_done=min(share, 1), current=tally.label[:300]):
            raise TakenOver

    return report


def backups_due(now=None):
    """The scheduler's job: queue today's backup once BACKUP_HOUR has passed, put back dead ones and
    queue again those whose task was lost."""
    if not settings.BACKUP_LOCATION:
        return ""
    now = timezone.localtime(now)
    reports = []
    if now.hour >= settings.BACKUP_HOUR and not BackupRun.objects.filter(day=now.date()).exists():
        try:
            with transaction.atomic():  # the day is unique, and one at a time: a busy day's backup comes later
                scheduled = BackupRun.objects.create(kind=BackupRun.Kind.SCHEDULED, day=now.date())
        except IntegrityError:
            scheduled = None
        if scheduled:
            enqueue(scheduled)
            reports.append(_("备份：已排队今天的定时备份。"))
    for stalled in BackupRun.stalled():
        if stalled.attempts >= MAX_ATTEMPTS:
            BackupRun.objects.filter(pk=stalled.pk).update(status=BackupRun.Status.FAILED, error="worker lost")
            continue
        if BackupRun.stalled().filter(pk=stalled.pk).update(status=BackupRun.Status.PENDING, heartbeat_at=None):
            enqueue(stalled)
            reports.append(_("备份：中断的备份已重新排队，将从中断处继续。"))
    for lost in BackupRun.lost():
        enqueue(lost)
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
