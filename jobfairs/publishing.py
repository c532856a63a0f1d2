"""What publishing a fair does besides Wagtail's own."""


def make_replay_public(sender, instance, **kwargs):
    """A fair's replay plays for everyone once the fair is published where anyone may read it (as an article's videos)."""
    from media_center.models import Video

    from .models import JobFairPage

    if instance.replay_id and JobFairPage.objects.filter(pk=instance.pk).readable().exists():
        Video.objects.filter(pk=instance.replay_id, is_public=False).placeable().update(is_public=True)
