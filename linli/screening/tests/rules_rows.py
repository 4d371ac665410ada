"""The screening app's rows of the rules matrix (linli/tests/test_rules_matrix.py): rule →
(make the object in scope, make it out of scope, roles allowed in, roles allowed out).
"In" is a round over 香樟苑 (新凯五村), "out" one over 丽水苑 (丽水); both open. Each part of the
app keeps its rows in its own block."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from linli.testing.scenario import Scenario

STAFF = {"town", "kaiwu"}


def open_round(s: Scenario, where: str) -> Any:
    from linli.screening import services

    compound = s.xiangzhang if where == "in" else s.lishuiyuan
    round_ = services.round_create(
        user=s.users["town"],
        town=s.town,
        name=f"矩阵轮次 {where}",
        kind="pcr",
        date=timezone.localdate(),
        compounds=[compound],
    )
    return services.round_open(user=s.users["town"], round_=round_)


def pool_follow_up(s: Scenario, where: str) -> Any:
    from linli.screening.models import PoolFollowUp, Tube

    round_ = open_round(s, where)
    tube = Tube.objects.create(round=round_, town=s.town, barcode=f"矩阵{where}")
    return PoolFollowUp.objects.create(
        tube=tube, round=round_, town=s.town, flagged_at=timezone.now()
    )


def case(s: Scenario, where: str) -> Any:
    from linli.screening.models import Case

    resident = s.residents["zhang" if where == "in" else "chen"]
    return Case.objects.create(
        town=s.town,
        resident=resident,
        building=resident.household.building,
        positive_on=timezone.localdate(),
    )


ROWS: dict[str, Any] = {
    # -- shared --
    "screening.add_testround": (None, None, {"town"}, set()),
    "screening.change_testround": (
        lambda s: open_round(s, "in"),
        lambda s: open_round(s, "out"),
        {"town"},
        {"town"},
    ),
    "screening.sample_testround": (
        lambda s: open_round(s, "in"),
        lambda s: open_round(s, "out"),
        STAFF,
        {"town"},
    ),
    "screening.view_coverage": (
        lambda s: open_round(s, "in"),
        lambda s: open_round(s, "out"),
        STAFF,
        {"town"},
    ),
    # -- desk part --
    # -- results part --
    "screening.change_poolfollowup": (
        lambda s: pool_follow_up(s, "in"),
        lambda s: pool_follow_up(s, "out"),
        STAFF,
        {"town"},
    ),
    "screening.change_case": (
        lambda s: case(s, "in"),
        lambda s: case(s, "out"),
        {"town"},
        {"town"},
    ),
    "screening.report_antigen": (
        lambda s: s.b1,
        lambda s: s.lb1,
        {"town", "kaiwu", "alice", "gina"},
        {"town"},
    ),
    # -- coverage part --
    # The zone board: staff, each seeing their scope's compounds (no object to check).
    "screening.view_zoneboard": (None, None, STAFF, set()),
}
