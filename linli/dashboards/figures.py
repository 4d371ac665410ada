"""What the dashboards show, per level, from the apps' reports only (`PARTS`): the town's
and a committee's staff see every part through their scope (the home page); a second
secretary (their compound) and a building leader (their buildings) see the parts about
residents and households ("all" audience) on 我的楼栋, linked from 我的任务.

No query of another app's tables here: every figure is a report's (the same dict the daily
briefing holds), every chart's series a selector's or the sent briefings' history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from linli.dashboards.briefing import build_part
from linli.dashboards.parts import NOT_FIGURES, PARTS, Part, label_of

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town


@dataclass
class Tile:
    key: str
    label: str
    value: Any
    url: str | None = None
    change: Any = None
    details: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Section:
    part: Part
    figures: dict[str, Any]
    tiles: list[Tile]
    url: str | None


def url_of(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def tiles_of(
    part: Part,
    figures: dict[str, Any],
    changes: dict[str, Any] | None = None,
    *,
    links: dict[str, str] | None = None,
    default_link: str | None = None,
) -> list[Tile]:
    """A tile per top-level figure (a list: how many; a nested one: its parts as details
    under the tile of the same label, or a tile of its own)."""
    links = part.links if links is None else links
    changes = changes or {}
    tiles: list[Tile] = []
    by_label: dict[str, Tile] = {}
    for key, value in figures.items():
        if key in NOT_FIGURES:
            continue
        label = label_of(part, key)
        url = url_of(links.get(key) or default_link)
        if isinstance(value, dict):
            if not all(isinstance(v, int | None) for v in value.values()):
                tiles.append(Tile(key, label, len(value), url))
                continue
            details = [(label_of(part, key, sub).split("·", 1)[-1], v) for sub, v in value.items()]
            if label in by_label:
                by_label[label].details.extend(details)
            else:
                tile = Tile(key, label, sum(v or 0 for v in value.values()), url, None, details)
                tiles.append(tile)
                by_label[label] = tile
            continue
        shown = len(value) if isinstance(value, list) else value
        change = changes.get(key) if not isinstance(changes.get(key), dict) else None
        tile = Tile(key, label, shown, url, change)
        tiles.append(tile)
        by_label.setdefault(label, tile)
    return tiles


def sections(
    *,
    user: User | AnonymousUser,
    town: Town,
    day: dt.date | None = None,
    audience: str = "staff",
    links: dict[str, str] | None = None,
    only: tuple[str, ...] | None = None,
) -> list[Section]:
    """One section per part the audience sees, its figures the part's report through the
    user's scope. `links` (part key → URL name) replaces each figure's own link: a volunteer's
    dashboard links to their own pages."""
    from linli.core.access import scope_for

    day = day or timezone.localdate()
    scope = scope_for(user)
    found = []
    for part in PARTS:
        if audience != "staff" and part.audience != "all":
            continue
        if only is not None and part.key not in only:
            continue
        figures = build_part(part, town=town, user=user, day=day)
        if links is None:
            tiles = tiles_of(part, figures, default_link=part.link)
            url = url_of(part.link)
        else:
            tiles = tiles_of(part, figures, links={}, default_link=links.get(part.key))
            url = url_of(links.get(part.key))
        tiles = [t for t in tiles if t.key not in part.levels or scope.reaches(part.levels[t.key])]
        found.append(Section(part, figures, tiles, url))
    return found


def waiting(user: Any) -> list[tuple[str, str, Any]]:
    """我的楼栋 on 我的任务: for a volunteer answering for buildings (a building leader, a
    second secretary of a compound), what waits in them: open help requests (overdue ones
    flagged), special-care residents due a visit and households whose package nobody has
    reported on. A login that is not a volunteer costs no query."""
    from django.utils.translation import gettext as _

    from linli.accounts.rules import is_volunteer
    from linli.care.selectors import QueueCount
    from linli.core.access import scope_for

    if not is_volunteer(user) or not user.town_id or not scope_for(user).reaches("building"):
        return []
    parts = sections(user=user, town=user.town, audience="all", only=("care", "supplies"))
    found = {s.part.key: s.figures for s in parts}
    care, supplies = found.get("care", {}), found.get("supplies", {})
    count = (
        (care.get("open") or 0)
        + (care.get("visits_due") or 0)
        + (supplies.get("rounds_missing") or 0)
    )
    return [(_("我的楼栋"), reverse("my_buildings"), QueueCount(count, care.get("overdue") or 0))]
