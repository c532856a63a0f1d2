from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    """What every other app may build on; it imports none of them, only Django, Wagtail, the standard library
    and the libraries of the infrastructure it holds (login throttling: django-axes)."""

    name = "core"
    verbose_name = gettext_lazy("基础设施")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import checks, health, scheduler  # noqa: F401 - checks register themselves
        from .cache_backends import cull_file_caches
        from .login_throttle import forget_own_failures, purge_login_records
        from .roles import sync_after_last_app

        post_migrate.connect(sync_after_last_app)
        user_logged_in.connect(forget_own_failures, dispatch_uid="core.login_throttle")
        scheduler.register("cull_file_caches", cull_file_caches)
        scheduler.register("purge_login_records", purge_login_records, purge=True)
        health.register_core_checks()  # database, caches, media storage, scheduler, work disk: /healthz
