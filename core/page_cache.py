"""Whole-page cache for readers, emptied by what each page shows.

A view that may be cached names what it depends on (`depends_on(request, "page:12", ...)`): its
own page, the listing it is, the site's settings. Publishing, unpublishing or deleting a page bumps
the version of the page, its series, its column and the home page, so each shows the change at
once. An entry holds the versions it was rendered with and is used only while all still hold; a
render that overlapped a bump is not stored. Only anonymous readers are served from the cache (no
session cookie: nothing per person is ever stored) and only for the query strings a page uses.

Each web process also keeps its most requested entries in memory, and trusts the versions it read
for a second (PAGE_CACHE_VERSION_CHECK_SECONDS): a hit on a popular page then costs no round trip
at all. A bump shows at once in the process that made it and within that second in the others,
far inside the minute a CDN in front may keep a page anyway.

The responses carry `Cache-Control` with `s-maxage` and `stale-while-revalidate` for a CDN in front.

A page that changes by itself at a known time (a job fair going live at its start) says so with
`expires_at(request, when)`: its entry is kept, and browsers and a CDN are told to keep it, no longer
than that, so nobody is shown the page as it was before.
"""

import re
import threading
import time
import weakref
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from . import metrics

ENTRY_PREFIX = "page-cache:"
VERSION_PREFIX = "page-cache-version:"
SEED_BACKDATE_NS = 1_000_000_000
ALWAYS = ("site",)  # header, footer and settings appear on every page
VIEW_RESTRICTIONS = "view-restrictions"
PAGE_NUMBER = "page"
filter_keys = set()  # query keys some pages filter by (`register_filter_keys`); stored only when the page accepts them
CANONICAL_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")  # and not 1: that page has no ?page
SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/stats/", "/search/", "/documents/", "/ping", "/healthz", "/metrics")
SKIPPED_HEADERS = ("Set-Cookie",)

# Every look-up of a cacheable request, answered from the cache or not: the hit ratio (README, Health and metrics).
metrics.declare_counter("page_cache_lookups", "Page cache look-ups of cacheable requests, by result (hit or miss).", ["result"])


def depends_on(request, *tags):
    """Mark this response as cacheable, to be thrown away when any of `tags` changes."""
    request.page_cache_tags = (*ALWAYS, *tags)


def also_depends_on(request, *tags):
    """Add to what this response depends on: a list showing items that change with tags of their own."""
    request.page_cache_tags = (*getattr(request, "page_cache_tags", ALWAYS), *tags)


def register_filter_keys(*keys):
    """Query keys a page filters its content by (`?district=…`): from an app's `AppConfig.ready`."""
    filter_keys.update(keys)


def accept_filters(request, *keys):
    """These filters' values are among the page's own options: the response may be stored under them.

    A query key no view accepted leaves the response unstored, so made-up values (`?district=<anything>`)
    can never fill the cache, on this page or on any page that ignores the key.
    """
    request.page_cache_accepted_keys = {*getattr(request, "page_cache_accepted_keys", ()), *keys}


def expires_at(request, when):
    """This response shows what changes by itself at `when` (a Unix time): keep it no longer than that."""
    earlier = getattr(request, "page_cache_expires_at", None)
    request.page_cache_expires_at = when if earlier is None else min(earlier, when)


class KnownVersions:
    """The tag versions this process read last, each trusted for PAGE_CACHE_VERSION_CHECK_SECONDS."""

    most = 10_000  # one tag per page read: past this, the ones no longer trusted are dropped

    def __init__(self):
        self.known = {}  # tag: (version, when read)

    def remember(self, found):
        now = time.monotonic()
        if len(self.known) > self.most:
            oldest = now - settings.PAGE_CACHE_VERSION_CHECK_SECONDS
            self.known = {tag: known for tag, known in self.known.items() if known[1] >= oldest}
        self.known.update((tag, (version, now)) for tag, version in found.items())

    def get(self, tags):
        oldest = time.monotonic() - settings.PAGE_CACHE_VERSION_CHECK_SECONDS
        stale = [tag for tag in tags if self.known.get(tag, (0, oldest - 1))[1] < oldest]
        if stale:
            self.remember(read_versions(stale))
        known = self.known  # another thread may prune meanwhile: a tag it dropped reads as unknown (0)
        return {tag: known.get(tag, (0, 0))[0] for tag in tags}

    def forget(self):
        self.known = {}


known_versions = KnownVersions()


def bump(*tags):
    """Invalidate every cached page that depends on any of `tags`."""
    now = time.time_ns()
    cache.set_many({VERSION_PREFIX + tag: now for tag in tags}, timeout=None)
    known_versions.remember(dict.fromkeys(tags, now))  # this process at once; the others within a second


def read_versions(tags):
    found = cache.get_many([VERSION_PREFIX + tag for tag in tags])
    return {tag: found.get(VERSION_PREFIX + tag, 0) for tag in tags}


def versions(tags):
    """The tags' versions as this process knows them: read from the shared cache at most once a second."""
    return known_versions.get(tags)


def stored_versions(tags, render_started=None):
    """The versions to store an entry with, read now.

    A tag never bumped, or lost to a flushed, culled or evicting cache, starts again from the clock,
    never from a constant: no entry was stored with that version, so losing a version invalidates
    every entry that depends on it and can never bring back one rendered before the last bump. It
    is dated a second back, or to before the render that found it missing if that took longer (a
    first render on a busy machine), so that this render may still be stored.
    """
    current = read_versions(tags)
    seed = time.time_ns() - SEED_BACKDATE_NS
    if render_started is not None:
        seed = min(seed, render_started - 1)
    for tag in [tag for tag, version in current.items() if not version]:
        cache.add(VERSION_PREFIX + tag, seed, timeout=None)
    if 0 in current.values():
        current = read_versions(tags)
    known_versions.remember(current)
    return current


