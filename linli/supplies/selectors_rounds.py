"""Reads of package rounds, through the viewer's scope: the figures the page, the API and
`linli report package-round` share, and the coverage per building.

The figures, per round (as far as the viewer sees; `user=None` is the operator: the whole town):
- households: packages owed, one per household on the roster (rooms found off the roster are
  counted under not_on_roster, not here);
- delivered: roster households signed for;
- exceptions: open exceptions (absent, vacant, not on the roster) awaiting delivery or a decision;
- resolved: exceptions the committee closed without a package (a vacant flat confirmed);
- missing: roster households nobody has reported on yet (still pending), listed in
  missing_list by committee, compound, building and room: no names.
So households = delivered + exceptions on the roster + resolved on the roster + missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from linli.core.access import scope_for
from linli.core.validators import Problem
from linli.supplies.models import PackageDelivery, PackageRound, RoundBuilding

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

D = PackageDelivery.Status


def rounds_for(user: User | AnonymousUser) -> QuerySet[PackageRound]:
    return PackageRound.objects.filter(
        pk__in=PackageRound.objects.visible_to(user).values("pk")
    ).order_by("-created_at", "-id")


def sees_whole_town(user: User | AnonymousUser | None, town_id: int) -> bool:
    """The viewer's scope holds the whole town (the operator, town staff): the gate would let
    every row of the town through, so a reader may skip its per-row condition."""
    if user is None:
        return True
    scope = scope_for(user)
    return scope.all_towns or town_id in scope.ids["town"]


def deliveries_for(
    user: User | AnonymousUser | None, package_round: PackageRound
) -> QuerySet[PackageDelivery]:
    rows = PackageDelivery.objects.filter(round=package_round)
    if sees_whole_town(user, package_round.town_id):
        return rows
    return rows.visible_to(user)


def _figures(groups: list[tuple[str, int, int]]) -> dict[str, int]:
    """The figures from (status, rows, rows with a household) groups."""
    figures = dict.fromkeys(FIGURE_KEYS[3:], 0)
    for status, n, roster in groups:
        figures["households"] += roster
        figures["not_on_roster"] += n - roster
        if status == D.DELIVERED:
            figures["delivered"] += roster
        elif status in PackageDelivery.EXCEPTIONS:
            figures["exceptions"] += n
        elif status == D.RESOLVED:
            figures["resolved"] += n
        elif status == D.PENDING:
            figures["missing"] += n
    return figures


def round_figures(
    package_round: PackageRound, user: User | AnonymousUser | None = None
) -> dict[str, int]:
    """The round's figures as far as the viewer sees (see the module docstring): one GROUP BY
    status."""
    groups = (
        deliveries_for(user, package_round)
        .order_by()
        .values("status")
        .annotate(n=Count("id"), roster=Count("household_id"))
        .values_list("status", "n", "roster")
    )
    return _figures(list(groups))


def missing_list(
    package_round: PackageRound, user: User | AnonymousUser | None = None
) -> list[dict[str, str]]:
    """The households still pending, in place order: committee, compound, building, room."""
    rows = (
        deliveries_for(user, package_round)
        .filter(status=D.PENDING)
        .order_by(
            "building__compound__committee__name",
            "building__compound__name",
            "building__sort_key",
            "room",
        )
        .values_list(
            "building__compound__committee__name",
            "building__compound__name",
            "building__name",
            "room",
        )
    )
    return [
        {"committee": c, "compound": p, "building": b, "room": r} for c, p, b, r in rows.iterator()
    ]


def building_coverage(
    package_round: PackageRound, user: User | AnonymousUser, *, q: str = ""
) -> QuerySet[RoundBuilding]:
    """The round's buildings the viewer sees, in place order (counts: `coverage_counts`);
    `q` searches compound and building names."""
    rows = RoundBuilding.objects.filter(round=package_round)
    if not sees_whole_town(user, package_round.town_id):
        rows = rows.visible_to(user)
    rows = rows.select_related("building__compound__committee", "team").order_by(
        "building__compound__committee__name", "building__compound__name", "building__sort_key"
    )
    if q:
        rows = rows.filter(
            Q(building__name__icontains=q) | Q(building__compound__name__icontains=q)
        )
    return rows


def coverage_counts(
    package_round: PackageRound, building_ids: list[int]
) -> dict[int, dict[str, int]]:
    """Counts of these buildings' deliveries in the round: {building id: figures}."""
    rows = (
        PackageDelivery.objects.filter(round=package_round, building_id__in=building_ids)
        .order_by()
        .values("building_id", "status")
        .annotate(n=Count("id"), roster=Count("household_id"))
        .values_list("building_id", "status", "n", "roster")
    )
    groups: dict[int, list[tuple[str, int, int]]] = {}
    for building, status, n, roster in rows:
        groups.setdefault(building, []).append((status, n, roster))
    return {building: _figures(found) for building, found in groups.items()}


def round_by_name(town: Town, name: str | None) -> PackageRound:
    if not name:
        raise Problem("请用 --round 指定发放轮次", "name the round with --round")
    found = PackageRound.objects.filter(town=town, name=name).first()
    if found is None:
        raise Problem(f"找不到发放轮次“{name}”", f"no package round named {name!r}")
    return found


def package_round_report(
    *, town: Town, user: User | AnonymousUser | None = None, round: str | None = None
) -> dict[str, Any]:
    """`linli report package-round --round NAME`: the figures and the missing households."""
    package_round = round_by_name(town, round)
    if user is not None and not rounds_for(user).filter(pk=package_round.pk).exists():
        raise Problem(f"找不到发放轮次“{round}”", f"no package round named {round!r}")
    figures = round_figures(package_round, user)
    return {
        "town": town.name,
        "round": package_round.name,
        "status": package_round.status,
        **figures,
        "missing_list": missing_list(package_round, user),
    }


def report_rows(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The xlsx: the figures on top, then one row per missing household."""
    rows: list[list[Any]] = [[key, figures[key], "", ""] for key in FIGURE_KEYS]
    rows.append(["", "", "", ""])
    rows.append(["居委 (committee)", "小区 (compound)", "楼栋 (building)", "室号 (room)"])
    rows.extend(
        [m["committee"], m["compound"], m["building"], m["room"]] for m in figures["missing_list"]
    )
    return ["key", "value", "", ""], rows


FIGURE_KEYS = (
    "town",
    "round",
    "status",
    "households",
    "delivered",
    "exceptions",
    "resolved",
    "missing",
    "not_on_roster",
)


def building_section(user: User | AnonymousUser, building: Any) -> dict[str, Any] | None:
    """The building hub's supplies section (linli.places.hub): the rounds delivering to the
    building, its line of each, and the way to its shared basket; None when the viewer has
    nothing to do here."""
    rows = list(
        RoundBuilding.objects.visible_to(user)
        .filter(building=building)
        .exclude(round__status__in=(PackageRound.Status.CLOSED, PackageRound.Status.CANCELLED))
        .select_related("round", "team")
        .order_by("-round__created_at")[:5]
    )
    basket = bool(user.has_perm("supplies.change_basketslots", building))
    if not rows and not basket:
        return None
    lines = []
    for rb in rows:
        counts = coverage_counts(rb.round, [building.pk]).get(building.pk, {})
        lines.append({"rb": rb, "c": counts})
    return {"lines": lines, "basket": basket, "building": building}
