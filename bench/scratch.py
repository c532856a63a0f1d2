"""What the benchmarks share: a scratch database of either engine, dropped afterwards, and the
environment that runs the production settings on it.

Imported by the scripts beside it (`python bench/<script>.py` puts this folder first on the path);
run by `make bench` on its own, it does nothing.
"""

import os
import subprocess
from contextlib import contextmanager


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
        "DATABASE_URL": url,
        "UMC_VAR_DIR": str(folder),
        **settings,
    }
