"""The public pages' limits: counts per key in the cache, hashed keys, body size."""

import time

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory

from linli.core import ratelimit
from linli.core.ratelimit import Limit, blocked, hit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_events_up_to_the_limit_pass_and_the_next_is_over():
    assert [hit("k", limit=3, window=60) for _ in range(4)] == [False, False, False, True]


def test_blocked_says_whether_the_limit_is_used_up_and_counts_nothing():
    hit("k", limit=2, window=60)
    assert not blocked("k", limit=2)
    assert not blocked("k", limit=2)  # looking twice is not an event
    hit("k", limit=2, window=60)
    assert blocked("k", limit=2)


def test_keys_are_counted_apart():
    for _ in range(3):
        hit("phone:13800000000", limit=2, window=60)
    assert blocked("phone:13800000000", limit=2)
    assert not blocked("phone:13900000000", limit=2)


def test_a_count_ends_with_its_window(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the cache's clock
    assert not hit("k", limit=1, window=60)
    assert hit("k", limit=1, window=60)
    now[0] += 61
    assert not hit("k", limit=1, window=60)


def test_an_expired_count_between_add_and_incr_starts_again(monkeypatch):
    def expired(key, delta=1, version=None):
        raise ValueError(key)

    monkeypatch.setattr(caches["default"], "incr", expired)
    assert not hit("k", limit=1, window=60)
    assert cache.get(ratelimit.cache_key("k")) == 1


def test_cache_keys_hold_no_phone_or_address_and_depend_on_the_secret(settings):
    key = ratelimit.cache_key("care:self-service:phone:13800001234")
    assert "13800001234" not in key and "care" not in key
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert ratelimit.cache_key("care:self-service:phone:13800001234") != key


def test_a_named_limit_counts_each_value_under_its_name():
    per_phone = Limit("phone", 2, 60)
    per_room = Limit("room", 2, 60)
    assert [per_phone.hit("138") for _ in range(3)] == [False, False, True]
    assert per_phone.blocked("138") and not per_room.blocked("138")
    assert not per_phone.blocked("139")


def test_the_address_is_the_client_ip_and_requests_without_one_share_a_count():
    factory = RequestFactory()
    assert ratelimit.address(factory.get("/", REMOTE_ADDR="203.0.113.5")) == "203.0.113.5"
    assert ratelimit.address(factory.get("/", REMOTE_ADDR="")) == "unknown"


def test_the_address_ignores_x_forwarded_for_unless_behind_the_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    settings.LINLI_BEHIND_PROXY = False
    assert ratelimit.address(request) == "127.0.0.1"
    settings.LINLI_BEHIND_PROXY = True
    assert ratelimit.address(request) == "203.0.113.7"


@pytest.mark.parametrize(
    ("length", "too_large"),
    [("", False), ("100", False), ("8192", False), ("8193", True), ("abc", True)],
)
def test_bodies_over_the_size_or_of_unreadable_length_are_too_large(length, too_large):
    request = RequestFactory().post("/", data=b"", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = length
    assert ratelimit.too_large(request, 8192) is too_large
