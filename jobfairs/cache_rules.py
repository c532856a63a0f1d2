"""What the job fairs' changes empty in the page cache, besides a page's own publication (columns.cache_rules)."""

from django.db import transaction


def bump_fair_of_moment(sender, instance, **kwargs):
    """A position's time in the replay is a chapter on the fair's page and its chapters track."""
    from core.page_cache import bump, page_tag

    from .models import Position

    page_id = Position.objects.filter(pk=instance.position_id).values_list("page_id", flat=True).first()
    if page_id:
        transaction.on_commit(lambda: bump(page_tag(page_id)))


def bump_fairs_of_employer(sender, instance, **kwargs):
    """An employer's name, industry, logo or address shows on every fair with one of its positions."""
    from core.page_cache import bump, page_tag

    from .models import Position

    page_ids = set(Position.objects.filter(employer=instance).values_list("page_id", flat=True))
    if page_ids:
        transaction.on_commit(lambda: bump(*(page_tag(page_id) for page_id in page_ids)))
