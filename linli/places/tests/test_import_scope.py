"""Imports act with the uploader's scope: a committee clerk's roster never moves, updates or
names a person registered in another committee; such rows await the town office, which
confirms or refuses them on its queue page. The upload page and `linli import --user` agree."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from linli.accounts.models import User
from linli.core.models import AuditEntry, ImportJob
from linli.core.workflow import transition
from linli.places.models import Resident, ResidentChange, TransferRequest
from linli.places.transfers import TRANSFER_WORKFLOW
from linli.testing.rosters import write_roster_xlsx
from linli.testing.scenario import build_grid_scenario, make_id_number
from linli.testing.workflows import check_workflow_table

HELD = "待镇/街道确认 1 行"


def roster(tmp_path, name, id_number, *, room=101, phone=""):
    """A 新凯五村 roster of one row: 香樟苑 1号楼, with this name and ID number."""
    row = [1, "新凯五村", "香樟苑", 1, room, name, "", id_number, phone, "", ""]
    return write_roster_xlsx(tmp_path / f"{id_number or name}.xlsx", [row])


def upload(client, path, kind="residents"):
    data = {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes())}
    return client.post(reverse("places:import"), data)


def command(*args):
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def assert_names_nothing_of_lishui(text):
    for word in ("丽水", "丽水苑", "lb1", "13512345604"):
        assert word not in text


def test_clerk_upload_of_another_committees_resident_moves_nobody(scenario, client_for, tmp_path):
    chen = scenario.residents["chen"]  # 丽水
    client = client_for("kaiwu")
    preview_page = client.get(
        upload(client, roster(tmp_path, chen.name, chen.id_number))["Location"]
    )
    preview = preview_page.content.decode()
    assert HELD in preview
    assert 'id="count-updated">0<' in preview and 'id="count-created">0<' in preview
    assert_names_nothing_of_lishui(preview)
    job = ImportJob.objects.get()
    done = client.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    result = done.content.decode()
    assert "导入完成" in result and HELD in result
    assert_names_nothing_of_lishui(result)
    chen.refresh_from_db()
    assert chen.household == scenario.households["lb1_101"]
    assert not ResidentChange.objects.exists()
    transfer = TransferRequest.objects.get()
    assert (transfer.status, transfer.kind, transfer.subject_id) == ("pending", "resident", chen.pk)
    assert (transfer.from_committee, transfer.to_committee) == (scenario.lishui, scenario.kaiwu)
    assert transfer.to_household.building == scenario.b1
    assert transfer.requested_by == scenario.users["kaiwu"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.detail["held"] == 1 and entry.detail["updated"] == 0
    # The clerk still cannot see 陈国强.
    assert client.get(reverse("places:resident", args=[chen.pk])).status_code == 404


def test_the_preview_never_says_update_for_someone_registered_elsewhere(
    scenario, client_for, tmp_path
):
    chen = scenario.residents["chen"]
    client = client_for("kaiwu")
    registered = client.get(
        upload(client, roster(tmp_path, chen.name, chen.id_number))["Location"]
    ).content.decode()
    unknown_id = make_id_number(birth="19400808", seq=573)
    unknown = client.get(
        upload(client, roster(tmp_path, chen.name, unknown_id))["Location"]
    ).content.decode()
    for page in (registered, unknown):
        assert 'id="count-updated">0<' in page
        assert_names_nothing_of_lishui(page)


def test_clerk_import_on_the_command_line_acts_with_the_same_scope(scenario, tmp_path):
    chen = scenario.residents["chen"]
    path = roster(tmp_path, chen.name, chen.id_number)
    dry = command("residents", str(path), "--user", "kaiwu", "--town", "泗泾镇", "--dry-run")
    out = command("residents", str(path), "--user", "kaiwu")
    for text in (dry, out):
        assert HELD in text and "更新0" in text
        assert_names_nothing_of_lishui(text)
    chen.refresh_from_db()
    assert chen.household == scenario.households["lb1_101"]
    # Held twice, it is still one request.
    assert TransferRequest.objects.get().to_committee == scenario.kaiwu


def test_town_staff_import_keeps_town_wide_matching(scenario, tmp_path):
    chen = scenario.residents["chen"]
    out = command("residents", str(roster(tmp_path, chen.name, chen.id_number)), "--user", "town")
    assert "更新1" in out and "待镇/街道确认" not in out
    chen.refresh_from_db()
    assert chen.household.building == scenario.b1
    assert not TransferRequest.objects.exists()


def test_clerk_rows_of_their_own_committee_still_update(scenario, tmp_path):
    wang = scenario.residents["wang"]  # 新凯五村 2号楼 → 1号楼 101
    out = command("residents", str(roster(tmp_path, wang.name, wang.id_number)), "--user", "kaiwu")
    assert "更新1" in out
    wang.refresh_from_db()
    assert wang.household == scenario.households["b1_101"]


@pytest.mark.parametrize("username", ["charlie", "alice", "bob"])
def test_logins_that_may_not_import_are_refused_on_the_command_line(scenario, tmp_path, username):
    build_grid_scenario(scenario)
    path = roster(tmp_path, "新人", make_id_number(seq=901))
    with pytest.raises(CommandError, match="只有镇/街道和居委工作人员可以导入"):
        command("residents", str(path), "--user", username)
    assert not Resident.objects.filter(name="新人").exists()


def test_committee_staff_without_a_committee_may_not_import(scenario, client_for, tmp_path):
    User.objects.filter(username="kaiwu").update(committee=None)
    path = roster(tmp_path, "新人", make_id_number(seq=901))
    assert client_for("kaiwu").get(reverse("places:import")).status_code == 403
    assert upload(client_for("kaiwu"), path).status_code == 403
    with pytest.raises(CommandError, match="只有镇/街道和居委工作人员可以导入"):
        command("residents", str(path), "--user", "kaiwu")
    assert not ImportJob.objects.exists()


def test_a_clerk_cannot_widen_their_scope_on_the_command_line(scenario, tmp_path):
    path = roster(tmp_path, "新人", make_id_number(seq=901))
    with pytest.raises(CommandError, match="只能导入新凯五村"):
        command("residents", str(path), "--user", "kaiwu", "--committee", "丽水")
    with pytest.raises(CommandError, match="another town"):
        command("residents", str(path), "--user", "kaiwu", "--town", "别的镇")


@pytest.fixture
def held(scenario, tmp_path):
    chen = scenario.residents["chen"]
    command("residents", str(roster(tmp_path, chen.name, chen.id_number)), "--user", "kaiwu")
    return TransferRequest.objects.get()


def test_town_staff_confirm_a_transfer_on_the_queue_page(scenario, client_for, held):
    client = client_for("town")
    page = client.get(reverse("places:transfers")).content.decode()
    assert "陈国强" in page and "丽水" in page and "新凯五村" in page
    response = client.post(
        reverse("places:transfer_decide", args=[held.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    chen = scenario.residents["chen"]
    chen.refresh_from_db()
    assert chen.household == held.to_household
    change = ResidentChange.objects.get(resident=chen)
    assert change.from_household == scenario.households["lb1_101"]
    assert change.changed_by == scenario.users["town"]
    held.refresh_from_db()
    assert held.status == "confirmed" and held.decided_by == scenario.users["town"]
    entry = AuditEntry.objects.get(summary="transfer pending → confirmed")
    assert entry.user == scenario.users["town"] and entry.detail["subject"] == chen.pk
    again = client.post(reverse("places:transfer_decide", args=[held.pk]), {"decision": "refuse"})
    assert again.status_code == 409
    # Now the clerk's committee holds 陈国强: the clerk sees them.
    assert client_for("kaiwu").get(reverse("places:resident", args=[chen.pk])).status_code == 200


def test_town_staff_refuse_a_transfer_and_nothing_moves(scenario, client_for, held):
    client = client_for("town")
    client.post(reverse("places:transfer_decide", args=[held.pk]), {"decision": "refuse"})
    chen = scenario.residents["chen"]
    chen.refresh_from_db()
    assert chen.household == scenario.households["lb1_101"]
    assert not ResidentChange.objects.exists()
    held.refresh_from_db()
    assert held.status == "refused"
    assert AuditEntry.objects.filter(summary="transfer pending → refused").count() == 1
    bad = client.post(reverse("places:transfer_decide", args=[held.pk]), {"decision": "maybe"})
    assert bad.status_code == 400


@pytest.mark.parametrize("username", ["kaiwu", "lishui", "charlie", "alice", "bob"])
def test_the_transfer_queue_does_not_exist_for_anyone_but_town_staff(
    scenario, client_for, held, username
):
    build_grid_scenario(scenario)
    client = client_for(username)
    assert client.get(reverse("places:transfers")).status_code == 404
    decide = reverse("places:transfer_decide", args=[held.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 404
    held.refresh_from_db()
    assert held.status == "pending"


def test_the_transfer_table_lets_only_town_staff_decide(scenario, held):
    def held_as(*statuses):
        def make():
            transfer = TransferRequest.objects.get(pk=held.pk)
            for status in statuses:
                transition(transfer, status, by=scenario.users["town"], system=True)
            return transfer

        return make

    check_workflow_table(
        TRANSFER_WORKFLOW,
        {"pending": held_as(), "confirmed": held_as("confirmed"), "refused": held_as("refused")},
        {name: scenario.users[name] for name in ("town", "kaiwu", "lishui", "charlie")},
        {"confirmed": {"town"}, "refused": {"town"}},
    )


def test_another_towns_staff_cannot_see_the_transfer(scenario, client_for, held):
    from linli.places.models import Town

    other = Town.objects.create(name="别的镇")
    User.objects.filter(username="town").update(town=other)
    client = client_for("town")
    assert "陈国强" not in client.get(reverse("places:transfers")).content.decode()
    decide = reverse("places:transfer_decide", args=[held.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 404


def test_the_admin_lists_transfers_read_only(client, held):
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert "陈国强" in client.get("/admin/places/transferrequest/").content.decode()
    assert client.get("/admin/places/transferrequest/add/").status_code == 403
    client.post(f"/admin/places/transferrequest/{held.pk}/change/", {"status": "confirmed"})
    held.refresh_from_db()
    assert held.status == "pending"
