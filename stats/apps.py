from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "阅读与播放统计"
    default_auto_field = "django.db.models.BigAutoField"
