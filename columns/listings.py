"""Lists of articles as the public site shows them: readable ones, newest first, at a fixed cost."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

LIST_COVER_FILTER = "fill-240x160"
# What lists, the home page's lead story and feeds show of an article, and what its URL is built from.
LISTED_FIELDS = (
    "title", "slug", "url_path", "path", "depth", "live", "locale", "content_type", "last_published_at",
    "subtitle", "summary", "author", "date_published", "cover_image",
)  # fmt: skip


def article_listing(queryset, cover_filter=LIST_COVER_FILTER):
    """Readable articles, newest first, with what a list shows fetched up front: no query per item.

    Only the fields lists and feeds show are read (a Wagtail page has some forty); covers and their
    list-size renditions come in two queries whatever the number of items.
    """
    return (
        queryset.readable()
        .only(*LISTED_FIELDS)
        .select_related("cover_image")
        .prefetch_related(cover_renditions(cover_filter))
        .order_by("-date_published", "-pk")
    )


def cover_renditions(cover_filter=LIST_COVER_FILTER):
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=cover_filter)
    return Prefetch("cover_image__renditions", queryset=renditions)
