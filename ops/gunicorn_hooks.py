"""gunicorn server hooks for prometheus-client's multiprocess mode; gunicorn.conf.py imports them:

    from ops.gunicorn_hooks import child_exit, on_starting  # noqa: F401 - gunicorn reads them by name

Every worker writes its counters to files of its own in PROMETHEUS_MULTIPROC_DIR and /metrics adds them
up, so a scrape answered by any worker counts the requests of all of them (a dead worker's too: its
counts stay). Imports neither Django nor the project: gunicorn's master loads this before the site.
"""

import os
from pathlib import Path


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def on_starting(server):
    """Before the first worker: start from an empty folder, so no earlier run's files are added in."""
    folder = multiprocess_dir()
    if folder is None:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for leftover in Path(folder).glob("*.db"):
        leftover.unlink(missing_ok=True)


def child_exit(server, worker):
    """A worker ended (restarted, killed): its live gauges are dropped; its counters stay in the totals."""
    folder = multiprocess_dir()
    if folder is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, folder)
