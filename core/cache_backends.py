"""The cache backends: Redis in production, files on one machine without it.

Django's Redis cache: one client per connection pool, and an outage reads as an empty cache.

Django builds a new `redis.Redis` for every cache call, and redis-py fills a table of some hundred
response callbacks in each constructor: about a quarter of a millisecond, more than the round trip
itself. A client is safe to share between threads, so one per pool is enough.

The public site only uses the cache to go faster: pages, tag versions, counts. When Redis is down
or too slow (production sets socket timeouts), reads miss and writes are dropped, so pages are
rendered afresh instead of failing; after a failure Redis is left alone for a second, so that a
stalled server costs one timeout a second rather than one per cache call. The outage is logged
once a minute. A publication during the outage cannot bump its tags: pages cached before it may be
served until they expire (PAGE_CACHE_SECONDS) once Redis is back.

Counting reads must tell "already there" from "not asked" (add() is False for both): right after a
call, `reachable()` says whether that call reached Redis. Django gives each thread its own cache
object, so no other thread's failure shows there.
"""

import logging
import math
import pickle
import time
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE_LOG_SECONDS = 60
RETRY_SECONDS = 1
_last_logged = [0.0]


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return self._clients[index]


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0  # monotonic time before which Redis is not tried again

    def reachable(self):
        """False for a second after a call failed to reach Redis."""
        return time.monotonic() >= self._down_until

    @contextmanager
    def outage_as_miss(self):
        try:
            yield
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            if time.monotonic() - _last_logged[0] > OUTAGE_LOG_SECONDS:
                _last_logged[0] = time.monotonic()
                logger.warning(_("缓存服务不可用，页面将不经缓存直接生成 (Redis unavailable: %s)"), error)

    def get(self, key, default=None, version=None):
        if self.reachable():
            with self.outage_as_miss():
                return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        if self.reachable():
            with self.outage_as_miss():
                return super().get_many(keys, version)
        return {}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.reachable():
            with self.outage_as_miss():
                return super().add(key, value, timeout, version)
        return False

    def incr(self, key, delta=1, version=None):
        """The new value, or None when Redis cannot be reached."""
        if self.reachable():
            with self.outage_as_miss():
                return super().incr(key, delta, version)
        return None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.reachable():
            with self.outage_as_miss():
                super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if self.reachable():
            with self.outage_as_miss():
                return super().set_many(data, timeout, version)
        return list(data)

    def delete(self, key, version=None):
        if self.reachable():
            with self.outage_as_miss():
                return super().delete(key, version)
        return False


class BoundedFileBasedCache(FileBasedCache):
    """Django's file cache, kept under MAX_ENTRIES by the scheduler instead of by the reader.

    Django's own culls inside set(): it lists every file on every write (8 s a request at 20,000
    entries) and then deletes a random share, version tags included. Here set() never culls; the
    scheduler calls `cull()` once a minute, which drops what has expired and then, while there are
    still too many, what expires soonest: page entries before the tags that never expire.
    """

    def _cull(self):
        pass

    def cull(self):
        """Bring the cache back under MAX_ENTRIES; return how many files were removed."""
        now, kept, removed = time.time(), [], 0
        for name in self._list_cache_files():
            expires = self._expiry_of(name)
            if expires is not None and expires < now:
                removed += bool(self._delete(name))
            else:
                kept.append((math.inf if expires is None else expires, name))
        kept.sort()
        for _expires, name in kept[: max(0, len(kept) - self._max_entries)]:
            removed += bool(self._delete(name))
        return removed

    @staticmethod
    def _expiry_of(name):
        """When the file expires (None: never); an unreadable file counts as expired."""
        try:
            with open(name, "rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError):
            return 0.0


def cull_file_caches():
    """The scheduler's job: every file cache of this machine back under its MAX_ENTRIES."""
    from django.conf import settings
    from django.core.cache import caches

    removed = sum(caches[alias].cull() for alias in settings.CACHES if isinstance(caches[alias], BoundedFileBasedCache))
    return _("缓存：清理了 %(count)d 个文件。") % {"count": removed} if removed else ""
