"""Navigation by role: each user sees links only to what their scope allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it: "staff" for town/committee staff, "all" for any login)
NAV_ITEMS: list[tuple[str, Any, str]] = [
    ("home", _("首页"), "all"),
    ("places:committees", _("居委"), "staff"),
    ("places:residents", _("居民"), "all"),
    ("places:import", _("导入"), "staff"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, audience in NAV_ITEMS:
        if audience == "staff" and not user.is_staff_role:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url})
    return {"nav_items": items}
