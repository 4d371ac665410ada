"""What views and API endpoints repeat: the signed-in user, and integers from query strings.

Bad input is never a server error: `int_param` turns anything that is not a plain, bounded
decimal into the default, and the caller answers 404 (an id that matches nothing) or uses the
default (a page size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from linli.accounts.models import User

MAX_ID = 2**63 - 1  # the 64-bit keys' range


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a view behind `login_required` (or an API call with a token)."""
    return cast("User", request.user)


def viewer_of(request: HttpRequest | None) -> User | AnonymousUser | None:
    """Whoever makes the request, signed in or not; None without a request (a bare FilterSet)."""
    return getattr(request, "user", None) if request is not None else None


def context_user(context: Any) -> User | AnonymousUser | None:
    """The viewer, from a django-ninja schema resolver's context."""
    return viewer_of(context["request"])


def int_param(value: Any, default: int = 0) -> int:
    """A non-negative decimal integer in the 64-bit keys' range, else `default`: "12" is 12;
    "", None, "-1", "1e3", "١٢" (non-ASCII digits) and 2**63 are the default."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return default
    number = int(text)
    return number if number <= MAX_ID else default
