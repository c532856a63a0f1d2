"""Backup → an empty system → restore, with the real commands in processes of their own: on the engine of
this pass (SQLite, or PostgreSQL in CI's second pass), with the files on local disk and in S3 (SeaweedFS).
The restored site must have the same rows, the same files byte for byte and the same pages."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests import seaweedfs

ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return result


def run_ok(env, *args):
    result = manage(env, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def describe(env):
    """The site's rows, files and pages (tests/ops/site_fingerprint.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.ops.site_fingerprint"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def databases():
    """A factory of empty databases of this pass's engine (no tables), dropped at the end: their URLs."""
    made = []

    def make(folder, name):
        if not POSTGRESQL:
            return f"sqlite:///{folder / name}.sqlite3"
        database = f"umc_backup_{name}_{uuid.uuid4().hex[:8]}"
        admin(f"CREATE DATABASE {database}")
        made.append(database)
        return f"postgres://postgres@127.0.0.1:5432/{database}"

    yield make
    for database in made:
        admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, databases):
    """A local site with content, as it was described, and its backup's location. The backup holds one
    sign-up more, past its time: the restore's purge deletes it."""
    folder = tmp_path_factory.mktemp("backed-up")
    source = filled(site(folder, "source", databases(folder, "source")))
    before = describe(source)
    run_ok(source, "shell", "-c", EXPIRED_SIGNUP)  # in the backup, gone from the restored site: the purge ran
    location = folder / "backups"
    run_ok(source, "backup", f"--location={location}")
    return source, before, location


EXPIRED_SIGNUP = """
from datetime import timedelta
from django.utils import timezone
from signups.models import Signup
entry = Signup.objects.first()
entry.pk, entry.withdrawal_hash, entry.delete_after = None, "0" * 32, timezone.now() - timedelta(minutes=1)
entry.save()
"""


def admin(sql):
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True)


def site(tmp_path, name, database_url, **environment):
    folder = tmp_path / name
    folder.mkdir()
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("S3_", "PYTEST", "BACKUP_"))}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.ops.backup_site_settings",
        "UMC_VAR_DIR": str(folder),
        "DATABASE_URL": database_url,
        **environment,
    }


def s3_site(endpoint, name):
    media, videos = f"{name}-media-{uuid.uuid4().hex[:6]}", f"{name}-videos-{uuid.uuid4().hex[:6]}"
    client = seaweedfs.client(endpoint)
    client.create_bucket(Bucket=media)
    client.create_bucket(Bucket=videos)
    return {
        "S3_BUCKET": media,
        "S3_VIDEO_BUCKET": videos,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
    }


def filled(env):
    """A site with the demo's articles, job fairs, sign-ups and channels, and files in both storages."""
    run_ok(env, "migrate", "-v0")
    run_ok(env, "load_demo", "--no-videos")
    run_ok(env, "shell", "-c", PUT_VIDEO_FILES)
    return env


PUT_VIDEO_FILES = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
storages["videos"].save("videos/9/hls/master.m3u8", ContentFile(b"#EXTM3U\\n"))
storages["videos"].save("videos/9/source/source.mp4", ContentFile(bytes(range(256)) * 4096))
"""


def test_a_local_site_restored_into_an_empty_system_is_the_same_site(tmp_path, databases, backed_up):
    _source, before, location = backed_up
    restored = site(tmp_path, "restored", databases(tmp_path, "restored"))

    run_ok(restored, "restore", f"--location={location}")

    assert describe(restored) == before
    assert before["counts"]["signups.Signup"] > 0 and len(before["files"]["videos"]) == 2


def test_a_site_on_s3_backed_up_to_s3_restored_into_empty_buckets_is_the_same_site(tmp_path, databases, s3_endpoint):
    source = filled(site(tmp_path, "source", databases(tmp_path, "source"), **s3_site(s3_endpoint, "source")))
    before = describe(source)
    backups_bucket = f"backups-{uuid.uuid4().hex[:8]}"
    seaweedfs.client(s3_endpoint).create_bucket(Bucket=backups_bucket)
    location = f"s3://{backups_bucket}/site"
    run_ok(source, "backup", f"--location={location}")

    restored = site(tmp_path, "restored", databases(tmp_path, "restored"), **s3_site(s3_endpoint, "restored"))
    run_ok(restored, "restore", f"--location={location}")

    assert describe(restored) == before
    assert before["files"]["default"] and len(before["files"]["videos"]) == 2
    image = next(name for name in before["files"]["default"] if name.endswith(".jpg"))
    head = seaweedfs.client(s3_endpoint).head_object(Bucket=restored["S3_BUCKET"], Key=image)
    assert head["ContentType"] == "image/jpeg"  # served as an image again, not as a download


def test_a_restore_over_a_system_with_content_is_refused_and_changes_nothing(backed_up):
    source, _before, location = backed_up
    run_ok(source, "shell", "-c", "from columns.models import ArticlePage; ArticlePage.objects.first().delete()")
    changed = describe(source)

    refused = manage(source, "restore", f"--location={location}")

    assert refused.returncode == 1
    assert "本系统已有内容" in refused.stderr and "--force" in refused.stderr
    assert describe(source) == changed


def test_a_restore_without_the_secret_key_of_the_backup_names_it_and_changes_nothing(tmp_path, databases, backed_up):
    _source, _before, location = backed_up
    restored = site(tmp_path, "restored", databases(tmp_path, "restored"), DJANGO_SETTINGS_MODULE="tests.ops.other_keys_settings")

    refused = manage(restored, "restore", f"--location={location}")

    assert refused.returncode == 1
    assert "SECRET_KEY 与备份时的不同" in refused.stderr
    assert run_ok(restored, "shell", "-c", "from ops import backups; print(backups.is_empty())").splitlines()[-1] == "True"


CHANGES = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from columns.models import ArticlePage
ArticlePage.objects.order_by("pk").last().delete()
storages["default"].save("stranger.txt", ContentFile(b"not in the backup"))
storages["videos"].save("videos/9/hls/master.m3u8", ContentFile(b"#EXTM3X\\n"))  # the same size, overwritten
"""


def test_a_forced_restore_over_a_changed_site_brings_back_the_backup(backed_up):
    source, before, location = backed_up
    run_ok(source, "shell", "-c", CHANGES)

    run_ok(source, "restore", f"--location={location}", "--force")

    assert describe(source) == before
