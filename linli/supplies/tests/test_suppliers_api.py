"""The registry through the API: the list and its filters, a supplier with its papers, and
vetting moves (403 for a committee, 409 when stale), out of scope a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.places.models import Town
from linli.testing.supplies_suppliers import make_supplier

pytestmark = pytest.mark.django_db


def api(user):
    return Client(headers={"authorization": f"Bearer {ApiToken.issue(user)}"})


def test_the_list_says_whether_each_supplier_is_usable_today(scenario):
    make_supplier(scenario.town, "蔬菜甲", categories=["vegetables"])
    make_supplier(scenario.town, "过期乙", categories=["daily"], valid_until=dt.date(2022, 1, 1))
    make_supplier(Town.objects.create(name="洞泾镇"), "外镇丙")
    assert Client().get("/api/v1/suppliers/").status_code == 401
    answer = api(scenario.users["kaiwu"]).get("/api/v1/suppliers/")
    rows = {r["name"]: r for r in answer.json()["items"]}
    assert set(rows) == {"蔬菜甲", "过期乙"}
    assert rows["蔬菜甲"]["usable_today"] and rows["蔬菜甲"]["problem"] is None
    assert not rows["过期乙"]["usable_today"]
    assert "营业执照已于2022-01-01过期" in rows["过期乙"]["problem"]
    daily = api(scenario.users["town"]).get("/api/v1/suppliers/?category=daily").json()
    assert [r["name"] for r in daily["items"]] == ["过期乙"]
    assert api(scenario.users["town"]).get("/api/v1/suppliers/?vetting=x").status_code == 422


def test_a_supplier_with_its_papers_and_out_of_scope_a_404(scenario):
    supplier = make_supplier(scenario.town, categories=["daily"])
    far = make_supplier(Town.objects.create(name="洞泾镇"), "外镇丙")
    found = api(scenario.users["town"]).get(f"/api/v1/suppliers/{supplier.pk}/").json()
    assert sorted(p["kind"] for p in found["papers"]) == [
        "business_licence",
        "driver_test",
        "vehicle_pass",
        "whitelist",
    ]
    assert found["delivery_area"] == []
    assert api(scenario.users["town"]).get(f"/api/v1/suppliers/{far.pk}/").status_code == 404
    assert (
        api(scenario.users["charlie"]).get(f"/api/v1/suppliers/{supplier.pk}/").status_code == 404
    )


def test_vetting_through_the_api(scenario):
    supplier = make_supplier(scenario.town, vetting="pending")
    url = f"/api/v1/suppliers/{supplier.pk}/vetting/"
    body = {"to": "vetted", "reason": "证照齐全"}
    refused = api(scenario.users["kaiwu"]).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    done = api(scenario.users["town"]).post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["vetting"] == "vetted"
    stale = api(scenario.users["town"]).post(url, body, content_type="application/json")
    assert stale.status_code == 409
    bad = api(scenario.users["town"]).post(url, {"to": "x"}, content_type="application/json")
    assert bad.status_code == 422
