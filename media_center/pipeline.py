"""Running video jobs: who may take one, what follows it, and what happens when a worker dies.

A job is claimed with one conditional UPDATE, so two workers never run the same chunk; the holder
reports progress every few seconds; a job whose holder went silent is put back in the queue by the
scheduler (`requeue_stalled_jobs`), and its retry overwrites whatever the dead attempt stored. The task
rows a killed worker left running, ours and Wagtail's, are failed and run again (`rerun_orphaned_tasks`).
"""

import logging
import shutil
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import log_context
from core.scheduler import process_identity

from . import steps, storage
from .ffmpeg.clip_layout import FontMissing
from .ffmpeg.probe import ProbeError
from .ffmpeg.runner import Cancelled, FFmpegError
from .ffmpeg.subtitles import SubtitleError
from .ffmpeg.title_band import LogoError
from .ffmpeg.vertical import ClipRefusal
from .models import MAX_ATTEMPTS, Video, VideoJob, stale_after

logger = logging.getLogger(__name__)
PROGRESS_SAVE_SECONDS = 3.0
CHUNKS_SHARE = 0.9  # of the progress bar; the rest is the final stitching
CLIP_SHARE = 0.5  # of a clip's progress bar: rendering the channel MP4; the ladder after it takes the rest
# A failed attempt is tried again after this long, then twice as long: an outage of the storage or the
# database shorter than that (a restart, a minute of S3 unreachable) costs no video its attempts.
RETRY_SECONDS = 30
# What retrying cannot change (the file, the span, the font): the video fails at once with the reason.
REFUSALS = (ProbeError, ClipRefusal, FontMissing, SubtitleError, LogoError, steps.ClipSourceGone)


def enqueue(job, delay=0):
    """A job tried before goes ahead of those never started: a dead worker's chunk is encoded before
    the chunks after it, instead of behind every one of them. `delay`: not before so many seconds (a
    backend that runs tasks at once, as the tests' inline one, cannot wait)."""
    from .tasks import run_video_job

    task = run_video_job.using(priority=job.attempts)
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(job.pk)


def work_dir_of(job):
    """The job's scratch folder on the machine running it."""
    return settings.VIDEO_WORK_DIR / str(job.video_id) / f"{job.kind}-{job.index}"


def start(video):
    """Queue the first job of a fresh video, once its transaction has committed: a recording is probed
    and cut into chunks, a clip is first rendered from its recording."""
    if video.is_clip:
        span = {"start": video.clip_start, "end": video.clip_end}
        job, _ = VideoJob.objects.get_or_create(video=video, kind=VideoJob.Kind.CLIP, index=0, defaults=span)
    else:
        job, _ = VideoJob.objects.get_or_create(video=video, kind=VideoJob.Kind.PREPARE, index=0)
    transaction.on_commit(lambda: enqueue(job))


def run_job(job_id, on_progress=None):
    """Run one job if this worker can claim it; `on_progress()` hears of each progress report (commands' bars).

    Every line logged meanwhile, by any module, carries the job's and its video's ids.
    """
    with log_context.bind(job_id=job_id):
        job = VideoJob.objects.select_related("video").filter(pk=job_id).first()
        if job is None:
            return
        with log_context.bind(video_id=job.video_id):
            _run_job(job, on_progress)


def _run_job(job, on_progress):
    if job.video.status == Video.Status.CANCELLED:
        return
    if not job.claim(process_identity()):
        return  # done already, or another worker holds it
    work_dir = work_dir_of(job)
    shutil.rmtree(work_dir, ignore_errors=True)  # what an earlier attempt on this machine left
    work_dir.mkdir(parents=True)
    try:
        steps.HANDLERS[job.kind](job, work_dir, _progress_reporter(job, on_progress), _cancel_check(job.video_id))
    except Cancelled:
        VideoJob.objects.filter(pk=job.pk).update(status=VideoJob.Status.FAILED, error="cancelled")
        return
    except REFUSALS as refusal:
        reason = _(refusal.message) % refusal.params
        _fail_video(job.video, reason)
        VideoJob.objects.filter(pk=job.pk).update(status=VideoJob.Status.FAILED, error=reason)
        return
    except Exception as error:  # noqa: BLE001 - any failure is recorded, retried, then shown to staff
        logger.exception("video job %s failed", job)
        _retry_or_fail(job, error)
        return
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    VideoJob.objects.filter(pk=job.pk).update(status=VideoJob.Status.DONE, done_seconds=job.duration, finished_at=timezone.now())
    _after(job)


