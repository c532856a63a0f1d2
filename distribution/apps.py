from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = _("平台分发")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from core import demo, scheduler
        from media_center.clips import clip_approved

        from .accounts import keep_tokens_fresh
        from .demo import load_channels
        from .douyin_steps import refresh_statistics
        from .health import register_health_and_metrics
        from .publishing import distribute_by_rules, distribute_page_by_rules
        from .roles import grant_distribution_permissions
        from .runner import enqueue_due

        grant_distribution_permissions()
        clip_approved.connect(distribute_by_rules)
        page_published.connect(distribute_page_by_rules, dispatch_uid="distribution-page-rules")
        scheduler.register("distributions_due", enqueue_due)
        scheduler.register("channel_tokens", keep_tokens_fresh)
        scheduler.register("channel_statistics", refresh_statistics)
        demo.register("channels", load_channels, order=60)  # after the videos (20): the approved clip is sent
        register_health_and_metrics()  # distributions due and by status: /healthz and /metrics
