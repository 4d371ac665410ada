"""The worksites app's rows of the rules matrix (linli/tests/test_rules_matrix.py): rule →
(make the object in scope, make it out of scope, roles allowed in, roles allowed out).
"In" is a worksite of 新凯五村 (kaiwu's committee), "out" one of 丽水. The site's person in
charge (its second secretary) is tried in linli/worksites/tests/test_pages.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.testing.scenario import Scenario

STAFF = {"town", "kaiwu"}


def site(s: Scenario, where: str) -> Any:
    from linli.places.models import Compound

    committee = s.kaiwu if where == "in" else s.lishui
    return Compound.objects.create(
        town=s.town, committee=committee, name=f"矩阵工地 {where}", kind=Compound.Kind.WORKSITE
    )


def transport(s: Scenario, where: str) -> Any:
    from linli.worksites import services

    now = timezone.now()
    return services.transport_request_create(
        user=s.users["town"],
        compound=site(s, where),
        kind="goods",
        plate="沪A12345",
        route="工地→镇物资仓库",
        window_from=now,
        window_to=now + dt.timedelta(hours=2),
    )


def permit(s: Scenario, where: str) -> Any:
    from linli.worksites import services

    now = timezone.now()
    return services.permit_issue(
        user=s.users["town"],
        compound=site(s, where),
        kind="vehicle",
        plate="沪A12345",
        route="工地→镇物资仓库",
        valid_from=now,
        valid_until=now + dt.timedelta(days=1),
    )


ROWS: dict[str, Any] = {
    "worksites.view_worksite": (lambda s: site(s, "in"), lambda s: site(s, "out"), STAFF, {"town"}),
    "worksites.change_worksite": (
        lambda s: site(s, "in"),
        lambda s: site(s, "out"),
        STAFF,
        {"town"},
    ),
    "worksites.add_transportrequest": (
        lambda s: site(s, "in"),
        lambda s: site(s, "out"),
        STAFF,
        {"town"},
    ),
    "worksites.decide_transportrequest": (
        lambda s: transport(s, "in"),
        lambda s: transport(s, "out"),
        {"town"},
        {"town"},
    ),
    "worksites.issue_permit": (
        lambda s: site(s, "in"),
        lambda s: site(s, "out"),
        {"town"},
        {"town"},
    ),
    "worksites.revoke_permit": (
        lambda s: permit(s, "in"),
        lambda s: permit(s, "out"),
        {"town"},
        {"town"},
    ),
    "worksites.add_crewloan": (lambda s: site(s, "in"), lambda s: site(s, "out"), STAFF, {"town"}),
}
