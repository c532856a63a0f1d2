"""Migrations run from the first to the last and back on a database of their own, and the scheduler's
lease keeps its table, rows and content type when it moves to core."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scratch_database(tmp_path):
    """A database nobody else uses, of the engine this run tests: its URL."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    url = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"umc_migrations_{uuid.uuid4().hex[:8]}"
    admin = {"host": url["HOST"], "port": url["PORT"] or 5432, "user": url["USER"], "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, *arguments, code=None):
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    command = [sys.executable, "manage.py", *arguments] if code is None else [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


SHELL = "import django; django.setup(); from django.db import connection; cursor = connection.cursor(); "


def test_migrations_run_forward_and_back(scratch_database):
    manage(scratch_database, "migrate", "--noinput")
    manage(scratch_database, "migrate", "columns", "zero", "--noinput")  # and everything that depends on it
    manage(scratch_database, "migrate", "--noinput")  # (that the models match the migrations, `make lint` checks)


@pytest.mark.once  # content types and rows moved through the ORM: the same on both engines
def test_the_lease_moves_to_core_with_its_rows_and_content_type(scratch_database):
    manage(scratch_database, "migrate", "--noinput")
    manage(scratch_database, "migrate", "core", "zero", "--noinput")  # a database from before the move
    before = manage(
        scratch_database,
        code=SHELL + "cursor.execute(\"INSERT INTO columns_schedulerlease (name, holder) VALUES ('publish_scheduled', 'old')\"); "
        "from django.contrib.contenttypes.models import ContentType; ContentType.objects.filter(app_label='core').delete(); "
        "print(ContentType.objects.get(app_label='columns', model='schedulerlease').pk)",  # as the code before the move left it
    )
    manage(scratch_database, "migrate", "--noinput")
    after = manage(
        scratch_database,
        code=SHELL + "from core.models import SchedulerLease; from django.contrib.contenttypes.models import ContentType; "
        "print(ContentType.objects.get_for_model(SchedulerLease).pk, SchedulerLease.objects.get().holder)",
    )
    assert after.split() == [before.strip(), "old"]
