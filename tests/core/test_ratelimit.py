"""The reusable rate limiter: counters per hashed identity and fixed window, in the cache a limit names."""

import pytest
import time_machine
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from core.ratelimit import RateLimit, client_address, hashed, rate_limited

UNREACHABLE_REDIS = {"BACKEND": "core.cache_backends.ReusingRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens
START = "2026-03-02 09:00:00 +0800"  # on a minute's boundary


@pytest.fixture(autouse=True)
def empty_caches():
    for alias in ("default", "counting"):
        caches[alias].clear()


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {**settings.CACHES, "down": UNREACHABLE_REDIS}
    return "down"


def answered(view, address="203.0.113.7"):
    return view(RequestFactory().get("/", REMOTE_ADDR=address))


def test_hits_up_to_the_limit_are_allowed_and_the_next_refused():
    limit = RateLimit("sign-up", 3, 60)
    with time_machine.travel(START, tick=False):
        assert [limit.hit("203.0.113.7") for _ in range(4)] == [True, True, True, False]


def test_a_new_window_allows_again():
    limit = RateLimit("sign-up", 1, 60)
    with time_machine.travel(START, tick=False) as traveller:
        limit.hit("203.0.113.7")
        traveller.shift(60)
        assert limit.hit("203.0.113.7")


def test_identities_and_limits_are_counted_apart():
    with time_machine.travel(START, tick=False):
        assert RateLimit("sign-up", 1, 60).hit("203.0.113.7")
        assert RateLimit("sign-up", 1, 60).hit("198.51.100.9")
        assert RateLimit("login", 1, 60).hit("203.0.113.7")


def test_the_cache_holds_no_identity():
    RateLimit("login", 5, 60).hit("zhangsan@example.cn")
    keys = list(caches["default"]._cache)  # LocMemCache's entries
    assert keys and not any("zhangsan" in key for key in keys)


def test_a_limit_counts_in_the_cache_it_names():
    RateLimit("beacon", 5, 60, "counting").hit("203.0.113.7")
    assert not caches["default"]._cache and caches["counting"]._cache


def test_an_unreachable_cache_allows_by_default(unreachable_cache):
    limit = RateLimit("reads", 1, 60, unreachable_cache)
    assert limit.hit("203.0.113.7") and limit.hit("203.0.113.7")


def test_an_unreachable_cache_refuses_when_the_limit_fails_closed(unreachable_cache):
    assert not RateLimit("login", 5, 60, unreachable_cache, fail_open=False).hit("203.0.113.7")


def test_retry_after_is_the_rest_of_the_window():
    with time_machine.travel(START, tick=False) as traveller:
        traveller.shift(45.5)
        assert RateLimit("login", 1, 60).retry_after() == 15


def test_the_salt_changes_the_hash_however_long_the_secret_key(settings):
    settings.SECRET_KEY = "k" * 100  # a key longer than BLAKE2b's 64 bytes must not cut the salt off
    assert hashed("203.0.113.7", "2026-03-01") != hashed("203.0.113.7", "2026-03-02")


def test_a_limited_view_answers_429_in_chinese_with_retry_after():
    calls = []

    @rate_limited(1, 60)
    def view(request):
        calls.append(request)
        return HttpResponse("ok")

    with time_machine.travel(START, tick=False):
        assert answered(view).status_code == 200
        refused = answered(view)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "请求过于频繁" in refused.content.decode()
    assert len(calls) == 1


def test_a_limited_view_counts_each_client_address_apart():
    view = rate_limited(1, 60)(lambda request: HttpResponse("ok"))
    with time_machine.travel(START, tick=False):
        assert answered(view, "203.0.113.7").status_code == answered(view, "198.51.100.9").status_code == 200


def test_a_limited_view_reads_the_address_from_the_configured_proxy_header(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    view = rate_limited(1, 60)(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    with time_machine.travel(START, tick=False):
        first, second = (
            view(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=reader)) for reader in ("203.0.113.1", "203.0.113.2")
        )
    assert first.status_code == second.status_code == 200


def test_of_x_forwarded_for_only_the_entry_the_proxy_appended_is_the_address(settings):
    """The entries before it are the client's to write."""
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7")
    assert client_address(request) == "203.0.113.7"


def test_a_client_cannot_escape_a_limit_by_writing_its_own_x_forwarded_for(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    view = rate_limited(1, 60)(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    with time_machine.travel(START, tick=False):
        first, second = (
            view(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7"))
            for forged in ("198.51.100.1", "198.51.100.2")
        )
    assert (first.status_code, second.status_code) == (200, 429)


def test_a_limited_view_may_answer_the_refusal_with_its_own_body():
    view = rate_limited(0, 60, answer=lambda request: HttpResponse(b"GIF89a", content_type="image/gif"))(
        lambda request: HttpResponse()
    )
    refused = answered(view)
    assert (refused.status_code, refused["Content-Type"], refused.content) == (429, "image/gif", b"GIF89a")
