"""The resident page's actions (reveal, move, status) and the rooms offered to the move form."""

import pytest
from django.urls import reverse

from linli.core.models import AuditEntry
from linli.places.models import Resident, ResidentChange
from linli.testing.scenario import build_grid_scenario


def reveal_url(resident, field):
    return reverse("places:resident_reveal", args=[resident.pk, field])


@pytest.mark.django_db
def test_staff_reveal_one_number_and_it_is_audited(client_for, scenario):
    zhang = scenario.residents["zhang"]
    response = client_for("kaiwu").post(reveal_url(zhang, "id_number"), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert zhang.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.username == "kaiwu"
    assert entry.target_id == str(zhang.pk) and entry.target_type == "places.resident"
    assert entry.detail["field"] == "id_number"
    assert entry.ip_address == "10.1.2.3"
    assert zhang.id_number not in str(entry.detail) + entry.summary


@pytest.mark.django_db
def test_reveal_of_a_phone_number(client_for, scenario):
    response = client_for("town").post(reveal_url(scenario.residents["chen"], "phone"))
    assert response.status_code == 200
    assert "13512345604" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lishui", "charlie"])
def test_reveal_out_of_scope_is_not_found_and_not_audited(client_for, scenario, username):
    response = client_for(username).post(reveal_url(scenario.residents["zhang"], "phone"))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.django_db
def test_reveal_needs_login_post_and_a_known_field(client, client_for, scenario):
    zhang = scenario.residents["zhang"]
    anonymous = client.post(reveal_url(zhang, "phone"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    kaiwu = client_for("kaiwu")
    assert kaiwu.get(reveal_url(zhang, "phone")).status_code == 405
    assert kaiwu.post(reveal_url(zhang, "notes")).status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.django_db
def test_reveal_is_refused_where_numbers_stay_masked(client_for, scenario, monkeypatch):
    from linli.accounts.models import User
    from linli.core.access import FieldAccess

    def masked_committee(self, scope):
        scope.add("committee", [self.committee_id])
        scope.widen(phone=FieldAccess.MASKED)

    monkeypatch.setattr(User, "role_scope", masked_committee)
    response = client_for("kaiwu").post(reveal_url(scenario.residents["zhang"], "phone"))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.django_db
def test_reveal_needs_the_csrf_token(scenario):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["kaiwu"])
    assert client.post(reveal_url(scenario.residents["zhang"], "phone")).status_code == 403


def move(client, resident, household, note="搬家"):
    return client.post(
        reverse("places:resident_move", args=[resident.pk]),
        {"building": household.building_id, "to_household": household.pk, "note": note},
    )


@pytest.mark.django_db
def test_staff_move_a_resident_and_history_is_kept(client_for, scenario):
    zhang = scenario.residents["zhang"]
    target = scenario.households["b2_201"]
    kaiwu = client_for("kaiwu")
    response = move(kaiwu, zhang, target)
    assert response.status_code == 302 and response["Location"] == zhang.get_absolute_url()
    zhang.refresh_from_db()
    assert zhang.household == target
    change = ResidentChange.objects.get(resident=zhang)
    assert change.from_household == scenario.households["b1_101"] and change.to_household == target
    assert change.changed_by == scenario.users["kaiwu"] and change.note == "搬家"
    assert AuditEntry.objects.filter(action="update", target_id=str(zhang.pk)).exists()
    page = kaiwu.get(zhang.get_absolute_url()).content.decode()
    assert "香樟苑 1号楼 101 → 香樟苑 2号楼 201" in page


@pytest.mark.django_db
def test_a_resident_cannot_be_moved_out_of_scope(client_for, scenario):
    zhang = scenario.residents["zhang"]
    response = move(client_for("kaiwu"), zhang, scenario.households["lb1_101"])
    assert response.status_code == 400
    zhang.refresh_from_db()
    assert zhang.household == scenario.households["b1_101"]
    assert not ResidentChange.objects.exists()


@pytest.mark.django_db
def test_moving_to_the_same_room_is_refused(client_for, scenario):
    zhang = scenario.residents["zhang"]
    response = move(client_for("kaiwu"), zhang, scenario.households["b1_101"])
    assert response.status_code == 400
    assert "已住在该户" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lishui", "charlie"])
def test_moving_someone_out_of_scope_is_not_found(client_for, scenario, username):
    response = move(
        client_for(username), scenario.residents["zhang"], scenario.households["b2_201"]
    )
    assert response.status_code == 404
    assert not ResidentChange.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_move_or_change_status(client, scenario):
    zhang = scenario.residents["zhang"]
    assert move(client, zhang, scenario.households["b2_201"]).status_code == 302
    url = reverse("places:resident_status", args=[zhang.pk])
    assert client.post(url, {"status": "away"}).status_code == 302
    assert not ResidentChange.objects.exists()


@pytest.mark.django_db
def test_staff_change_status_and_history_is_kept(client_for, scenario):
    li = scenario.residents["li"]
    kaiwu = client_for("kaiwu")
    url = reverse("places:resident_status", args=[li.pk])
    response = kaiwu.post(url, {"status": "away", "note": "住院"})
    assert response.status_code == 302
    li.refresh_from_db()
    assert li.status == Resident.Status.AWAY
    change = ResidentChange.objects.get(resident=li)
    assert (change.from_status, change.to_status, change.note) == ("present", "away", "住院")
    assert "在住 → 外出" in kaiwu.get(li.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["present", "gone", ""])
def test_unchanged_or_unknown_status_is_a_400(client_for, scenario, status):
    li = scenario.residents["li"]
    url = reverse("places:resident_status", args=[li.pk])
    assert client_for("kaiwu").post(url, {"status": status}).status_code == 400
    assert not ResidentChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lishui", "charlie"])
def test_status_out_of_scope_is_not_found(client_for, scenario, username):
    url = reverse("places:resident_status", args=[scenario.residents["zhang"].pk])
    assert client_for(username).post(url, {"status": "away"}).status_code == 404


@pytest.mark.django_db
def test_forms_are_only_for_staff(client_for, scenario):
    # alice leads 张三丰's building: she sees him, but changing the registry is staff work.
    build_grid_scenario(scenario)
    alice = client_for("alice")
    zhang = scenario.residents["zhang"]
    page = alice.get(zhang.get_absolute_url()).content.decode()
    assert reverse("places:resident_move", args=[zhang.pk]) not in page
    url = reverse("places:resident_status", args=[zhang.pk])
    assert alice.post(url, {"status": "away"}).status_code == 403


@pytest.mark.django_db
def test_rooms_offered_for_a_move_go_through_the_gate(client, client_for, scenario):
    url = reverse("places:household_options")
    kaiwu = client_for("kaiwu")
    own = kaiwu.get(url, {"building": scenario.b2.pk}).content.decode()
    assert ">101<" in own and ">201<" in own
    foreign = kaiwu.get(url, {"building": scenario.lb1.pk}).content.decode()
    assert "301" not in foreign and f'value="{scenario.households["lb1_101"].pk}"' not in foreign
    assert kaiwu.get(url, {"building": "x"}).status_code == 200
    assert client.get(url, {"building": scenario.b2.pk}).status_code == 302


@pytest.mark.django_db
def test_moves_stay_within_the_residents_committee(client_for, scenario):
    town = client_for("town")
    zhang = scenario.residents["zhang"]
    page = town.get(zhang.get_absolute_url()).content.decode()
    select = page.split('name="building"')[1].split("</select>")[0]
    assert "香樟苑 2号楼" in select and "丽水苑" not in select
    assert move(town, zhang, scenario.households["lb1_301"]).status_code == 400
    assert move(town, zhang, scenario.households["b2_101"]).status_code == 302
