"""The grid's pages: a volunteer's own page, claiming, the committee grid, assigning."""

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.duty import services
from linli.duty.models import Claim, Duty

pytestmark = pytest.mark.django_db


def test_volunteer_claims_an_uncovered_building_and_staff_approve_it(grid, client_for):
    erin = client_for("erin")
    page = erin.get(reverse("duty:claim")).content.decode()
    assert "2号楼" in page and f'value="{grid.b1.pk}"' not in page  # 1号楼 has alice
    erin.post(reverse("duty:claim"), {"building": grid.b2.pk})
    claim = Claim.objects.get(volunteer=grid.volunteers["erin"])
    assert claim.status == "pending"
    staff = client_for("kaiwu")
    assert "艾琳" in staff.get(reverse("duty:committee", args=[grid.kaiwu.pk])).content.decode()
    response = staff.post(
        reverse("duty:claim_decide", args=[claim.pk]),
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已批准" in response.content.decode()
    assert "王建国" in erin.get(reverse("duty:mine")).content.decode()


def test_volunteers_cannot_claim_places_of_another_committee(grid, client_for):
    response = client_for("erin").post(reverse("duty:claim"), {"building": grid.lb1.pk})
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_a_volunteer_cannot_approve_their_own_claim(grid, client_for):
    erin = client_for("erin")
    erin.post(reverse("duty:claim"), {"building": grid.b2.pk})
    claim = Claim.objects.get()
    assert (
        erin.post(
            reverse("duty:claim_decide", args=[claim.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    erin.post(reverse("duty:claim_decide", args=[claim.pk]), {"decision": "withdraw"})
    assert Claim.objects.get().status == "withdrawn"


def test_a_login_without_volunteer_record_cannot_claim(grid, client_for):
    assert client_for("charlie").get(reverse("duty:claim")).status_code == 403
    assert "尚未关联志愿者" in client_for("charlie").get(reverse("duty:mine")).content.decode()


def test_staff_assign_a_building_leader_from_the_gap(grid, client_for):
    staff = client_for("kaiwu")
    url = reverse("duty:assign", args=[grid.kaiwu.pk]) + f"?building={grid.b2.pk}"
    assert staff.get(url).status_code == 200
    staff.post(url, {"volunteer": grid.volunteers["erin"].pk, "kind": "building_leader"})
    assert Duty.objects.active().filter(building=grid.b2, kind="building_leader").count() == 1


def test_staff_cannot_assign_places_of_another_committee(grid, client_for):
    url = reverse("duty:assign", args=[grid.kaiwu.pk]) + f"?building={grid.lb1.pk}"
    assert client_for("kaiwu").get(url).status_code == 404


def test_staff_end_a_duty_and_it_stays_in_the_history(grid, client_for):
    duty = Duty.objects.get(volunteer=grid.volunteers["alice"])
    client_for("kaiwu").post(reverse("duty:duty_end", args=[duty.pk]))
    page = client_for("kaiwu").get(reverse("duty:volunteer", args=[grid.volunteers["alice"].pk]))
    duty.refresh_from_db()
    # The page shows the local (Shanghai) day, which differs from UTC's for 8 hours each night.
    assert duty.ends_at is not None
    assert timezone.localtime(duty.ends_at).strftime("%Y-%m-%d") in page.content.decode()


def test_other_committees_staff_cannot_end_a_duty(grid, client_for):
    duty = Duty.objects.get(volunteer=grid.volunteers["alice"])
    assert client_for("lishui").post(reverse("duty:duty_end", args=[duty.pk])).status_code == 404
    assert Duty.objects.get(pk=duty.pk).ends_at is None


def test_the_committee_grid_runs_a_bounded_number_of_queries(
    grid, client_for, django_assert_max_num_queries
):
    for i in range(10):
        volunteer = services.volunteer_create(
            user=None, committee=grid.kaiwu, name=f"人{i}", phone=f"1370000{i:04d}", source="staff"
        )
        services.duty_assign(
            user=None, volunteer=volunteer, kind="building_team_member", place=grid.b2
        )
    client = client_for("kaiwu")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("duty:committee", args=[grid.kaiwu.pk])).status_code == 200


def test_navigation_shows_volunteers_their_pages(grid, client_for):
    body = client_for("alice").get(reverse("duty:mine")).content.decode()
    assert reverse("duty:claim") in body and f'href="{reverse("duty:index")}"' not in body
    body = client_for("kaiwu").get(reverse("duty:index")).content.decode()
    assert reverse("duty:coverage") in body


def test_staff_put_a_volunteer_in_a_team_as_its_leader(grid, client_for):
    from linli.duty.models import Team

    erin = grid.volunteers["erin"]
    url = reverse("duty:volunteer_team", args=[erin.pk])
    client_for("kaiwu").post(url, {"function": "delivery", "post": "livelihood", "leader": "on"})
    team = Team.objects.get(committee=grid.kaiwu, function="delivery")
    erin.refresh_from_db()
    assert (erin.team, erin.post, team.leader) == (team, "livelihood", erin)
    assert client_for("lishui").post(url, {"function": "patrol"}).status_code == 404
    # erin sees her own record (no 404), but putting volunteers in teams is staff work: 403.
    assert client_for("erin").post(url, {"function": "patrol"}).status_code == 403
    assert client_for("kaiwu").post(url, {"function": "flying"}).status_code == 400


def test_staff_hand_a_building_over_and_the_history_stays(grid, client_for):
    old = Duty.objects.get(volunteer=grid.volunteers["alice"])
    url = reverse("duty:assign", args=[grid.kaiwu.pk]) + f"?building={grid.b1.pk}"
    client_for("kaiwu").post(
        url, {"volunteer": grid.volunteers["erin"].pk, "kind": "building_leader", "replace": old.pk}
    )
    leaders = Duty.objects.filter(building=grid.b1, kind="building_leader").order_by("id")
    assert [(d.volunteer.name, d.ends_at is None) for d in leaders] == [
        ("艾丽丝", False),
        ("艾琳", True),
    ]
    assert "张三丰" in client_for("erin").get(reverse("duty:mine")).content.decode()
    assert "张三丰" not in client_for("alice").get(reverse("duty:mine")).content.decode()
