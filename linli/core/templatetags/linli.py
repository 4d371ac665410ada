"""Template tags shared by the apps' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linli.core.access import FieldAccess
from linli.core.masking import field_access, shown

register = template.Library()


def _viewer(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def sensitive(context: template.Context, obj: Any, field: str) -> str:
    """An ID or phone number of `obj` as the viewer may see it: {% sensitive resident "phone" %}."""
    return shown(_viewer(context), field, getattr(obj, field, "") or "")


@register.simple_tag(takes_context=True)
def call_button(context: template.Context, number: str | None) -> SafeString | str:
    """A phone number as the viewer may see it: a one-tap `tel:` button when they may see it in
    full ({% call_button resident.phone %}), the masked number as plain text otherwise (a
    `tel:` link to a masked number dials nothing)."""
    if not number:
        return ""
    user = _viewer(context)
    if field_access(user, "phone") is not FieldAccess.FULL:
        return format_html('<span class="phone-masked">{}</span>', shown(user, "phone", number))
    return format_html(
        '<a class="button call" href="tel:{}" aria-label="{}">☎ {}</a>',
        number,
        _("拨打 %(number)s") % {"number": number},
        number,
    )


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
