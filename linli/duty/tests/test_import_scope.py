"""Volunteer, duty and pairing imports act with the uploader's scope: a committee clerk never
moves, accepts or names another committee's volunteer or resident."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from linli.core.models import AuditEntry, ImportJob
from linli.duty.models import Duty, Pairing, Team, Volunteer
from linli.duty.tests.test_imports import DUTY_HEADERS, PAIRING_HEADERS, VOLUNTEER_HEADERS
from linli.places.models import TransferRequest
from linli.testing.rosters import write_roster_xlsx

pytestmark = pytest.mark.django_db
HELD = "待镇/街道确认 1 行"


def command(*args):
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def dave_as_kaiwu_volunteer(tmp_path):
    """戴维 (丽水's volunteer) on a 新凯五村 roster, under another name."""
    rows = [[1, "戴小维", "", 13900000004, "", "", "", "新凯五村", "物资配送", "", ""]]
    return write_roster_xlsx(tmp_path / "v.xlsx", rows, headers=VOLUNTEER_HEADERS)


def test_clerk_volunteer_upload_by_phone_moves_nobody(grid, client_for, tmp_path):
    client = client_for("kaiwu")
    path = dave_as_kaiwu_volunteer(tmp_path)
    data = {"kind": "volunteers", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    preview = client.get(client.post(reverse("places:import"), data)["Location"])
    html = preview.content.decode()
    assert HELD in html and 'id="count-updated">0<' in html
    assert "丽水" not in html and "戴维" not in html
    job = ImportJob.objects.get()
    result = client.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    assert HELD in result.content.decode() and "丽水" not in result.content.decode()
    dave = grid.volunteers["dave"]
    dave.refresh_from_db()
    assert (dave.committee, dave.name) == (grid.lishui, "戴维")
    assert not Team.objects.filter(committee=grid.kaiwu).exists()
    transfer = TransferRequest.objects.get()
    assert (transfer.kind, transfer.subject_id) == ("volunteer", dave.pk)
    assert (transfer.from_committee, transfer.to_committee) == (grid.lishui, grid.kaiwu)


def test_clerk_volunteer_import_on_the_command_line_then_town_confirms(grid, client_for, tmp_path):
    out = command("volunteers", str(dave_as_kaiwu_volunteer(tmp_path)), "--user", "kaiwu")
    assert HELD in out and "更新0" in out and "丽水" not in out and "戴维" not in out
    transfer = TransferRequest.objects.get()
    client = client_for("town")
    assert "戴小维" in client.get(reverse("places:transfers")).content.decode()
    decide = reverse("places:transfer_decide", args=[transfer.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 302
    dave = grid.volunteers["dave"]
    dave.refresh_from_db()
    assert dave.committee == grid.kaiwu
    assert AuditEntry.objects.filter(summary="volunteer committee", target_id=str(dave.pk)).exists()
    assert AuditEntry.objects.filter(summary="transfer pending → confirmed").count() == 1


def test_town_staff_volunteer_import_keeps_town_wide_matching(grid, tmp_path):
    out = command("volunteers", str(dave_as_kaiwu_volunteer(tmp_path)), "--user", "town")
    assert "更新1" in out
    assert Volunteer.objects.get(phone="13900000004").committee == grid.kaiwu
    assert not TransferRequest.objects.exists()


def test_clerk_duties_import_neither_names_nor_accepts_another_committees_volunteer(grid, tmp_path):
    rows = [["某某", 13900000004, "楼组长", "新凯五村", "香樟苑", 2, ""]]  # 戴维's phone
    path = write_roster_xlsx(tmp_path / "d.xlsx", rows, headers=DUTY_HEADERS)
    out, _ = run_failing("duties", path, "kaiwu")
    assert "未找到手机号为13900000004的志愿者" in out
    assert "戴维" not in out and "丽水" not in out
    assert not Duty.objects.filter(volunteer=grid.volunteers["dave"], building=grid.b2).exists()


def test_clerk_pairings_import_neither_names_nor_accepts_out_of_scope_people(grid, tmp_path):
    chen, zhang = grid.residents["chen"], grid.residents["zhang"]  # 丽水, 新凯五村
    rows = [
        ["艾丽丝", 13900000001, chen.name, chen.id_number],  # another committee's resident
        ["某某", 13900000004, zhang.name, zhang.id_number],  # another committee's volunteer
    ]
    path = write_roster_xlsx(tmp_path / "p.xlsx", rows, headers=PAIRING_HEADERS)
    out, _ = run_failing("pairings", path, "kaiwu")
    assert "未找到该身份证号的居民" in out and "未找到手机号为13900000004的志愿者" in out
    assert "丽水" not in out and "戴维" not in out
    assert Pairing.objects.count() == 1  # the scenario's own


def test_town_staff_grid_imports_still_reach_the_whole_town(grid, tmp_path):
    rows = [["戴维", 13900000004, grid.residents["zhang"].name, grid.residents["zhang"].id_number]]
    path = write_roster_xlsx(tmp_path / "p.xlsx", rows, headers=PAIRING_HEADERS)
    assert "新增1" in command("pairings", str(path), "--user", "town")


def run_failing(kind, path, username):
    from django.core.management import CommandError

    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", kind, str(path), "--user", username, stdout=out)
    return out.getvalue(), exc.value
