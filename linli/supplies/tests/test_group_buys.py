"""Group buys under the committee's rules: the rules enforced (mark-up cap, fee cap, window,
organiser eligibility, the suspend switch, the supplier's papers), the workflow's every move and
actor, stock never oversold, first-come allocation when goods arrive short, refunds, prices
changed only with every orderer's consent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition
from linli.places.models import Household
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buy_prices as prices
from linli.supplies import services_group_buys as services
from linli.supplies.group_buy_workflow import AFTER_ORDER, GROUP_BUY_WORKFLOW
from linli.supplies.models import GroupBuy, GroupBuyOrder, SupplierPaper
from linli.supplies.money import ledger
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db
S = GroupBuy.Status


@pytest.fixture
def w(scenario):
    return group_buy_world(build_grid_scenario(scenario))


def _order(w, gb, hh: str, rice: int = 0, veg: int = 0, **kw) -> GroupBuyOrder:
    veg_item, rice_item = list(gb.items.order_by("id"))
    wanted = [(veg_item.pk, veg), (rice_item.pk, rice)]
    return order_services.order_place(
        user=w.s.users["kaiwu"],
        group_buy=gb,
        household=w.s.households[hh],
        items=wanted,
        source=GroupBuyOrder.Source.VOLUNTEER,
        **kw,
    ).order


def _create(w, **overrides):
    now = timezone.now()
    args = {
        "user": w.s.users["bob"],
        "compounds": [w.s.xiangzhang],
        "organiser": w.s.volunteers["bob"],
        "supplier": w.supplier,
        "title": "团",
        "fee_fen": 100,
        "opens_at": now,
        "closes_at": now + dt.timedelta(hours=24),
        "delivery_on": timezone.localdate(),
        "items": [services.ItemIn("青菜", 2090, 1900, 10)],
    }
    args.update(overrides)
    return services.group_buy_create(**args)


# --- Rules ------------------------------------------------------------------------------------


def test_a_markup_over_the_cap_is_refused_and_one_at_the_cap_accepted(w):
    # Cap 10% of 1,900 fen: 2,090 is exactly 10% (accepted), 2,091 is over.
    assert _create(w).items.get().markup_bp == 1000
    with pytest.raises(Problem, match="加价超过"):
        _create(w, items=[services.ItemIn("青菜", 2091, 1900, 10)])


def test_a_fee_over_the_cap_is_refused(w):
    with pytest.raises(Problem, match="服务费201分超过"):
        _create(w, fee_fen=201)


def test_a_window_longer_than_the_rules_allow_is_refused(w):
    now = timezone.now()
    with pytest.raises(Problem, match="48小时"):
        _create(w, opens_at=now, closes_at=now + dt.timedelta(hours=49))


def test_an_organiser_who_neither_lives_there_nor_was_nominated_is_refused(w):
    s = w.s
    with pytest.raises(Problem, match="团长不符合"):
        _create(w, organiser=s.volunteers["erin"])  # erin has no residence recorded
    w.rules.nominated.add(s.volunteers["erin"])
    assert _create(w, organiser=s.volunteers["erin"]).organiser == s.volunteers["erin"]


def test_a_resident_only_rule_refuses_a_nominated_organiser(w):
    s = w.s
    services.group_buy_rules_save(
        user=s.users["kaiwu"],
        committee=s.kaiwu,
        text="",
        organisers="resident",
        max_markup_bp=1000,
        max_fee_fen=200,
        max_window_hours=48,
        min_orders=1,
        disinfection_required=True,
        suspended=False,
    )
    w.rules.nominated.add(s.volunteers["erin"])
    with pytest.raises(Problem, match="仅本小区登记居民"):
        _create(w, organiser=s.volunteers["erin"])
    assert _create(w).pk  # bob lives in 香樟苑 1号楼 101


def test_a_compound_s_own_rules_replace_the_committee_s(w):
    s = w.s
    services.group_buy_rules_save(
        user=s.users["kaiwu"],
        committee=s.kaiwu,
        compound=s.xiangzhang,
        text="",
        organisers="either",
        max_markup_bp=0,
        max_fee_fen=0,
        max_window_hours=48,
        min_orders=1,
        disinfection_required=True,
        suspended=False,
    )
    with pytest.raises(Problem, match="服务费"):
        _create(w)  # fee 100 fen, the compound allows none


def test_the_suspend_switch_stops_new_group_buys_openings_and_orders(w):
    gb = make_group_buy(w, status=S.APPROVED)
    running = make_group_buy(w)
    placed = _order(w, running, "b1_102", veg=1)
    w.rules.suspended = True
    w.rules.save()
    with pytest.raises(Conflict, match="暂停"):
        _order(w, running, "b1_101", veg=1)
    assert (
        order_services.order_cancel(user=None, order=placed).status
        == GroupBuyOrder.Status.CANCELLED
    )
    with pytest.raises(Problem, match="暂停"):
        _create(w)
    with pytest.raises(Problem, match="暂停"):
        transition(gb, S.OPEN, by=w.s.users["bob"])


def test_an_expired_paper_blocks_a_new_group_buy_and_its_opening(w):
    gb = make_group_buy(w, status=S.APPROVED)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    SupplierPaper.objects.filter(supplier=w.supplier, kind=SupplierPaper.Kind.FOOD_PERMIT).update(
        expires_on=yesterday
    )
    with pytest.raises(Problem, match="食品经营许可证"):
        _create(w)
    with pytest.raises(Problem, match="食品经营许可证"):
        transition(gb, S.OPEN, by=w.s.users["bob"])
    assert GroupBuy.objects.get(pk=gb.pk).status == S.APPROVED


# --- The workflow ---------------------------------------------------------------------------


def test_the_workflow_table_names_who_may_make_every_move(w):
    s = w.s
    w.rules.disinfection_required = False  # from the gate straight to distribution, too
    w.rules.save()

    def maker(status):
        def make():
            gb = make_group_buy(w, status=S.DRAFT)  # no moves: the table's are tried alone
            GroupBuy.objects.filter(pk=gb.pk).update(status=S.OPEN)
            _order(w, GroupBuy.objects.get(pk=gb.pk), "b1_101", veg=1)
            gb.items.update(arrived=1)
            GroupBuy.objects.filter(pk=gb.pk).update(
                status=status, disinfected_by="老王", disinfection_method="喷洒"
            )
            return GroupBuy.objects.get(pk=gb.pk)

        return make

    makers = {status: maker(status) for status in S.values}
    actors = {k: s.users[k] for k in ("town", "kaiwu", "lishui", "bob", "alice", "charlie")}
    runs = {"town", "kaiwu", "bob"}
    governs = {"town", "kaiwu"}
    allowed = {
        S.SUBMITTED: runs,
        S.APPROVED: governs,
        S.DRAFT: governs,
        S.OPEN: runs,
        S.CLOSED: runs,
        S.ORDERED: runs,
        S.ARRIVED: runs,
        S.DISINFECTED: runs,
        S.DISTRIBUTING: runs,
        S.SETTLED: runs,
        S.CANCELLED: runs,
        S.DISPUTED: runs,
        # Out of a dispute only the committee moves it.
        **{(S.DISPUTED, to): governs for to in [*AFTER_ORDER, S.CANCELLED]},
    }
    check_workflow_table(GROUP_BUY_WORKFLOW, makers, actors, allowed)


def test_a_group_buy_runs_from_draft_to_settled(w):
    s = w.s
    gb = make_group_buy(w)
    order = _order(w, gb, "b1_101", veg=2, rice=1)
    bob = s.users["bob"]
    with pytest.raises(NotAllowed):
        transition(gb, S.CLOSED, by=s.users["lishui"])
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    veg, rice = gb.items.order_by("id")
    services.group_buy_arrive(user=bob, group_buy=gb, arrived={veg.pk: 2, rice.pk: 1})
    with pytest.raises(Conflict, match="消杀"):
        transition(gb, S.DISTRIBUTING, by=bob)
    services.group_buy_disinfect(
        user=bob, group_buy=gb, by_name="消杀队老王", method="含氯消毒液喷洒"
    )
    transition(gb, S.DISTRIBUTING, by=bob)
    # 2 × 20.00 + 35.00 + 1.00 fee = 76.00
    order_services.order_pay(user=bob, order=order, amount_fen=7600)
    order_services.supplier_pay(user=bob, group_buy=gb, amount_fen=2 * 1900 + 3200)
    transition(gb, S.SETTLED, by=bob)
    gb.refresh_from_db()
    assert gb.status == S.SETTLED
    assert (gb.disinfected_by, gb.disinfection_method) == ("消杀队老王", "含氯消毒液喷洒")
    assert ledger(gb).held == 7600 - 7000  # the goods' margin and the fee stay with the organiser
    assert [c.to_status for c in gb.changes.all()][-5:] == [
        S.ORDERED,
        S.ARRIVED,
        S.DISINFECTED,
        S.DISTRIBUTING,
        S.SETTLED,
    ]


def test_without_the_disinfection_rule_goods_go_out_from_the_gate(w):
    w.rules.disinfection_required = False
    w.rules.save()
    gb = make_group_buy(w)
    _order(w, gb, "b1_101", veg=1)
    bob = w.s.users["bob"]
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    veg, rice = gb.items.order_by("id")
    services.group_buy_arrive(user=bob, group_buy=gb, arrived={veg.pk: 1, rice.pk: 0})
    assert transition(gb, S.DISTRIBUTING, by=bob).status == S.DISTRIBUTING


def test_below_the_minimum_it_cannot_be_ordered_and_cancelling_refunds_everyone(w):
    w.rules.min_orders = 3
    w.rules.save()
    s = w.s
    gb = make_group_buy(w)
    bob = s.users["bob"]
    a = _order(w, gb, "b1_101", veg=1)  # 20.00 + 1.00
    b = _order(w, gb, "b2_101", rice=2)  # 70.00 + 1.00
    order_services.order_pay(user=bob, order=a, amount_fen=2100)
    order_services.order_pay(user=bob, order=b, amount_fen=7100)
    transition(gb, S.CLOSED, by=bob)
    with pytest.raises(Conflict, match="未达最低成团3户"):
        transition(gb, S.ORDERED, by=bob)
    transition(gb, S.CANCELLED, by=bob)
    assert order_services.refunds_outstanding(gb) == 9200
    assert order_services.refunds_pay_all(user=bob, group_buy=gb) == 9200
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.refunded_fen, b.refunded_fen) == (2100, 7100)
    assert ledger(gb).held == 0


def test_the_committee_decides_a_dispute(w):
    s = w.s
    gb = make_group_buy(w)
    _order(w, gb, "b1_101", veg=1)
    bob, kaiwu = s.users["bob"], s.users["kaiwu"]
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    transition(gb, S.DISPUTED, by=bob, reason="供应商迟迟不发货")
    with pytest.raises(NotAllowed):
        transition(gb, S.ORDERED, by=bob)  # the committee decides
    assert GroupBuy.objects.get(pk=gb.pk).disputed_from == S.ORDERED
    assert transition(gb, S.ORDERED, by=kaiwu).status == S.ORDERED


# --- Orders, stock, allocation -------------------------------------------------------------


def test_an_order_beyond_the_stock_left_is_refused_and_takes_nothing(w):
    gb = make_group_buy(w, stock=(3, 2))
    _order(w, gb, "b1_101", veg=2)
    with pytest.raises(Conflict, match="仅剩1份"):
        _order(w, gb, "b2_101", veg=2, rice=1)
    veg, rice = gb.items.order_by("id")
    assert (veg.ordered, rice.ordered) == (2, 0)
    assert not GroupBuyOrder.objects.filter(household=w.s.households["b2_101"]).exists()


def test_a_household_changes_and_cancels_its_order_until_the_window_closes(w):
    gb = make_group_buy(w, stock=(3, 2))
    order = _order(w, gb, "b1_101", veg=3)
    again = _order(w, gb, "b1_101", veg=1, rice=1)
    assert again.pk == order.pk and again.placed_at == order.placed_at
    veg, rice = gb.items.order_by("id")
    assert (veg.ordered, rice.ordered) == (1, 1)
    order_services.order_cancel(user=None, order=order)
    veg.refresh_from_db()
    assert veg.ordered == 0
    order2 = _order(w, gb, "b1_102", veg=1)
    transition(gb, S.CLOSED, by=w.s.users["bob"])
    with pytest.raises(Conflict, match="接龙时间"):
        order_services.order_cancel(user=None, order=order2)
    with pytest.raises(Conflict, match="接龙时间"):
        _order(w, gb, "b1_102", veg=2)


def test_an_order_for_a_household_of_another_compound_is_refused(w):
    gb = make_group_buy(w)
    with pytest.raises(Problem, match="不在本团购的小区"):
        _order(w, gb, "lb1_101", veg=1)


def test_an_idempotency_key_repeated_places_nothing_new(w):
    gb = make_group_buy(w)
    first = _order(w, gb, "b1_101", veg=2, idempotency_key="k1")
    second = _order(w, gb, "b1_101", veg=2, idempotency_key="k1")
    assert first.pk == second.pk
    assert gb.items.order_by("id").first().ordered == 2


def test_short_goods_go_first_come_first_served_and_the_rest_is_refunded(w):
    s = w.s
    bob = s.users["bob"]
    gb = make_group_buy(w, stock=(100, 50))
    t0 = timezone.now()
    # Placed in this order: 102 (3 veg), 101 (2 veg), 201 (4 veg); 5 veg arrive.
    early = _order(w, gb, "b1_102", veg=3, now=t0)
    middle = _order(w, gb, "b1_101", veg=2, rice=1, now=t0 + dt.timedelta(seconds=1))
    late = _order(w, gb, "b2_201", veg=4, now=t0 + dt.timedelta(seconds=2))
    for order, fen in ((early, 6100), (middle, 7600), (late, 8100)):
        order_services.order_pay(user=bob, order=order, amount_fen=fen)
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    veg, rice = gb.items.order_by("id")
    services.group_buy_arrive(user=bob, group_buy=gb, arrived={veg.pk: 4, rice.pk: 1})
    allocated = {
        o.household.room + o.household.building.name: [
            ln.allocated for ln in o.lines.order_by("item_id")
        ]
        for o in GroupBuyOrder.objects.filter(group_buy=gb)
    }
    assert allocated == {"1021号楼": [3], "1011号楼": [1, 1], "2012号楼": [0]}
    # Owed back, by hand: 102 nothing; 101 one veg (20.00); 201 everything, fee included (81.00).
    order_services.refunds_pay_all(user=bob, group_buy=gb)
    refunds = {o.pk: o.refunded_fen for o in GroupBuyOrder.objects.filter(group_buy=gb)}
    assert refunds == {early.pk: 0, middle.pk: 2000, late.pk: 8100}
    money = ledger(gb)
    assert (money.collected, money.refunded, money.held) == (21800, 10100, 11700)


def test_a_price_change_after_opening_waits_for_every_orderer_s_consent(w):
    s = w.s
    gb = make_group_buy(w)
    veg = gb.items.order_by("id").first()
    a = _order(w, gb, "b1_101", veg=1)
    b = _order(w, gb, "b1_102", veg=2)
    with pytest.raises(Problem, match="原因"):
        prices.price_change(user=s.users["bob"], item=veg, new_price_fen=1950, reason="")
    change = prices.price_change(
        user=s.users["bob"], item=veg, new_price_fen=1950, reason="批发价下调"
    )
    assert not change.applied
    prices.price_consent(user=None, change=change, order=a)
    veg.refresh_from_db()
    assert veg.unit_price_fen == 2000
    prices.price_consent(user=None, change=change, order=b)
    veg.refresh_from_db()
    assert veg.unit_price_fen == 1950
    assert order_services.order_due(GroupBuyOrder.objects.get(pk=b.pk)) == 2 * 1950 + 100


def test_a_price_cannot_change_once_ordered(w):
    gb = make_group_buy(w)
    _order(w, gb, "b1_101", veg=1)
    bob = w.s.users["bob"]
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    with pytest.raises(Conflict, match="不能改价"):
        prices.price_change(user=bob, item=gb.items.first(), new_price_fen=1, reason="x")


def test_money_never_leaves_more_than_is_held(w):
    gb = make_group_buy(w)
    bob = w.s.users["bob"]
    order = _order(w, gb, "b1_101", veg=1)  # due 21.00
    with pytest.raises(Problem, match="超过应付"):
        order_services.order_pay(user=bob, order=order, amount_fen=2101)
    order_services.order_pay(user=bob, order=order, amount_fen=2100)
    with pytest.raises(Problem, match="超过团长结余"):
        order_services.supplier_pay(user=bob, group_buy=gb, amount_fen=2101)
    order_services.supplier_pay(user=bob, group_buy=gb, amount_fen=2000)
    with pytest.raises(Problem, match="超过团长结余"):
        order_services.order_refund(user=bob, order=order, amount_fen=101)
    assert ledger(gb).held == 100


def test_households_are_counted_once_per_group_buy(w):
    gb = make_group_buy(w)
    _order(w, gb, "b1_101", veg=1)
    _order(w, gb, "b1_101", rice=1)
    assert GroupBuyOrder.objects.filter(group_buy=gb).count() == 1
    assert Household.objects.count() == 6
