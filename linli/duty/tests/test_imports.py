"""`linli import volunteers|duties|pairings`: the import engine's rules (all-or-nothing, a row
report, idempotent) with rosters as clerks' office suites save them."""

import pytest
from django.core.management import CommandError, call_command

from linli.core.imports import run_import
from linli.duty.models import Duty, Pairing, Team, Volunteer
from linli.testing.rosters import convert_with_libreoffice, write_roster_csv, write_roster_xlsx

pytestmark = pytest.mark.django_db

VOLUNTEER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "联系电话",
    "身份证号码",
    "政治面貌",
    "来源",
    "居民区",
    "服务小组",
    "岗位",
    "特长",
]
DUTY_HEADERS = ["姓名", "手机号", "职责", "居委", "小区", "楼号", "房号"]
PAIRING_HEADERS = ["志愿者姓名", "志愿者手机号", "居民姓名", "居民身份证号"]


def volunteer_rows(grid):
    wang = grid.residents["wang"]
    return [
        # phone numbers as numbers, as Excel keeps them
        [
            1,
            "周建华",
            "男",
            13800001001,
            "",
            "中共党员",
            "在职党员",
            "新凯五村",
            "就医配药",
            "组长",
            "医生、驾驶",
        ],
        [
            2,
            "吴晓梅",
            "女",
            13800001002,
            "",
            "群众",
            "居民志愿者",
            "新凯五村",
            "物资配送",
            "生活员",
            "",
        ],
        [3, "郑国庆", "", 13800001003, "", "中共预备党员", "下沉干部", "丽水", "", "", ""],
        [
            4,
            wang.name,
            "",
            int(wang.phone),
            wang.id_number,
            "",
            "",
            "新凯五村",
            "巡视宣传",
            "组织员",
            "",
        ],
    ]


def import_file(kind, path, grid, **kwargs):
    return run_import(kind, path, town=grid.town, **kwargs)


def test_volunteers_import_from_an_xlsx_with_a_title_line_and_synonyms(grid, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "v.xlsx", volunteer_rows(grid), headers=VOLUNTEER_HEADERS, title="志愿者名册"
    )
    result = import_file("volunteers", path, grid)
    assert result.ok and result.written, result.as_text()
    assert result.created == 4
    zhou = Volunteer.objects.get(phone="13800001001")
    assert (zhou.is_party_member, zhou.source, zhou.skills) == (
        True,
        "reported_party_member",
        ["driving", "medical"],
    )
    medicine = Team.objects.get(committee=grid.kaiwu, function="medicine")
    assert medicine.leader == zhou and zhou.team == medicine
    wu = Volunteer.objects.get(phone="13800001002")
    assert (wu.is_party_member, wu.post, wu.team.function) == (False, "livelihood", "delivery")
    assert Volunteer.objects.get(phone="13800001003").source == "dispatched_cadre"
    assert (
        Volunteer.objects.get(phone=grid.residents["wang"].phone).resident == grid.residents["wang"]
    )


def test_importing_the_same_volunteers_twice_changes_nothing(grid, tmp_path):
    path = write_roster_xlsx(tmp_path / "v.xlsx", volunteer_rows(grid), headers=VOLUNTEER_HEADERS)
    import_file("volunteers", path, grid)
    again = import_file("volunteers", path, grid)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Volunteer.objects.filter(town=grid.town).count() == 8  # 4 + the scenario's 4


def test_a_second_roster_updates_by_phone_number_without_blanking(grid, tmp_path):
    import_file(
        "volunteers",
        write_roster_xlsx(tmp_path / "v.xlsx", volunteer_rows(grid), headers=VOLUNTEER_HEADERS),
        grid,
    )
    later = [[1, "周建华", "", 13800001001, "", "", "", "新凯五村", "", "卫生员", "心理"]]
    result = import_file(
        "volunteers", write_roster_xlsx(tmp_path / "w.xlsx", later, headers=VOLUNTEER_HEADERS), grid
    )
    assert (result.created, result.updated) == (0, 1)
    zhou = Volunteer.objects.get(phone="13800001001")
    assert zhou.post == "health" and zhou.skills == ["driving", "medical", "psychology"]
    assert zhou.is_party_member and zhou.team.function == "medicine"


