from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCenterConfig(AppConfig):
    name = "media_center"
    verbose_name = _("视频中心")
    default_auto_field = "django.db.models.BigAutoField"
