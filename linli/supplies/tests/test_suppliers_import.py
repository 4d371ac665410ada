"""`linli import suppliers FILE --town NAME` and the upload door, with sheets made as the
supply desk's Excel makes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from linli.core.imports import run_import
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.vetting import supplier_problem
from linli.testing.rosters import write_roster_csv, write_roster_xlsx

pytestmark = pytest.mark.django_db

# Headers as a desk writes them: synonyms, not the template's labels.
HEADERS = [
    "序号",
    "企业名称",
    "经营品类",
    "日供应量",
    "配送居委",
    "仓库地址",
    "纬度",
    "经度",
    "负责人",
    "联系方式",
    "统一社会信用代码",
    "营业执照有效期至",
    "食品许可证号",
    "食品许可证有效期",
    "白名单编号",
    "白名单有效期",
    "车牌",
    "通行证有效期",
    "驾驶员",
    "核酸有效期",
]


def row(n, name, categories="蔬菜、粮油", area="全镇", until=dt.date(2030, 12, 31), **over):
    values = {
        "序号": n,
        "企业名称": name,
        "经营品类": categories,
        "日供应量": 500,
        "配送居委": area,
        "仓库地址": "泗泾镇工业区",
        "纬度": 31.1,
        "经度": 121.25,
        "负责人": "王经理",
        "联系方式": "021-57620000",
        "统一社会信用代码": f"91310117MA1{n:06d}",
        "营业执照有效期至": until,
        "食品许可证号": f"JY131011700{n:04d}",
        "食品许可证有效期": until,
        "白名单编号": f"BG-{n}",
        "白名单有效期": until,
        "车牌": f"沪A{n:05d}",
        "通行证有效期": until,
        "驾驶员": "张师傅",
        "核酸有效期": until,
    }
    values.update(over)
    return [values[h] for h in HEADERS]


def test_an_xlsx_with_a_title_line_imports_suppliers_pending_with_their_papers(
    scenario, tmp_path, capsys
):
    path = write_roster_xlsx(
        tmp_path / "供应商名录.xlsx",
        [
            row(1, "松江保供蔬菜公司"),
            row(2, "泗泾粮油店", categories="米面粮油", area="新凯五村、丽水"),
        ],
        headers=HEADERS,
        title="泗泾镇保供企业名录（2022年4月）",
    )
    call_command("import", "suppliers", str(path), "--town", "泗泾镇")
    assert "created 2, updated 0" in capsys.readouterr().out
    assert Supplier.objects.count() == 2
    veg = Supplier.objects.get(name="松江保供蔬菜公司")
    assert veg.vetting == "pending"
    assert veg.categories == ["vegetables", "grain_oil"]
    assert (veg.daily_capacity, veg.lat, veg.lon) == (500, Decimal("31.1"), Decimal("121.25"))
    assert list(veg.delivery_area.all()) == []
    grain = Supplier.objects.get(name="泗泾粮油店")
    assert sorted(c.name for c in grain.delivery_area.all()) == ["丽水", "新凯五村"]
    kinds = sorted(veg.papers.values_list("kind", flat=True))
    assert kinds == sorted(
        ["business_licence", "food_permit", "whitelist", "vehicle_pass", "driver_test"]
    )
    plate = veg.papers.get(kind="vehicle_pass")
    assert (plate.holder, plate.expires_on) == ("沪A00001", dt.date(2030, 12, 31))
    # Pending: the papers are all there, but vetting is the town office's.
    assert "尚未通过审核" in supplier_problem(veg, dt.date(2022, 4, 20)).zh


def test_importing_the_same_sheet_twice_changes_nothing_and_renews_expiry(scenario, tmp_path):
    rows = [row(1, "松江保供蔬菜公司")]
    path = write_roster_xlsx(tmp_path / "a.xlsx", rows, headers=HEADERS)
    first = run_import("suppliers", path, town=scenario.town)
    second = run_import("suppliers", path, town=scenario.town)
    assert (first.created, second.created, second.updated, second.unchanged) == (1, 0, 0, 1)
    renewed = write_roster_xlsx(
        tmp_path / "b.xlsx",
        [row(1, "松江保供蔬菜公司", 核酸有效期=dt.date(2031, 1, 2))],
        headers=HEADERS,
    )
    third = run_import("suppliers", renewed, town=scenario.town)
    assert (third.updated, SupplierPaper.objects.count()) == (1, 5)
    test = SupplierPaper.objects.get(kind="driver_test")
    assert test.expires_on == dt.date(2031, 1, 2)


def test_a_bad_row_refuses_the_whole_file_with_reasons_in_both_languages(scenario, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "bad.xlsx",
        [
            row(1, "好的公司"),
            row(2, "品类错误", categories="火箭"),
            row(3, "居委错误", area="不存在村"),
            row(4, "日期错误", 白名单有效期="明年"),
            row(5, "好的公司"),
        ],
        headers=HEADERS,
    )
    result = run_import("suppliers", path, town=scenario.town)
    assert not result.ok and Supplier.objects.count() == 0
    reasons = {e.row: (e.zh, e.en) for e in result.errors}
    assert "未知的供应品类“火箭”" in reasons[4][0] and "unknown category" in reasons[4][1]
    assert "不存在村" in reasons[5][0] and "no such committee" in reasons[5][1]
    assert "日期“明年”无法识别" in reasons[6][0]
    assert "与第3行重复" in reasons[7][0]


def test_a_committee_clerk_may_not_import_the_towns_registry(scenario, tmp_path):
    path = write_roster_xlsx(tmp_path / "a.xlsx", [row(1, "甲公司")], headers=HEADERS)
    with pytest.raises(CommandError):
        call_command("import", "suppliers", str(path), "--user", "kaiwu")
    assert Supplier.objects.count() == 0
    call_command("import", "suppliers", str(path), "--user", "town")
    assert Supplier.objects.count() == 1


def test_a_gb18030_csv_from_chinese_excel_imports(scenario, tmp_path):
    path = write_roster_csv(
        tmp_path / "名录.csv",
        [row(1, "日用品商行", categories="日用品", 食品许可证号="", 食品许可证有效期="")],
        headers=HEADERS,
    )
    result = run_import("suppliers", path, town=scenario.town)
    assert result.ok and result.created == 1
    shop = Supplier.objects.get()
    assert shop.categories == ["daily"]
    assert not shop.papers.filter(kind="food_permit").exists()


def test_the_upload_page_previews_then_imports_for_the_town_and_refuses_a_clerk(
    scenario, client_for, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from linli.core.models import ImportJob

    path = write_roster_xlsx(tmp_path / "名录.xlsx", [row(1, "松江保供蔬菜公司")], headers=HEADERS)

    def upload(client):
        data = {"kind": "suppliers", "file": SimpleUploadedFile(path.name, path.read_bytes())}
        return client.post(reverse("places:import"), data)

    clerk = client_for("kaiwu")
    upload(clerk)
    refused = clerk.get(reverse("places:import_job", args=[ImportJob.objects.get().pk]))
    assert "只有镇/街道工作人员可以导入" in refused.content.decode()
    town = client_for("town")
    template = town.get(reverse("places:import_template", args=["suppliers"]))
    assert template.status_code == 200
    answer = upload(town)
    job = ImportJob.objects.latest("pk")
    assert "将新增" in town.get(answer["Location"]).content.decode()
    assert Supplier.objects.count() == 0
    done = town.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    assert "导入完成" in done.content.decode()
    assert Supplier.objects.get().vetting == "pending"
