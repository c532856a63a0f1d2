from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    """What every other app may build on; it imports none of them, only Django, Wagtail and the standard library."""

    name = "core"
    verbose_name = gettext_lazy("基础设施")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, health, scheduler  # noqa: F401 - checks register themselves
        from .cache_backends import cull_file_caches
        from .roles import sync_after_last_app

        post_migrate.connect(sync_after_last_app)
        scheduler.register("cull_file_caches", cull_file_caches)
        health.register_core_checks()  # database, caches, media storage, scheduler, work disk: /healthz
