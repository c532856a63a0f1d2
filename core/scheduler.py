"""The scheduler: one loop a minute running the periodic jobs the apps registered.

Apps register their jobs in `AppConfig.ready()` (publishing what is due, re-queueing stalled video
jobs, purging old hashes, culling the file cache, …); `run_scheduler` runs them and imports no app.
Every machine may run a scheduler: a job that must act once across all of them takes the database
lease (`SchedulerLease.acquire`); the others are safe to run anywhere. A job that fails is logged
and the others still run: one broken service must not stop publication.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import log_context

logger = logging.getLogger(__name__)
HEARTBEATS_KEPT = timedelta(days=7)  # a machine whose scheduler stopped that long ago is forgotten


@dataclass(frozen=True)
class Job:
    name: str
    run: object  # a callable; a text it returns is printed by the scheduler, anything else is not
    purge: bool = False  # deletes what is past its retention: also run at once after a restore


jobs = {}


def register(name, run, purge=False):
    """Have the scheduler call `run()` on every pass. Registering a name again replaces its job."""
    jobs[name] = Job(name, run, purge)


def process_identity():
    """host:pid: who holds a lease or a job, unique among the live processes of every machine."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_jobs(purges_only=False):
    """One pass over every registered job (or only the purges), in the order they were registered: their reports."""
    reports = []
    for job in [job for job in jobs.values() if job.purge or not purges_only]:
        with log_context.bind(scheduled_job=job.name):
            try:
                report = job.run()
            except Exception:  # noqa: BLE001 - one failing job must not stop the others
                logger.exception("scheduled job %s failed", job.name)
                report = _("%(job)s：运行出错，详见日志。") % {"job": job.name}
        if isinstance(report, str) and report:
            reports.append(report)
    return reports


def beat():
    """Record that this machine's scheduler finished a pass: /healthz says how long ago the newest was.

    A database that cannot be written is logged, not raised: the scheduler goes on to its next pass.
    """
    from .models import SchedulerHeartbeat

    now = timezone.now()
    try:
        SchedulerHeartbeat.objects.update_or_create(
            host=socket.gethostname()[:255], defaults={"process": process_identity()[:300], "passed_at": now}
        )
        SchedulerHeartbeat.objects.filter(passed_at__lt=now - HEARTBEATS_KEPT).delete()
    except Exception:  # noqa: BLE001 - the heartbeat must never stop the scheduler
        logger.exception("could not record the scheduler's heartbeat")
