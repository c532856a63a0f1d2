"""The Redis cache against the real Redis on this machine."""

import uuid

from core.cache_backends import ReusingRedisCache
from tests.private_services import free_port


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
    assert cache.incr("v:2") == 3
    cache.delete_many(["page", "v:1", "v:2"])
    assert cache.get("page") is None


def unreachable_cache():
    port = free_port()  # nothing listens there: every call is refused
    return ReusingRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})


def test_an_unreachable_redis_reads_as_an_empty_cache_and_drops_writes():
    cache = unreachable_cache()
    assert cache.get("page", "missing") == "missing"
    assert cache.get_many(["v:1", "v:2"]) == {}
    assert cache.add("v:1", 1) is False
    assert cache.incr("v:1") is None
    assert cache.set_many({"v:1": 1}) == ["v:1"]
    cache.set("page", b"html")
    assert cache.delete("page") is False


def test_right_after_a_call_reachable_tells_an_answer_from_an_outage():
    up, down = redis_cache(), unreachable_cache()
    up.add("v:1", 1)
    assert up.add("v:1", 1) is False and up.reachable()
    assert down.add("v:1", 1) is False and not down.reachable()
    up.delete("v:1")


def test_pages_are_still_served_when_redis_is_down(client, db, settings):
    from core.page_cache import forget_process_state

    settings.CACHES = {
        "default": {"BACKEND": "core.cache_backends.ReusingRedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
    forget_process_state()
    first, second = client.get("/laodongmei/"), client.get("/laodongmei/")
    assert first.status_code == second.status_code == 200
    assert second["X-Page-Cache"] == "miss"


def test_after_a_failure_redis_is_left_alone_for_a_second(monkeypatch):
    import time

    from core.cache_backends import ReusingRedisCacheClient

    tries = []
    real_get_client = ReusingRedisCacheClient.get_client
    monkeypatch.setattr(
        ReusingRedisCacheClient, "get_client", lambda *args, **kwargs: tries.append(1) or real_get_client(*args, **kwargs)
    )
    cache = unreachable_cache()
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    cache.get("page")
    cache.get_many(["v:1"])
    cache.set("page", b"html")
    assert len(tries) == 1  # a stalled server would have cost a timeout on each call
    clock[0] += 1.5
    cache.get("page")
    assert len(tries) == 2


def bounded_file_cache(tmp_path, most=10):
    from core.cache_backends import BoundedFileBasedCache

    return BoundedFileBasedCache(str(tmp_path / "cache"), {"OPTIONS": {"MAX_ENTRIES": most}})


def test_a_write_to_the_file_cache_never_culls(tmp_path):
    cache = bounded_file_cache(tmp_path)
    for number in range(30):
        cache.set(f"entry:{number}", number, 600)
    assert all(cache.has_key(f"entry:{number}") for number in range(30))


def test_the_scheduled_cull_drops_expired_entries_then_the_soonest_to_expire_and_keeps_version_tags(tmp_path):
    cache = bounded_file_cache(tmp_path)
    cache.set_many({f"version:{number}": number for number in range(5)}, timeout=None)
    cache.set_many({f"old:{number}": number for number in range(5)}, timeout=-1)  # already expired
    cache.set_many({f"soon:{number}": number for number in range(10)}, timeout=60)
    cache.set_many({f"late:{number}": number for number in range(5)}, timeout=600)

    assert cache.cull() == 15
    assert len(cache._list_cache_files()) == 10
    assert all(cache.has_key(f"version:{number}") and cache.has_key(f"late:{number}") for number in range(5))
    assert not any(cache.has_key(f"soon:{number}") for number in range(10))
