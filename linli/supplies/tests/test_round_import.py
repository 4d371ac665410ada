"""`linli import deliveries FILE --town NAME --round NAME`: a delivery team's sheet, made as a
clerk's Excel holds it, marks the round's households (all or nothing, idempotent)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.supplies.models import PackageDelivery, PackageDeliveryChange
from linli.testing.rosters import write_roster_xlsx
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_rounds import build_rounds_scenario, delivery, round_of

pytestmark = pytest.mark.django_db
D = PackageDelivery.Status
HEADERS = ["居委", "小区", "楼栋", "室号", "签收人", "时间"]


@pytest.fixture
def world(scenario):
    s = build_grid_scenario(scenario)
    x = build_rounds_scenario(s)
    return s, x, round_of(s, x)


def sheet(tmp_path, rows, headers=HEADERS, name="签收表.xlsx"):
    return write_roster_xlsx(tmp_path / name, rows, headers=headers, title="第一轮大礼包签收表")


def run_import(path, *extra):
    out = StringIO()
    call_command(
        "import", "deliveries", str(path), "--town", "泗泾镇", *extra, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def test_a_teams_sheet_marks_the_households_signed_for_and_a_second_import_changes_nothing(
    world, tmp_path
):
    s, _x, made = world
    path = sheet(
        tmp_path,
        [
            ["新凯五村", "香樟苑", "1", "101室", "张", "2022-04-20 10:30"],
            ["新凯五村", "香樟苑", "1号楼", "102", "李", "2022-04-20 10:35"],
        ],
    )
    out = run_import(path, "--round", "第一轮大礼包")
    assert "2" in out
    first = delivery(made, s.households["b1_101"])
    assert first.status == D.DELIVERED and first.signer == "张"
    assert timezone.localtime(first.delivered_at).replace(tzinfo=None) == dt.datetime(
        2022, 4, 20, 10, 30
    )
    assert first.team is not None  # the building's assigned team
    changes = PackageDeliveryChange.objects.filter(delivery__round=made).count()
    run_import(path, "--round", "第一轮大礼包")
    assert PackageDeliveryChange.objects.filter(delivery__round=made).count() == changes
    assert made.deliveries.filter(status=D.DELIVERED).count() == 2


def test_exceptions_come_from_the_result_column(world, tmp_path):
    s, _x, made = world
    path = sheet(
        tmp_path,
        [
            ["新凯五村", "香樟苑", "2号楼", "101", "", "", "无人"],
            ["新凯五村", "城建工地", "宿舍1号楼", "102", "", "", "空置"],
        ],
        headers=[*HEADERS, "结果"],
    )
    run_import(path, "--round", "第一轮大礼包")
    assert delivery(made, s.households["b2_101"]).status == D.ABSENT
    assert delivery(made, s.households["dorm_102"]).status == D.VACANT


def test_one_bad_row_imports_nothing_and_each_reason_names_its_row(world, tmp_path):
    _s, _x, made = world
    path = sheet(
        tmp_path,
        [
            ["新凯五村", "香樟苑", "1号楼", "101", "张", "2022-04-20 10:30"],
            ["新凯五村", "香樟苑", "9号楼", "101", "王", ""],
            ["新凯五村", "香樟苑", "1号楼", "102", "", ""],
            ["新凯五村", "香樟苑", "2号楼", "101", "王", "2099-01-01 10:00"],
            ["新凯五村", "香樟苑", "2号楼", "201", "赵", "昨天"],
        ],
    )
    with pytest.raises(CommandError):
        out = StringIO()
        call_command(
            "import", "deliveries", str(path), "--town", "泗泾镇", "--round", "第一轮大礼包",
            stdout=out,
        )  # fmt: skip
    assert not made.deliveries.filter(status=D.DELIVERED).exists()


def test_the_rows_errors_are_reported_in_chinese_and_english(world, tmp_path):
    from linli.core.imports import run_import as engine

    _s, _x, made = world
    path = sheet(
        tmp_path,
        [
            ["新凯五村", "香樟苑", "9号楼", "101", "王", ""],
            ["新凯五村", "香樟苑", "1号楼", "102", "", ""],
            ["新凯五村", "香樟苑", "2号楼", "101", "王", "2099-01-01 10:00"],
            ["新凯五村", "香樟苑", "2号楼", "201", "赵", "昨天"],
        ],
    )
    result = engine("deliveries", path, town=made.town, params={"round": made.name})
    reasons = {e.row: (e.zh, e.en) for e in result.errors}
    assert "不在本轮发放范围内" in reasons[3][0] and "not in the round" in reasons[3][1]
    assert "签收人" in reasons[4][0] and "signer" in reasons[4][1]
    assert "晚于现在" in reasons[5][0] and "future" in reasons[5][1]
    assert "无法识别" in reasons[6][0]
    assert not result.written


def test_a_room_off_the_roster_is_recorded_for_the_committee_with_a_warning(world, tmp_path):
    s, _x, made = world
    # A bare time is today's: midnight has always passed (10:00 would be "in the future" at night).
    path = sheet(tmp_path, [["新凯五村", "香樟苑", "1号楼", "103", "租户小王", "00:00"]])
    from linli.core.imports import run_import as engine

    result = engine("deliveries", path, town=made.town, params={"round": made.name})
    assert result.written and result.created == 1
    assert any("名册外" in w.zh for w in result.warnings)
    found = made.deliveries.get(building=s.b1, room="103")
    assert found.status == D.NOT_ON_ROSTER and found.household is None
    again = engine("deliveries", path, town=made.town, params={"round": made.name})
    assert again.created == 0 and again.updated == 0
    assert made.deliveries.filter(building=s.b1, room="103").count() == 1


def test_without_round_option_the_sheet_names_the_round_in_a_column(world, tmp_path):
    s, _x, made = world
    plain = sheet(tmp_path, [["新凯五村", "香樟苑", "1号楼", "101", "张", ""]])
    with pytest.raises(CommandError):
        call_command("import", "deliveries", str(plain), "--town", "泗泾镇", stdout=StringIO())
    with_column = sheet(
        tmp_path,
        [["第一轮大礼包", "新凯五村", "香樟苑", "1号楼", "101", "张", ""]],
        headers=["发放轮次", *HEADERS],
        name="b.xlsx",
    )
    run_import(with_column)
    assert delivery(made, s.households["b1_101"]).status == D.DELIVERED


def test_a_committee_clerk_imports_only_their_committees_rows(world, tmp_path):
    _s, _x, made = world
    path = sheet(tmp_path, [["丽水", "丽水苑", "1号楼", "101", "陈", ""]])
    with pytest.raises(CommandError):
        call_command(
            "import", "deliveries", str(path), "--user", "kaiwu", "--round", made.name,
            stdout=StringIO(),
        )  # fmt: skip
    assert not made.deliveries.filter(status=D.DELIVERED).exists()


def test_a_csv_in_gb18030_is_read_too(world, tmp_path):
    s, _x, made = world
    path = tmp_path / "签收.csv"
    text = "居委,小区,楼栋,室号,签收人,时间\n丽水,丽水苑,1号楼,301,刘,2022-04-21 09:00\n"
    path.write_bytes(text.encode("gb18030"))
    run_import(path, "--round", made.name)
    assert delivery(made, s.households["lb1_301"]).signer == "刘"


def test_the_upload_page_offers_the_towns_package_rounds(world, client_for):
    from django.urls import reverse

    s, x, _first = world
    round_of(s, x, name="第二轮蔬菜包", delivering=False)
    page = client_for("town").get(reverse("places:import")).content.decode()
    offered = page.split('<datalist id="deliveries-round-list">')[1].split("</datalist>")[0]
    assert offered == '<option value="第二轮蔬菜包"><option value="第一轮大礼包">'
