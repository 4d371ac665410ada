"""Template tags of the care pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code of the URL (segno escapes nothing it did not make: the SVG is
    generated from the QR matrix, the URL itself is not embedded as markup)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2)
    return mark_safe(svg)  # noqa: S308
