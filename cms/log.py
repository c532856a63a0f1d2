"""Log lines stamped in the site's time zone with its offset, whatever the TZ of the machine or the process."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo


class ZonedFormatter(logging.Formatter):
    """%(asctime)s as 2026-11-30 14:05:08.618 +0800: web, worker and scheduler lines read alike next to gunicorn's."""

    def __init__(self, *args, time_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging.Formatter names it so
        moment = datetime.fromtimestamp(record.created, self.zone)
        return moment.strftime(datefmt) if datefmt else f"{moment:%Y-%m-%d %H:%M:%S}.{int(record.msecs):03d} {moment:%z}"


class SkipRefusedFloods(logging.Filter):
    """Drops django.request's line for a 429: a refused flood is the rate limits working, and thousands of
    lines a second would fill the disk and cost the web processes more than refusing did."""

    def filter(self, record):
        response = getattr(record, "status_code", None)
        return response != 429
