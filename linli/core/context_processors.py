"""Navigation by role: each user sees links only to what their scope allows.

Core keeps only the mechanism; each app registers its top-bar links from its
`AppConfig.ready()`:

    register_nav("duty:index", _("包干"), audience=staff, order=70)

`audience` is a predicate of the user (who sees the link); `order` places the link among
every app's (ties keep the order of registration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

Audience = Callable[[Any], bool]


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    audience: Audience
    order: int


_items: dict[str, NavItem] = {}


def register_nav(url_name: str, label: Any, *, audience: Audience, order: int) -> None:
    """Add a top-bar link to the page named `url_name` for the users `audience` accepts."""
    _items[url_name] = NavItem(url_name, label, audience, order)


def nav_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda item: item.order)


def _admits(audience: Audience, user: Any) -> bool:
    """A `rules` predicate is asked through `test()`, which passes only the arguments it takes
    (`rules.always_true` takes none); a plain function is called with the user."""
    test = getattr(audience, "test", None)
    return bool(test(user) if test is not None else audience(user))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in nav_items():
        if not _admits(item.audience, user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "active": request.path == url})
    return {"nav_items": items}
