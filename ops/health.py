"""The site's health as /healthz and `healthcheck` give it: every check core and the apps registered
(core.health), summed up, and kept for HEALTH_CACHE_SECONDS in each web process.

Kept in the process, not in the cache: /healthz must answer while the cache is down (and say so). A
monitor polling every second, or several at once, then costs one run of the checks per process every
few seconds; requests arriving while a run is going wait for it and share its answer.
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from core import health

OK, DEGRADED, FAILING = "ok", "degraded", "failing"  # a non-critical check failing only degrades
clock = time.monotonic  # tests move it


@dataclass(frozen=True)
class Status:
    results: tuple
    checked_at: datetime

    @property
    def status(self):
        if any(not result.ok and result.critical for result in self.results):
            return FAILING
        return DEGRADED if any(not result.ok for result in self.results) else OK

    @property
    def http_status(self):
        return 503 if self.status == FAILING else 200

    @property
    def all_ok(self):
        return all(result.ok for result in self.results)

    def as_dict(self, with_detail=True):
        return {
            "status": self.status,
            "checks": {result.name: result.as_dict(with_detail) for result in self.results},
            "checked_at": timezone.localtime(self.checked_at).isoformat(timespec="seconds"),
        }


def check_now():
    """Run every check now."""
    return Status(tuple(health.run_checks()), timezone.now())


_latest = {"status": None, "at": 0.0}
_lock = threading.Lock()


def current_status():
    """The status this process computed less than HEALTH_CACHE_SECONDS ago, or a new one."""
    with _lock:
        if _latest["status"] is not None and clock() - _latest["at"] < settings.HEALTH_CACHE_SECONDS:
            return _latest["status"]
        status = check_now()
        _latest.update(status=status, at=clock())
        return status


def forget():
    """Compute afresh at the next request (tests)."""
    with _lock:
        _latest.update(status=None, at=0.0)