def current_version(tag):
    """The tag's version as this process knows it (see versions()), set up if it was never bumped."""
    return versions([tag])[tag] or stored_versions([tag])[tag]


def forget_process_state():
    """For a cache emptied behind the tags' back (tests), whose versions may start over."""
    known_versions.forget()
    HeldUntilChanged.forget_all()


class HeldUntilChanged:
    """Values built from the database and kept in this process until `tag` is bumped.

    For what every page shows and almost never changes; the tag's version is known as versions()
    knows it. Values are also rebuilt after `seconds`, in case a change was bumped before its
    transaction committed and the rebuild read the old rows.
    """

    everywhere = weakref.WeakSet()

    def __init__(self, tag, seconds=60, most=100):
        self.tag, self.seconds, self.most = tag, seconds, most
        self.forget()
        self.everywhere.add(self)

    def forget(self):
        self.version, self.built_at, self.values = None, 0.0, {}

    @classmethod
    def forget_all(cls):
        for held in list(cls.everywhere):
            held.forget()

    def get(self, key, build):
        version, now = current_version(self.tag), time.monotonic()
        if version != self.version or now - self.built_at > self.seconds:
            self.version, self.built_at, self.values = version, now, {}
        if key in self.values:
            return self.values[key]
        value = build()
        if len(self.values) < self.most:  # keys may come from requests: never grow without bound
            self.values[key] = value
        return value


def entry_key(request):
    """The cache key for this request, or None when it must not be served from or stored in the cache."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(SKIPPED_PREFIXES):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:  # maybe signed in: pages can differ per person
        return None
    if set(request.GET) - filter_keys - {PAGE_NUMBER} or any(len(values) > 1 for _key, values in request.GET.lists()):
        return None
    number = request.GET.get(PAGE_NUMBER, "")
    if number and not CANONICAL_PAGE_NUMBER.fullmatch(number):  # answered with a redirect, never stored
        return None
    filters = urlencode(sorted((key, request.GET[key]) for key in set(request.GET) - {PAGE_NUMBER}))
    return f"{ENTRY_PREFIX}{request.scheme}://{request.get_host()}:{request.path}:{number}" + (f"?{filters}" if filters else "")


def filters_accepted(request):
    return set(request.GET) - {PAGE_NUMBER} <= getattr(request, "page_cache_accepted_keys", set())


def storable(response):
    if response.status_code != 200 or response.streaming:
        return False
    if any(header in response for header in SKIPPED_HEADERS):
        return False
    if "cookie" in response.get("Vary", "").lower():  # the view read the session: personal
        return False
    return "private" not in response.get("Cache-Control", "") and "no-store" not in response.get("Cache-Control", "")


def add_cache_control(response, seconds_left=None):
    """Lifetimes for browsers and a CDN; for a page that changes by itself in `seconds_left`, none
    reaching past that, the stale copy a CDN may serve while revalidating included."""
    browser, cdn, stale = settings.PAGE_CACHE_BROWSER_SECONDS, settings.PAGE_CACHE_CDN_SECONDS, settings.PAGE_CACHE_STALE_SECONDS
    if seconds_left is not None:
        browser, cdn = min(browser, seconds_left), min(cdn, seconds_left)
        stale = max(0, min(stale, seconds_left - cdn))
    patch_cache_control(response, public=True, max_age=browser, s_maxage=cdn, stale_while_revalidate=stale)


def seconds_until(when):
    """Whole seconds left before `when` (a Unix time), rounded down; None for no time."""
    return None if when is None else max(0, int(when - time.time()))


class RecentEntries:
    """The entries this process served last, still checked against the shared versions on every use."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry["expires"] < time.time():
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class PageCacheMiddleware:
    """Placed right after WhiteNoise: a hit is answered before sessions, users or Wagtail are touched."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.recent = RecentEntries(settings.PAGE_CACHE_LOCAL_ENTRIES)

    def __call__(self, request):
        key = entry_key(request)
        if key is None:
            return self.get_response(request)
        entry = self.recent.get(key) or cache.get(key)
        if entry is not None and versions(entry["versions"]) == entry["versions"]:
            self.recent.put(key, entry)
            metrics.count("page_cache_lookups", result="hit")
            return self.replay(entry)
        metrics.count("page_cache_lookups", result="miss")
        started = time.time_ns()
        response = self.get_response(request)
        tags = getattr(request, "page_cache_tags", None)
        if tags and storable(response) and filters_accepted(request):
            until = getattr(request, "page_cache_expires_at", None)
            seconds = min(settings.PAGE_CACHE_SECONDS, seconds_until(until) if until is not None else settings.PAGE_CACHE_SECONDS)
            add_cache_control(response, seconds_until(until))
            current = stored_versions(tags, render_started=started)
            if seconds > 0 and all(0 < version < started for version in current.values()):  # 0: the shared cache is down
                entry = self.entry(response, current, seconds, until)
                cache.set(key, entry, seconds)
                self.recent.put(key, entry)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def entry(response, current_versions, seconds, until=None):
        headers = {name: value for name, value in response.items() if name not in ("Content-Length", "X-Page-Cache")}
        expires = time.time() + seconds
        return {"content": response.content, "headers": headers, "versions": current_versions, "expires": expires, "until": until}

    @staticmethod
    def replay(entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        if entry.get("until") is not None:  # the lifetimes told downstream shrink as the time comes nearer
            del response["Cache-Control"]
            add_cache_control(response, seconds_until(entry["until"]))
        response["X-Page-Cache"] = "hit"
        return response


def page_tag(page_or_id):
    return f"page:{getattr(page_or_id, 'pk', page_or_id)}"
