"""Limits for the public pages (volunteer report-in, resident self-service): events counted per
address, phone or room in Django's cache, and a cap on the size of a request body.

A count lives for a fixed window from its first event. Cache keys hold no phone number or
address in readable form: the key is an HMAC of the value under the secret key, so neither the
cache files nor anyone without the secret can tell or test whose count it is.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from linli.core.audit import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest


def cache_key(key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    return f"linli:rate:{digest}"


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for `key`; True when this one is over `limit` in `window` seconds."""
    stored = cache_key(key)
    cache.add(stored, 0, window)
    try:
        count = cache.incr(stored)
    except ValueError:  # expired between add and incr
        cache.set(stored, 1, window)
        count = 1
    return count > limit


def blocked(key: str, *, limit: int) -> bool:
    """Whether `key` has used up its `limit` already (counts nothing)."""
    return int(cache.get(cache_key(key), 0)) >= limit


@dataclass(frozen=True)
class Limit:
    """A named limit: `count` events per `window` seconds for each value (address, phone …)."""

    name: str
    count: int
    window: int  # seconds

    def hit(self, value: str) -> bool:
        return hit(f"{self.name}:{value}", limit=self.count, window=self.window)

    def blocked(self, value: str) -> bool:
        return blocked(f"{self.name}:{value}", limit=self.count)


def address(request: HttpRequest) -> str:
    """The client's address to count by (`client_ip`; requests without one share a count)."""
    return client_ip(request) or "unknown"


def too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the request announces a body over `max_bytes` (or an unreadable length)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes
    except ValueError:
        return True
