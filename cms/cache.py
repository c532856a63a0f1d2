"""Django's Redis cache, keeping one redis.Redis client per connection pool.

Django builds a new `redis.Redis` for every cache call, and redis-py fills a table of some hundred
response callbacks in each constructor: about a quarter of a millisecond, more than the round trip
itself. A client is safe to share between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
