"""Template tags shared by the apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from linli.core.masking import shown

register = template.Library()


@register.simple_tag(takes_context=True)
def sensitive(context: template.Context, obj: Any, field: str) -> str:
    """An ID or phone number of `obj` as the viewer may see it: {% sensitive resident "phone" %}."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return shown(user, field, getattr(obj, field, "") or "")
