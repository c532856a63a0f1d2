"""System checks of the ops settings, said by `manage.py check` rather than found out by a refused scrape."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, register
from django.utils.translation import gettext as _


@register()
def metrics_addresses(app_configs, **kwargs):
    errors = []
    for entry in settings.METRICS_ALLOWED_ADDRESSES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    _("METRICS_ALLOWED_ADDRESSES 中的 %(entry)s 不是地址或网段。") % {"entry": entry},
                    hint=_("写成 10.0.0.5 或 10.0.0.0/24，多个用英文逗号分开。"),
                    id="ops.E001",
                )
            )
    return errors
