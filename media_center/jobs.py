"""The video app's periodic jobs, registered with the scheduler in MediaCenterConfig.ready()."""

from django.utils.translation import gettext as _

from . import pipeline, uploads


def rerun_orphaned_tasks():
    rerun = pipeline.rerun_orphaned_tasks()
    return _("后台任务：%(count)d 个进程中断的任务已重新排队。") % {"count": rerun} if rerun else ""


def requeue_stalled_jobs():
    requeued = pipeline.requeue_stalled_jobs()
    return _("视频任务：%(count)d 个中断的任务已重新排队。") % {"count": requeued} if requeued else ""


def remove_abandoned_uploads():
    abandoned = uploads.remove_abandoned()
    return _("视频上传：清理了 %(count)d 个一天没有动静的未完成上传。") % {"count": abandoned} if abandoned else ""
