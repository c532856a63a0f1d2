"""One scheduler run: publish what is due and take down what has expired, once across all machines."""

import os
import socket
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Revision

from .models import SchedulerLease

LEASE_NAME = "publish_scheduled"


@dataclass(frozen=True)
class ScheduledRun:
    published: int
    expired: int


def scheduler_identity():
    return f"{socket.gethostname()}:{os.getpid()}"


def run_due_publications(holder=None):
    """Return what was due, or None without doing anything while another scheduler holds the lease."""
    holder = holder or scheduler_identity()
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