def _after(job):
    video = Video.objects.get(pk=job.video_id)
    if video.status == Video.Status.CANCELLED:
        return
    if job.kind == VideoJob.Kind.CLIP:
        prepare, _created = VideoJob.objects.get_or_create(video=video, kind=VideoJob.Kind.PREPARE, index=0)
        enqueue(prepare)
        return
    if job.kind == VideoJob.Kind.PREPARE:
        for next_job in video.jobs.exclude(kind=VideoJob.Kind.PREPARE).order_by("pk"):
            enqueue(next_job)
        return
    if job.kind == VideoJob.Kind.FINISH:
        Video.objects.filter(pk=video.pk).update(
            status=Video.Status.READY, progress=1.0, eta_seconds=0, ready_at=timezone.now(), playable=True
        )
        return
    if job.kind in (VideoJob.Kind.CHUNK, VideoJob.Kind.AUDIO):
        refresh_playlists(video)
        update_progress(video.pk)
    _maybe_finish(video)


def refresh_playlists(video):
    """Rewrite the growing playlists from what is stored now; the replay is playable once they have a chunk."""
    with transaction.atomic():
        Video.objects.select_for_update().get(pk=video.pk)  # one playlist writer at a time
        if steps.write_playlists(video, finished=False):
            Video.objects.filter(pk=video.pk, playable=False).update(playable=True)


def _maybe_finish(video):
    unfinished = video.jobs.exclude(kind__in=[VideoJob.Kind.CLIP, VideoJob.Kind.PREPARE, VideoJob.Kind.FINISH]).exclude(
        status=VideoJob.Status.DONE
    )
    if unfinished.exists():
        return
    try:
        with transaction.atomic():
            finish_job = VideoJob.objects.create(video=video, kind=VideoJob.Kind.FINISH)
    except IntegrityError:
        return  # another worker finished the last chunk at the same moment and queued it
    enqueue(finish_job)


def _progress_reporter(job, on_progress=None):
    def report(seconds_done):
        job.beat(done_seconds=min(seconds_done, job.duration) if job.kind in SHOWN_KINDS else None)
        if job.kind == VideoJob.Kind.CHUNK:
            update_progress(job.video_id)
        elif job.kind == VideoJob.Kind.CLIP:
            update_clip_progress(job, seconds_done)
        elif job.kind == VideoJob.Kind.AUDIO and not job.video.playable:
            refresh_playlists(job.video)  # the chunks done may now have their sound
            job.video.playable = Video.objects.filter(pk=job.video_id, playable=True).exists()
        if on_progress:
            on_progress()

    return report


def _cancel_check(video_id):
    last = {"checked": 0.0, "cancelled": False}

    def cancelled():
        if time.monotonic() - last["checked"] >= PROGRESS_SAVE_SECONDS:
            last["checked"] = time.monotonic()
            last["cancelled"] = Video.objects.filter(pk=video_id, status=Video.Status.CANCELLED).exists()
        return last["cancelled"]

    return cancelled


def update_clip_progress(job, seconds_done):
    fraction = min(1.0, seconds_done / job.duration) * CLIP_SHARE if job.duration else 0.0
    Video.objects.filter(pk=job.video_id, status=Video.Status.CLIPPING).update(progress=fraction)


def update_progress(video_id):
    """Share of the source's duration encoded so far, and the time left at the pace so far."""
    video = Video.objects.filter(pk=video_id).only("duration", "transcode_started_at", "status", "kind").first()
    if video is None or not video.duration or video.status != Video.Status.TRANSCODING:
        return
    done = video.jobs.filter(kind=VideoJob.Kind.CHUNK).aggregate(total=Sum("done_seconds"))["total"] or 0.0
    fraction = min(1.0, done / video.duration) * CHUNKS_SHARE
    if video.is_clip:
        fraction = CLIP_SHARE + (1 - CLIP_SHARE) * fraction
    eta = None
    if video.transcode_started_at and fraction > 0.01:
        elapsed = (timezone.now() - video.transcode_started_at).total_seconds()
        eta = int(elapsed * (1 - fraction) / fraction)
    Video.objects.filter(pk=video_id, status=Video.Status.TRANSCODING).update(progress=fraction, eta_seconds=eta)


def _retry_or_fail(job, error):
    message = str(error)[:2000]
    if job.attempts >= MAX_ATTEMPTS:
        VideoJob.objects.filter(pk=job.pk).update(status=VideoJob.Status.FAILED, error=message)
        reason = _("转码失败，已重试 %(attempts)d 次：%(error)s") % {"attempts": MAX_ATTEMPTS, "error": _short(error)}
        _fail_video(job.video, reason)
        return
    VideoJob.objects.filter(pk=job.pk).update(
        status=VideoJob.Status.PENDING, error=message, heartbeat_at=None, queued_at=timezone.now()
    )
    enqueue(job, delay=RETRY_SECONDS * 2 ** (job.attempts - 1))


def _short(error):
    if isinstance(error, FFmpegError):
        return (error.stderr.strip().splitlines() or [str(error)])[-1][:300]
    return str(error)[:300]


def _fail_video(video, reason):
    Video.objects.filter(pk=video.pk).exclude(status=Video.Status.CANCELLED).update(
        status=Video.Status.FAILED, failure_reason=reason, eta_seconds=None
    )


