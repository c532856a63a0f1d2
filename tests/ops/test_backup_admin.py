"""设置 → 备份: administrators see the backups and their progress and start one; nobody else gets in."""

import pytest

from ops.models import BackupRun

URL = "/admin/backups/"


@pytest.fixture
def administrator(make_staff, client):
    user = make_staff("guanliyuan", roles=["管理员"])
    client.force_login(user)
    return user


def test_an_administrator_sees_a_running_backup_with_its_progress(administrator, client):
    BackupRun.objects.create(
        kind=BackupRun.Kind.SCHEDULED, status=BackupRun.Status.RUNNING, share_done=0.42, current="videos/7/source.mp4"
    )

    page = client.get(URL).content.decode()

    assert 'value="0.420"' in page and "42%" in page and "videos/7/source.mp4" in page
    assert "disabled data-back-up-now" in page


def test_back_up_now_queues_one_backup_that_a_worker_makes(
    administrator, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.BACKUP_LOCATION = str(tmp_path / "backups")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL)

    run = BackupRun.objects.get()
    assert response.status_code == 302
    assert run.kind == BackupRun.Kind.MANUAL and run.requested_by == administrator
    assert run.status == BackupRun.Status.DONE and (tmp_path / "backups" / "backups" / run.backup_id).exists()


def test_back_up_now_while_one_is_running_queues_nothing_more(administrator, client):
    BackupRun.objects.create(kind=BackupRun.Kind.SCHEDULED, status=BackupRun.Status.RUNNING)

    client.post(URL)

    assert BackupRun.objects.count() == 1


@pytest.mark.parametrize("role", ["编辑", "终审", "视频"])
def test_other_roles_can_neither_see_nor_start_backups(make_staff, client, role):
    client.force_login(make_staff("someone", roles=[role]))

    assert client.get(URL).url == "/admin/"  # Wagtail's answer to PermissionDenied: back home, with a message
    assert client.post(URL).url == "/admin/"
    assert not BackupRun.objects.exists()


def test_an_error_is_shown_escaped(administrator, client):
    BackupRun.objects.create(kind=BackupRun.Kind.MANUAL, status=BackupRun.Status.FAILED, error="<script>x</script>")

    page = client.get(URL).content.decode()

    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
