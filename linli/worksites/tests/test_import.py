"""`linli import workers`: the sheet as a site office keeps it (written with openpyxl here),
all-or-nothing with each bad row named, idempotent on the ID number, the uploader's scope."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from linli.core.models import AuditEntry, ImportJob
from linli.places.models import Building, Compound, Household, Resident, TransferRequest
from linli.testing.scenario import make_id_number
from linli.worksites.models import WorkerInfo

pytestmark = pytest.mark.django_db

HEADERS = ["工地", "宿舍", "房间", "姓名", "性别", "身份证号", "手机号", "单位", "工种", "进场日期"]
ID1 = make_id_number(region="320321", birth="19800101", seq=11)  # odd: male
ID2 = make_id_number(region="320321", birth="19820202", seq=22)  # even: female
ID3 = make_id_number(region="410102", birth="19900303", seq=33)


def write_sheet(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "工人花名册"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


GOOD = [
    [
        "泗泾安置房工地",
        "1号宿舍",
        "101",
        "韩大山",
        "男",
        ID1,
        "13700001111",
        "建工劳务",
        "钢筋工",
        "2022-04-01",
    ],
    [
        "泗泾安置房工地",
        "1号宿舍",
        "101",
        "秦小梅",
        "女",
        ID2,
        "13700002222",
        "建工劳务",
        "杂工",
        "2022/4/3",
    ],
    ["泗泾安置房工地", "2号宿舍", "201", "许建军", "", ID3, "", "安装公司", "电工", "2022年4月5日"],
]


def test_a_good_sheet_creates_the_worksite_its_dormitories_rooms_and_workers(scenario, tmp_path):
    path = write_sheet(tmp_path / "workers.xlsx", GOOD)
    text = run("workers", str(path), "--town", "泗泾镇", "--committee", "新凯五村")
    assert "3" in text
    site = Compound.objects.get(name="泗泾安置房工地")
    assert site.kind == Compound.Kind.WORKSITE
    assert site.committee == scenario.kaiwu
    assert sorted(Building.objects.filter(compound=site).values_list("name", flat=True)) == [
        "1号宿舍",
        "2号宿舍",
    ]
    assert Household.objects.filter(building__compound=site).count() == 2
    han = Resident.objects.get(id_number=ID1)
    assert (han.name, han.gender, han.phone) == ("韩大山", "M", "13700001111")
    assert han.household.room == "101" and han.household.building.name == "1号宿舍"
    assert Resident.objects.get(id_number=ID3).gender == "M"  # from the ID number: 33 is odd
    info = WorkerInfo.objects.get(resident=han)
    assert (info.employer, info.trade, info.entered_on) == (
        "建工劳务",
        "钢筋工",
        dt.date(2022, 4, 1),
    )
    assert WorkerInfo.objects.get(resident__id_number=ID2).entered_on == dt.date(2022, 4, 3)
    assert WorkerInfo.objects.get(resident__id_number=ID3).entered_on == dt.date(2022, 4, 5)


def test_the_committee_may_come_from_a_column(scenario, tmp_path):
    rows = [["丽水", *GOOD[0]]]
    path = write_sheet(tmp_path / "w.xlsx", rows, ["居委", *HEADERS])
    run("workers", str(path), "--town", "泗泾镇")
    assert Compound.objects.get(name="泗泾安置房工地").committee == scenario.lishui


def test_a_reimport_changes_nothing_and_a_changed_trade_is_one_update(scenario, tmp_path):
    path = write_sheet(tmp_path / "workers.xlsx", GOOD)
    run("workers", str(path), "--town", "泗泾镇", "--committee", "新凯五村")
    again = run("workers", str(path), "--town", "泗泾镇", "--committee", "新凯五村", "--dry-run")
    assert "(created 0, updated 0, unchanged 3)" in again
    from linli.core.imports import run_import

    committee = scenario.kaiwu
    result = run_import("workers", path, town=scenario.town, committee=committee)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Resident.objects.filter(id_number__in=[ID1, ID2, ID3]).count() == 3
    assert WorkerInfo.objects.count() == 3
    changed = [list(r) for r in GOOD]
    changed[1][8] = "木工"
    path2 = write_sheet(tmp_path / "changed.xlsx", changed)
    result = run_import("workers", path2, town=scenario.town, committee=committee)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert WorkerInfo.objects.get(resident__id_number=ID2).trade == "木工"
    assert WorkerInfo.objects.count() == 3


def test_bad_rows_land_nothing_and_each_is_named_in_both_languages(scenario, tmp_path):
    bad_id = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    rows = [
        GOOD[0],
        [
            "泗泾安置房工地",
            "1号宿舍",
            "102",
            "错号",
            "男",
            bad_id,
            "",
            "建工劳务",
            "杂工",
            "2022-04-01",
        ],
        ["泗泾安置房工地", "1号宿舍", "102", "未来", "女", ID2, "", "建工劳务", "杂工", future],
        [
            "泗泾安置房工地",
            "1号宿舍",
            "102",
            "重复",
            "男",
            ID1,
            "",
            "建工劳务",
            "杂工",
            "2022-04-01",
        ],
        [
            "泗泾安置房工地",
            "1号宿舍",
            "102",
            "无证",
            "男",
            "",
            "",
            "建工劳务",
            "杂工",
            "2022-04-01",
        ],
        ["泗泾安置房工地", "1号宿舍", "102", "乱日", "男", ID3, "", "建工劳务", "杂工", "四月一日"],
    ]
    path = write_sheet(tmp_path / "bad.xlsx", rows)
    with pytest.raises(CommandError):
        out = StringIO()
        try:
            call_command(
                "import",
                "workers",
                str(path),
                "--town",
                "泗泾镇",
                "--committee",
                "新凯五村",
                stdout=out,
            )
        finally:
            text = out.getvalue()
    assert not Compound.objects.filter(name="泗泾安置房工地").exists()
    assert not Resident.objects.filter(id_number=ID1).exists()
    assert WorkerInfo.objects.count() == 0
    for row in (3, 4, 5, 6, 7):
        assert f"第{row}行" in text or f"row {row}" in text, (row, text)
    assert "第3行 [身份证号]: 身份证号校验位错误 (the ID number's check digit is wrong)" in text
    assert "第6行: 缺少身份证号 (missing id number)" in text
    assert "第7行 [进场日期]" in text and "not understood" in text
    assert "不能晚于今天" in text and "future" in text
    assert "与第2行重复" in text


def test_an_unknown_committee_is_refused_not_created(scenario, tmp_path):
    rows = [["新凯九村", *GOOD[0]]]
    path = write_sheet(tmp_path / "w.xlsx", rows, ["居委", *HEADERS])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "workers", str(path), "--town", "泗泾镇", stdout=out)
    assert "居委“新凯九村”不存在" in out.getvalue()
    assert not Compound.objects.filter(name="泗泾安置房工地").exists()


def test_a_residential_compound_is_not_turned_into_a_worksite(scenario, tmp_path):
    rows = [["香樟苑", *GOOD[0][1:]]]
    path = write_sheet(tmp_path / "w.xlsx", rows)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "workers",
            str(path),
            "--town",
            "泗泾镇",
            "--committee",
            "新凯五村",
            stdout=out,
        )
    assert "不是工地" in out.getvalue() and "not a worksite" in out.getvalue()
    assert not Resident.objects.filter(id_number=ID1).exists()


def test_a_committee_clerk_imports_only_into_their_committee(scenario, tmp_path):
    rows = [["丽水", *GOOD[0]]]
    path = write_sheet(tmp_path / "w.xlsx", rows, ["居委", *HEADERS])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "workers", str(path), "--user", "kaiwu", stdout=out)
    assert "不能导入到其他居委" in out.getvalue()
    assert not Resident.objects.filter(id_number=ID1).exists()


def test_a_person_registered_in_another_committee_is_held_not_moved(scenario, tmp_path):
    chen = scenario.residents["chen"]  # 丽水苑, 丽水
    rows = [
        [
            "泗泾安置房工地",
            "1号宿舍",
            "101",
            chen.name,
            "",
            chen.id_number,
            "",
            "劳务",
            "杂工",
            "2022-04-01",
        ]
    ]
    path = write_sheet(tmp_path / "w.xlsx", rows)
    text = run("workers", str(path), "--user", "kaiwu")
    chen.refresh_from_db()
    assert chen.household == scenario.households["lb1_101"]
    assert not WorkerInfo.objects.filter(resident=chen).exists()
    assert "丽水" not in text
    held = TransferRequest.objects.get(subject_id=chen.pk)
    assert (held.from_committee, held.to_committee) == (scenario.lishui, scenario.kaiwu)


def test_a_committee_clerk_imports_workers_through_the_upload_page(scenario, client_for, tmp_path):
    path = write_sheet(tmp_path / "工人花名册.xlsx", GOOD)
    client = client_for("kaiwu")
    page = client.get(reverse("places:import"))
    assert page.status_code == 200 and "工地工人花名册" in page.content.decode()
    data = {"kind": "workers", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    response = client.post(reverse("places:import"), data)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "将新增" in preview and not Resident.objects.filter(id_number=ID1).exists()
    done = client.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    assert "导入完成" in done.content.decode()
    site = Compound.objects.get(name="泗泾安置房工地")
    assert site.committee == scenario.kaiwu and site.kind == Compound.Kind.WORKSITE
    assert WorkerInfo.objects.filter(resident__household__building__compound=site).count() == 3
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.user.username == "kaiwu"
