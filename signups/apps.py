from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignupsConfig(AppConfig):
    name = "signups"
    verbose_name = _("求职报名")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import demo, scheduler

        from .demo import load_signups
        from .retention import purge_job
        from .roles import grant_signup_permissions

        grant_signup_permissions()
        scheduler.register("purge_signups", purge_job, purge=True)
        demo.register("signups", load_signups, order=50)  # after the job fairs (40): the entries go to their positions
