"""Under gunicorn, every worker counts into PROMETHEUS_MULTIPROC_DIR and any of them answers the scrape with the sum."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.private_services import free_port
from tests.workers import REPO, database_url

from .conftest import TOKEN, parse, value

REQUESTS = 240
pytestmark = pytest.mark.once  # counting across processes does not depend on the database engine


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def pings_per_worker(folder):
    """{pid: /ping requests counted} from each worker's own counter file."""
    counted = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):
            for sample in metric.samples:
                if sample.name == "umc_http_requests_total" and sample.labels.get("view") == "cms.urls.ping":
                    counted[pid] = counted.get(pid, 0) + sample.value
    return counted


@pytest.fixture
def gunicorn(tmp_path, db):
    """The site under gunicorn, two sync workers, --preload and the ops hooks as gunicorn.conf.py uses them."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run")  # on_starting removes it
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "METRICS_TOKEN": TOKEN,
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - gunicorn writes it until it ends
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi", "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--config", "python:ops.gunicorn_hooks", "--no-control-socket", "--log-level", "warning"],
        cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        yield base, folder, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def scraped_pings(base):
    status, text = get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200, text
    return value(parse(text), "umc_http_requests_total", view="cms.urls.ping", status="2xx")


def test_requests_are_counted_across_two_gunicorn_workers(gunicorn):
    base, folder, _server = gunicorn
    assert not (folder / "counter_1.db").exists()

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: get(f"{base}/ping")[0], range(REQUESTS)))
    assert answers == [200] * REQUESTS

    per_worker = pings_per_worker(folder)
    assert len([count for count in per_worker.values() if count]) == 2, per_worker  # both workers served some
    assert sum(per_worker.values()) == REQUESTS
    assert scraped_pings(base) == REQUESTS
    assert scraped_pings(base) == REQUESTS  # whichever worker answers the scrape

    # A worker that dies takes nothing with it: its counts stay in the totals, its successor adds its own.
    os.kill(max(per_worker), signal.SIGKILL)
    time.sleep(1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: get(f"{base}/ping"), range(10)))
    assert scraped_pings(base) == REQUESTS + 10
