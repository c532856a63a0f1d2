from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    """What every other app may build on; it imports none of them, only Django and the standard library."""

    name = "core"
    verbose_name = gettext_lazy("基础设施")
