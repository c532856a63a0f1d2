"""Health checks: what /healthz and `manage.py healthcheck` (the ops app) run, registered by the apps.

A check is a plain function returning `(ok, detail)`: `ok` a bool, `detail` a short Chinese text for the
operator, or a dict of figures with that text under "message". Apps register theirs in `AppConfig.ready()`
(`register(name, check, label=…)`), as they register scheduler jobs; core registers what it owns here
(`register_core_checks`): the database, the caches, the media storage, the scheduler's heartbeat and the
free disk of the work folder. The ops app reads `checks` and imports no app.

`run_checks()` runs every check at once, each in a thread of its own, and gives up on one after its
timeout: a stalled server (a database or S3 endpoint that never answers) fails its check instead of
holding the answer, so /healthz answers within the longest timeout. A check still hanging from an
earlier run is not started again (its thread would pile up), it fails at once saying so.

A critical check failing means this site cannot do its work (503 on /healthz); a non-critical one is a
warning, such as a queue waiting longer than its threshold: reported, while the answer stays 200.
"""

import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .ratelimit import reachable

MESSAGE_LENGTH = 300  # an error's text is cut here: enough to name the cause, never a page of traceback


@dataclass(frozen=True)
class Check:
    name: str
    run: object  # a callable: run() -> (ok, detail)
    label: object  # what the operator reads, a lazily translated text
    critical: bool
    timeout: float | None  # seconds; None: HEALTH_CHECK_TIMEOUT_SECONDS


checks = {}


def register(name, check, *, critical=True, label=None, timeout=None):
    """Have /healthz and `healthcheck` call `check()`. Registering a name again replaces its check."""
    checks[name] = Check(name, check, label or name, critical, timeout)


@dataclass
class Result:
    name: str
    label: str
    ok: bool
    critical: bool
    seconds: float
    detail: dict = field(default_factory=dict)

    @property
    def message(self):
        return str(self.detail.get("message", ""))

    def as_dict(self, with_detail=True):
        answer = {"ok": self.ok, "critical": self.critical}
        if with_detail:
            answer |= {"label": self.label, "ms": round(self.seconds * 1000), **self.detail}
        return answer


def as_detail(detail):
    if isinstance(detail, dict):
        return {key: str(value) if key == "message" else value for key, value in detail.items()}
    return {"message": str(detail)}


def error_text(error):
    text = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {text}"[:MESSAGE_LENGTH]


_hanging = {}  # name: the thread of an earlier run of that check, still running past its timeout
_hanging_lock = threading.Lock()


def _run_one(check, box):
    try:
        ok, detail = check.run()
        box["ok"], box["detail"] = bool(ok), as_detail(detail)
    except Exception as error:  # noqa: BLE001 - a check that raises has failed, with its reason
        box["ok"], box["detail"] = False, {"message": error_text(error)}
    finally:
        box["seconds"] = time.monotonic() - box["started"]
        try:
            connections.close_all()  # this thread's own connections: it ends now, they must not linger
            caches.close_all()
        except Exception:  # noqa: BLE001 - closing what already failed may fail too; the thread ends anyway
            pass


def run_checks():
    """Every registered check's Result, in the order they were registered."""
    started = []
    for check in list(checks.values()):
        timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS if check.timeout is None else check.timeout
        box = {"started": time.monotonic()}
        with _hanging_lock:
            earlier = _hanging.get(check.name)
            if earlier is not None and earlier.is_alive():
                started.append((check, None, box, timeout))
                continue
            thread = threading.Thread(target=_run_one, args=(check, box), name=f"health-{check.name}", daemon=True)
            thread.start()
        started.append((check, thread, box, timeout))
    results = []
    for check, thread, box, timeout in started:
        if thread is not None:
            thread.join(max(0.0, box["started"] + timeout - time.monotonic()))
        if thread is None or thread.is_alive():  # the thread may still write its box: nothing is read from it
            if thread is not None:
                with _hanging_lock:
                    _hanging[check.name] = thread
            message = (
                _("上一次检查还没有结束，可能卡住了")
                if thread is None
                else _("超过 %(seconds)s 秒没有结果") % {"seconds": f"{timeout:g}"}
            )
            seconds = time.monotonic() - box["started"]
            results.append(Result(check.name, str(check.label), False, check.critical, seconds, {"message": message}))
            continue
        results.append(Result(check.name, str(check.label), box["ok"], check.critical, box["seconds"], box["detail"]))
    return results


