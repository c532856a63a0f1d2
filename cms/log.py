"""Log lines stamped in the site's time zone with its offset, whatever the TZ of the machine or the process.

Two formats (LOG_FORMAT): `text` for people at a terminal (development), `json` for production, one JSON
object per line that journald, a file and any log shipper keep whole, a traceback included. Both show
the ids of core.log_context (the request's, the video job's, the distribution's).
"""

import logging
import logging.config
from datetime import datetime
from zoneinfo import ZoneInfo

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


def configure(config):
    """LOGGING_CONFIG: the LOGGING dict, and Python's warnings (a library's UserWarning) written as log
    lines like the others instead of as bare text on standard error."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


class ZonedFormatter(logging.Formatter):
    """%(asctime)s as 2026-11-30 14:05:08.618 +0800: web, worker and scheduler lines read alike next to gunicorn's.

    Ids bound with core.log_context follow the message: `… 视频任务失败 [video_id=7 job_id=31]`.
    """

    def __init__(self, *args, time_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging.Formatter names it so
        moment = datetime.fromtimestamp(record.created, self.zone)
        return moment.strftime(datefmt) if datefmt else f"{moment:%Y-%m-%d %H:%M:%S}.{int(record.msecs):03d} {moment:%z}"

    def formatMessage(self, record):  # noqa: N802 - logging.Formatter names it so
        line = super().formatMessage(record)
        ids = getattr(record, "_log_context", None)
        return f"{line} [{' '.join(f'{key}={value}' for key, value in ids.items())}]" if ids else line


class ZonedJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, its time in ISO 8601 in the site's zone with the offset
    (2026-11-30T14:05:08.618+08:00) and Chinese written as it is (UTF-8, not \\u escapes).

    A record's `extra` attributes become fields; Django's `request` object is left out (its repr adds
    nothing the message lacks).
    """

    def __init__(self, *args, time_zone, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging.Formatter names it so
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds")


class SkipRefusedFloods(logging.Filter):
    """Drops django.request's line for a 429: a refused flood is the rate limits working, and thousands of
    lines a second would fill the disk and cost the web processes more than refusing did."""

    def filter(self, record):
        response = getattr(record, "status_code", None)
        return response != 429
