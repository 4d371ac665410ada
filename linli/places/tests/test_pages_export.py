"""Exporting lists to xlsx: the page's filters and gate, masked numbers, text cells, audit."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import AuditEntry
from linli.places.models import CareTag, Resident


def download(client, kind, params=None):
    response = client.get(reverse("places:export", args=[kind]), params or {})
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows()]


def values(rows):
    return [[c.value for c in row] for row in rows]


@pytest.mark.django_db
def test_resident_export_is_masked_text_and_audited(client_for, scenario):
    rows = download(client_for("kaiwu"), "residents", {"q": "zsf"})
    header, *data = values(rows)
    assert header == [
        "姓名", "小区", "楼栋", "室号", "手机号", "特殊人群", "状态",
        "身份证号", "性别", "出生日期", "居委",
    ]  # fmt: skip
    zhang = scenario.residents["zhang"]
    assert data == [
        [
            "张三丰", "香樟苑", "1号楼", "101", "138****5678", "独居老人、高龄老人", "在住",
            zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:], "男", None, "新凯五村",
        ]
    ]  # fmt: skip
    cells = [c for row in rows for c in row]
    assert all(c.number_format == "@" for c in cells)
    assert all(c.data_type == "s" for c in cells if c.value is not None)
    entry = AuditEntry.objects.get(action="export")
    assert entry.username == "kaiwu"
    assert entry.detail == {
        "list": "residents",
        "filters": {"q": "zsf"},
        "rows": 1,
        "full_numbers": False,
    }


def download_full(client, kind, data):
    return download_response(client.post(reverse("places:export_full", args=[kind]), data))


def download_response(response):
    assert response.status_code == 200, response
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.django_db
def test_staff_may_export_full_numbers_with_a_reason_and_it_is_recorded(client_for, scenario):
    reason = "配药队核对名单"
    rows = values(download_full(client_for("kaiwu"), "residents", {"reason": reason}))
    zhang = scenario.residents["zhang"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["张三丰"][7] == zhang.id_number and by_name["张三丰"][4] == "13812345678"
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["full_numbers"] is True and entry.detail["rows"] == 4
    assert entry.detail["reason"] == reason
    assert zhang.id_number not in str(entry.detail)


@pytest.mark.django_db
def test_a_full_export_follows_the_posted_filters(client_for, scenario):
    data = {"reason": "核对", "q": "zsf"}
    rows = values(download_full(client_for("town"), "residents", data))
    assert [r[0] for r in rows[1:]] == ["张三丰"] and rows[1][4] == "13812345678"
    assert AuditEntry.objects.get(action="export").detail["filters"] == {"q": "zsf"}


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [None, "", "  ", "x"])
def test_a_full_export_needs_a_stated_reason(client_for, scenario, reason):
    data = {} if reason is None else {"reason": reason}
    response = client_for("kaiwu").post(reverse("places:export_full", args=["residents"]), data)
    assert response.status_code == 400 and "理由" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_full_numbers_are_never_a_get(client_for, scenario):
    url = reverse("places:export", args=["residents"])
    response = client_for("kaiwu").get(url, {"full": "1", "reason": "核对"})
    assert response.status_code == 400 and "13812345678" not in response.content.decode()
    assert (
        client_for("kaiwu").get(reverse("places:export_full", args=["residents"])).status_code
        == 405
    )
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_full_export_is_csrf_protected(scenario):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["kaiwu"])
    url = reverse("places:export_full", args=["residents"])
    assert client.post(url, {"reason": "核对"}).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_second_secretary_gets_no_full_numbers(client_for, scenario):
    from linli.testing.scenario import build_grid_scenario

    build_grid_scenario(scenario)  # bob: second secretary of 香樟苑, phone numbers revealable
    client = client_for("bob")
    page = client.get(reverse("places:residents")).content.decode()
    assert "export_full" not in page and "/full/" not in page and 'name="reason"' not in page
    asked = client.get(reverse("places:export", args=["residents"]), {"full": "1"})
    assert asked.status_code == 400 and "13812345678" not in asked.content.decode()
    posted = client.post(reverse("places:export_full", args=["residents"]), {"reason": "核对"})
    assert posted.status_code == 403
    rows = values(download(client, "residents"))
    assert "138****5678" in str(rows) and "13812345678" not in str(rows)
    assert AuditEntry.objects.get(action="export").detail["full_numbers"] is False


@pytest.mark.django_db
def test_full_numbers_are_not_given_where_they_stay_masked(client_for, scenario, monkeypatch):
    from linli.accounts.models import User
    from linli.core.access import FieldAccess

    def masked_committee(self, scope):
        scope.add("committee", [self.committee_id])
        scope.widen(phone=FieldAccess.MASKED)

    monkeypatch.setattr(User, "role_scope", masked_committee)
    rows = values(download_full(client_for("kaiwu"), "residents", {"reason": "核对"}))
    assert "13812345678" not in str(rows) and "138****5678" in str(rows)
    assert AuditEntry.objects.get(action="export").detail["full_numbers"] is False


@pytest.mark.django_db
def test_export_neutralises_formula_like_cells(client_for, scenario):
    household = scenario.households["b1_101"]
    for name in ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)"]:
        Resident.objects.create(town=scenario.town, household=household, name=name)
    rows = values(download(client_for("kaiwu"), "residents"))
    names = {row[0] for row in rows[1:]}
    assert {'\'=HYPERLINK("http://x")', "'+1+2", "'-3", "'@SUM(A1)"} <= names
    assert not any(str(v).startswith(("=", "+", "-", "@")) for row in rows for v in row if v)


@pytest.mark.django_db
def test_export_follows_the_filters_and_the_gate(client_for, scenario):
    dialysis = CareTag.objects.get(name="血透")
    rows = values(download(client_for("town"), "residents", {"care_tag": dialysis.pk}))
    assert [r[0] for r in rows[1:]] == ["李秀英"]
    lishui_rows = values(download(client_for("lishui"), "residents"))
    assert sorted(r[0] for r in lishui_rows[1:]) == ["刘小红", "陈国强"]
    assert len(values(download(client_for("charlie"), "residents"))) == 1  # the header only


@pytest.mark.django_db
def test_export_of_a_foreign_or_bad_filter_is_a_400(client_for, scenario):
    url = reverse("places:export", args=["residents"])
    response = client_for("kaiwu").get(url, {"committee": scenario.lishui.pk})
    assert response.status_code == 400
    assert "committee" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("committees", [["新凯五村", "1", "2", "4", "4", "3"]]),
        ("compounds", [["香樟苑", "新凯五村", "住宅小区", "2", "4", "4"]]),
        (
            "buildings",
            [["1号楼", "香樟苑", "新凯五村", "2", "2"], ["2号楼", "香樟苑", "新凯五村", "2", "2"]],
        ),
    ],
)
def test_every_place_list_exports(client_for, scenario, kind, expected):
    rows = values(download(client_for("kaiwu"), kind))
    assert sorted(rows[1:]) == expected
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["list"] == kind and entry.detail["rows"] == len(expected)


@pytest.mark.django_db
def test_export_needs_login_and_a_known_list(client, client_for, scenario):
    response = client.get(reverse("places:export", args=["residents"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client_for("kaiwu").get(reverse("places:export", args=["users"])).status_code == 404


@pytest.mark.django_db
def test_export_link_carries_the_page_filters(client_for, scenario):
    page = client_for("kaiwu").get(reverse("places:residents"), {"q": "zsf", "status": "present"})
    html = page.content.decode().split('class="export-form"')[1]
    assert 'name="q" value="zsf"' in html and 'name="status" value="present"' in html
    full = html.split('class="export-full-form"')[1].split("</form>")[0]
    assert 'name="q" value="zsf"' in full and 'name="reason"' in full
    assert 'name="csrfmiddlewaretoken"' in full and "reason" not in html.split('action="')[1][:80]


@pytest.mark.django_db
def test_a_phone_number_searched_for_is_masked_in_the_audit_of_the_export(client_for, scenario):
    rows = values(download(client_for("kaiwu"), "residents", {"q": "13812345678"}))
    assert [row[0] for row in rows[1:]] == ["张三丰"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["filters"] == {"q": "138****5678"}
