"""The duty API: the same services and gate as the pages, bearer-token auth."""

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.duty import services
from linli.duty.models import Claim, Pairing, Volunteer

pytestmark = pytest.mark.django_db


def api(grid, username):
    return Client(headers={"authorization": f"Bearer {ApiToken.issue(grid.users[username])}"})


def test_volunteers_are_listed_with_masked_numbers_for_staff(grid):
    body = api(grid, "kaiwu").get("/api/v1/volunteers/").json()
    assert {v["name"] for v in body["items"]} == {"艾丽丝", "鲍勃", "艾琳"}
    assert all("****" in v["phone"] for v in body["items"])


def test_a_building_leader_sees_their_own_phone_in_full(grid):
    body = api(grid, "alice").get("/api/v1/volunteers/").json()
    assert [v["phone"] for v in body["items"]] == ["13900000001"]


def test_duties_list_history_only_when_asked(grid):
    client = api(grid, "kaiwu")
    duty = services.duty_assign(
        user=None, volunteer=grid.volunteers["erin"], kind="building_leader", place=grid.b2
    )
    services.duty_end(user=None, duty=duty)
    assert client.get("/api/v1/duties/").json()["count"] == 3
    assert client.get("/api/v1/duties/?history=true").json()["count"] == 4


def test_claim_and_decide_through_the_api(grid):
    response = api(grid, "erin").post(
        "/api/v1/claims/", {"building_id": grid.b2.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    claim_id = response.json()["id"]
    refused = api(grid, "erin").post(
        f"/api/v1/claims/{claim_id}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    other = api(grid, "lishui").post(
        f"/api/v1/claims/{claim_id}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert other.status_code == 404
    approved = api(grid, "kaiwu").post(
        f"/api/v1/claims/{claim_id}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api(grid, "kaiwu").post(
        f"/api/v1/claims/{claim_id}/decide/",
        {"decision": "refuse"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "不能改为" in again.json()["detail"]
    assert Claim.objects.get(pk=claim_id).duty.kind == "building_leader"


def test_claims_of_places_elsewhere_are_404(grid):
    response = api(grid, "erin").post(
        "/api/v1/claims/", {"building_id": grid.lb1.pk}, content_type="application/json"
    )
    assert response.status_code == 404
    response = api(grid, "charlie").post(
        "/api/v1/claims/", {"building_id": grid.b2.pk}, content_type="application/json"
    )
    assert response.status_code == 403


def test_staff_pair_through_the_api_within_their_scope(grid):
    zhang, chen = grid.residents["zhang"], grid.residents["chen"]
    client = api(grid, "kaiwu")
    made = client.post(
        "/api/v1/pairings/",
        {"volunteer_id": grid.volunteers["alice"].pk, "resident_id": zhang.pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    elsewhere = client.post(
        "/api/v1/pairings/",
        {"volunteer_id": grid.volunteers["alice"].pk, "resident_id": chen.pk},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    assert (
        api(grid, "alice")
        .post(
            "/api/v1/pairings/",
            {"volunteer_id": grid.volunteers["alice"].pk, "resident_id": zhang.pk},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert Pairing.objects.active().filter(resident=zhang).count() == 1


def test_suggestions_through_the_api(grid, medic):
    body = (
        api(grid, "kaiwu").get(f"/api/v1/pairing-suggestions/?committee_id={grid.kaiwu.pk}").json()
    )
    assert {(s["resident"], s["volunteer"]) for s in body} >= {("李秀英", "医生")}
    assert (
        api(grid, "kaiwu")
        .get(f"/api/v1/pairing-suggestions/?committee_id={grid.lishui.pk}")
        .status_code
        == 404
    )
    # alice leads a building of 新凯五村 but the committee is not in her scope: a 404.
    assert (
        api(grid, "alice")
        .get(f"/api/v1/pairing-suggestions/?committee_id={grid.kaiwu.pk}")
        .status_code
        == 404
    )


def test_a_domain_problem_is_a_409_for_a_state_and_a_422_for_input(grid):
    """linli/api.py's Problem handler: a place already answered for or a claim already made is
    a Conflict (409); pairing a resident with no care tag is refused input (422)."""
    erin = api(grid, "erin")
    covered = erin.post(
        "/api/v1/claims/", {"building_id": grid.b1.pk}, content_type="application/json"
    )
    assert covered.status_code == 409
    assert covered.json() == {"detail": "该处已有人负责 (somebody already answers for this place)"}
    first = erin.post(
        "/api/v1/claims/", {"building_id": grid.b2.pk}, content_type="application/json"
    )
    assert first.status_code == 201
    again = erin.post(
        "/api/v1/claims/", {"building_id": grid.b2.pk}, content_type="application/json"
    )
    assert again.status_code == 409
    untagged = api(grid, "kaiwu").post(
        "/api/v1/pairings/",
        {"volunteer_id": grid.volunteers["alice"].pk, "resident_id": grid.residents["wang"].pk},
        content_type="application/json",
    )
    assert untagged.status_code == 422
    assert untagged.json()["detail"] == "该居民不在特殊人群名单中 (the resident has no care tag)"
    Volunteer.objects.filter(pk=grid.volunteers["alice"].pk).update(status=Volunteer.Status.APPLIED)
    inactive = api(grid, "kaiwu").post(
        "/api/v1/pairings/",
        {"volunteer_id": grid.volunteers["alice"].pk, "resident_id": grid.residents["zhang"].pk},
        content_type="application/json",
    )
    assert inactive.status_code == 409
