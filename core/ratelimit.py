"""Limiting how often one client may do something: counted in a cache, reusable by any view.

Fixed windows: one counter per identity and window of `window_seconds`, in the cache named by its alias.
A burst across a window's edge may pass up to twice the limit; in exchange a request costs one or two
cache calls and Retry-After is exact. Identities (addresses, user names) are hashed with the secret key
before they become cache keys, so the cache holds none of them.

A cache may be unreachable: `core.cache_backends.ReusingRedisCache` treats a Redis outage as a miss and says so
through `reachable()`; other backends are always reachable. A limit then lets everything through
(`fail_open=True`, the default: reads must still be counted while Redis is down) or refuses everything
(`fail_open=False`, for a login whose passwords must not become guessable because Redis is down).
"""

import hashlib
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import gettext as _


def client_address(request):
    """The client's address. Behind a proxy every request comes from the proxy: the header it sets
    (CLIENT_ADDRESS_HEADER) is read instead, and only when configured.

    Prefer X-Real-IP set by the proxy (nginx: `proxy_set_header X-Real-IP $remote_addr;`), which it
    overwrites. X-Forwarded-For is a list the client may start itself: only its last entry, the one
    our proxy appended, is read; the earlier ones are whatever the client sent and would let it pick a
    new address for every request.
    """
    header = settings.CLIENT_ADDRESS_HEADER
    forwarded = request.headers.get(header, "") if header else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def hashed(text, salt=""):
    """A keyed BLAKE2b of `text` under the secret key and `salt`: it cannot be turned back into the text."""
    key = hashlib.blake2b(f"{settings.SECRET_KEY}:{salt}".encode()).digest()  # 64 bytes, however long the secret
    return hashlib.blake2b(text.encode(), key=key, digest_size=16).hexdigest()


def reachable(cache):
    """Whether the cache's last call reached its server (Django gives each thread its own cache object)."""
    return cache.reachable() if hasattr(cache, "reachable") else True


def increment_counter(cache, key, timeout):
    """Add one to the counter at `key`, which lives `timeout` seconds from its first count: the new count,
    or None when the cache cannot be reached."""
    if cache.add(key, 1, timeout):
        return 1
    if not reachable(cache):
        return None
    try:
        count = cache.incr(key)
    except ValueError:  # evicted or expired since add(): this is the first count again
        cache.set(key, 1, timeout)
        count = 1
    return count if reachable(cache) else None


class RateLimit:
    """At most `limit` hits per identity in each window of `window_seconds`."""

    def __init__(self, name, limit, window_seconds, cache_alias="default", *, fail_open=True):
        self.name = name
        self.limit = limit
        self.window_seconds = window_seconds
        self.cache_alias = cache_alias
        self.fail_open = fail_open

    def hit(self, identity):
        """Count a hit by `identity`: whether it is allowed."""
        window = int(time.time() // self.window_seconds)
        key = f"ratelimit:{self.name}:{window}:{hashed(str(identity))}"
        count = increment_counter(caches[self.cache_alias], key, self.window_seconds)
        return self.fail_open if count is None else count <= self.limit

    def retry_after(self):
        """Whole seconds until the current window ends."""
        return math.ceil(self.window_seconds - time.time() % self.window_seconds)


def too_many_requests(request):
    return HttpResponse(_("请求过于频繁，请稍后再试。"), content_type="text/plain; charset=utf-8")


def rate_limited(limit, per_seconds, key=client_address, *, cache_alias="default", fail_open=True, answer=too_many_requests):
    """Refuse a view's requests past `limit` per `per_seconds` from one client (`key(request)`: its address)
    with 429 and Retry-After. `answer(request)` gives the refusal's body: a beacon may want its usual one."""

    def decorate(view):
        limiter = RateLimit(f"{view.__module__}.{view.__qualname__}", limit, per_seconds, cache_alias, fail_open=fail_open)

        @wraps(view)
        def limited(request, *args, **kwargs):
            if limiter.hit(key(request)):
                return view(request, *args, **kwargs)
            response = answer(request)
            response.status_code = 429
            response["Retry-After"] = str(limiter.retry_after())
            return response

        return limited

    return decorate
