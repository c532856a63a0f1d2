"""The Redis cache against the real Redis on this machine."""

import uuid

from cms.cache import ReusingRedisCache


def redis_cache():
    return ReusingRedisCache("redis://127.0.0.1:6379/12", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_one_client_serves_every_call():
    cache = redis_cache()
    assert cache._cache.get_client("a") is cache._cache.get_client("b", write=True)


def test_values_round_trip_and_expire_like_djangos():
    cache = redis_cache()
    cache.set("page", {"content": "劳动美".encode()}, 30)
    cache.set_many({"v:1": 1, "v:2": 2}, timeout=None)
    assert cache.get("page") == {"content": "劳动美".encode()}
    assert cache.get_many(["v:1", "v:2", "v:3"]) == {"v:1": 1, "v:2": 2}
    assert cache.add("v:1", 5) is False
    cache.delete_many(["page", "v:1", "v:2"])
    assert cache.get("page") is None
