"""The columns and series every public page shows, kept in each process until one of them changes.

The navigation and the breadcrumbs need ten columns and twenty-six series: their titles and
addresses. Those change only through `sync_taxonomy` or an administrator's edit, and publishing
any of them bumps the page cache's "site" tag; until then each process reuses what it read,
instead of a query and ten URL computations on every render.
"""

from dataclasses import dataclass

from wagtail.models import Page

from core.page_cache import HeldUntilChanged

from .tree import COLUMN_DEPTH, SERIES_DEPTH, ancestor_path

held = HeldUntilChanged("site")


@dataclass(frozen=True)
class Place:
    pk: int
    path: str
    depth: int
    slug: str
    title: str
    url: str
    live: bool


@dataclass(frozen=True)
class Structure:
    columns: tuple  # live ones, in the taxonomy's order: the navigation
    places: dict  # every column and series by tree path, in tree order: breadcrumbs, reports


def read_structure():
    pages = Page.objects.filter(depth__in=(COLUMN_DEPTH, SERIES_DEPTH)).order_by("path")
    places = {
        page.path: Place(page.pk, page.path, page.depth, page.slug, page.title, page.get_url(), page.live)
        for page in pages.only("pk", "path", "depth", "slug", "title", "url_path", "live")
    }
    columns = tuple(place for place in places.values() if place.live and place.depth == COLUMN_DEPTH)
    return Structure(columns, places)


def site_structure():
    return held.get("structure", read_structure)


def series_of(column):
    """The live series of a column, in order."""
    places = site_structure().places.values()
    return [place for place in places if place.live and place.depth == SERIES_DEPTH and place.path.startswith(column.path)]


def breadcrumb(path):
    """The column and the series above the page at tree `path`, read off the path itself."""
    places = site_structure().places
    above = (ancestor_path(path, COLUMN_DEPTH), ancestor_path(path, SERIES_DEPTH))
    return [places[ancestor] for ancestor in above if ancestor != path and ancestor in places]
