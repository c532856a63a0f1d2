"""What publishing a fair, and marking its replay, do besides Wagtail's own."""

from django.db import transaction


def make_replay_public(sender, instance, **kwargs):
    """A fair's replay plays for everyone once the fair is published where anyone may read it (as an article's videos)."""
    from media_center.models import Video

    from .models import JobFairPage

    if instance.replay_id and JobFairPage.objects.filter(pk=instance.pk).readable().exists():
        Video.objects.filter(pk=instance.replay_id, is_public=False).placeable().update(is_public=True)


def bump_fair_of_moment(sender, instance, **kwargs):
    """A position's time in the replay is a chapter on the fair's page and its chapters track."""
    from core.page_cache import bump, page_tag

    from .models import Position

    page_id = Position.objects.filter(pk=instance.position_id).values_list("page_id", flat=True).first()
    if page_id:
        transaction.on_commit(lambda: bump(page_tag(page_id)))