# What core owns. Each returns (ok, detail); an exception is a failure with its text.


def database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, {"message": _("可以查询"), "vendor": connections["default"].vendor}


def cache_round_trip():
    """Set, read back and delete a key in every cache (pages, counting): a Redis that is down reads as a miss."""
    failing = []
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = f"healthcheck:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
        if found != value or not reachable(cache):
            failing.append(alias)
    if failing:
        return False, {"message": _("无法读写缓存：%(aliases)s") % {"aliases": "、".join(failing)}, "failing": failing}
    return True, {"message": _("可以读写：%(aliases)s") % {"aliases": "、".join(settings.CACHES)}}


def storage_round_trip(storage):
    """Write a small file to `storage`, read it back and delete it: (ok, detail), for any storage."""
    payload = uuid.uuid4().hex.encode()
    saved = storage.save(f"healthcheck/{uuid.uuid4().hex}.txt", ContentFile(payload))
    try:
        with storage.open(saved, "rb") as handle:
            found = handle.read()
    finally:
        storage.delete(saved)
    if found != payload:
        return False, {"message": _("写入的内容读回来不一样")}
    return True, {"message": _("可以写入、读取和删除"), "backend": type(storage).__name__}


def media_storage():
    return storage_round_trip(storages["default"])


def scheduler_heartbeat():
    """How long ago a scheduler, on any machine, finished a pass (each records it: core.scheduler.beat)."""
    from .models import SchedulerHeartbeat

    limit = settings.HEALTH_SCHEDULER_MAX_SILENCE_SECONDS
    latest = SchedulerHeartbeat.objects.order_by("-passed_at").first()
    if latest is None:
        return False, {"message": _("调度进程从未运行过（manage.py run_scheduler）"), "limit_seconds": limit}
    seconds = max(0, int((timezone.now() - latest.passed_at).total_seconds()))
    figures = {"seconds_since_last_pass": seconds, "limit_seconds": limit, "host": latest.host}
    if seconds > limit:
        message = _("已经 %(seconds)d 秒没有运行（上限 %(limit)d 秒），最后一次在 %(host)s") % {
            "seconds": seconds,
            "limit": limit,
            "host": latest.host,
        }
        return False, {"message": message, **figures}
    return True, {"message": _("%(seconds)d 秒前运行过（%(host)s）") % {"seconds": seconds, "host": latest.host}, **figures}


def existing_folder(path):
    """`path`, or its nearest parent that exists (a work folder is made by the first job)."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def work_folder_disk():
    """Free space where video jobs write their scratch files (VIDEO_WORK_DIR)."""
    folder = existing_folder(settings.VIDEO_WORK_DIR)
    free_gb = shutil.disk_usage(folder).free / 1024**3
    least = settings.HEALTH_MIN_FREE_DISK_GB
    figures = {"folder": str(folder), "free_gb": round(free_gb, 1), "min_free_gb": least}
    if free_gb < least:
        message = _("工作目录 %(folder)s 只剩 %(free).1f GB（至少要 %(least)s GB）") % {
            "folder": folder,
            "free": free_gb,
            "least": least,
        }
        return False, {"message": message, **figures}
    return True, {"message": _("剩余 %(free).1f GB") % {"free": free_gb}, **figures}


def register_core_checks():
    register("database", database, label=gettext_lazy("数据库"))
    register("cache", cache_round_trip, label=gettext_lazy("缓存"))
    register("media_storage", media_storage, label=gettext_lazy("媒体存储"))
    register("scheduler", scheduler_heartbeat, label=gettext_lazy("调度进程"))
    register("work_disk", work_folder_disk, label=gettext_lazy("工作目录磁盘"))
