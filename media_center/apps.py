from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCenterConfig(AppConfig):
    name = "media_center"
    verbose_name = _("视频中心")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from core import demo, scheduler
        from core.roles import ADMINISTRATOR, EDITOR, FINAL_REVIEW, FIRST_REVIEW, SECOND_REVIEW, VIDEO, grant

        from . import cache_rules, health, jobs
        from .demo import load_videos
        from .models import Video

        post_save.connect(cache_rules.on_video_saved, sender=Video)

        grant([EDITOR, FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW, VIDEO, ADMINISTRATOR], "media_center.view_video")
        grant([VIDEO, ADMINISTRATOR], "media_center.add_video", "media_center.change_video")
        grant([ADMINISTRATOR], "media_center.delete_video")
        grant([FINAL_REVIEW], "media_center.approve_clip")  # a clip speaks for the union on public accounts

        scheduler.register("rerun_orphaned_tasks", jobs.rerun_orphaned_tasks)
        scheduler.register("requeue_stalled_video_jobs", jobs.requeue_stalled_jobs)
        scheduler.register("remove_abandoned_uploads", jobs.remove_abandoned_uploads)
        demo.register("videos", load_videos, order=20, needs_ffmpeg=True)
        health.register_health_and_metrics()  # the video storage, the job and task queues: /healthz and /metrics
