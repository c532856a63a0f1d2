"""gunicorn's own lines, its log and its access log, written like the site's (LOGGING of the settings in
DJANGO_SETTINGS_MODULE: JSON lines in production, with the request's id on the access line):

    gunicorn cms.wsgi -c python:cms.gunicorn_conf --bind …

Without it gunicorn writes its lines in its own text format next to the site's JSON.
"""

import importlib
import os

_settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.dev"))
_own = {"handlers": ["console"], "level": "INFO", "propagate": False}

logconfig_dict = {
    **_settings.LOGGING,
    "loggers": {**_settings.LOGGING["loggers"], "gunicorn.error": _own, "gunicorn.access": _own},
}
# The line's time is the record's own (Shanghai, with its offset): gunicorn's %(t)s would say it twice.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
