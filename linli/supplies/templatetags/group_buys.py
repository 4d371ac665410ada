"""Template filters of group buys: amounts in fen shown as yuan, mark-ups as percentages."""

from __future__ import annotations

from django import template

from linli.supplies.money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """12345 → "¥123.45"."""
    return "" if fen is None else f"¥{_yuan(int(fen))}"


@register.filter
def percent_bp(bp: int | None) -> str:
    """Basis points as a percentage: 1050 → "10.5%"."""
    return "" if bp is None else f"{int(bp) / 100:g}%"


@register.filter
def times(a: int | None, b: int | None) -> int:
    return int(a or 0) * int(b or 0)


@register.filter
def left(item: object) -> int:
    """Units of an item still to be ordered."""
    return int(getattr(item, "stock", 0)) - int(getattr(item, "ordered", 0))


@register.filter
def amount(fen: int | None) -> str:
    """12345 → "123.45", as a form's yuan field takes it."""
    return "" if fen is None else _yuan(int(fen))
