"""A volunteer's status is a workflow (VOLUNTEER_WORKFLOW): staff of the volunteer's committee
(or town) approve, reject, stand down and bring back; each move writes one history row."""

from __future__ import annotations

from django.urls import reverse

from linli.duty import services
from linli.duty.claims import claim_create
from linli.duty.models import Claim, Duty, Volunteer, VolunteerChange
from linli.duty.volunteer_workflow import VOLUNTEER_WORKFLOW
from linli.testing.workflows import check_workflow_table


def test_the_volunteer_workflow_table(grid):
    def maker(status):
        def make():
            return services.volunteer_create(
                user=None,
                committee=grid.kaiwu,
                name="新人",
                phone="13700004444",
                source="staff",
                status=status,
            )

        return make

    check_workflow_table(
        VOLUNTEER_WORKFLOW,
        {status: maker(status) for status in Volunteer.Status.values},
        {name: grid.users[name] for name in ("kaiwu", "town", "lishui", "alice", "bob", "charlie")},
        {"active": {"kaiwu", "town"}, "stood_down": {"kaiwu", "town"}},
    )


def test_staff_stand_a_volunteer_down_on_the_page_and_it_is_recorded(grid, client_for):
    erin = grid.volunteers["erin"]  # keeps a household of 新凯五村
    claim = claim_create(user=None, volunteer=erin, place=grid.households["b2_101"])
    page = reverse("duty:volunteer", args=[erin.pk])
    client = client_for("kaiwu")
    response = client.post(
        reverse("duty:volunteer_status", args=[erin.pk]), {"status": "stood_down", "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    erin.refresh_from_db()
    assert erin.status == "stood_down"
    [change] = VolunteerChange.objects.filter(volunteer=erin)
    assert (change.from_status, change.to_status, change.by) == (
        "active",
        "stood_down",
        grid.users["kaiwu"],
    )
    assert Duty.objects.filter(volunteer=erin).exists()  # kept as history
    assert not Duty.objects.active().filter(volunteer=erin).exists()
    assert Claim.objects.get(pk=claim.pk).status == "withdrawn"
    assert "已更新" in client.get(page).content.decode()


def test_a_move_not_in_the_table_is_refused_on_the_page_with_a_reason(grid, client_for):
    erin = grid.volunteers["erin"]
    client = client_for("kaiwu")
    response = client.post(
        reverse("duty:volunteer_status", args=[erin.pk]), {"status": "applied"}, follow=True
    )
    assert "不能改为" in response.content.decode()
    assert Volunteer.objects.get(pk=erin.pk).status == "active"
    assert not VolunteerChange.objects.exists()


def test_a_volunteer_cannot_change_a_volunteers_status(grid, client_for):
    dave = grid.volunteers["dave"]
    response = client_for("alice").post(
        reverse("duty:volunteer_status", args=[dave.pk]), {"status": "stood_down"}
    )
    assert response.status_code == 404
    assert Volunteer.objects.get(pk=dave.pk).status == "active"
