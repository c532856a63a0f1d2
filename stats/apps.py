from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("阅读与播放统计")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import scheduler
        from core.roles import ADMINISTRATOR, FINAL_REVIEW, grant

        from .counting import purge_seen_readers

        grant([FINAL_REVIEW, ADMINISTRATOR], "stats.view_dailycount")
        scheduler.register("purge_seen_readers", purge_seen_readers, purge=True)