def test_one_bad_row_imports_nothing_and_the_report_names_row_and_reason(grid, tmp_path):
    rows = volunteer_rows(grid)
    rows[1][3] = 1380000  # a phone number cut short
    rows[2][7] = "不存在居委"
    path = write_roster_xlsx(
        tmp_path / "v.xlsx", rows, headers=VOLUNTEER_HEADERS, title="志愿者名册"
    )
    result = import_file("volunteers", path, grid)
    assert not result.ok and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(4, "手机号"), (5, "所属居委")]
    assert "手机号应为11位" in result.errors[0].zh
    assert not Volunteer.objects.filter(phone="13800001001").exists()


def test_a_phone_number_twice_in_the_file_is_a_row_error(grid, tmp_path):
    rows = volunteer_rows(grid)
    rows[1][3] = rows[0][3]
    result = import_file(
        "volunteers", write_roster_xlsx(tmp_path / "v.xlsx", rows, headers=VOLUNTEER_HEADERS), grid
    )
    assert [e.row for e in result.errors] == [4] and "与第3行重复" in result.errors[
        0
    ].zh  # title line above


def test_committee_staff_import_only_their_committee(grid, tmp_path):
    path = write_roster_xlsx(tmp_path / "v.xlsx", volunteer_rows(grid), headers=VOLUNTEER_HEADERS)
    result = import_file("volunteers", path, grid, user=grid.users["kaiwu"], committee=grid.kaiwu)
    assert not result.ok and [e.row for e in result.errors] == [5]  # 郑国庆 of 丽水


def test_xls_and_xlsx_saved_by_libreoffice_import(grid, tmp_path):
    source = write_roster_xlsx(tmp_path / "v.xlsx", volunteer_rows(grid), headers=VOLUNTEER_HEADERS)
    # Through LibreOffice's own format and back: the xlsx is then one LibreOffice wrote.
    xlsx = convert_with_libreoffice(convert_with_libreoffice(source, "ods"), "xlsx")
    result = import_file("volunteers", xlsx, grid, dry_run=True)
    assert result.ok and result.created == 4, result.as_text()
    xls = convert_with_libreoffice(xlsx, "xls")
    result = import_file("volunteers", xls, grid)
    assert result.ok and result.created == 4, result.as_text()
    assert Volunteer.objects.get(phone="13800001001").name == "周建华"


def duty_rows():
    return [
        ["鲍勃", 13900000002, "第二书记", "丽水", "", "", ""],
        ["艾琳", 13900000005, "党员第二楼组长", "新凯五村", "香樟苑", 1, ""],
        ["艾琳", 13900000005, "楼组成员", "新凯五村", "香樟苑", "2号楼", ""],
        ["戴维", 13900000004, "包邻里", "丽水", "丽水苑", 1, "101、301室"],
    ]


