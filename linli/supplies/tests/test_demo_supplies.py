"""The supplies demo (run by `linli demo` through its login provider): a package round under way
with some households marked, the shared basket of a building with two posts and a claim, and
新凯五村's group buys (open, arrived and disinfected, settled), built once through the
services."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.places.models import Household, Resident
from linli.supplies.demo import DEMO_ROUND, demo_supplier_logins
from linli.supplies.models import (
    BasketClaim,
    BasketPost,
    GroupBuy,
    GroupBuyOrder,
    GroupBuyRules,
    PackageDelivery,
    PackageRound,
)
from linli.supplies.money import ledger
from linli.testing.supplies_groupbuys import add_compound

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_round_under_way_and_a_basket_once(scenario):
    s = scenario
    add_compound(s, "桂花苑")  # 新凯五村: now 3 buildings of 2 households each
    third = Household.objects.create(town=s.town, building=s.b1, room="103")
    Resident.objects.create(town=s.town, household=third, name="邻居", phone="13300000103")
    assert demo_supplier_logins(s.town, "pw") == []
    made = PackageRound.objects.get(town=s.town)
    assert made.name == DEMO_ROUND and made.status == PackageRound.Status.DELIVERING
    # Every household of the town has a package (7 of 新凯五村 in 3 buildings, 2 of 丽水苑);
    # 新凯五村's seven, by building and room, are marked: the first 3 absent, the next vacant,
    # the other 3 delivered; 丽水苑's 2 wait.
    counts = {
        status: PackageDelivery.objects.filter(round=made, status=status).count()
        for status in PackageDelivery.Status.values
    }
    assert (counts["absent"], counts["vacant"], counts["delivered"]) == (3, 1, 3)
    assert counts["pending"] == 2
    assert PackageDelivery.objects.filter(round=made).count() == 9
    # The basket: 1号楼 of 香樟苑 has three rooms with a resident's phone; 101 and 102 post,
    # 103 claims one of 101's.
    posts = list(BasketPost.objects.filter(town=s.town).order_by("pk"))
    assert [(p.building_id, p.household.room, p.item) for p in posts] == [
        (s.b1.pk, "101", "青菜"),
        (s.b1.pk, "102", "挂面"),
    ]
    claim = BasketClaim.objects.get()
    assert (claim.post_id, claim.household.room, claim.quantity) == (posts[0].pk, "103", 1)
    demo_supplier_logins(s.town, "pw")  # a second run adds nothing
    assert PackageRound.objects.count() == 1 and BasketPost.objects.count() == 2
    town = Client()
    town.force_login(s.users["town"])
    assert DEMO_ROUND in town.get(reverse("supplies:rounds")).text


def test_the_demo_builds_an_open_an_arrived_and_a_settled_group_buy_money_conserved(grid):
    s = grid
    guihua = add_compound(s, "桂花苑")  # 新凯五村: 香樟苑 (b1, b2) and 桂花苑 (1号楼: 101, 102)
    third = Household.objects.create(town=s.town, building=s.b1, room="103")
    Resident.objects.create(town=s.town, household=third, name="邻居", phone="13300000103")
    demo_supplier_logins(s.town, "pw")
    # 新凯五村's rules, as the committee's staff saved them: 10%, 3 yuan, 5 households; the
    # organiser (no duty-demo login here: the committee's first volunteer, alice) nominated.
    rules = GroupBuyRules.objects.get(committee=s.kaiwu, compound=None)
    assert (rules.max_markup_bp, rules.max_fee_fen, rules.min_orders) == (1000, 300, 5)
    assert "《团购管理办法》" in rules.text and "10%" in rules.text
    assert list(rules.nominated.all()) == [s.volunteers["alice"]]
    gbs = {gb.status: gb for gb in GroupBuy.objects.filter(town=s.town)}
    assert sorted(gbs) == ["disinfected", "open", "settled"]
    for gb in gbs.values():
        assert gb.organiser == s.volunteers["alice"] and gb.committee == s.kaiwu
        assert {c.name for c in gb.compounds.all()} == {"香樟苑", "桂花苑"}
    active = GroupBuyOrder.Status.ACTIVE

    def rooms(gb):
        return sorted(
            (o.household.building.compound.name, o.household.building.name, o.household.room)
            for o in gb.orders.filter(status=active)
        )

    # The open one: ~20 wanted, 10 of each compound; here all 7 households of the two.
    assert rooms(gbs["open"]) == [
        ("桂花苑", "1号楼", "101"),
        ("桂花苑", "1号楼", "102"),
        ("香樟苑", "1号楼", "101"),
        ("香樟苑", "1号楼", "102"),
        ("香樟苑", "1号楼", "103"),
        ("香樟苑", "2号楼", "101"),
        ("香樟苑", "2号楼", "201"),
    ]
    # The past ones: 8 wanted, 4 of each compound: 香樟苑's first four rooms, 桂花苑's two.
    past = rooms(gbs["open"])[:6]
    assert rooms(gbs["disinfected"]) == past == rooms(gbs["settled"])
    arrived = gbs["disinfected"]
    assert arrived.arrived_at is not None and arrived.disinfected_by and arrived.disinfected_at
    slots = sorted((slot.building_id, slot.starts_at) for slot in arrived.slots.all())
    assert [b for b, _ in slots] == sorted([s.b1.pk, s.b2.pk, guihua.buildings.get().pk])
    assert len({start for _, start in slots}) == 3  # one building at a time
    # The settled one, by hand. Six households in the order placed (香樟苑 1-101, 桂花苑 101,
    # 香樟苑 1-102, 桂花苑 102, 香樟苑 1-103, 香樟苑 2-101), boxes of vegetables 1, 2, 1, 2, 1,
    # 2 (9 at 20.50, list 19.00), a bag of rice each (6 at 35.00, list 32.00), a box of eggs
    # each (6 at 27.00, list 25.00), fee 2.00 each. All paid in full:
    #   9×2050 + 6×3500 + 6×2700 + 6×200 = 18450 + 21000 + 16200 + 1200 = 56850 fen.
    # Two boxes of eggs short: the last two households placed (香樟苑 1-103, 2-101) get none
    # and are refunded 2700 each = 5400 (they still got vegetables and rice: the fee stands).
    # The supplier is paid list prices for what came: 9×1900 + 6×3200 + 4×2500 = 46300.
    # Held: 56850 − 46300 − 5400 = 5150 = the mark-ups (9×150 + 6×300 + 4×200 = 3950) + fees.
    settled = gbs["settled"]
    money = ledger(settled)
    assert (money.collected, money.paid_supplier, money.refunded) == (56850, 46300, 5400)
    assert money.held == 5150 == 9 * 150 + 6 * 300 + 4 * 200 + 6 * 200
    refunded = sorted(
        (o.household.building.name, o.household.room, o.refunded_fen)
        for o in settled.orders.filter(refunded_fen__gt=0)
    )
    assert refunded == [("1号楼", "103", 2700), ("2号楼", "101", 2700)]
    # Through the organiser's own login: the three pages, and the settled one's money.
    alice = Client()
    alice.force_login(s.users["alice"])
    for gb in gbs.values():
        assert gb.title in alice.get(reverse("supplies:group_buy", args=[gb.pk])).text
    page = alice.get(reverse("supplies:group_buy_orders", args=[settled.pk])).text
    shown = re.findall(r"<dd>¥([\d.]+)</dd>", page.split('class="facts card gb-money"')[1])
    assert shown[:4] == ["568.50", "463.00", "54.00", "51.50"]
    demo_supplier_logins(s.town, "pw")  # a second run adds nothing
    assert GroupBuy.objects.count() == 3 and GroupBuyOrder.objects.count() == 7 + 6 + 6
