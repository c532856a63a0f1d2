"""Deleting sign-ups past their time: by the scheduler each minute, and by `manage.py purge_signups`,
which a restore from a backup must run again (the backup may hold entries already past their time).

Each entry keeps `delete_after` (its sign-up time plus the days its notice stated), indexed: an entry
goes once that is past, or once it is older than SIGNUP_RETENTION_DAYS now, whichever comes first.
One query of two indexed conditions, however many entries and notices there are.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Signup

BATCH = 500


def expired(now=None):
    """Entries past the period their notice stated, or older than the current setting (which may have
    shrunk since); one created exactly at the period's start is still kept."""
    now = now or timezone.now()
    return Signup.objects.filter(Q(delete_after__lt=now) | Q(created_at__lt=now - timedelta(days=settings.SIGNUP_RETENTION_DAYS)))


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