def test_duties_import_for_every_kind_and_level(grid, tmp_path):
    path = write_roster_xlsx(tmp_path / "d.xlsx", duty_rows(), headers=DUTY_HEADERS, title="包干表")
    result = import_file("duties", path, grid)
    assert result.ok and result.created == 5, result.as_text()
    bob = Duty.objects.active().get(volunteer=grid.volunteers["bob"], committee=grid.lishui)
    assert bob.kind == "second_secretary" and bob.compound is None
    second = Duty.objects.active().get(volunteer=grid.volunteers["erin"], kind="building_leader")
    assert (second.building, second.title) == (grid.b1, "党员第二楼组长")
    assert (
        Duty.objects.active()
        .filter(volunteer=grid.volunteers["dave"], kind="neighbour_keeper")
        .count()
        == 2
    )
    again = import_file("duties", path, grid)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_unknown_volunteers_and_places_are_row_errors(grid, tmp_path):
    rows = [
        *duty_rows(),
        ["某人", 13911112222, "楼组长", "新凯五村", "香樟苑", 1, ""],
        ["艾琳", 13900000005, "楼组长", "新凯五村", "香樟苑", 9, ""],
        ["艾琳", 13900000005, "包邻里", "新凯五村", "香樟苑", 1, "999"],
        ["艾琳", 13900000005, "扫地", "新凯五村", "香樟苑", 1, ""],
    ]
    result = import_file(
        "duties", write_roster_xlsx(tmp_path / "d.xlsx", rows, headers=DUTY_HEADERS), grid
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (7, "手机号"),
        (8, "楼栋"),
        (9, "室号"),
        (10, "职责"),
    ]
    assert not Duty.objects.filter(committee=grid.lishui).exists()


def test_pairings_import_by_phone_and_id_number(grid, tmp_path):
    li, zhang = grid.residents["li"], grid.residents["zhang"]
    rows = [
        ["艾丽丝", 13900000001, li.name, li.id_number],
        ["艾琳", 13900000005, zhang.name, zhang.id_number],
    ]
    path = write_roster_xlsx(tmp_path / "p.xlsx", rows, headers=PAIRING_HEADERS)
    result = import_file("pairings", path, grid)
    assert result.ok and result.created == 2, result.as_text()
    assert Pairing.objects.active().get(resident=li).volunteer == grid.volunteers["alice"]
    assert import_file("pairings", path, grid).unchanged == 2


def test_pairing_rows_with_a_wrong_resident_are_errors(grid, tmp_path):
    li, liu, zhang = grid.residents["li"], grid.residents["liu"], grid.residents["zhang"]
    rows = [
        ["艾丽丝", 13900000001, "李秀", li.id_number],  # name does not match
        ["艾丽丝", 13900000001, liu.name, liu.id_number],  # not a special-care resident
        ["艾丽丝", 13900000001, "无名", "110101199003070011"],  # nobody
        ["艾丽丝", 13900000001, zhang.name, zhang.id_number],
    ]
    result = import_file(
        "pairings", write_roster_xlsx(tmp_path / "p.xlsx", rows, headers=PAIRING_HEADERS), grid
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "居民姓名"),
        (4, "居民身份证号"),
        (5, "居民身份证号"),
    ]
    assert Pairing.objects.count() == 1


def test_pairings_xls_saved_by_libreoffice(grid, tmp_path):
    li = grid.residents["li"]
    xlsx = write_roster_xlsx(
        tmp_path / "p.xlsx",
        [["艾丽丝", 13900000001, li.name, li.id_number]],
        headers=PAIRING_HEADERS,
    )
    result = import_file("pairings", convert_with_libreoffice(xlsx, "xls"), grid)
    assert result.ok and result.created == 1, result.as_text()


def test_the_command_imports_and_fails_with_bad_rows(grid, tmp_path, capsys):
    path = write_roster_xlsx(tmp_path / "d.xlsx", duty_rows(), headers=DUTY_HEADERS)
    call_command("import", "duties", str(path), town="泗泾镇")
    assert "新增5" in capsys.readouterr().out
    bad = write_roster_xlsx(
        tmp_path / "e.xlsx",
        [["x", 13911112222, "楼组长", "新凯五村", "香樟苑", 1, ""]],
        headers=DUTY_HEADERS,
    )
    with pytest.raises(CommandError):
        call_command("import", "duties", str(bad), town="泗泾镇")


def test_volunteers_from_a_gb18030_csv_as_excel_saves_it(grid, tmp_path):
    path = write_roster_csv(tmp_path / "v.csv", volunteer_rows(grid), headers=VOLUNTEER_HEADERS)
    result = import_file("volunteers", path, grid)
    assert result.ok and result.created == 4, result.as_text()
