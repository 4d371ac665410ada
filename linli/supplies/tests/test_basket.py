"""The shared basket (共享菜篮子) through the residents' door (the building's self-service link)
and the building leader's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care.selfservice import self_service_link
from linli.supplies.models import BasketClaim, BasketPost, BasketSlots
from linli.supplies.services_basket import (
    CLAIM_WORKFLOW,
    POST_WORKFLOW,
    basket_claim,
    basket_post_create,
    remaining,
    slots_for,
)
from linli.testing.scenario import build_grid_scenario
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db
C = BasketClaim.Status


@pytest.fixture
def world(scenario):
    s = build_grid_scenario(scenario)
    s.token = self_service_link(user=None, building=s.b2).token  # type: ignore[attr-defined]
    # Slots all day long, so that the tests do not depend on the hour they run at.
    BasketSlots.objects.create(
        town=s.town,
        building=s.b2,
        minutes=30,
        capacity=2,
        opens_at=dt.time(0, 0),
        closes_at=dt.time(23, 59),
    )
    return s


def _until(hours=30):
    return (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _post(client, token, **data):
    body = {"room": "101", "item": "青菜", "quantity": "2", "unit": "把", "until": _until()}
    body.update(data)
    return client.post(reverse("supplies:basket_post", args=[token]), body)


def _giver_path(answer):
    return re.search(r'href="(/supplies/basket-giver/[^"]+)"', answer.content.decode())[1]


def _slot(post, n=0):
    return slots_for(post)[n]


def _claim(client, token, post, room="201", phone="13612345603", quantity="1", slot=None):
    slot = slot or _slot(post)
    return client.post(
        reverse("supplies:basket_claim", args=[token, post.pk]),
        {"room": room, "phone": phone, "quantity": quantity, "slot": slot.key},
    )


def test_a_resident_posts_surplus_through_the_buildings_self_service_link(world):
    client = Client()
    page = client.get(reverse("supplies:basket", args=[world.token]))
    assert page.status_code == 200 and "共享菜篮子" in page.content.decode()
    answer = _post(client, world.token, perishable="on")
    assert answer.status_code == 200
    post = BasketPost.objects.get()
    assert (post.item, post.quantity, post.perishable, post.household) == (
        "青菜",
        2,
        True,
        world.households["b2_101"],
    )
    assert client.get(_giver_path(answer)).status_code == 200
    listed = client.get(reverse("supplies:basket", args=[world.token])).content.decode()
    assert "青菜" in listed and "剩 2 把" in listed


def test_an_unknown_room_past_end_time_or_bad_token_is_refused_without_a_500(world):
    client = Client()
    assert _post(client, world.token, room="999").status_code == 400
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert _post(client, world.token, until=past).status_code == 400
    assert _post(client, world.token, quantity="0").status_code == 400
    assert client.get(reverse("supplies:basket", args=["not-a-token"])).status_code == 404
    assert not BasketPost.objects.exists()


def test_a_neighbour_claims_in_a_slot_and_the_last_item_goes_to_one_claimer(world):
    client = Client()
    _post(client, world.token, quantity="1")
    post = BasketPost.objects.get()
    answer = _claim(client, world.token, post)
    assert answer.status_code == 200 and "领取成功" in answer.content.decode()
    claim = BasketClaim.objects.get()
    assert claim.household == world.households["b2_201"] and claim.status == C.CLAIMED
    other = _claim(client, world.token, post, room="101")  # the giver themself
    assert other.status_code == 400
    late = _claim(client, world.token, post, room="101", phone="13712345602")
    assert late.status_code in (400, 409)
    assert remaining(post) == 0
    assert BasketClaim.objects.count() == 1


def test_a_slot_takes_no_more_neighbours_than_the_buildings_capacity(world):
    s = world
    client = Client()
    _post(client, s.token, quantity="5")
    post = BasketPost.objects.get()
    slot = _slot(post)
    from linli.places.models import Household

    for room in ("301", "302", "303"):
        Household.objects.create(town=s.town, building=s.b2, room=room)
    assert _claim(client, s.token, post, room="201", slot=slot).status_code == 200
    assert (
        _claim(client, s.token, post, room="301", phone="13600000001", slot=slot).status_code == 200
    )
    full = _claim(client, s.token, post, room="302", phone="13600000002", slot=slot)
    assert full.status_code == 409 and "人数已满" in full.content.decode()
    later = _claim(client, s.token, post, room="302", phone="13600000002", slot=_slot(post, 1))
    assert later.status_code == 200


def test_the_giver_sees_claimers_masked_marks_a_no_show_which_frees_the_item_and_closes(world):
    client = Client()
    posted = _post(client, world.token, quantity="1")
    giver = _giver_path(posted)
    post = BasketPost.objects.get()
    _claim(client, world.token, post)
    page = client.get(giver).content.decode()
    assert "136****5603" in page and "13612345603" not in page
    assert "201" in page
    claim = BasketClaim.objects.get()
    assert client.post(giver, {"action": "no_show", "claim": claim.pk}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == C.NO_SHOW and remaining(post) == 1
    again = _claim(client, world.token, post, room="201", phone="13612345603")
    assert again.status_code == 200  # freed: the same or another neighbour may claim it
    assert client.post(giver, {"action": "close"}).status_code == 302
    post.refresh_from_db()
    assert post.status == BasketPost.Status.CLOSED
    closed = _claim(client, world.token, post, room="201", phone="13712345602")
    assert closed.status_code == 409
    assert client.post(giver, {"action": "close"}).status_code == 409


def test_a_claim_not_picked_up_by_the_end_of_its_slot_frees_the_item_by_itself(world):
    client = Client()
    _post(client, world.token, quantity="1")
    post = BasketPost.objects.get()
    _claim(client, world.token, post)
    past = timezone.now() - dt.timedelta(hours=2)
    BasketClaim.objects.update(slot_start=past - dt.timedelta(minutes=30), slot_end=past)
    assert remaining(post) == 1
    assert _claim(client, world.token, post, room="101", phone="13712345602").status_code == 400
    from linli.places.models import Household

    Household.objects.create(town=world.town, building=world.b2, room="301")
    assert _claim(client, world.token, post, room="301", phone="13600000001").status_code == 200


def test_the_claimer_cancels_through_their_link(world):
    client = Client()
    _post(client, world.token, quantity="1")
    post = BasketPost.objects.get()
    answer = _claim(client, world.token, post)
    link = re.search(r'href="(/supplies/basket-claim/[^"]+)"', answer.content.decode())[1]
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert BasketClaim.objects.get().status == C.CANCELLED and remaining(post) == 1
    assert client.post(link).status_code == 409


def test_the_leader_sets_the_slots_and_sees_the_claims_masked(world, client_for):
    s = world
    Client()
    _post(Client(), s.token, quantity="1")
    post = BasketPost.objects.get()
    _claim(Client(), s.token, post)
    url = reverse("supplies:basket_building", args=[s.b2.pk])
    kaiwu = client_for("kaiwu")
    page = kaiwu.get(url)
    assert page.status_code == 200
    assert "13612345603" not in page.content.decode()
    answer = kaiwu.post(
        url, {"minutes": "20", "capacity": "4", "opens_at": "07:00", "closes_at": "19:00"}
    )
    assert answer.status_code == 302
    slots = BasketSlots.objects.get(building=s.b2)
    assert (slots.minutes, slots.capacity) == (20, 4)
    bad = kaiwu.post(
        url, {"minutes": "20", "capacity": "4", "opens_at": "19:00", "closes_at": "07:00"}
    )
    assert bad.status_code == 400
    assert client_for("lishui").get(url).status_code == 404
    assert client_for("alice").get(url).status_code == 404  # alice leads 1号楼, not 2号楼
    own = client_for("alice").get(reverse("supplies:basket_building", args=[s.b1.pk]))
    assert own.status_code == 200
    keep = reverse("supplies:basket_keep", args=[post.pk])
    claim = BasketClaim.objects.get()
    assert kaiwu.post(keep, {"action": "picked_up", "claim": claim.pk}).status_code == 302
    assert BasketClaim.objects.get().status == C.PICKED_UP
    assert client_for("erin").post(keep, {"action": "close"}).status_code == 404
    assert client_for("bob").post(keep, {"action": "close"}).status_code == 403


def test_every_move_of_a_post_and_of_a_claim_and_who_may_make_it(world):
    s = world
    posted = basket_post_create(
        building=s.b1, room="101", item="鸡蛋", quantity=9, unit="个", perishable=False,
        until=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    post = posted.post

    def post_in(status):
        def make():
            BasketPost.objects.filter(pk=post.pk).update(status=status)
            return BasketPost.objects.get(pk=post.pk)

        return make

    BasketSlots.objects.create(
        town=s.town, building=s.b1, opens_at=dt.time(0, 0), closes_at=dt.time(23, 59), capacity=50
    )
    claim = basket_claim(
        post=post, room="102", phone="13912345601", quantity=1, slot_start=slots_for(post)[0].start
    ).claim

    def claim_in(status):
        def make():
            BasketClaim.objects.filter(pk=claim.pk).update(status=status)
            return BasketClaim.objects.get(pk=claim.pk)

        return make

    actors = {k: s.users[k] for k in ("town", "kaiwu", "lishui", "alice", "bob", "erin")}
    keepers = {"town", "kaiwu", "alice"}
    check_workflow_table(
        POST_WORKFLOW,
        {st: post_in(st) for st in BasketPost.Status.values},
        actors,
        {"closed": keepers},
    )
    check_workflow_table(
        CLAIM_WORKFLOW,
        {st: claim_in(st) for st in C.values},
        actors,
        {"picked_up": keepers, "no_show": keepers, "cancelled": keepers},
    )


def test_the_buildings_help_poster_page_leads_to_its_basket(world):
    page = Client().get(reverse("care:ask", args=[world.token])).content.decode()
    assert reverse("supplies:basket", args=[world.token]) in page


def test_the_building_page_shows_its_rounds_and_basket_to_the_leader(world, client_for):
    from linli.supplies.services_rounds import round_create

    s = world
    made = round_create(user=None, town=s.town, name="一轮", contents="", compounds=[s.xiangzhang])
    html = client_for("alice").get(s.b1.get_absolute_url()).content.decode()
    assert reverse("supplies:round_building", args=[made.pk, s.b1.pk]) in html
    assert reverse("supplies:basket_building", args=[s.b1.pk]) in html
