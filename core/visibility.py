"""What the public may read: live pages outside every password, login or group restriction.

Every public list of pages (home, columns, series, tags, feeds, search, sitemap) and the rule that
makes an article's videos public go through `readable()`, so a restricted article shows its
form and nothing else anywhere. The restricted sections are few and change rarely: each process
holds their tree paths until a restriction is saved or deleted.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet

from .page_cache import VIEW_RESTRICTIONS, HeldUntilChanged

held_restrictions = HeldUntilChanged(VIEW_RESTRICTIONS)


def restricted_paths():
    """Tree paths of the pages that carry a view restriction; everything below them is restricted too."""
    return held_restrictions.get("paths", lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True)))


def restricted_q():
    paths = restricted_paths()
    return reduce(or_, (Q(path__startswith=path) for path in paths)) if paths else None


class ReadablePageQuerySet(PageQuerySet):
    def readable(self):
        """Live pages that anyone may read, with no restriction on them or above them."""
        restricted = restricted_q()
        return self.live() if restricted is None else self.live().exclude(restricted)
