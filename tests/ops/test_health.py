"""/healthz: every registered check, 200 or 503, kept five seconds, never cached downstream."""

import json
import time
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from core import health
from core.models import SchedulerHeartbeat
from core.scheduler import beat
from ops import health as ops_health

EVERY_CHECK = {
    "database",
    "cache",
    "media_storage",
    "scheduler",
    "work_disk",
    "video_storage",
    "video_jobs",
    "task_queues",
    "distributions",
    "backups",
}


@pytest.fixture
def roomy_disk(settings):
    settings.HEALTH_MIN_FREE_DISK_GB = 0.001  # whatever machine runs the tests


@pytest.fixture
def backed_up_lately(settings, tmp_path):
    from ops.models import BackupRun

    settings.BACKUP_LOCATION = str(tmp_path)
    BackupRun.objects.create(kind="scheduled", status="done", backup_id="today", finished_at=timezone.now())


@pytest.fixture
def fresh_storages():
    storages._storages = {}
    yield
    storages._storages = {}


@pytest.fixture
def extra_check(monkeypatch):
    """register(name, check, …) for this test only: the registered checks are restored after it."""
    monkeypatch.setattr(health, "checks", dict(health.checks))
    yield health.register
    health._hanging.clear()


def healthz(client, **headers):
    response = client.get("/healthz", **headers)
    return response, json.loads(response.content)


@pytest.mark.django_db(transaction=True)  # the checks run in threads of their own: they see committed rows only
def test_healthz_answers_200_with_every_check_passing(client, bearer, roomy_disk, backed_up_lately):
    beat()

    response, body = healthz(client, **bearer)

    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == EVERY_CHECK
    assert all(check["ok"] for check in body["checks"].values()), body
    assert body["checks"]["database"]["label"] == "数据库"
    assert body["checks"]["scheduler"]["seconds_since_last_pass"] < 60
    assert body["checked_at"].endswith("+08:00")
    assert response["Cache-Control"] == "no-store"
    assert "X-Page-Cache" not in response


@pytest.mark.django_db(transaction=True)
def test_healthcheck_prints_a_chinese_line_per_check_and_exits_0(roomy_disk, backed_up_lately, capsys):
    beat()

    call_command("healthcheck")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(EVERY_CHECK)
    assert all(line.startswith("[正常] ") for line in lines), lines
    assert any(line.startswith("[正常] 数据库：可以查询（") and line.endswith(" 毫秒）") for line in lines), lines


@pytest.mark.django_db
def test_without_the_token_healthz_tells_only_which_checks_pass(client, settings):
    settings.METRICS_TOKEN = "not-sent"
    _response, body = healthz(client)
    assert body["checks"]["database"] == {"ok": True, "critical": True}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, bearer, monkeypatch, tmp_path):
    default = connections.settings["default"]
    if default["ENGINE"].endswith("sqlite3"):
        unreachable = {**default, "NAME": str(tmp_path / "no-such-folder" / "db.sqlite3")}
    else:
        unreachable = {**default, "HOST": "127.0.0.1", "PORT": 1}
    # New connections (those of the checks' threads) go to the wrong address; this thread's stays open.
    monkeypatch.setattr(connections, "settings", {**connections.settings, "default": unreachable})

    response, body = healthz(client, **bearer)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["message"]
    assert body["checks"]["media_storage"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_media_folder_cannot_be_written(client, bearer, settings, tmp_path, fresh_storages):
    (tmp_path / "a-file").write_text("not a folder")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                         "OPTIONS": {"location": tmp_path / "a-file" / "media"}}}  # fmt: skip

    response, body = healthz(client, **bearer)

    assert response.status_code == 503
    assert body["checks"]["media_storage"]["ok"] is False
    assert body["checks"]["video_storage"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_video_bucket_is_unreachable(client, bearer, settings, fresh_storages):
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"endpoint_url": "http://127.0.0.1:1", "bucket_name": "videos", "access_key": "test",
                        "secret_key": "test", "region_name": "us-east-1", "file_overwrite": True},
        },
    }  # fmt: skip

    started = time.monotonic()
    response, body = healthz(client, **bearer)

    assert response.status_code == 503
    assert body["checks"]["video_storage"]["ok"] is False
    assert time.monotonic() - started < 5
    assert body["checks"]["media_storage"]["ok"] is True


