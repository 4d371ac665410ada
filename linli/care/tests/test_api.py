"""The care API: creating with an Idempotency-Key, the gate, transitions and their 409s."""

import json

import pytest
from django.test import Client

from linli.care.models import HelpRequest, Visit

from .conftest import make_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/help-requests/"


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_create_for_a_resident_returns_id_and_status(grid, api_for):
    response = post(
        api_for("alice"),
        URL,
        {
            "resident": grid.residents["zhang"].pk,
            "category": "medicine",
            "urgency": "urgent",
            "description": "降压药",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new"
    found = HelpRequest.objects.get(pk=body["id"])
    assert (found.resident, found.household, found.source) == (
        grid.residents["zhang"],
        grid.households["b1_101"],
        "staff",
    )
    assert body["escalation"] == "owner"
    assert body["status_url"].startswith("http://testserver/care/status/")


def test_create_for_a_household(grid, api_for):
    response = post(
        api_for("kaiwu"),
        URL,
        {
            "household": grid.households["b2_101"].pk,
            "category": "supplies",
            "urgency": "today",
            "source": "phone",
        },
    )
    assert response.status_code == 201
    assert HelpRequest.objects.get(pk=response.json()["id"]).source == "phone"


def test_idempotency_key_replay_returns_the_same_request_creating_one(grid, api_for):
    client = api_for("alice")
    body = {"resident": grid.residents["li"].pk, "category": "medical", "urgency": "today"}
    first = post(client, URL, body, **{"Idempotency-Key": "tap-123"})
    second = post(client, URL, body, **{"Idempotency-Key": "tap-123"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["status_url"] == second.json()["status_url"]
    assert HelpRequest.objects.count() == 1
    third = post(client, URL, body, **{"Idempotency-Key": "tap-124"})
    assert third.status_code == 201 and HelpRequest.objects.count() == 2


def test_idempotency_keys_are_per_user(grid, api_for):
    body = {"resident": grid.residents["li"].pk, "category": "medical", "urgency": "today"}
    a = post(api_for("alice"), URL, body, **{"Idempotency-Key": "same"})
    b = post(api_for("kaiwu"), URL, body, **{"Idempotency-Key": "same"})
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


def test_overlong_idempotency_key_is_422(grid, api_for):
    body = {"resident": grid.residents["li"].pk, "category": "medical"}
    response = post(api_for("alice"), URL, body, **{"Idempotency-Key": "x" * 101})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"category": "haircut"}, "category"),
        ({"category": "medicine", "urgency": "tomorrow"}, "urgency"),
        ({"category": "medicine", "source": "self_service"}, "source"),
    ],
)
def test_invalid_choices_are_422_with_the_reason(grid, api_for, body, word):
    response = post(api_for("alice"), URL, {"resident": grid.residents["zhang"].pk, **body})
    assert response.status_code == 422
    assert word in json.dumps(response.json())
    assert not HelpRequest.objects.exists()


def test_resident_or_household_exactly_one(grid, api_for):
    both = {"resident": grid.residents["zhang"].pk, "household": grid.households["b1_101"].pk}
    for body in ({}, both):
        response = post(api_for("alice"), URL, {"category": "other", **body})
        assert response.status_code == 422, body


@pytest.mark.parametrize(
    ("who", "resident"),
    [
        ("alice", "wang"),
        ("alice", "chen"),
        ("dave", "zhang"),
        ("charlie", "zhang"),
        ("lishui", "li"),
    ],
)
def test_out_of_scope_resident_is_404(grid, api_for, who, resident):
    response = post(
        api_for(who), URL, {"resident": grid.residents[resident].pk, "category": "other"}
    )
    assert response.status_code == 404
    assert not HelpRequest.objects.exists()


def test_anonymous_is_401(grid):
    response = post(Client(), URL, {"resident": grid.residents["zhang"].pk, "category": "other"})
    assert response.status_code == 401
    assert Client().get(URL).status_code == 401


READERS = {
    # who → which of the three requests (zhang 1号楼, zhao 2号楼 201, chen 丽水) they see
    "town": {"zhang", "zhao", "chen"},
    "kaiwu": {"zhang", "zhao"},
    "lishui": {"chen"},
    "alice": {"zhang"},
    "bob": {"zhang", "zhao"},
    "dave": {"chen"},
    "erin": {"zhao"},
    "frank": set(),
    "charlie": set(),
}


