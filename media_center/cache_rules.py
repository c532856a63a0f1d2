"""What a video's changes empty in the page cache (core.page_cache), connected in MediaCenterConfig.ready()."""

from core.page_cache import bump


def on_video_saved(sender, instance, **kwargs):
    """Saved by staff or by a publication: it may have been made public or taken back."""
    bump(f"video:{instance.pk}", "videos")
