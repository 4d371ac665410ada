"""Template filters of the medicine pages: fen shown as yuan."""

from __future__ import annotations

from django import template

from linli.medicine.money import yuan as fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """1250 → "12.50" (integer arithmetic, never a float)."""
    return fen_to_yuan(int(fen or 0))
