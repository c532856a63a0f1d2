"""Listings cut into pages, each page at one address: `?page=2`, never `?page=02` or `?page=1`."""

import time

from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .page_cache import CANONICAL_PAGE_NUMBER, current_version

PER_PAGE = 20
COUNT_SECONDS = 24 * 3600


class ListingPaginator(Paginator):
    """Counts a listing once per version of the page showing it, not on every render: a column's
    COUNT reads its ~10,000 rows, and the version changes whenever an article under it does."""

    def __init__(self, object_list, per_page, counted_under):
        super().__init__(object_list, per_page)
        self.counted_under = counted_under

    @cached_property
    def count(self):
        started = time.time_ns()
        version = current_version(self.counted_under)
        key = f"listing-count:{self.counted_under}:{version}"
        count = cache.get(key)
        if count is None:
            count = super().count
            if version < started:  # a count overlapping a change is not kept
                cache.set(key, count, COUNT_SECONDS)
        return count


class NonCanonicalPageNumber(Exception):
    """`?page=` written another way than the listing page's one address (see PageNumberMiddleware)."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def page_number(request):
    """The listing page asked for. `?page=1`, `?page=007` or `?page=x` redirect to the one address of
    that page, so that every variant is not a render and a cache entry of its own."""
    asked = request.GET.get("page")
    if asked is None or (asked != "1" and CANONICAL_PAGE_NUMBER.fullmatch(asked)):
        return int(asked or 1)
    query = request.GET.copy()
    number = int(asked) if asked.isascii() and asked.isdigit() and 1 < int(asked) < 10**6 else 1
    if number == 1:
        del query["page"]
    else:
        query["page"] = str(number)
    raise NonCanonicalPageNumber(f"{request.path}?{query.urlencode()}" if query else request.path)


def paginate(request, queryset, counted_under=None, per_page=PER_PAGE):
    """One page of `queryset`; `counted_under` (a cache tag) keeps its count until that tag changes.

    A page past the last one is not found, rather than the last page again under another address.
    """
    if counted_under:
        paginator = ListingPaginator(queryset, per_page, counted_under)
    else:
        paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(page_number(request))
    except EmptyPage:
        raise Http404(_("没有这一页。")) from None


class PageNumberMiddleware:
    """Any listing asked for with `?page=` written another way is sent to that page's one address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NonCanonicalPageNumber):
            return HttpResponsePermanentRedirect(exception.url)
        return None
