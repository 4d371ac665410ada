"""The medicine importers through `linli import` and the upload page, with files built by hand
(openpyxl, a GB18030 CSV) as a desk's Excel would leave them: a title line above the header,
numbers stored as numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from linli.core.models import ImportJob
from linli.medicine.models import Department, Hospital, MedicineOrder
from linli.places.models import Compound

pytestmark = pytest.mark.django_db

HEADER = [
    "配药单号", "居委", "小区", "楼栋", "室号", "姓名", "身份证号", "医院", "科室",
    "药品", "规格", "厂家", "数量", "天数", "紧急程度", "冷链", "备注",
]  # fmt: skip


def _xlsx(path, rows, *, title="泗泾镇配药登记表 4月20日", header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "配药单"
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rows(med):
    zhang_id = med.residents["zhang"].id_number
    return [
        # Two lines of one form number, boxes and days as numbers (as Excel stores them).
        ["HW-001", "新凯五村", "香樟苑", 1, 101, "张三丰", zhang_id, "松江区中心医院", "内分泌科",
         "门冬胰岛素", "3ml:300单位", "诺和诺德", 2, 28, "红", "是", "冰箱保存"],
        ["HW-001", "新凯五村", "香樟苑", "1号楼", "101", "张三丰", "", "松江区中心医院", "内分泌科",
         "二甲双胍", "0.5g×20片", "不限", 3, 30, "黄", "否", ""],
        # No form number: keyed by patient + drug + date.
        ["", "丽水", "丽水苑", "1号楼", "101室", "陈国强", "", "泗泾医院", "全科",
         "氨氯地平", "5mg×7片", "辉瑞", "2盒", "", "绿", "", ""],
    ]  # fmt: skip


def _import(path, *args):
    call_command("import", "medicine-requests", str(path), *args)


def test_an_xlsx_with_a_title_line_lands_verified_requests_with_their_lines(med, tmp_path):
    path = _xlsx(tmp_path / "配药单.xlsx", _rows(med))
    _import(path, "--user", "town")
    form = MedicineOrder.objects.get(form_number="HW-001")
    assert form.resident == med.residents["zhang"] and form.status == "verified"
    assert form.source == "import" and form.urgency == "red"  # the most urgent of its lines
    assert form.department == med.departments["central_endo"]
    lines = {line.generic_name: line for line in form.lines.all()}
    assert set(lines) == {"门冬胰岛素", "二甲双胍"}
    insulin, metformin = lines["门冬胰岛素"], lines["二甲双胍"]
    assert (insulin.boxes, insulin.days, insulin.cold_chain, insulin.maker) == (
        2,
        28,
        True,
        "诺和诺德",
    )
    assert (metformin.any_maker, metformin.maker, metformin.boxes) == (True, "", 3)
    other = MedicineOrder.objects.get(resident=med.residents["chen"])
    assert other.form_number is None and other.urgency == "green"
    assert other.lines.get().boxes == 2 and other.service_date == dt.date.today()
    assert other.changes.get().to_status == "verified"
    # Idempotent: the same file again changes nothing.
    _import(path, "--user", "town")
    assert MedicineOrder.objects.count() == 2
    assert sum(o.lines.count() for o in MedicineOrder.objects.all()) == 3


def test_a_gb18030_csv_lands_the_same(med, tmp_path):
    lines = [",".join(HEADER)]
    for row in _rows(med):
        lines.append(",".join(str(c) for c in row))
    path = tmp_path / "配药单.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    _import(path, "--town", "泗泾镇")
    assert MedicineOrder.objects.count() == 2
    assert MedicineOrder.objects.get(form_number="HW-001").lines.count() == 2


def test_a_bad_file_lands_nothing_and_names_the_rows(med, tmp_path, capsys):
    rows = _rows(med)
    rows[1][5] = "张三"  # not registered at that address
    rows[2][7] = "华山医院"  # not a hospital of the town
    rows.append(["HW-002", "新凯五村", "香樟苑", "1号楼", "102", "李秀英", "", "泗泾医院", "",
                 "二甲双胍", "", "", 1, 90, "", "", ""])  # fmt: skip
    rows.append(["HW-003", "新凯五村", "香樟苑", "1号楼", "102", "李秀英", "", "泗泾医院", "",
                 "二甲双胍", "", "", 1, "", "紫", "", ""])  # fmt: skip
    path = _xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(CommandError):
        _import(path, "--user", "town")
    out = capsys.readouterr().out
    assert not MedicineOrder.objects.exists()
    # Rows 3-7 of the sheet (title line, header, then data): each named with its reason.
    errors = {
        line.split(":")[0].split(" [")[0].strip(): line
        for line in out.splitlines()
        if line.startswith("  配药单 第")
    }
    assert set(errors) == {"配药单 第4行", "配药单 第5行", "配药单 第6行", "配药单 第7行"}
    assert "找不到该居民" in errors["配药单 第4行"] and "no such resident" in errors["配药单 第4行"]
    assert "华山医院" in errors["配药单 第5行"] and "[医院]" in errors["配药单 第5行"]
    assert "84" in errors["配药单 第6行"]
    assert "紧急程度" in errors["配药单 第7行"]
    assert "未导入" in out


def test_a_committee_clerk_imports_only_their_committees_patients(med, tmp_path, capsys):
    path = _xlsx(tmp_path / "配药单.xlsx", _rows(med))
    with pytest.raises(CommandError):
        _import(path, "--user", "kaiwu")
    out = capsys.readouterr().out
    assert "不能导入到其他居委" in out and not MedicineOrder.objects.exists()
    _xlsx(path, _rows(med)[:2])
    _import(path, "--user", "kaiwu")
    assert MedicineOrder.objects.get().resident == med.residents["zhang"]


def test_a_patient_of_another_committee_is_not_found_for_a_clerk(med, tmp_path, capsys):
    rows = [["", "新凯五村", "丽水苑", "1号楼", "101", "陈国强", "", "泗泾医院", "", "氨氯地平",
             "", "", 1, "", "", "", ""]]  # fmt: skip
    with pytest.raises(CommandError):
        _import(_xlsx(tmp_path / "x.xlsx", rows), "--user", "kaiwu")
    assert "找不到该居民" in capsys.readouterr().out


def test_the_upload_page_offers_the_medicine_requests_import(med, client_for, tmp_path):
    path = _xlsx(tmp_path / "配药单.xlsx", _rows(med))
    client = client_for("town")
    answer = client.post(
        reverse("places:import"),
        {"kind": "medicine-requests", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert answer.status_code == 302
    job = ImportJob.objects.get()
    client.post(reverse("places:import_confirm", args=[job.pk]))
    assert MedicineOrder.objects.count() == 2


# -- hospitals and compound points ------------------------------------------------------------


def test_hospitals_import_with_departments_and_green_channel(med, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["医院名单"])
    sheet.append(["名称", "地址", "经度", "纬度", "科室", "绿色通道"])
    sheet.append(
        ["松江区九亭医院", "九亭镇九新公路89号", 121.327, 31.143, "全科、内科,中医科", "是"]
    )
    sheet.append(["泗泾医院", "江川北路389号", 121.262, 31.117, "全科、内科", ""])
    path = tmp_path / "医院.xlsx"
    book.save(path)
    call_command("import", "hospitals", str(path), "--town", "泗泾镇")
    new = Hospital.objects.get(name="松江区九亭医院")
    assert (new.lat, new.lon, new.green_channel) == (
        Decimal("31.143000"),
        Decimal("121.327000"),
        True,
    )
    assert set(new.departments.values_list("name", flat=True)) == {"全科", "内科", "中医科"}
    local = Hospital.objects.get(name="泗泾医院")
    assert set(local.departments.values_list("name", flat=True)) == {"全科", "内科"}
    assert local.address == "江川北路389号"
    count = Department.objects.count()
    call_command("import", "hospitals", str(path), "--town", "泗泾镇")
    assert Department.objects.count() == count and Hospital.objects.count() == 3


def test_a_hospital_without_a_valid_point_is_refused(med, tmp_path, capsys):
    path = tmp_path / "医院.csv"
    path.write_text("名称,经度,纬度\n某医院,121.3,95\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", "hospitals", str(path), "--town", "泗泾镇")
    assert "纬度" in capsys.readouterr().out
    assert not Hospital.objects.filter(name="某医院").exists()


def test_places_import_reads_longitude_and_latitude(med, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(
        "居委,小区,楼栋,经度,纬度\n新凯五村,香樟苑,1号楼,121.2701,31.1301\n丽水,新苑,1号楼,121.25,31.11\n",
        encoding="utf-8",
    )
    call_command("import", "places", str(path), "--town", "泗泾镇")
    assert Compound.objects.get(name="香樟苑").lat == Decimal("31.130100")
    new = Compound.objects.get(name="新苑")
    assert (new.lat, new.lon) == (Decimal("31.110000"), Decimal("121.250000"))
    bad = tmp_path / "bad.csv"
    bad.write_text("居委,小区,经度,纬度\n丽水,另苑,121.2,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", "places", str(bad), "--town", "泗泾镇")
    assert not Compound.objects.filter(name="另苑").exists()
