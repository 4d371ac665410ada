"""The group-buy API: `POST /api/v1/group-buys/{id}/orders/` with an Idempotency-Key, 409 on
oversell, 404 out of scope, 403 for a login who may not order; the list and detail."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.supplies.models import GroupBuyItem, GroupBuyOrder
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(scenario):
    return group_buy_world(build_grid_scenario(scenario))


def _api(w, username: str) -> Client:
    return Client(headers={"authorization": f"Bearer {ApiToken.issue(w.s.users[username])}"})


def _post(client: Client, gb, household, lines, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    body = {"household": household.pk, "items": [{"item": i.pk, "qty": q} for i, q in lines]}
    return client.post(
        f"/api/v1/group-buys/{gb.pk}/orders/",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_an_order_is_placed_once_per_idempotency_key(w):
    gb = make_group_buy(w)
    veg, rice = gb.items.order_by("id")
    api = _api(w, "kaiwu")
    first = _post(api, gb, w.s.households["b1_101"], [(veg, 2), (rice, 1)], key="abc-1")
    assert first.status_code == 201
    body = first.json()
    # 2 × 20.00 + 35.00 + 1.00 fee, in fen
    assert body["due_fen"] == 7600
    assert {(ln["item"], ln["qty"]) for ln in body["lines"]} == {(veg.pk, 2), (rice.pk, 1)}
    again = _post(api, gb, w.s.households["b1_101"], [(veg, 2), (rice, 1)], key="abc-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert GroupBuyItem.objects.get(pk=veg.pk).ordered == 2
    assert GroupBuyOrder.objects.count() == 1


def test_an_order_beyond_the_stock_left_is_a_409_and_takes_nothing(w):
    gb = make_group_buy(w, stock=(3, 5))
    veg, rice = gb.items.order_by("id")
    api = _api(w, "kaiwu")
    assert _post(api, gb, w.s.households["b1_101"], [(veg, 2)]).status_code == 201
    refused = _post(api, gb, w.s.households["b2_101"], [(rice, 1), (veg, 2)])
    assert refused.status_code == 409
    assert "仅剩1份" in refused.json()["detail"]
    assert GroupBuyItem.objects.get(pk=rice.pk).ordered == 0


def test_out_of_scope_is_404_and_a_login_without_the_right_is_403(w):
    gb = make_group_buy(w)
    veg = gb.items.order_by("id").first()
    hh = w.s.households["b1_101"]
    assert _post(_api(w, "lishui"), gb, hh, [(veg, 1)]).status_code == 404
    assert _post(_api(w, "charlie"), gb, hh, [(veg, 1)]).status_code == 404
    # alice leads 1号楼: she orders for its households, not for 2号楼's
    alice = _api(w, "alice")
    assert _post(alice, gb, hh, [(veg, 1)]).status_code == 201
    assert _post(alice, gb, w.s.households["b2_101"], [(veg, 1)]).status_code == 404


def test_bad_bodies_are_4xx_with_a_reason(w):
    gb = make_group_buy(w)
    veg = gb.items.order_by("id").first()
    api = _api(w, "kaiwu")
    hh = w.s.households["b1_101"]
    assert _post(api, gb, hh, [(veg, -1)]).status_code == 422
    assert _post(api, gb, hh, [(veg, 0)]).status_code == 422  # nothing ordered
    assert _post(api, gb, hh, [(veg, 1)], key="x" * 101).status_code == 422
    other = make_group_buy(w)
    foreign = other.items.first()
    assert _post(api, gb, hh, [(foreign, 1)]).status_code == 422
    bad = api.post(f"/api/v1/group-buys/{gb.pk}/orders/", "{", content_type="application/json")
    assert bad.status_code == 400


def test_the_list_and_detail_show_stock_left(w):
    gb = make_group_buy(w, stock=(10, 5))
    veg = gb.items.order_by("id").first()
    api = _api(w, "kaiwu")
    _post(api, gb, w.s.households["b1_101"], [(veg, 4)])
    detail = api.get(f"/api/v1/group-buys/{gb.pk}/").json()
    assert [(i["name"], i["left"]) for i in detail["items"]] == [("青菜套餐", 6), ("大米5kg", 5)]
    listed = api.get("/api/v1/group-buys/").json()
    assert [row["id"] for row in listed["items"]] == [gb.pk]
    assert _api(w, "lishui").get(f"/api/v1/group-buys/{gb.pk}/").status_code == 404
    orders = api.get(f"/api/v1/group-buys/{gb.pk}/orders/").json()
    assert [o["household"] for o in orders["items"]] == [w.s.households["b1_101"].pk]
