"""Deleting sign-ups older than SIGNUP_RETENTION_DAYS: by the scheduler each minute, and by
`manage.py purge_signups`, which a restore from a backup must run again (the backup may hold
entries already past their time)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Signup

BATCH = 500


def expired(now=None):
    """Entries created before the retention period, or before the shorter one their notice stated (the
    setting may have grown since); one created exactly at the period's start is still kept."""
    now = now or timezone.now()
    past = Q(created_at__lt=now - timedelta(days=settings.SIGNUP_RETENTION_DAYS))
    for days in (
        Signup.objects.filter(retention_days__lt=settings.SIGNUP_RETENTION_DAYS)
        .values_list("retention_days", flat=True)
        .distinct()
    ):
        past |= Q(retention_days=days, created_at__lt=now - timedelta(days=days))
    return Signup.objects.filter(past)


def purge_expired(now=None, progress=None):
    """Delete the expired entries in batches: how many. `progress(done, total)` is told after each batch."""
    entries = expired(now)
    total = entries.count()
    done = 0
    while done < total:
        batch = list(entries.values_list("pk", flat=True)[:BATCH])
        if not batch:
            break
        Signup.objects.filter(pk__in=batch).delete()
        done += len(batch)
        if progress:
            progress(done, total)
    return done


def purge_job():
    """The scheduler's job: a report only when something was deleted."""
    deleted = purge_expired()
    return _("已删除 %(count)d 条超过保存期限的求职报名。") % {"count": deleted} if deleted else ""
