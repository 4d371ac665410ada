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


@register.inclusion_tag("core/_ratio.html")
def ratio(part: int | None, whole: int | None, bad: bool = False) -> dict[str, Any]:
    """A share as people read it: "58%", a bar, and the count ("17478/30044").

    `bad=True` for a share that should be small (not yet visited): the bar turns amber past a
    fifth and red past half, as `<meter>` shows a value far from its optimum."""
    part, whole = part or 0, whole or 0
    percent = min(100, round(100 * part / whole)) if whole else 0
    return {"part": part, "whole": whole or 1, "count_of": whole, "percent": percent, "bad": bad}


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """This page's address with `param` set to `number` (a pager of several lists on a page)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
