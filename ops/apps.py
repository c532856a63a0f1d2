import logging
import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    """/healthz, /metrics, `healthcheck`, and backups: reads what the apps registered in core, and nothing imports it."""

    name = "ops"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = gettext_lazy("运行监控")

    def ready(self):
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if folder:  # prometheus-client writes each process's counters there from its first count on
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as error:  # a worker or scheduler given the web's variable counts nothing: no matter
                logging.getLogger(__name__).warning("PROMETHEUS_MULTIPROC_DIR %s cannot be made: %s", folder, error)

        from core import health, scheduler
        from core import metrics as registered
        from core.roles import ADMINISTRATOR, grant

        from . import checks, metrics  # noqa: F401 - checks register themselves
        from .backup_runs import backups_check, backups_due

        registered.add_sink(metrics.count_event)
        scheduler.register("backups_due", backups_due)
        grant([ADMINISTRATOR], "ops.add_backuprun", "ops.view_backuprun")  # a backup holds every phone number
        health.register("backups", backups_check, critical=False, label=gettext_lazy("备份"))
