"""What the video app tells /healthz and /metrics (registered in MediaCenterConfig.ready()).

Health: the video storage takes a small file and gives it back; no video job has waited for a worker
longer than HEALTH_VIDEO_JOB_MAX_WAIT_SECONDS; no background task (the database queue django-tasks-db
keeps: video jobs, and Wagtail's search index and references) longer than HEALTH_TASK_MAX_WAIT_SECONDS.
The waits are warnings: a long recording legitimately queues an hour of chunks behind two workers.

Metrics, read from the database when scraped: jobs waiting and the oldest wait, per job kind and per
task queue, and how many seconds of work a second of video costs on the workers (recent jobs).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from core import health, metrics

from . import storage
from .models import Video, VideoJob

GONE = (Video.Status.FAILED, Video.Status.CANCELLED)  # their pending jobs will never run: not waiting
TIMED_KINDS = (VideoJob.Kind.CHUNK, VideoJob.Kind.CLIP)  # jobs whose span of video is their work


def seconds_since(moment, now):
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def pending_video_jobs():
    """{kind: (count, oldest queued_at)} of the jobs waiting for a worker."""
    rows = (
        VideoJob.objects.filter(status=VideoJob.Status.PENDING)
        .exclude(video__status__in=GONE)
        .values("kind")
        .annotate(count=Count("pk"), oldest=Min("queued_at"))
    )
    return {row["kind"]: (row["count"], row["oldest"]) for row in rows}


def task_queue_names():
    return sorted({queue for backend in settings.TASKS.values() for queue in backend.get("QUEUES", ["default"])})


def ready_tasks():
    """{queue: (count, oldest)} of the database queue's tasks ready to run that no worker has taken.

    A task waits from when it was enqueued, or from its run_after if it was to run later (django-tasks-db
    stores "no run_after" as the largest date)."""
    never = get_date_max()
    rows = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(
            count=Count("pk"),
            oldest_enqueued=Min("enqueued_at", filter=Q(run_after=never)),
            oldest_run_after=Min("run_after", filter=~Q(run_after=never)),
        )
    )
    return {
        row["queue_name"]: (row["count"], min(when for when in (row["oldest_enqueued"], row["oldest_run_after"]) if when))
        for row in rows
    }


def longest_waits(waiting, limit, now):
    """(the longest wait in seconds, its name, the names waiting longer than `limit`)."""
    ages = {name: seconds_since(oldest, now) for name, (count, oldest) in waiting.items() if count}
    if not ages:
        return 0, "", []
    longest = max(ages, key=ages.get)
    return int(ages[longest]), longest, sorted(name for name, age in ages.items() if age > limit)


def video_storage_check():
    return health.storage_round_trip(storage.video_storage())


def video_jobs_check():
    limit = settings.HEALTH_VIDEO_JOB_MAX_WAIT_SECONDS
    waiting = pending_video_jobs()
    seconds, kind, late = longest_waits(waiting, limit, timezone.now())
    figures = {
        "pending": {name: count for name, (count, _oldest) in waiting.items()},
        "oldest_seconds": seconds,
        "limit_seconds": limit,
    }
    if late:
        message = _("有视频任务等了 %(seconds)d 秒还没有进程处理（上限 %(limit)d 秒）：worker 是否在运行？") % {
            "seconds": seconds,
            "limit": limit,
        }
        return False, {"message": message, **figures}
    if not waiting:
        return True, {"message": _("没有等待中的视频任务"), **figures}
    count = sum(count for count, _oldest in waiting.values())
    return True, {"message": _("%(count)d 个等待中，最久 %(seconds)d 秒") % {"count": count, "seconds": seconds}, **figures}


def task_queues_check():
    limit = settings.HEALTH_TASK_MAX_WAIT_SECONDS
    waiting = ready_tasks()
    seconds, queue, late = longest_waits(waiting, limit, timezone.now())
    figures = {
        "ready": {name: count for name, (count, _oldest) in waiting.items()},
        "oldest_seconds": seconds,
        "limit_seconds": limit,
    }
    if late:
        message = _("队列 %(queues)s 的后台任务等了 %(seconds)d 秒还没有进程处理（上限 %(limit)d 秒）：worker 是否在运行？") % {
            "queues": "、".join(late),
            "seconds": seconds,
            "limit": limit,
        }
        return False, {"message": message, **figures}
    if not waiting:
        return True, {"message": _("没有等待中的后台任务"), **figures}
    count = sum(count for count, _oldest in waiting.values())
    return True, {"message": _("%(count)d 个等待中，最久 %(seconds)d 秒") % {"count": count, "seconds": seconds}, **figures}


# Scrape-time gauges: (label values, value) pairs.


def video_jobs_pending():
    waiting = pending_video_jobs()
    return [((kind,), waiting.get(kind, (0, None))[0]) for kind in VideoJob.Kind.values]


def video_job_oldest_wait():
    waiting, now = pending_video_jobs(), timezone.now()
    return [((kind,), seconds_since(waiting.get(kind, (0, None))[1], now)) for kind in VideoJob.Kind.values]


def tasks_ready():
    waiting = ready_tasks()
    return [((queue,), waiting.get(queue, (0, None))[0]) for queue in sorted({*task_queue_names(), *waiting})]


def task_oldest_wait():
    waiting, now = ready_tasks(), timezone.now()
    return [((queue,), seconds_since(waiting.get(queue, (0, None))[1], now)) for queue in sorted({*task_queue_names(), *waiting})]


def tasks_running():
    running = dict(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        .values("queue_name")
        .annotate(count=Count("pk"))
        .values_list("queue_name", "count")
    )
    return [((queue,), running.get(queue, 0)) for queue in sorted({*task_queue_names(), *running})]


def transcode_cost():
    """Worker seconds per second of video, over the jobs finished in the last METRICS_TRANSCODE_WINDOW_SECONDS,
    per kind: a chunk (the ladder from a recording's chunk) or a clip (the vertical render). None finished: no value."""
    since = timezone.now() - timedelta(seconds=settings.METRICS_TRANSCODE_WINDOW_SECONDS)
    rows = VideoJob.objects.filter(
        status=VideoJob.Status.DONE, kind__in=TIMED_KINDS, finished_at__gte=since, started_at__isnull=False
    ).values_list("kind", "started_at", "finished_at", "start", "end")
    worked, video = {}, {}
    for kind, started_at, finished_at, start, end in rows.iterator():
        worked[kind] = worked.get(kind, 0.0) + max(0.0, (finished_at - started_at).total_seconds())
        video[kind] = video.get(kind, 0.0) + max(0.0, end - start)
    return [((kind,), worked[kind] / video[kind]) for kind in sorted(worked) if video[kind] > 0]


def register_health_and_metrics():
    health.register("video_storage", video_storage_check, label=gettext_lazy("视频存储"))
    health.register("video_jobs", video_jobs_check, critical=False, label=gettext_lazy("视频任务队列"))
    health.register("task_queues", task_queues_check, critical=False, label=gettext_lazy("后台任务队列"))
    metrics.register_gauge("video_jobs_pending", "Video jobs waiting for a worker, by kind.", video_jobs_pending, ["kind"])
    metrics.register_gauge(
        "video_job_oldest_wait_seconds",
        "How long the oldest video job waiting for a worker has waited, by kind (0: none waiting).",
        video_job_oldest_wait,
        ["kind"],
    )
    metrics.register_gauge("tasks_ready", "Background tasks ready to run and not taken, by queue.", tasks_ready, ["queue"])
    metrics.register_gauge(
        "task_oldest_wait_seconds",
        "How long the oldest background task ready to run has waited, by queue (0: none waiting).",
        task_oldest_wait,
        ["queue"],
    )
    metrics.register_gauge("tasks_running", "Background tasks a worker is running, by queue.", tasks_running, ["queue"])
    metrics.register_gauge(
        "transcode_seconds_per_video_second",
        "Worker seconds spent per second of video, over the jobs finished recently, by job kind (chunk, clip).",
        transcode_cost,
        ["kind"],
    )
