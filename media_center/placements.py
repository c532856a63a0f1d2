"""Where videos are placed: the pages whose content shows them, from Wagtail's reference index.

Any page type counts (articles today, job fairs next), so the apps that place videos ask here.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue
from wagtail.models import Page, ReferenceIndex

from .models import Video


def placements(video_ids):
    """(page id, video id) pairs for every page that shows one of `video_ids`."""
    pairs = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Video),
        to_object_id__in=[str(pk) for pk in video_ids],
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", "to_object_id")
    return [(int(page), int(video)) for page, video in pairs]


def pages_showing(video_ids):
    return {page for page, _video in placements(video_ids)}


def videos_in(values):
    """The videos a page's form values hold: chosen directly, or inside StreamField blocks at any depth."""
    found = []

    def walk(value):
        if isinstance(value, Video):
            found.append(value)
        elif isinstance(value, StreamValue):
            for child in value:
                walk(child.value)
        elif isinstance(value, StructValue):
            for child in value.values():
                walk(child)
        elif isinstance(value, ListValue):
            for child in value:
                walk(child)

    for value in values:
        walk(value)
    return found


def unplaceable_in(values):
    """The clips among them that 终审 has not approved: they may not go on a public page."""
    return [video for video in videos_in(values) if not video.is_placeable]
