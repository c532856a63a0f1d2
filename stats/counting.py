"""Counting a read or a play without tracking anyone, and without letting one address inflate the totals.

A repeat from the same reader (address and browser) within half an hour counts once. Browsers are part
of "same reader" because many phones share one address behind a carrier's NAT; a script that changes
its browser string on every request is held back by daily caps per address instead: one item counts at
most ITEM_DAILY_CAP times from an address, and all items together ADDRESS_DAILY_CAP times.

Readers are known only by hashes salted with the secret key and the day: they cannot be turned back into
an address, nor linked across days. They live in their own cache ("counting"), so they never push out
cached pages. While that cache cannot be reached (Redis down), the same hashes are kept in the database
(SeenReader) instead, so reads are still counted once; the scheduler purges the rows of past days.
"""

import re
from datetime import timedelta

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.ratelimit import hashed, increment_counter, reachable

from .models import DailyCount, SeenReader

REPEAT_WINDOW_SECONDS = 30 * 60
ITEM_DAILY_CAP = 10
ADDRESS_DAILY_CAP = 300
DAY_SECONDS = 24 * 3600
ROBOT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|headless", re.IGNORECASE)


def is_robot(user_agent):
    return not user_agent or bool(ROBOT.search(user_agent))


def record(kind, object_id, address, user_agent):
    """Add one to today's total unless this reader was counted for this item in the last half hour
    or the address used up a daily cap."""
    if is_robot(user_agent):
        return False
    day = timezone.localdate()
    salt = day.isoformat()
    reader = hashed(f"reader|{address}|{user_agent}|{kind}|{object_id}", salt)
    item = hashed(f"item|{address}|{kind}|{object_id}", salt)
    everything = hashed(f"address|{address}", salt)
    counted = counted_in_cache(reader, item, everything)
    if counted is None:
        counted = counted_in_database(day, reader, item, everything)
    if counted:
        increment(day, kind, object_id)
    return counted


def counted_in_cache(reader, item, address):
    """Whether the read counts, or None when the cache cannot be reached."""
    cache = caches["counting"]
    if not cache.add(f"stats:seen:{reader}", 1, REPEAT_WINDOW_SECONDS):
        return False if reachable(cache) else None
    for digest, cap in ((item, ITEM_DAILY_CAP), (address, ADDRESS_DAILY_CAP)):
        count = increment_counter(cache, f"stats:hits:{digest}", DAY_SECONDS)
        if count is None:
            return None
        if count > cap:
            return False
    return True


def counted_in_database(day, reader, item, address):
    """The same rules as in the cache, with the hashes kept as today's SeenReader rows."""
    now = timezone.now()
    return (
        take(day, reader, now, unless=Q(last_at__gt=now - timedelta(seconds=REPEAT_WINDOW_SECONDS)))
        and take(day, item, now, unless=Q(hits__gte=ITEM_DAILY_CAP))
        and take(day, address, now, unless=Q(hits__gte=ADDRESS_DAILY_CAP))
    )


def take(day, digest, now, unless):
    """Count one more under `digest` today unless its row matches `unless`: whether it was counted."""
    rows = SeenReader.objects.filter(day=day, digest=digest).exclude(unless)
    if rows.update(hits=F("hits") + 1, last_at=now):
        return True
    try:
        with transaction.atomic():
            SeenReader.objects.create(day=day, digest=digest, last_at=now)
        return True
    except IntegrityError:  # the row exists and matches `unless`, or another request created it first
        return bool(rows.update(hits=F("hits") + 1, last_at=now))


def purge_seen_readers():
    """Drop the hashes of days before yesterday: their salt is gone, they can never match again."""
    return SeenReader.objects.filter(day__lt=timezone.localdate() - timedelta(days=1)).delete()[0]


def increment(day, kind, object_id):
    rows = DailyCount.objects.filter(day=day, kind=kind, object_id=object_id)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(day=day, kind=kind, object_id=object_id, count=1)
    except IntegrityError:  # another request created today's row first
        rows.update(count=F("count") + 1)
