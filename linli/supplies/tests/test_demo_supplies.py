"""The supplies demo (run by `linli demo` through its login provider): a package round under way
with some households marked, and the shared basket of a building with two posts and a claim,
built once through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.places.models import Household, Resident
from linli.supplies.demo import DEMO_ROUND, demo_supplier_logins
from linli.supplies.models import BasketClaim, BasketPost, PackageDelivery, PackageRound
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
