"""Running a distribution as the worker would, in the test's own process."""

from django.utils import timezone

from distribution import runner
from distribution.models import Distribution


def step(row, times=1):
    """Run the row as the worker would, each time its next try comes (the clock is not waited for)."""
    for _ in range(times):
        Distribution.objects.filter(pk=row.pk).update(next_try_at=timezone.now())
        runner.run(row.pk)
    row.refresh_from_db()
    return row
