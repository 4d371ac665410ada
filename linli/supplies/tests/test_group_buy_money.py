"""Money in fen, property-based: whatever the organiser records in whatever order (payments,
refunds, payments to the supplier, goods arriving short), collected = paid to the supplier +
refunded + held, held never goes below zero, no household is refunded more than it paid, and
the ledger agrees with the households' own figures. Amounts in yuan parse without floats."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buys as services
from linli.supplies.models import GroupBuy, GroupBuyOrder, MoneyEntry
from linli.supplies.money import ledger, parse_yuan, yuan
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy

pytestmark = pytest.mark.django_db
S = GroupBuy.Status


class _Rollback(Exception):
    pass


@pytest.mark.parametrize(
    ("text", "fen"), [("0", 0), ("12", 1200), ("12.5", 1250), ("12.05", 1205), ("0.01", 1)]
)
def test_yuan_parses_to_fen_by_hand(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "-1", "1.234", "1e3", "abc", "1.2.3", "12345678"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(Problem):
        parse_yuan(text)


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_yuan_and_back_is_the_same_fen(fen):
    assert parse_yuan(yuan(fen)) == fen


STEP = st.tuples(
    st.sampled_from(["pay", "refund", "supplier", "refund_all", "arrive"]),
    st.integers(min_value=0, max_value=2),  # which order
    st.integers(min_value=1, max_value=12000),  # fen
)


@pytest.fixture
def world(scenario):
    return group_buy_world(build_grid_scenario(scenario))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_collected_is_paid_out_plus_refunded_plus_held_always(world, steps):
    try:
        with transaction.atomic():
            _run(world, steps)
            raise _Rollback
    except _Rollback:
        pass


def _run(w, steps) -> None:
    s = w.s
    bob = s.users["bob"]
    gb = make_group_buy(w, stock=(20, 20))
    veg, rice = gb.items.order_by("id")
    orders = [
        order_services.order_place(
            user=bob,
            group_buy=gb,
            household=s.households[hh],
            items=[(veg.pk, v), (rice.pk, r)],
            source=GroupBuyOrder.Source.VOLUNTEER,
        ).order
        for hh, v, r in (("b1_101", 2, 1), ("b1_102", 3, 0), ("b2_101", 1, 2))
    ]
    for kind, which, fen in steps:
        order = GroupBuyOrder.objects.get(pk=orders[which].pk)
        try:
            if kind == "pay":
                order_services.order_pay(user=bob, order=order, amount_fen=fen)
            elif kind == "refund":
                order_services.order_refund(user=bob, order=order, amount_fen=fen)
            elif kind == "supplier":
                order_services.supplier_pay(user=bob, group_buy=gb, amount_fen=fen)
            elif kind == "refund_all":
                order_services.refunds_pay_all(user=bob, group_buy=gb)
            elif GroupBuy.objects.get(pk=gb.pk).status == S.OPEN:
                transition(gb, S.CLOSED, by=bob)
                transition(gb, S.ORDERED, by=bob)
                services.group_buy_arrive(
                    user=bob, group_buy=gb, arrived={veg.pk: fen % 7, rice.pk: fen % 3}
                )
        except Problem:
            pass  # refused: more than due, than paid or than held
        _check(gb)
    # Refunding everything owed pays every household back in full, or empties what is held.
    order_services.refunds_pay_all(user=bob, group_buy=gb)
    _check(gb)
    assert order_services.refunds_outstanding(gb) == 0 or ledger(gb).held == 0


def _check(gb: GroupBuy) -> None:
    money = ledger(gb)
    entries = {k: 0 for k in MoneyEntry.Kind.values}
    for entry in MoneyEntry.objects.filter(group_buy=gb):
        entries[entry.kind] += entry.amount_fen
    assert money.collected == entries["collected"]
    assert money.collected == money.paid_supplier + money.refunded + money.held
    assert money.held >= 0
    orders = list(GroupBuyOrder.objects.filter(group_buy=gb))
    assert sum(o.paid_fen for o in orders) == money.collected
    assert sum(o.refunded_fen for o in orders) == money.refunded
    for order in orders:
        assert 0 <= order.refunded_fen <= order.paid_fen