@pytest.mark.django_db
def test_healthz_still_answers_while_redis_is_down_with_the_cache_check_failing(client, bearer, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache_backends.ReusingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }

    response, body = healthz(client, **bearer)

    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["failing"] == ["default"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_runs_the_checks_at_most_every_five_seconds(client, extra_check, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(ops_health, "clock", lambda: now[0])
    runs = []
    extra_check("counted", lambda: runs.append(1) or (True, "好"))

    for _ in range(3):
        assert client.get("/healthz").status_code in (200, 503)
    now[0] += 4.9
    client.get("/healthz")
    assert len(runs) == 1

    now[0] += 0.2
    client.get("/healthz")
    assert len(runs) == 2


@pytest.mark.django_db
def test_a_failing_warning_degrades_the_status_but_answers_200(client, bearer, extra_check, settings):
    settings.HEALTH_MIN_FREE_DISK_GB = 0.001
    extra_check("backlog", lambda: (False, {"message": "积压"}), critical=False)
    extra_check("scheduler", lambda: (True, ""))  # no scheduler ran in this test's database: taken as passing here

    response, body = healthz(client, **bearer)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["backlog"] | {"ms": 0} == {
        "ok": False,
        "critical": False,
        "label": "backlog",
        "ms": 0,
        "message": "积压",
    }


@pytest.mark.once
def test_a_check_that_hangs_fails_at_its_timeout_and_is_not_started_again_while_it_hangs(extra_check, monkeypatch):
    monkeypatch.setattr(health, "checks", {})
    release = []

    def stuck():
        while not release:
            time.sleep(0.02)
        return True, ""

    extra_check("stuck", stuck, timeout=0.2)
    extra_check("raises", lambda: 1 / 0)

    started = time.monotonic()
    first = {result.name: result for result in health.run_checks()}
    assert time.monotonic() - started < 1
    assert not first["stuck"].ok and "0.2 秒" in first["stuck"].message
    assert not first["raises"].ok and first["raises"].message == "ZeroDivisionError: division by zero"

    second = {result.name: result for result in health.run_checks()}
    assert not second["stuck"].ok and "还没有结束" in second["stuck"].message

    release.append(True)
    time.sleep(0.1)
    assert {result.name: result.ok for result in health.run_checks()}["stuck"]


@pytest.mark.django_db
def test_healthcheck_exits_1_naming_the_failure_when_no_scheduler_ever_ran(capsys, roomy_disk):
    with pytest.raises(SystemExit) as exit_:
        call_command("healthcheck")

    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "[故障] 调度进程：调度进程从未运行过（manage.py run_scheduler）" in out


@pytest.mark.django_db
def test_healthcheck_json_is_the_body_of_healthz(capsys, roomy_disk):
    with pytest.raises(SystemExit):
        call_command("healthcheck", "--json")

    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "failing"
    assert set(body["checks"]) == EVERY_CHECK
    assert body["checks"]["scheduler"]["ok"] is False
    assert body["checks"]["work_disk"]["free_gb"] > 0


@pytest.mark.django_db
def test_a_scheduler_pass_records_its_heartbeat_and_a_silent_one_fails_the_check(settings):
    call_command("run_scheduler", "--once")
    assert SchedulerHeartbeat.objects.count() == 1
    assert health.scheduler_heartbeat()[0]

    SchedulerHeartbeat.objects.update(
        passed_at=timezone.now() - timedelta(seconds=settings.HEALTH_SCHEDULER_MAX_SILENCE_SECONDS + 5)
    )
    ok, detail = health.scheduler_heartbeat()
    assert not ok
    assert "秒没有运行" in detail["message"]
