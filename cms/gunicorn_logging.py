"""gunicorn's own lines (starting, booting workers, a worker timed out) written like the site's: LOGGING of
the settings in DJANGO_SETTINGS_MODULE, so one JSON object per line in production. In gunicorn's config
file (deploy/gunicorn.conf.py):

    from cms.gunicorn_logging import logconfig_dict  # noqa: F401 - gunicorn reads it

No access log, as there: nginx keeps that one, and Django's lines of a request carry its id. Without this,
gunicorn writes its lines in a text format of its own next to the site's JSON.
"""

import importlib
import os

_settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.dev"))

logconfig_dict = {
    **_settings.LOGGING,
    "loggers": {
        **_settings.LOGGING["loggers"],
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # gunicorn logs every request when given a logging dict: not here (accesslog = None means none).
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
