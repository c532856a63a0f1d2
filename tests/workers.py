"""Worker processes the crash tests start, on the test's own database, and waiting on what they do."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[1]


def database_url():
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    return f"postgres://{config['USER']}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{config['NAME']}"


def start_worker(tmp_path, name, queue, environment=None, **env):
    """`manage.py db_worker` on `queue`, its output in tmp_path/<name>.log: tasks from the test's database, or
    from the site that `environment` describes (a fault test's own, on its private PostgreSQL)."""
    environment = {
        **(environment or {
            **os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "UMC_TASKS": "database", "DATABASE_URL": database_url(),
        }),
        **{key: str(value) for key, value in env.items()},
    }  # fmt: skip
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - the worker writes it until it ends
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", queue, "--no-reload", "--interval", "0.2",
         "--no-startup-delay", "--worker-id", name],
        cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ffmpeg_processes_under(folder):
    """The pids of ffmpeg processes working on files under `folder`: a killed worker's must die with it."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if arguments and arguments[0].endswith(b"ffmpeg") and any(str(folder).encode() in a for a in arguments):
            found.append(cmdline.parent.name)
    return found
