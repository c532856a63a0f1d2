"""Lists of pages as the public site shows them: readable ones, newest first, at a fixed cost.

Articles are not the only pages listed: an app registers its own page type (`register`), a
subclass of `ListedPage` that keeps its column, series and date on its own row, and the column,
series, home and tag pages and the feeds list it beside the articles. A type kept to a few series
is only looked for there, so the other listings cost what they did with articles alone.
"""

import heapq
from dataclasses import dataclass
from itertools import islice

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model

LIST_COVER_FILTER = "fill-240x160"
# What every listed page shows in a list, the home page's lead story and feeds, and what its URL is
# built from; each type adds its own (`ListedPage.listed_fields`).
LISTED_FIELDS = (
    "title", "slug", "url_path", "path", "depth", "live", "locale", "content_type", "last_published_at",
    "date_published", "cover_image",
)  # fmt: skip


@dataclass(frozen=True)
class ListedType:
    model: type
    series: frozenset | None  # the slugs of the only series it is placed in; None: any


listed_types = {}


def register(model, only_in_series=None):
    """List `model` (a ListedPage) with the articles: called from an app's `AppConfig.ready`."""
    from wagtail.signals import page_published, post_page_move

    from .models.pages import on_listed_page_moved
    from .publishing import make_shown_videos_public

    listed_types[model._meta.label] = ListedType(model, frozenset(only_in_series) if only_in_series else None)
    post_page_move.connect(on_listed_page_moved, sender=model)
    page_published.connect(make_shown_videos_public, sender=model)


def models_in(series_slugs=None):
    """The listed types that may have pages under a section holding these series (None: the whole site)."""
    return [
        listed.model
        for listed in listed_types.values()
        if series_slugs is None or listed.series is None or listed.series & set(series_slugs)
    ]


def page_listing(queryset, cover_filter=LIST_COVER_FILTER):
    """Readable pages of one type, newest first, with what a list shows fetched up front: no query per item.

    Only the fields lists and feeds show are read (a Wagtail page has some forty); covers and their
    list-size renditions come in two queries whatever the number of items.
    """
    listed = (
        queryset.readable()
        .only(*LISTED_FIELDS, *queryset.model.listed_fields)
        .select_related("cover_image", *queryset.model.listed_related)
        .order_by("-date_published", "-pk")
    )
    return listed.prefetch_related(cover_renditions(cover_filter)) if cover_filter else listed


def listing(series_slugs, where, cover_filter=LIST_COVER_FILTER):
    """Every listed type that may be under a section, `where` applies, newest first: a queryset when
    only one type may be there, else a `MergedListing` of one per type. No `cover_filter`: the caller
    fetches the renditions, for several lists at once."""
    listings = [page_listing(model.objects.filter(where), cover_filter) for model in models_in(series_slugs)]
    return listings[0] if len(listings) == 1 else MergedListing(listings, cover_filter)


def pinned_in(series):
    """Pages a listed type shows above a series' listing (`ListedPage.pinned_in`), soonest first."""
    return [page for model in models_in([series.slug]) for page in model.pinned_in(series)]


def cover_renditions(cover_filter=LIST_COVER_FILTER):
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=cover_filter)
    return Prefetch("cover_image__renditions", queryset=renditions)


class MergedListing:
    """Listings of several page types as one, newest first, sliced as a paginator slices a queryset.

    A slice reads each type's (date, id) keys up to its end off that type's newest-first index, keeps
    the ones in the slice, then reads those pages, one query per type, and their covers in one more.
    """

    ordered = True  # for Paginator: each listing is ordered, and so is their merge

    def __init__(self, listings, cover_filter=LIST_COVER_FILTER):
        self.listings = listings
        self.cover_filter = cover_filter

    def count(self):
        return sum(listed.count() for listed in self.listings)

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        newest_first = [
            [(date, pk, kind) for date, pk in listed.prefetch_related(None).values_list("date_published", "pk")[:stop]]
            for kind, listed in enumerate(self.listings)
        ]
        wanted = list(islice(heapq.merge(*newest_first, reverse=True), start, stop))
        found = {}
        for kind, listed in enumerate(self.listings):
            pks = [pk for _date, pk, of_kind in wanted if of_kind == kind]
            if pks:
                found.update(((kind, page.pk), page) for page in listed.prefetch_related(None).filter(pk__in=pks))
        pages = [found[kind, pk] for _date, pk, kind in wanted if (kind, pk) in found]
        if self.cover_filter:
            prefetch_related_objects(pages, cover_renditions(self.cover_filter))
        return pages
