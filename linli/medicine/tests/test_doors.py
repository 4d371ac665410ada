"""The desk's other doors: the API, a medicine help request becoming a request, the resident's
own request page, anonymous visitors, and every desk page in English."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts.models import ApiToken
from linli.care.selfservice import self_service_link
from linli.care.services import help_request_create
from linli.medicine.models import Department, Hospital, MedicineLine, MedicineOrder
from linli.testing.medicine import make_order

pytestmark = pytest.mark.django_db


def api(med, username):
    return Client(headers={"authorization": f"Bearer {ApiToken.issue(med.users[username])}"})


# -- API ----------------------------------------------------------------------------------------


def test_the_api_lists_red_first_and_hides_confidential_names_from_a_building_leader(med):
    green = make_order(med, "zhang", urgency="green")
    red = make_order(
        med, "li", urgency="red", lines=[{"generic_name": "奥氮平", "confidential": True}]
    )
    yellow = make_order(med, "chen")  # 丽水: out of alice's reach
    rows = api(med, "desk").get("/api/v1/medicine/orders/").json()
    assert [r["id"] for r in rows["items"]] == [red.pk, yellow.pk, green.pk]
    assert rows["items"][0]["lines"][0]["generic_name"] == "奥氮平"
    leader = api(med, "alice").get("/api/v1/medicine/orders/").json()
    assert {r["id"] for r in leader["items"]} == {red.pk, green.pk}
    hidden = next(r for r in leader["items"] if r["id"] == red.pk)["lines"][0]
    assert hidden["generic_name"] == "" and hidden["confidential"] is True
    assert api(med, "kaiwu").get("/api/v1/medicine/orders/?urgency=red").json()["count"] == 1


def test_the_api_detail_is_a_404_out_of_reach(med):
    other = make_order(med, "chen")
    assert api(med, "kaiwu").get(f"/api/v1/medicine/orders/{other.pk}/").status_code == 404
    body = api(med, "lishui").get(f"/api/v1/medicine/orders/{other.pk}/").json()
    assert body["changes"] == [] and body["status"] == "verified"


def test_the_desk_creates_through_the_api_once_per_key_and_the_line_rules_hold(med):
    payload = {
        "resident": med.residents["zhang"].pk,
        "hospital": med.hospitals["central"].pk,
        "urgency": "red",
        "lines": [
            {"generic_name": "门冬胰岛素", "strength": "3ml", "boxes": 2, "cold_chain": True}
        ],
    }
    client = api(med, "desk")
    headers = {"Idempotency-Key": "k-1"}
    first = client.post(
        "/api/v1/medicine/orders/", payload, content_type="application/json", headers=headers
    )
    assert first.status_code == 201 and first.json()["status"] == "verified"
    again = client.post(
        "/api/v1/medicine/orders/", payload, content_type="application/json", headers=headers
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    payload["lines"][0]["days"] = 100
    long = client.post("/api/v1/medicine/orders/", payload, content_type="application/json")
    assert long.status_code == 422 and "84" in long.json()["detail"]
    assert MedicineOrder.objects.count() == 1
    refused = api(med, "alice").post(
        "/api/v1/medicine/orders/", payload, content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_api_moves_a_request_and_answers_409_for_a_stale_move(med):
    order = make_order(med, status="submitted")
    url = f"/api/v1/medicine/orders/{order.pk}/transition/"
    client = api(med, "desk")
    moved = client.post(url, {"to": "verified"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "verified"
    stale = client.post(url, {"to": "verified"}, content_type="application/json")
    assert stale.status_code == 409
    leader = api(med, "alice").post(url, {"to": "cancelled"}, content_type="application/json")
    assert leader.status_code == 403


# -- a help request of category medicine -------------------------------------------------------


def test_a_medicine_help_request_becomes_a_verified_request_once(med, client_for):
    hr = help_request_create(
        user=med.users["kaiwu"],
        resident=med.residents["zhang"],
        category="medicine",
        urgency="urgent",
        source="phone",
        description="降压药快吃完了",
    ).help_request
    page = client_for("desk").get(reverse("medicine:help_requests"))
    assert page.status_code == 200 and "降压药快吃完了" in page.content.decode()
    url = reverse("medicine:help_request_order", args=[hr.pk])
    data = {
        f"h{hr.pk}-hospital": med.hospitals["local"].pk,
        f"h{hr.pk}-urgency": "red",
        f"h{hr.pk}l-generic_name": "氨氯地平",
        f"h{hr.pk}l-strength": "5mg",
        f"h{hr.pk}l-boxes": "2",
    }
    answer = client_for("desk").post(url, data)
    order = MedicineOrder.objects.get(help_request=hr)
    assert answer.status_code == 302 and answer["Location"] == order.get_absolute_url()
    assert (order.status, order.source, order.urgency) == ("verified", "help_request", "red")
    assert order.lines.get().generic_name == "氨氯地平"
    client_for("desk").post(url, data)
    assert MedicineOrder.objects.count() == 1
    assert (
        "降压药快吃完了"
        not in client_for("desk").get(reverse("medicine:help_requests")).content.decode()
    )
    assert client_for("alice").post(url, data).status_code == 403


def test_a_help_request_of_another_category_cannot_become_a_request(med, client_for):
    hr = help_request_create(
        user=med.users["kaiwu"],
        resident=med.residents["zhang"],
        category="supplies",
        urgency="normal",
        source="phone",
    ).help_request
    url = reverse("medicine:help_request_order", args=[hr.pk])
    assert client_for("desk").post(url, {}).status_code == 404


# -- the resident's own request ------------------------------------------------------------------


def test_a_resident_asks_for_medicine_from_the_buildings_poster(med, client):
    link = self_service_link(user=med.users["kaiwu"], building=med.b1)
    url = reverse("medicine:ask", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and "松江区中心医院" in page.content.decode()
    token = page.context["form"].initial["form_token"]
    data = {
        "room": "101",
        "name": "张三丰",
        "phone": "13812345678",
        "hospital": med.hospitals["central"].pk,
        "generic_name": "二甲双胍",
        "strength": "0.5g",
        "boxes": "1",
        "out_of_medicine": "on",
        "form_token": token,
    }
    done = client.post(url, data)
    assert done.status_code == 200
    order = MedicineOrder.objects.get()
    assert (order.status, order.source, order.urgency) == ("submitted", "self_service", "red")
    assert order.resident == med.residents["zhang"]
    client.post(url, data)  # a double tap
    assert MedicineOrder.objects.count() == 1
    # A phone that does not match the registry: one neutral refusal, nothing created.
    wrong = client.post(url, {**data, "phone": "13800000000", "form_token": token + "b"})
    assert wrong.status_code == 400 and "未能提交" in wrong.content.decode()
    assert MedicineOrder.objects.count() == 1
    assert client.get(reverse("medicine:ask", args=["x" * 30])).status_code == 404


# -- anonymous and English ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(med, client):
    order = make_order(med)
    for url in [
        reverse("medicine:desk"),
        reverse("medicine:order", args=[order.pk]),
        reverse("medicine:order_new"),
        reverse("medicine:plan"),
        reverse("medicine:hospitals"),
        reverse("medicine:team"),
    ]:
        answer = client.get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], url
    assert client.get("/api/v1/medicine/orders/").status_code == 401


def test_the_desk_pages_are_in_english(med):
    from linli.core.tests.test_i18n import english_client_for, get_english, leftover_chinese

    order = make_order(
        med,
        form_number="SJ-1",
        lines=[{"generic_name": "二甲双胍", "strength": "0.5g", "cold_chain": True}],
    )
    data = [
        *Hospital.objects.values_list("name", flat=True),
        *Hospital.objects.values_list("address", flat=True),
        *Department.objects.values_list("name", flat=True),
        *MedicineLine.objects.values_list("generic_name", flat=True),
        *MedicineLine.objects.values_list("strength", flat=True),
    ]
    for username, url, words in [
        ("desk", reverse("medicine:desk"), ["Medicine requests", "Yellow (needed today)"]),
        ("desk", reverse("medicine:order", args=[order.pk]), ["Timeline", "Cold chain", "Cancel"]),
        ("desk", reverse("medicine:order_new"), ["New request", "Generic name", "Any maker"]),
        ("desk", reverse("medicine:hospitals"), ["Green channel", "Department"]),
        ("desk", reverse("medicine:plan"), ["Start planning", "Saved plans"]),
        ("desk", reverse("medicine:help_requests"), ["Medicine help requests"]),
        ("town", reverse("medicine:team"), ["Medicine team", "Requests per day", "Runner"]),
        ("kaiwu", reverse("medicine:committee_gate", args=[med.kaiwu.pk]), ["Hand-over gate"]),
    ]:
        html = get_english(english_client_for(med, username), url)
        missing = [w for w in words if w not in html]
        assert not missing, f"{url} lacks {missing}"
        for value in sorted(set(data), key=len, reverse=True):
            html = html.replace(value, "")
        assert not leftover_chinese(html), f"{url}: {leftover_chinese(html)}"
