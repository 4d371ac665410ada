"""Worksites' needs: stating them, suppliers ranked by fit, confirming one into an order with
a vehicle request, the delivery tracked to the site; through pages, the API and the engine."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.core.workflow import transition
from linli.duty.models import Duty, Team
from linli.places.models import Compound, Town
from linli.supplies.matching import rank_suppliers
from linli.supplies.models import VehicleRequest, WorksiteNeed, WorksiteOrder, WorksiteOrderChange
from linli.supplies.services_worksites import (
    WORKSITE_ORDER_WORKFLOW,
    vehicle_assign,
    worksite_match,
    worksite_need_save,
)
from linli.testing.supplies_suppliers import make_supplier, make_worksite
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def need_for(s, site=None, **over):
    values = {
        "headcount": 120,
        "rice_kg": 60,
        "flour_kg": 20,
        "oil_kg": 10,
        "other_categories": ["vegetables"],
        "has_transport": False,
    }
    values.update(over)
    return worksite_need_save(user=s.users["kaiwu"], compound=site or make_worksite(s), **values)


def at(lat, lon):
    return {"lat": D(lat), "lon": D(lon)}


@pytest.fixture
def field(grid):
    """A worksite of 新凯五村 at (31.11, 121.25) needing rice, flour, oil and vegetables for
    120 workers, without transport; six suppliers around it."""
    s = grid
    s.need = need_for(s)
    full = ["vegetables", "grain_oil"]
    s.a = make_supplier(s.town, "近而全", categories=full, **at("31.10", "121.25"))
    s.b = make_supplier(s.town, "远而全", categories=full, **at("31.20", "121.25"))
    s.c = make_supplier(s.town, "近但缺菜", categories=["grain_oil"], **at("31.105", "121.25"))
    s.d = make_supplier(
        s.town, "全但能力不足", categories=full, daily_capacity=100, **at("31.11", "121.26")
    )
    s.e = make_supplier(s.town, "证照过期", categories=full, valid_until=dt.date(2022, 4, 1))
    s.f = make_supplier(s.town, "丽水专送", categories=full, **at("31.10", "121.25"))
    s.f.delivery_area.set([s.lishui])
    return s


def test_suppliers_are_ranked_by_fit_with_hand_worked_distances(field):
    fits = rank_suppliers(field.need, TOMORROW)
    assert [f.supplier.name for f in fits] == [
        "近而全",  # all categories, capacity, 1.11 km
        "远而全",  # all categories, capacity, 10.01 km
        "全但能力不足",  # capacity 100 < 120 workers, though 0.95 km
        "近但缺菜",  # one category missing, though 0.56 km
        "丽水专送",  # blocked: outside its delivery area
        "证照过期",  # blocked: papers expired
    ]
    by_name = {f.supplier.name: f for f in fits}
    # 6,371 km × the angle: 0.01° of latitude 1,111.95 m; 0.09° 10,007.54 m; 0.005° 555.97 m;
    # 0.01° of longitude at 31.11° N × cos(31.11°) = 0.85618: 952.03 m.
    assert by_name["近而全"].distance_m == 1112
    assert by_name["远而全"].distance_m == 10008
    assert by_name["近但缺菜"].distance_m == 556
    assert by_name["全但能力不足"].distance_m == 952
    assert by_name["证照过期"].distance_m is None
    assert by_name["近但缺菜"].missing == ["vegetables"]
    assert "配送范围" in by_name["丽水专送"].blocked.zh
    assert "过期" in by_name["证照过期"].blocked.zh


def test_another_sites_order_that_day_takes_the_suppliers_capacity(field):
    other = need_for(field, make_worksite(field, "另一工地"), headcount=450)
    worksite_match(user=field.users["town"], need=other, supplier=field.a, delivery_on=TOMORROW)
    fits = {f.supplier.name: f for f in rank_suppliers(field.need, TOMORROW)}
    assert (fits["近而全"].capacity_left, fits["近而全"].short) == (50, True)
    later = {f.supplier.name: f for f in rank_suppliers(field.need, TOMORROW + dt.timedelta(1))}
    assert later["近而全"].capacity_left == 500


def test_needs_are_stated_by_the_sites_committee_or_second_secretary(grid, client_for):
    site = make_worksite(grid)
    url = reverse("supplies:need_edit")
    data = {"compound": site.pk, "headcount": "80", "rice_kg": "40", "flour_kg": "0"}
    data |= {"oil_kg": "5", "other_goods": "口罩2箱"}
    assert client_for("alice").post(url, data).status_code == 404  # not her compound
    assert client_for("lishui").post(url, data).status_code == 404
    assert client_for("bob").post(url, data).status_code == 404  # 香樟苑's, not the site's
    Duty.objects.create(
        volunteer=grid.volunteers["bob"],
        kind=Duty.Kind.SECOND_SECRETARY,
        town=grid.town,
        committee=grid.kaiwu,
        compound=site,
    )
    assert client_for("bob").post(url, data).status_code == 302
    need = WorksiteNeed.objects.get()
    assert (need.headcount, need.rice_kg, need.oil_kg, need.categories) == (
        80,
        40,
        5,
        ["grain_oil"],
    )
    data["headcount"] = "95"
    assert client_for("kaiwu").post(url, data).status_code == 302
    assert WorksiteNeed.objects.get().headcount == 95  # one statement per site, updated
    bad = client_for("kaiwu").post(url, {**data, "headcount": "-3", "rice_kg": "many"})
    assert bad.status_code == 400
    nothing = client_for("kaiwu").post(url, {**data, "rice_kg": "0", "oil_kg": "0"})
    assert nothing.status_code == 400 and "请填写所需物资" in nothing.content.decode()
    residential = client_for("kaiwu").post(url, {**data, "compound": grid.xiangzhang.pk})
    assert residential.status_code == 404  # not a worksite: none of that id among them


def test_the_desk_confirms_a_match_and_the_delivery_is_tracked_to_the_site(field, client_for):
    desk, site = client_for("town"), client_for("kaiwu")
    need_url = reverse("supplies:need", args=[field.need.pk])
    page = desk.get(need_url).content.decode()
    assert page.index("近而全") < page.index("远而全") < page.index("证照过期")
    assert "近而全" not in site.get(need_url).content.decode()  # the ranking is the desk's
    match = reverse("supplies:need_match", args=[field.need.pk])
    body = {"supplier": field.a.pk, "delivery_on": TOMORROW.isoformat()}
    assert site.post(match, body).status_code == 403
    answer = desk.post(match, body)
    order = WorksiteOrder.objects.get()
    assert answer.status_code == 302 and answer.url == reverse(
        "supplies:worksite_order", args=[order.pk]
    )
    assert (order.supplier, order.headcount, order.rice_kg, order.distance_m) == (
        field.a,
        120,
        60,
        1112,
    )
    vehicle = VehicleRequest.objects.get(order=order)
    assert not vehicle.assigned
    status = reverse("supplies:worksite_order_status", args=[order.pk])
    early = desk.post(status, {"to": "dispatched"})
    assert early.status_code == 409 and "请先派车" in early.content.decode()
    assign = reverse("supplies:vehicle_assign", args=[order.pk])
    assert site.post(assign, {"plate": "沪A12345"}).status_code == 403
    assert desk.post(assign, {}).status_code == 400
    assert desk.post(assign, {"plate": "沪a 12345", "driver": "李师傅"}).status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.plate, vehicle.driver, vehicle.assigned) == ("沪A12345", "李师傅", True)
    assert site.post(status, {"to": "dispatched"}).status_code == 403
    assert desk.post(status, {"to": "dispatched"}).status_code == 302
    assert client_for("lishui").post(status, {"to": "delivered"}).status_code == 404
    assert site.post(status, {"to": "delivered", "reason": "工地已签收"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "delivered"
    steps = [(c.from_status, c.to_status) for c in WorksiteOrderChange.objects.filter(order=order)]
    assert steps == [("", "ordered"), ("ordered", "dispatched"), ("dispatched", "delivered")]
    tracked = site.get(reverse("supplies:worksite_order", args=[order.pk])).content.decode()
    assert "工地已签收" in tracked and "沪A12345" in tracked


def test_a_site_with_transport_gets_no_vehicle_request(field):
    need_for(field, field.need.compound, has_transport=True)
    field.need.refresh_from_db()
    order = worksite_match(
        user=field.users["town"], need=field.need, supplier=field.b, delivery_on=TOMORROW
    )
    assert not VehicleRequest.objects.filter(order=order).exists()
    transition(order, "dispatched", by=field.users["town"])


def test_blocked_suppliers_cannot_be_confirmed(field, client_for):
    match = reverse("supplies:need_match", args=[field.need.pk])
    desk = client_for("town")
    expired = desk.post(match, {"supplier": field.e.pk, "delivery_on": TOMORROW.isoformat()})
    assert expired.status_code == 400 and "已于2022-04-01过期" in expired.content.decode()
    away = desk.post(match, {"supplier": field.f.pk, "delivery_on": TOMORROW.isoformat()})
    assert away.status_code == 400 and "配送范围" in away.content.decode()
    # Valid today, expired by the delivery day: refused for that day.
    today = timezone.localdate()  # read now: a run may cross midnight after TOMORROW was set
    field.a.papers.filter(kind="driver_test").update(expires_on=today)
    day_after = (today + dt.timedelta(days=1)).isoformat()
    late = desk.post(match, {"supplier": field.a.pk, "delivery_on": day_after})
    assert late.status_code == 400 and "司机核酸检测" in late.content.decode()
    past = desk.post(match, {"supplier": field.b.pk, "delivery_on": "2022-04-01"})
    assert past.status_code == 400
    assert desk.post(match, {"supplier": "x", "delivery_on": "soon"}).status_code == 400
    assert WorksiteOrder.objects.count() == 0


def test_a_second_order_for_the_same_day_is_a_conflict(field, client_for):
    match = reverse("supplies:need_match", args=[field.need.pk])
    desk = client_for("town")
    assert (
        desk.post(match, {"supplier": field.a.pk, "delivery_on": TOMORROW.isoformat()}).status_code
        == 302
    )
    again = desk.post(match, {"supplier": field.b.pk, "delivery_on": TOMORROW.isoformat()})
    assert again.status_code == 409 and "已有供货单" in again.content.decode()
    order = WorksiteOrder.objects.get()
    transition(order, "cancelled", by=field.users["town"], reason="供应商缺货")
    assert (
        desk.post(match, {"supplier": field.b.pk, "delivery_on": TOMORROW.isoformat()}).status_code
        == 302
    )


def test_order_workflow_every_move_and_actor(field):
    n = iter(range(1, 100))

    def made(*path):
        def make():
            day = TOMORROW + dt.timedelta(days=next(n))
            order = worksite_match(
                user=field.users["town"], need=field.need, supplier=field.a, delivery_on=day
            )
            vehicle_assign(
                user=field.users["town"], vehicle=order.vehicle_request, plate="沪A00001"
            )
            for status in path:
                transition(order, status, by=None, system=True)
            return order

        return make

    check_workflow_table(
        WORKSITE_ORDER_WORKFLOW,
        {
            "ordered": made(),
            "dispatched": made("dispatched"),
            "delivered": made("dispatched", "delivered"),
            "cancelled": made("cancelled"),
        },
        {
            name: field.users[name]
            for name in ("town", "kaiwu", "lishui", "bob", "alice", "charlie")
        },
        {"dispatched": {"town"}, "cancelled": {"town"}, "delivered": {"town", "kaiwu"}},
    )


def test_vehicle_from_a_transport_team_of_the_town(field, client_for):
    order = worksite_match(
        user=field.users["town"], need=field.need, supplier=field.a, delivery_on=TOMORROW
    )
    team = Team.objects.create(town=field.town, committee=field.lishui, function="transport")
    medicine = Team.objects.create(town=field.town, committee=field.kaiwu, function="medicine")
    assign = reverse("supplies:vehicle_assign", args=[order.pk])
    desk = client_for("town")
    assert desk.post(assign, {"team": medicine.pk}).status_code == 400
    assert desk.post(assign, {"team": team.pk}).status_code == 302
    assert VehicleRequest.objects.get(order=order).team == team


def test_the_worksite_list_shows_each_site_and_its_latest_order(field, client_for):
    worksite_match(
        user=field.users["town"], need=field.need, supplier=field.a, delivery_on=TOMORROW
    )
    body = client_for("kaiwu").get(reverse("supplies:worksites")).content.decode()
    assert "松江枢纽工地" in body and "近而全" in body and "已下单" in body
    assert (
        "松江枢纽工地"
        not in client_for("lishui").get(reverse("supplies:worksites")).content.decode()
    )


def _api(user):
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {ApiToken.issue(user)}"})


def test_the_api_ranks_and_orders_for_the_desk_only(field):
    url = f"/api/v1/worksite-needs/{field.need.pk}/suppliers/?day={TOMORROW.isoformat()}"
    assert _api(field.users["kaiwu"]).get(url).status_code == 403
    ranked = _api(field.users["town"]).get(url).json()
    assert [r["name"] for r in ranked][:2] == ["近而全", "远而全"]
    assert ranked[0]["distance_m"] == 1112 and ranked[-1]["blocked"]
    orders = f"/api/v1/worksite-needs/{field.need.pk}/orders/"
    body = {"supplier": field.e.pk, "delivery_on": TOMORROW.isoformat()}
    refused = _api(field.users["town"]).post(orders, body, content_type="application/json")
    assert refused.status_code == 422 and "过期" in refused.json()["detail"]
    body["supplier"] = field.a.pk
    made = _api(field.users["town"]).post(orders, body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["vehicle_requested"] and not made.json()["vehicle_assigned"]
    again = _api(field.users["town"]).post(orders, body, content_type="application/json")
    assert again.status_code == 409
    other = Town.objects.create(name="洞泾镇")
    far = Compound.objects.create(
        town=other, committee=other.committees.create(name="某村"), name="外镇工地", kind="worksite"
    )
    far_need = WorksiteNeed.objects.create(
        town=other, committee=far.committee, compound=far, headcount=5, rice_kg=1
    )
    assert (
        _api(field.users["town"])
        .get(f"/api/v1/worksite-needs/{far_need.pk}/suppliers/")
        .status_code
        == 404
    )


def test_the_suppliers_report_counts_usable_and_blocked(field, capsys):
    call_command("report", "suppliers", "--town", "泗泾镇", "--format", "json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["suppliers"] == 6
    assert figures["vetting"] == {"pending": 0, "vetted": 6, "suspended": 0}
    assert (figures["usable"], figures["blocked"]) == (5, 1)
    assert figures["blocked_list"][0]["name"] == "证照过期"


def test_the_suppliers_report_as_text_and_xlsx(field, capsys, tmp_path):
    from openpyxl import load_workbook

    call_command("report", "suppliers", "--town", "泗泾镇", "--format", "text")
    text = capsys.readouterr().out
    assert "usable" in text and "证照过期" in text
    out = tmp_path / "suppliers.xlsx"
    call_command(
        "report", "suppliers", "--town", "泗泾镇", "--format", "xlsx", "--output", str(out)
    )
    rows = [tuple(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[0] == ("key", "value", "reason")
    assert ("blocked_supplier", "证照过期") in {r[:2] for r in rows}
    assert ("usable", "5") in {(r[0], str(r[1])) for r in rows}


def test_the_worksite_pages_read_in_a_few_queries_whatever_the_number_of_suppliers(
    field, client_for, django_assert_max_num_queries
):
    for i in range(20):
        make_supplier(field.town, f"更多供应商{i:02d}", **at("31.10", "121.25"))
    for i in range(5):
        need_for(field, make_worksite(field, f"工地{i}"))
    desk = client_for("town")
    with django_assert_max_num_queries(20):
        assert desk.get(reverse("supplies:need", args=[field.need.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert desk.get(reverse("supplies:worksites")).status_code == 200
