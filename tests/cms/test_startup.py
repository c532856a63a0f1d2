"""`make run` on a fresh clone: the site answers as soon as gunicorn says it is listening."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.private_services import free_port

REPO = Path(__file__).resolve().parents[2]
SETUP = "import django; django.setup(); from django.core.management import call_command; " + "; ".join(
    f"call_command({command})"
    for command in ("'migrate', '--noinput'", "'sync_taxonomy'", "'load_demo', '--no-videos'", "'ensure_admin'")
)

# Engine-independent, and the processes under test share one SQLite file as `make run` does.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="make run uses SQLite")


def make_run_environment(var_dir, port):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"}}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "UMC_VAR_DIR": str(var_dir),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        "PYTHONUNBUFFERED": "1",
    }


class Processes:
    """The Procfile under honcho, its output read line by line and the moment gunicorn listens noted."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", "Procfile"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        self.lines = []
        self.listening = threading.Event()
        self.listening_at = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            if "Listening at" in line and not self.listening.is_set():
                self.listening_at = time.monotonic()
                self.listening.set()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def test_a_fresh_make_run_answers_the_home_page_within_three_seconds_of_listening(tmp_path):
    env = make_run_environment(tmp_path / "var", free_port())
    subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, env=env, check=True, capture_output=True, timeout=120)
    processes = Processes(env)
    try:
        assert processes.listening.wait(timeout=60), "".join(processes.lines)[-3000:]
        with urllib.request.urlopen(f"{env['SITE_URL']}/", timeout=30) as response:
            answered = time.monotonic() - processes.listening_at
            assert response.status == 200
    finally:
        processes.stop()
    assert answered < 3, f"{answered:.1f} s\n" + "".join(processes.lines)[-3000:]
