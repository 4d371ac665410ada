"""The supplies app's rows of the rules matrix (linli/tests/test_rules_matrix.py): rule →
(make the object in scope, make it out of scope, roles allowed in, roles allowed out), in the
matrix's world (its roles are listed in that file's docstring). Each part keeps its block."""

from __future__ import annotations

from typing import Any

from linli.testing import supplies_suppliers as sup
from linli.testing.scenario import Scenario

STAFF = {"town", "kaiwu"}
# Every role of the matrix with a login (all but the anonymous).
SIGNED_IN = {"town", "kaiwu", "bob", "alice", "gina", "dave", "hank", "charlie"}


# --- Group buys (supplies) ---------------------------------------------------------------------


def _group_buy(s: Scenario, where: str) -> Any:
    """A group buy written straight to the table: 香樟苑's organised by bob, 丽水苑's by dave."""
    import datetime as dt

    from django.utils import timezone

    from linli.supplies.models import GroupBuy
    from linli.testing.supplies_suppliers import make_supplier

    compound, organiser = (
        (s.xiangzhang, s.volunteers["bob"])
        if where == "in"
        else (s.lishuiyuan, s.volunteers["dave"])
    )
    now = timezone.now()
    gb = GroupBuy.objects.create(
        town=s.town,
        committee=compound.committee,
        organiser=organiser,
        supplier=make_supplier(s.town, name=f"供应商{where}"),
        title="团",
        opens_at=now,
        closes_at=now + dt.timedelta(hours=1),
        delivery_on=now.date(),
    )
    gb.compounds.set([compound])
    return gb


VOLUNTEERS = {"bob", "alice", "gina", "dave", "hank"}


# -- supplies: package rounds and the shared basket -------------------------------------------


def _round(s: Scenario) -> Any:
    from linli.supplies.models import PackageRound
    from linli.supplies.services_rounds import round_create

    found = PackageRound.objects.filter(town=s.town, name="矩阵").first()
    if found is not None:
        return found
    compounds = [s.xiangzhang, s.lishuiyuan]
    return round_create(user=None, town=s.town, name="矩阵", contents="", compounds=compounds)


def _round_building(s: Scenario, building: Any) -> Any:
    return _round(s).buildings.get(building=building)


def _delivery(s: Scenario, household: str) -> Any:
    return _round(s).deliveries.get(household=s.households[household])


def _basket_post(s: Scenario, building: Any, room: str) -> Any:
    import datetime as dt

    from django.utils import timezone

    from linli.supplies.services_basket import basket_post_create

    until = timezone.now() + dt.timedelta(days=1)
    return basket_post_create(
        building=building, room=room, item="青菜", quantity=3, unit="把", perishable=True,
        until=until,
    ).post  # fmt: skip


def _basket_claim(s: Scenario, building: Any, room: str) -> Any:
    import datetime as dt

    from django.utils import timezone

    from linli.supplies.models import BasketClaim

    post = _basket_post(s, building, room)
    start = timezone.now() + dt.timedelta(hours=1)
    return BasketClaim.objects.create(
        town=s.town,
        post=post,
        household=post.household,
        phone="13900001111",
        slot_start=start,
        slot_end=start + dt.timedelta(minutes=30),
        claimer_token_hash=f"matrix-{building.pk}",
    )


ROWS: dict[str, Any] = {
    # -- supplies, the suppliers part (issue 11): the town's supply desk is its town staff;
    # out of scope is another town's supplier, complaint, worksite need or vehicle request.
    "supplies.add_supplier": (None, None, {"town"}, set()),
    "supplies.change_supplier": (sup.matrix_supplier, sup.matrix_other_supplier, {"town"}, set()),
    "supplies.vet_supplier": (sup.matrix_supplier, sup.matrix_other_supplier, {"town"}, set()),
    "supplies.add_complaint": (sup.matrix_supplier, sup.matrix_other_supplier, STAFF, set()),
    "supplies.resolve_complaint": (
        sup.matrix_complaint,
        lambda s: sup.matrix_complaint(s, out=True),
        {"town"},
        set(),
    ),
    "supplies.add_worksiteneed": (
        lambda s: s.xiangzhang,  # bob is 香樟苑's second secretary
        lambda s: s.lishuiyuan,
        {"town", "kaiwu", "bob"},
        {"town"},
    ),
    "supplies.change_worksiteneed": (
        sup.matrix_need,
        lambda s: sup.matrix_need(s, where="lishui"),
        STAFF,
        {"town"},
    ),
    "supplies.match_worksiteneed": (
        sup.matrix_need,
        lambda s: sup.matrix_need(s, where="out"),
        {"town"},
        set(),
    ),
    "supplies.assign_vehiclerequest": (
        sup.matrix_vehicle,
        lambda s: sup.matrix_vehicle(s, out=True),
        {"town"},
        set(),
    ),
    # Group buys: "in" is 香樟苑's, organised by bob; "out" is 丽水苑's, organised by dave.
    "supplies.add_groupbuy": (None, None, STAFF | VOLUNTEERS, set()),
    "supplies.change_groupbuy": (
        lambda s: _group_buy(s, "in"),
        lambda s: _group_buy(s, "out"),
        {"town", "kaiwu", "bob"},
        {"town", "dave"},
    ),
    "supplies.money_groupbuy": (
        lambda s: _group_buy(s, "in"),
        lambda s: _group_buy(s, "out"),
        {"town", "kaiwu", "bob"},
        {"town", "dave"},
    ),
    "supplies.order_groupbuy": (
        lambda s: _group_buy(s, "in"),
        lambda s: _group_buy(s, "out"),
        STAFF | VOLUNTEERS,  # a volunteer orders only for households the gate shows them
        {"town"} | VOLUNTEERS,
    ),
    "supplies.complain_groupbuy": (
        lambda s: _group_buy(s, "in"),
        None,  # anyone signed in who reached the group buy through the gate
        SIGNED_IN,
        set(),
    ),
    "supplies.change_groupbuyrules": (lambda s: s.kaiwu, lambda s: s.lishui, STAFF, {"town"}),
    # supplies: package rounds and the shared basket
    "supplies.add_packageround": (None, None, STAFF, set()),
    "supplies.change_packageround": (_round, None, {"town"}, set()),
    "supplies.pack_roundbuilding": (
        lambda s: _round_building(s, s.b1),
        lambda s: _round_building(s, s.lb1),
        STAFF,
        {"town"},
    ),
    "supplies.mark_packagedelivery": (
        lambda s: _delivery(s, "b1_101"),
        lambda s: _delivery(s, "lb1_101"),
        {"town", "kaiwu", "alice"},
        {"town"},
    ),
    "supplies.resolve_packagedelivery": (
        lambda s: _delivery(s, "b1_101"),
        lambda s: _delivery(s, "lb1_101"),
        STAFF,
        {"town"},
    ),
    "supplies.change_basketslots": (
        lambda s: s.b1,
        lambda s: s.lb1,
        {"town", "kaiwu", "alice"},
        {"town"},
    ),
    "supplies.close_basketpost": (
        lambda s: _basket_post(s, s.b1, "101"),
        lambda s: _basket_post(s, s.lb1, "101"),
        {"town", "kaiwu", "alice"},
        {"town"},
    ),
    "supplies.mark_basketclaim": (
        lambda s: _basket_claim(s, s.b1, "101"),
        lambda s: _basket_claim(s, s.lb1, "101"),
        {"town", "kaiwu", "alice"},
        {"town"},
    ),
}
