"""Counting a read or a play without tracking anyone.

A repeat from the same reader within half an hour counts once. "Same reader" is a hash of the
address and browser with a salt that changes every day and is never stored, kept only in the
cache for those thirty minutes: it cannot be turned back into an address, nor linked across days.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import DailyCount

REPEAT_WINDOW_SECONDS = 30 * 60
ROBOT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|headless", re.IGNORECASE)


def is_robot(user_agent):
    return not user_agent or bool(ROBOT.search(user_agent))


def visitor_key(kind, object_id, address, user_agent, day):
    salt = f"{settings.SECRET_KEY}:{day.isoformat()}"
    digest = hashlib.blake2b(f"{address}|{user_agent}|{kind}|{object_id}".encode(), key=salt.encode()[:64], digest_size=16)
    return f"stats:seen:{digest.hexdigest()}"


def record(kind, object_id, address, user_agent):
    """Add one to today's total unless this reader was counted for this item in the last half hour."""
    day = timezone.localdate()
    if is_robot(user_agent):
        return False
    if not cache.add(visitor_key(kind, object_id, address, user_agent, day), 1, REPEAT_WINDOW_SECONDS):
        return False
    increment(day, kind, object_id)
    return True


def increment(day, kind, object_id):
    rows = DailyCount.objects.filter(day=day, kind=kind, object_id=object_id)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(day=day, kind=kind, object_id=object_id, count=1)
    except IntegrityError:  # another request created today's row first
        rows.update(count=F("count") + 1)
