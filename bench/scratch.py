"""What the benchmarks share: a scratch database of either engine, dropped afterwards, the
environment that runs the production settings on it, gunicorn serving them, and wrk's load.

Imported by the scripts beside it (`python bench/<script>.py` puts this folder first on the path);
run by `make bench` on its own, it does nothing.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def database(engine, folder, prefix="umc_bench"):
    """A database URL: a SQLite file in `folder`, or a new PostgreSQL database on 127.0.0.1."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"{prefix}_{os.getpid()}"
    admin = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c"]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def production_env(url, folder, **settings):
    """The environment for the production settings on database `url`, files in `folder`: no S3, no
    Redis unless `settings` name one, secrets made up for the run."""
    env = {name: value for name, value in os.environ.items() if name not in ("S3_BUCKET", "REDIS_URL")}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no proxy in front
        "DATABASE_URL": url,
        "UMC_VAR_DIR": str(folder),
        **settings,
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, port, settings="cms.settings.production", workers=2, log=None):
    """The site under gunicorn on 127.0.0.1:`port`: its base URL, once /ping answers. Its output goes to the
    file `log` when given (a long run's tracebacks), to the terminal otherwise."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "--log-level", "warning"],
        cwd=REPO, env={**env, "DJANGO_SETTINGS_MODULE": settings}, stdout=log, stderr=log and subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(url, connections, seconds, headers=()):
    """wrk --latency on `url` after a second's warm-up: requests per second, p50 and p99 latency in ms, and
    the requests that got no success (non-2xx/3xx answers, connection errors and timeouts)."""
    options = [argument for header in headers for argument in ("-H", header)]
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", *options, url], check=True, capture_output=True)  # warm-up
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    bad_answers = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)

    def percentile(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(bad_answers.group(1) if bad_answers else 0)
        + sum(map(int, socket_errors.groups() if socket_errors else ())),
    }


def load(url, connections, seconds):
    """Requests per second and p50/p99 latency in ms, from wrk with --latency; every answer must be a success."""
    figures = wrk(url, connections, seconds)
    if figures["errors"]:
        raise RuntimeError(f"{url}: {figures['errors']} error responses")
    return figures["rps"], figures["p50"], figures["p99"]
