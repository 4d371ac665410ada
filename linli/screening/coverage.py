"""Coverage of a round (覆盖率) from its counters: the whole round, per committee, per compound,
per building, as far as the viewer sees.

Every figure here is a sum over `CoverageCount` rows (one a building, kept as samples land:
`linli.screening.counters`), never a count over samples: the whole town is a sum over its
buildings' rows, so it stays interactive at city scale (bench/coverage.py). The figures:
- expected (应检): the roster present when the round opened, minus exemptions;
- sampled (已检): residents with a first sample;
- missing (未检): expected − sampled, never below 0 in a building (a resident sampled who was
  not on the roster, come since the round opened, does not hide another's absence elsewhere);
- positives (阳性): residents found positive;
- percent: sampled of expected, one decimal (None when nobody is expected).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, QuerySet, Sum, When

from linli.screening.models import CoverageCount, TestRound

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

FIGURES = ("expected", "exempt", "sampled", "missing", "positives")
LEVELS = {
    "committee": ("committee_id", "committee__name"),
    "compound": ("compound_id", "compound__name"),
    "building": ("building_id", "building__name"),
}


def counts_for(
    round_: TestRound, user: User | AnonymousUser | None = None
) -> QuerySet[CoverageCount]:
    """The round's counter rows the viewer sees (`user=None`: the operator, every row)."""
    if user is None:
        return CoverageCount.objects.filter(round=round_)
    return CoverageCount.objects.visible_to(user).filter(round=round_)


def _sums() -> dict[str, Any]:
    # missing per building, floored at 0, then summed: see the module docstring.
    short = Case(
        When(expected__gt=F("sampled"), then=F("expected") - F("sampled")),
        default=0,
        output_field=IntegerField(),
    )
    # Aliases differ from the field names: Django refuses an aggregate named as a field.
    return {
        "n_expected": Sum("expected"),
        "n_exempt": Sum("exempt"),
        "n_sampled": Sum("sampled"),
        "n_missing": Sum(short),
        "n_positives": Sum("positives"),
    }


def percent(sampled: int, expected: int) -> float | None:
    """Sampled of expected in percent, one decimal; None when nobody is expected."""
    if not expected:
        return None
    return round(100.0 * sampled / expected, 1)


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {key: int(row.get(f"n_{key}") or 0) for key in FIGURES}
    figures["percent"] = percent(figures["sampled"], figures["expected"])
    return figures


def totals(
    round_: TestRound, user: User | AnonymousUser | None = None, **within: int
) -> dict[str, Any]:
    """The round's figures (or one committee's, compound's or building's: `committee_id=…`),
    one aggregate over the counter rows; one building's is its row, read as it is (the
    aggregate's compilation would cost more than the query)."""
    rows = counts_for(round_, user).filter(**within)
    if set(within) == {"building_id"}:
        found = rows.values_list("expected", "exempt", "sampled", "positives").first()
        expected, exempt, sampled, positives = found or (0, 0, 0, 0)
        return _figures(
            {
                "n_expected": expected,
                "n_exempt": exempt,
                "n_sampled": sampled,
                "n_missing": max(expected - sampled, 0),
                "n_positives": positives,
            }
        )
    return _figures(rows.aggregate(**_sums()))


def breakdown(
    round_: TestRound,
    level: str,
    user: User | AnonymousUser | None = None,
    **within: int,
) -> list[dict[str, Any]]:
    """One line per committee, compound or building (`level`) of the round, inside `within`
    (`committee_id=…`, `compound_id=…`): {"id", "name", figures…}, in name order (buildings in
    their natural order)."""
    key, name = LEVELS[level]
    order = "building__sort_key" if level == "building" else name
    rows = (
        counts_for(round_, user)
        .filter(**within)
        .order_by()
        .values(key, name, *(["building__sort_key"] if level == "building" else []))
        .annotate(**_sums())
        .order_by(order, key)
    )
    return [{"id": row[key], "name": row[name], **_figures(row)} for row in rows]