@pytest.mark.parametrize("who", READERS)
def test_list_and_detail_go_through_the_gate(grid, api_for, who):
    made = {
        k: make_request(grid, k, by=by)
        for k, by in [("zhang", "kaiwu"), ("zhao", "kaiwu"), ("chen", "lishui")]
    }
    client = api_for(who)
    listed = {row["id"] for row in client.get(URL).json()["items"]}
    assert listed == {made[k].pk for k in READERS[who]}
    for key, hr in made.items():
        status = client.get(f"{URL}{hr.pk}/").status_code
        assert status == (200 if key in READERS[who] else 404), (who, key)


def test_a_team_sees_what_it_owns(grid, api_for):
    hr = make_request(grid, "zhang")
    HelpRequest.objects.filter(pk=hr.pk).update(owner_team=grid.team)
    assert [r["id"] for r in api_for("frank").get(URL).json()["items"]] == [hr.pk]
    tasks = api_for("frank").get(URL, {"queue": "tasks"}).json()["items"]
    assert [r["id"] for r in tasks] == [hr.pk]


def test_list_filters(grid, api_for):
    a = make_request(grid, "zhang", category="medicine")
    make_request(grid, "li", category="supplies")
    client = api_for("kaiwu")
    assert [r["id"] for r in client.get(URL, {"category": "medicine"}).json()["items"]] == [a.pk]
    assert client.get(URL, {"category": "haircut"}).status_code == 422
    assert client.get(URL, {"building": grid.lb1.pk}).status_code == 404  # out of scope
    assert client.get(URL, {"overdue": "true"}).json()["count"] == 0
    queue = client.get(URL, {"queue": "committee", "pk": grid.kaiwu.pk}).json()["items"]
    assert len(queue) == 2
    assert client.get(URL, {"queue": "committee", "pk": grid.lishui.pk}).status_code == 404


def test_transition_then_409_for_a_second_accept(grid, api_for):
    hr = make_request(grid)
    url = f"{URL}{hr.pk}/transition/"
    first = post(api_for("alice"), url, {"to": "accepted"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "accepted"
    assert [t["to_status"] for t in first.json()["transitions"]] == ["new", "accepted"]
    again = post(api_for("kaiwu"), url, {"to": "accepted"})
    assert again.status_code == 409
    assert "已接单" in again.json()["detail"]


def test_transition_errors(grid, api_for):
    hr = make_request(grid, "zhao")
    url = f"{URL}{hr.pk}/transition/"
    assert post(api_for("erin"), url, {"to": "finished"}).status_code == 422
    assert post(api_for("erin"), url, {"to": "cancelled"}).status_code == 403
    assert post(api_for("kaiwu"), url, {"to": "cannot_do"}).status_code == 422  # no reason
    assert post(api_for("alice"), url, {"to": "accepted"}).status_code == 404  # 2号楼
    assert post(api_for("erin"), url, {"to": "accepted"}).status_code == 200
    done = post(api_for("erin"), url, {"to": "done"})
    assert done.json()["status"] == "done" and done.json()["closed_at"]


def test_visits_api(grid, api_for):
    client = api_for("alice")
    body = {
        "household": grid.households["b1_102"].pk,
        "outcome": "need_found",
        "needs": [{"category": "medical", "urgency": "urgent", "description": "血透"}],
    }
    first = post(client, "/api/v1/visits/", body, **{"Idempotency-Key": "v-1"})
    second = post(client, "/api/v1/visits/", body, **{"Idempotency-Key": "v-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(first.json()["help_requests"]) == 1
    assert Visit.objects.count() == 1 and HelpRequest.objects.count() == 1
    assert post(client, "/api/v1/visits/", {**body, "outcome": "partying"}).status_code == 422
    out = {"household": grid.households["b2_101"].pk, "outcome": "all_well"}
    assert post(client, "/api/v1/visits/", out).status_code == 404
    assert [v["id"] for v in client.get("/api/v1/visits/").json()["items"]] == [first.json()["id"]]
    assert api_for("erin").get("/api/v1/visits/").json()["items"] == []


def test_a_stood_down_volunteer_no_longer_sees_what_they_owned(grid, api_for):
    from linli.duty.models import Volunteer

    hr = make_request(grid, "li")
    HelpRequest.objects.filter(pk=hr.pk).update(
        owner_volunteer=grid.volunteers["frank"], owner_team=grid.team
    )
    client = api_for("frank")
    assert client.get(f"{URL}{hr.pk}/").status_code == 200
    Volunteer.objects.filter(pk=grid.volunteers["frank"].pk).update(status="stood_down")
    assert client.get(f"{URL}{hr.pk}/").status_code == 404
