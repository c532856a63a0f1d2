"""A page that changes by itself at a known time is kept, and told to be kept, no longer than that."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from core.page_cache import PageCacheMiddleware, depends_on, expires_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def page_changing_at(when):
    def view(request):
        depends_on(request, "page:1")
        if when is not None:
            expires_at(request, when)
        return HttpResponse("页面")

    return PageCacheMiddleware(view)


def get(middleware, path="/zhibo-jiangang/zhaopin-zhibo/fair/"):
    return middleware(RequestFactory().get(path))


def lifetimes(response):
    parts = dict(part.strip().split("=") for part in response["Cache-Control"].split(",") if "=" in part)
    return int(parts["max-age"]), int(parts["s-maxage"]), int(parts["stale-while-revalidate"])


def test_without_an_expiry_the_usual_lifetimes_hold(settings):
    response = get(page_changing_at(None))
    assert lifetimes(response) == (
        settings.PAGE_CACHE_BROWSER_SECONDS,
        settings.PAGE_CACHE_CDN_SECONDS,
        settings.PAGE_CACHE_STALE_SECONDS,
    )


def test_no_lifetime_told_downstream_reaches_past_the_expiry():
    browser, cdn, stale = lifetimes(get(page_changing_at(time.time() + 45.5)))
    assert browser <= 45 and cdn <= 45 and cdn + stale <= 45


def test_the_entry_is_dropped_at_the_expiry_and_hits_before_it_tell_the_time_left():
    with time_machine.travel(1_900_000_000, tick=False):
        middleware = page_changing_at(1_900_000_000 + 40)
        assert get(middleware)["X-Page-Cache"] == "miss"
    with time_machine.travel(1_900_000_000 + 30, tick=False):
        hit = get(middleware)
        assert hit["X-Page-Cache"] == "hit"
        assert lifetimes(hit)[1] + lifetimes(hit)[2] <= 10
    with time_machine.travel(1_900_000_000 + 41, tick=False):
        assert get(middleware)["X-Page-Cache"] == "miss"


def test_a_page_past_its_expiry_is_not_kept():
    middleware = page_changing_at(time.time() - 1)
    get(middleware)
    assert get(middleware)["X-Page-Cache"] == "miss"


def test_the_earliest_of_two_expiries_holds():
    request = RequestFactory().get("/")
    expires_at(request, 200.0)
    expires_at(request, 100.0)
    expires_at(request, 300.0)
    assert request.page_cache_expires_at == 100.0
