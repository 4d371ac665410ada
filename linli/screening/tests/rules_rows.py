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
    # -- coverage part --
    # The zone board: staff, each seeing their scope's compounds (no object to check).
    "screening.view_zoneboard": (None, None, STAFF, set()),
}
