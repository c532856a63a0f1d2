"""The database as one file: PostgreSQL's pg_dump custom format, or SQLite's online backup API
(a consistent copy while the site writes). Connection settings come in as a dict of libpq variables;
the password travels in the environment, never on a command line another user could read."""

import os
import sqlite3
import subprocess
from pathlib import Path

from .archive import BackupError


def dump_sqlite(database_path, out):
    copy_sqlite(read_only(database_path), out)
    return "sqlite"


def restore_sqlite(dump, database_path):
    """Replace the database's whole content with the dump's, in place (open connections see the new one)."""
    copy_sqlite(read_only(dump), database_path)


def read_only(path):
    return Path(path).resolve().as_uri() + "?mode=ro"  # percent-encoded: a name with ? or # stays a name


def copy_sqlite(source_uri, target_path):
    source = sqlite3.connect(source_uri, uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def dump_postgresql(connection, out):
    run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}"], connection)
    return "postgresql"


def restore_postgresql(dump, connection, replace=False):
    """Load the dump into the database in one transaction, after dropping what is there (`replace`): a
    failure anywhere leaves the database as it was. The dump is checked and turned into SQL first, so a
    dump pg_restore cannot read (a newer pg_dump's) changes nothing, and a half-written script never runs."""
    run(["pg_restore", "--list", str(dump)], connection)
    script = Path(dump).with_suffix(".sql")
    run(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(dump)], connection)
    clear = ["--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;"] if replace else []
    try:
        run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
             f"--dbname={connection['PGDATABASE']}", *clear, f"--file={script}"], connection)  # fmt: skip
    finally:
        script.unlink(missing_ok=True)


def run(command, connection):
    environment = {**os.environ, **{key: str(value) for key, value in connection.items() if value}}
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
