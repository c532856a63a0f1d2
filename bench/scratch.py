"""What the benchmarks share: a scratch database of either engine, dropped afterwards.

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
