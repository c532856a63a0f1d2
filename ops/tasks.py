"""Background tasks of the ops app: a thin wrapper that hands a backup's id to `backup_runs`."""

from django_tasks import task

from . import backup_runs


@task()
def make_backup(run_id):
    backup_runs.run(run_id)
