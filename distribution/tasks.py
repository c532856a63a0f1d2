"""Background tasks: thin wrappers that hand a distribution's id to the runner."""

from django_tasks import task

from . import runner


@task()
def run_distribution(distribution_id):
    runner.run(distribution_id)
