"""The building's page as the hub (楼栋): besides its households, the apps above places add
their sections to it (the duty app the building's team, the care app its open help requests,
recent visits, the doors nobody has knocked on lately and its QR poster), without places
importing them.

An app registers a section from its `AppConfig.ready()`:
`register_building_section("care/_building.html", "linli.care.selectors.building_care",
order=20)`, where `building_care(user, building)` (a selector of the app, named by dotted
path so `ready()` loads no selectors) returns the section's template context, or None to
leave the section out. The building was fetched through `visible_to`; a
section reads its own rows through the gate too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from linli.places.models import Building

SectionContext = Callable[[Any, "Building"], dict[str, Any] | None]


@dataclass(frozen=True)
class BuildingSection:
    template: str
    context: str  # dotted path to a SectionContext
    order: int


_sections: list[BuildingSection] = []


def register_building_section(template: str, context: str, *, order: int) -> None:
    section = BuildingSection(template, context, order)
    if section not in _sections:
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def building_sections(user: Any, building: Building) -> list[dict[str, Any]]:
    """The sections to show on this building's page, in order: each a template and its context."""
    shown = []
    for section in _sections:
        make: SectionContext = import_string(section.context)
        context = make(user, building)
        if context is not None:
            shown.append({"template": section.template, "context": context})
    return shown
