"""The `round` report (`linli report round --town NAME --round NAME --format json|text|xlsx`,
and `/api/v1/reports/round/?round=NAME`): a test round's figures from its coverage counters and
its missing list (未检人员名单) with names masked, since the report leaves the app.

Keys: town, round, status, kind, date, expected, exempt, sampled, missing, percent, tubes,
positives, missing_list (each: committee or worksite, compound, building, room, name masked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linli.core.validators import Problem
from linli.screening import coverage, selectors
from linli.screening.models import Sample, Tube

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

FIGURE_KEYS = (
    "town",
    "round",
    "status",
    "kind",
    "date",
    "expected",
    "exempt",
    "sampled",
    "missing",
    "percent",
    "tubes",
    "positives",
)
LIST_KEYS = ("committee", "worksite", "compound", "building", "room", "name")


def round_report(
    *, town: Town, user: User | AnonymousUser | None = None, round: str | None = None
) -> dict[str, Any]:
    """The round's figures as far as the viewer sees (`user=None`: the whole town)."""
    found = selectors.round_by_name(town, round)
    if user is not None and not (
        selectors.rounds_for(user).filter(pk=found.pk).exists()
        and user.has_perm("screening.view_coverage", found)
    ):
        raise Problem(f"找不到检测轮次“{round}”", f"no test round named {round!r}")
    figures = coverage.totals(found, user)
    tubes = Tube.objects.filter(round=found)
    if not selectors.sees_whole_town(user, found.town_id):
        buildings = coverage.counts_for(found, user).values("building_id")
        tubes = tubes.filter(
            pk__in=Sample.objects.filter(round=found, building_id__in=buildings).values("tube_id")
        )
    # A report leaves the app: names masked whoever asks (user=None for the masking).
    missing = [
        selectors.person_line(r, None) for r in selectors.people(found, "missing", user).iterator()
    ]
    return {
        "town": town.name,
        "round": found.name,
        "status": found.status,
        "kind": found.kind,
        "date": found.date.isoformat(),
        "expected": figures["expected"],
        "exempt": figures["exempt"],
        "sampled": figures["sampled"],
        "missing": figures["missing"],
        "percent": figures["percent"],
        "tubes": tubes.count(),
        "positives": figures["positives"],
        "missing_list": missing,
    }


def round_rows(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The xlsx: the figures on top, then one row per missing person."""
    width = len(LIST_KEYS)
    rows: list[list[Any]] = [[key, figures[key], *[""] * (width - 2)] for key in FIGURE_KEYS]
    rows.append([""] * width)
    rows.append(
        [
            "居委 (committee)",
            "工地 (worksite)",
            "小区 (compound)",
            "楼栋 (building)",
            "室号 (room)",
            "姓名 (name)",
        ]
    )
    rows.extend([m[key] for key in LIST_KEYS] for m in figures["missing_list"])
    return ["key", "value", *[""] * (width - 2)], rows
