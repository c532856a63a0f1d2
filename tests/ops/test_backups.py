"""The site's backups: the keys a restore needs, the daily backup a worker makes, and what /healthz says."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from core import scheduler
from distribution.models import Channel, ChannelAccount
from ops import backup_runs, backups
from ops.backup.archive import BackupError
from ops.models import BackupRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
OLD_KEY, NEW_KEY, UNUSED_KEY = (Fernet.generate_key().decode() for _ in range(3))


@pytest.fixture
def backup_location(settings, tmp_path):
    settings.BACKUP_LOCATION = str(tmp_path / "backups")
    return tmp_path / "backups"


def test_the_manifest_names_only_the_encryption_keys_that_open_a_stored_secret(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    ChannelAccount.objects.create(channel=Channel.DOUYIN, name="抖音号", client_key="k", client_secret="s")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY, UNUSED_KEY]

    needed = backups.needed_keys()

    assert needed["FIELD_ENCRYPTION_KEYS"] == [backups.fingerprint(OLD_KEY)]
    assert needed["SECRET_KEY"] == backups.fingerprint(settings.SECRET_KEY)
    assert OLD_KEY not in str(needed) and settings.SECRET_KEY not in str(needed)


def test_a_missing_encryption_key_is_named_by_its_place_and_fingerprint(settings):
    manifest = {"keys": {"SECRET_KEY": backups.fingerprint(settings.SECRET_KEY), "FIELD_ENCRYPTION_KEYS": [
        backups.fingerprint(NEW_KEY), backups.fingerprint(OLD_KEY)]}}  # fmt: skip
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    missing = backups.missing_keys(manifest)

    assert len(missing) == 1
    assert "第 2 个密钥" in missing[0] and backups.fingerprint(OLD_KEY) in missing[0]


def test_the_secret_key_of_the_backup_among_the_fallbacks_is_enough(settings):
    manifest = {"keys": {"SECRET_KEY": backups.fingerprint("the-old-secret"), "FIELD_ENCRYPTION_KEYS": []}}
    settings.SECRET_KEY_FALLBACKS = ["the-old-secret"]

    assert backups.missing_keys(manifest) == []


def test_after_a_restore_only_the_retention_purges_run(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduler, "jobs", {})
    scheduler.register("publish_due", lambda: ran.append("publish_due"))
    scheduler.register("purge_signups", lambda: ran.append("purge_signups"), purge=True)

    scheduler.run_jobs(purges_only=True)

    assert ran == ["purge_signups"]


def at(hour, day=30):
    return datetime(2026, 11, day, hour, 5, tzinfo=SHANGHAI)


def test_no_backup_is_queued_before_the_hour(db, backup_location, settings, django_capture_on_commit_callbacks):
    settings.BACKUP_HOUR = 3

    with django_capture_on_commit_callbacks(execute=True):
        backup_runs.backups_due(at(2))

    assert not BackupRun.objects.exists()


def test_the_daily_backup_is_made_once_by_a_worker_and_shows_what_it_stored(
    db, backup_location, settings, django_capture_on_commit_callbacks
):
    settings.BACKUP_HOUR = 3

    with django_capture_on_commit_callbacks(execute=True):
        backup_runs.backups_due(at(3))
        backup_runs.backups_due(at(4))

    run = BackupRun.objects.get()
    assert run.status == BackupRun.Status.DONE and run.kind == BackupRun.Kind.SCHEDULED
    assert run.day == at(3).date() and run.share_done == 1
    assert (backup_location / "backups" / run.backup_id / "manifest.json").exists()


def test_a_backup_whose_worker_died_is_put_back_and_resumed(db, backup_location, settings, django_capture_on_commit_callbacks):
    settings.BACKUP_HOUR = 3
    silent_since = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS + 1)
    run = BackupRun.objects.create(
        kind=BackupRun.Kind.SCHEDULED, day=at(3).date(), status=BackupRun.Status.RUNNING, worker="gone:1",
        heartbeat_at=silent_since, attempts=1,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        report = backup_runs.backups_due(at(5))

    run.refresh_from_db()
    assert "重新排队" in report
    assert run.status == BackupRun.Status.DONE and run.attempts == 2


def test_a_backup_that_fails_says_why_in_the_admin_and_in_healthz(db, tmp_path, settings):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    settings.BACKUP_LOCATION = str(blocked)
    run = BackupRun.objects.create(kind=BackupRun.Kind.MANUAL)

    backup_runs.run(run.pk)

    run.refresh_from_db()
    assert run.status == BackupRun.Status.FAILED and run.error
    ok, detail = backup_runs.backups_check()
    assert not ok and "还没有完成过备份" in str(detail)


def test_healthz_warns_when_the_newest_backup_is_older_than_the_limit(db, backup_location, settings):
    settings.BACKUP_MAX_AGE_HOURS = 36
    BackupRun.objects.create(
        kind=BackupRun.Kind.SCHEDULED, status=BackupRun.Status.DONE, backup_id="20261128-030000",
        finished_at=timezone.now() - timedelta(hours=40),
    )  # fmt: skip

    ok, detail = backup_runs.backups_check()

    assert not ok and "40 小时前" in detail["message"]


def test_healthz_warns_when_no_backup_location_is_set(db, settings):
    settings.BACKUP_LOCATION = ""

    ok, detail = backup_runs.backups_check()

    assert not ok and "BACKUP_LOCATION" in detail


def test_a_backup_from_newer_code_is_named_by_the_migrations_this_code_lacks(db):
    manifest = {"migrations": {**backups.applied_migrations(), "signups": "0099_from_the_future"}}

    assert backups.unknown_migrations(manifest) == ["signups.0099_from_the_future"]


def test_a_backup_of_this_code_has_no_unknown_migrations(db):
    assert backups.unknown_migrations({"migrations": backups.applied_migrations()}) == []


def test_the_daily_backup_waits_while_another_is_in_progress(db, backup_location, settings, django_capture_on_commit_callbacks):
    settings.BACKUP_HOUR = 3
    BackupRun.objects.create(kind=BackupRun.Kind.MANUAL, status=BackupRun.Status.RUNNING, heartbeat_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        backup_runs.backups_due(at(4))

    assert not BackupRun.objects.filter(kind=BackupRun.Kind.SCHEDULED).exists()


def test_a_second_backup_cannot_be_queued_while_one_is_running(db):
    BackupRun.objects.create(kind=BackupRun.Kind.SCHEDULED, status=BackupRun.Status.RUNNING)

    assert backup_runs.create(BackupRun.Kind.MANUAL) is None
    assert BackupRun.objects.count() == 1


def test_a_backup_whose_task_was_lost_is_queued_again(db, backup_location, settings, django_capture_on_commit_callbacks):
    settings.BACKUP_HOUR = 23
    lost = BackupRun.objects.create(
        kind=BackupRun.Kind.MANUAL, created_at=timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS + 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        backup_runs.backups_due(at(5))

    lost.refresh_from_db()
    assert lost.status == BackupRun.Status.DONE


@pytest.mark.django_db(transaction=True)  # the heartbeat's thread has a connection of its own
def test_a_long_step_without_progress_still_beats(settings):
    settings.BACKUP_STALE_SECONDS = 5  # a beat every second
    backup_run = BackupRun.objects.create(kind=BackupRun.Kind.MANUAL)
    assert backup_run.claim("here:1")
    first = backup_run.heartbeat_at

    with backup_runs.Heartbeat(backup_run):
        time.sleep(1.6)  # a pg_dump, say, reporting nothing

    backup_run.refresh_from_db()
    assert backup_run.heartbeat_at > first


def test_a_backup_location_inside_a_site_storage_is_refused(db, settings):
    settings.BACKUP_LOCATION = str(settings.MEDIA_ROOT) + "/backups"

    with pytest.raises(BackupError, match="重叠"):
        backups.archive()
