"""Navigation by role: each user sees links only to what their scope allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it: "staff" for town/committee staff, "town" for town staff,
# "volunteer" for volunteers' logins, "all" for any login)
NAV_ITEMS: list[tuple[str, Any, str]] = [
    ("home", _("首页"), "all"),
    ("places:committees", _("居委"), "staff"),
    ("places:residents", _("居民"), "all"),
    ("places:import", _("导入"), "staff"),
    ("core:audit_log", _("审计日志"), "town"),
    ("places:transfers", _("迁入确认"), "town"),
    ("duty:index", _("包干"), "staff"),
    ("duty:coverage", _("覆盖"), "staff"),
    ("duty:mine", _("我的包干"), "volunteer"),
    ("duty:claim", _("认领"), "volunteer"),
    ("care:tasks", _("我的任务"), "volunteer"),
    ("care:index", _("诉求"), "all"),
    ("care:visits", _("走访"), "all"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, audience in NAV_ITEMS:
        # The rule book (linli/<app>/rules.py) says who is staff and who is town staff.
        if audience == "staff" and not user.has_perm("places.list_committee"):
            continue
        if audience == "town" and not user.has_perm("places.view_transferrequest"):
            continue
        if audience == "volunteer" and user.role != "volunteer":
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url})
    return {"nav_items": items}