def requeue_stalled_jobs():
    """Put back the jobs of workers that died (no heartbeat); give up on a job after MAX_ATTEMPTS.

    The dead attempt's scratch folder is removed when it is on this machine (a retry on the dead
    worker's machine removes it too, before it starts).
    """
    requeued = 0
    for job in VideoJob.objects.stalled().select_related("video"):
        if job.attempts >= MAX_ATTEMPTS:
            VideoJob.objects.filter(pk=job.pk).update(status=VideoJob.Status.FAILED, error="worker lost")
            _fail_video(job.video, _("转码进程多次中断，已停止。请检查服务器后重试。"))
            shutil.rmtree(work_dir_of(job), ignore_errors=True)
            continue
        taken_back = (
            VideoJob.objects.stalled()
            .filter(pk=job.pk)
            .update(status=VideoJob.Status.PENDING, heartbeat_at=None, queued_at=timezone.now())
        )
        if not taken_back:
            continue
        shutil.rmtree(work_dir_of(job), ignore_errors=True)  # nobody holds the job now: the folder is the dead attempt's
        if job.video.status not in (Video.Status.CANCELLED, Video.Status.FAILED):
            enqueue(job)
            requeued += 1
    return requeued


SHOWN_KINDS = (VideoJob.Kind.CHUNK, VideoJob.Kind.CLIP)  # jobs whose done seconds the job list shows


class WorkerLost(RuntimeError):
    """Recorded on a task row whose worker died while running it."""


def rerun_orphaned_tasks():
    """Task rows a killed worker left RUNNING are marked failed, and their work queued again; returns how many.

    django-tasks-db keeps no heartbeat of its workers, so a killed `db_worker` leaves its row RUNNING
    for ever. A video job's row is judged by the job's own heartbeat: once the job is no longer running
    under a live one, the row is dead (the job itself is put back by requeue_stalled_jobs, so call this
    first). The other tasks here (Wagtail's search index, references, focal points, file deletion) take
    seconds and are safe to run twice: one RUNNING longer than TASK_STALE_SECONDS has lost its worker.
    """
    from .tasks import run_video_job

    now = timezone.now()
    running = DBTaskResult.objects.running()
    video_rows = running.filter(task_path=run_video_job.module_path, started_at__lt=now - stale_after())
    other_rows = running.exclude(task_path=run_video_job.module_path).filter(
        started_at__lt=now - timedelta(seconds=settings.TASK_STALE_SECONDS)
    )
    rerun = 0
    for row in video_rows:
        job = VideoJob.objects.filter(pk=row.args_kwargs["args"][0]).first()
        if job and job.status == VideoJob.Status.RUNNING and job.heartbeat_at >= now - stale_after():
            continue  # alive: its worker, or the retry's
        if _mark_lost(row) and job and job.status == VideoJob.Status.PENDING:
            enqueue(job)  # its worker died before it took the job
            rerun += 1
    for row in other_rows:
        if not _mark_lost(row):
            continue
        try:
            task = row.task
        except (ImportError, SuspiciousOperation):
            continue  # its code is gone since: nothing to run again
        task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        rerun += 1
    return rerun


def _mark_lost(row):
    """FAILED, unless its worker finished it meanwhile; True if this call marked it."""
    lost = WorkerLost(_("执行这个任务的进程已中断"))
    marked = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), traceback="".join(traceback.format_exception(lost)),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
    )  # fmt: skip
    return marked == 1


def work_through(video, on_progress=None, wait_seconds=1.0):
    """Run `video`'s jobs in this process until it is finished (commands, demo content); a worker may
    take some meanwhile, claims being atomic. `on_progress(video)` hears of progress, with the video fresh."""

    def report():
        if on_progress:
            on_progress(Video.objects.get(pk=video.pk))

    while not video.is_finished:
        job = video.jobs.filter(status=VideoJob.Status.PENDING).order_by("pk").first()
        if job is None:
            requeue_stalled_jobs()  # a worker that held one may have died, and no scheduler may be running
            time.sleep(wait_seconds)  # the next job is not queued yet, or a worker holds it
        else:
            run_job(job.pk, on_progress=report)
        video.refresh_from_db()
        report()
    return video


def cancel(video):
    Video.objects.filter(pk=video.pk).exclude(status=Video.Status.READY).update(status=Video.Status.CANCELLED, eta_seconds=None)


def retry(video):
    """Start again from the stored source: all outputs and jobs of the earlier run are removed."""
    with transaction.atomic():
        video.jobs.all().delete()
        video.renditions.all().delete()
        Video.objects.filter(pk=video.pk).update(
            status=Video.Status.UPLOADED, failure_reason="", progress=0.0, eta_seconds=None, playable=False,
            poster="", storyboard="", ready_at=None, transcode_started_at=None, warning="",
        )  # fmt: skip
        for folder in ("hls", "mp4", "thumbs", "work", "clip"):
            storage.delete_tree(f"{video.prefix}/{folder}")
        start(video)
