"""Importing residents with `linli import residents`, from files made as users' tools make them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from linli.core.models import AuditEntry
from linli.places.models import (
    Building,
    CareTag,
    Committee,
    Compound,
    Household,
    Resident,
    ResidentChange,
)
from linli.testing.rosters import (
    RESIDENT_HEADERS,
    convert_with_libreoffice,
    resident_rows,
    write_roster_csv,
    write_roster_xlsx,
)
from linli.testing.scenario import make_id_number


def run(*args: str) -> str:
    """`linli import ...` → its printed report; a failed import raises CommandError."""
    from io import StringIO

    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def run_failing(*args: str) -> tuple[str, CommandError]:
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", *args, stdout=out)
    return out.getvalue(), exc.value


def row(
    name,
    id_number="",
    *,
    committee="新凯五村",
    compound="香樟苑",
    building=3,
    room=301,
    gender="",
    phone="",
    tags="",
    notes="",
):
    return [1, committee, compound, building, room, name, gender, id_number, phone, tags, notes]


def test_messy_excel_roster_lands_with_places_created(scenario, tmp_path):
    """Title line, synonym headers, numbers stored as numbers: all fine."""
    path = write_roster_xlsx(
        tmp_path / "花名册.xlsx",
        [
            row(
                "孙悟空",
                make_id_number(birth="19500101", seq=111),
                phone=13812340001.0,
                tags="独居老人、高龄老人",
            ),
            row(
                "沙悟净",
                make_id_number(birth="19600101", seq=222),
                room=302,
                phone=13812340002,
                tags="血透；长期卧床",
            ),
        ],
    )
    report = run("residents", str(path), "--town", "泗泾镇")
    assert "表头在第2行" in report
    wukong = Resident.objects.get(name="孙悟空")
    assert wukong.phone == "13812340001"
    assert (wukong.gender, str(wukong.birth_date)) == ("M", "1950-01-01")
    assert wukong.name_initials == "swk"
    assert {t.name for t in wukong.care_tags.all()} == {"独居老人", "高龄老人"}
    assert wukong.household.room == "301" and wukong.household.building.name == "3号楼"
    assert wukong.household.building.compound == scenario.xiangzhang
    sha = Resident.objects.get(name="沙悟净")
    assert sha.gender == "F"
    new_tag = CareTag.objects.get(name="长期卧床")
    assert new_tag.town == scenario.town
    assert set(sha.care_tags.all()) == {CareTag.objects.get(town=None, name="血透"), new_tag}


def test_dry_run_lists_what_it_would_create_and_writes_nothing(scenario, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "r.xlsx",
        [
            row(
                "唐三藏",
                make_id_number(seq=333),
                committee="新桥村",
                compound="明华苑",
                building=1,
                tags="重点关注",
            )
        ],
    )
    before = (Resident.objects.count(), Committee.objects.count(), AuditEntry.objects.count())
    report = run("residents", str(path), "--town", "泗泾镇", "--dry-run")
    assert "将新增1" in report
    assert "新建居委 1个 (new 居委): 新桥村" in report
    assert "新桥村/明华苑" in report and "新桥村/明华苑/1号楼" in report
    assert "新建特殊人群标签 1个 (new 特殊人群标签): 重点关注" in report
    assert "试运行" in report
    assert (
        Resident.objects.count(),
        Committee.objects.count(),
        AuditEntry.objects.count(),
    ) == before


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_every_excel_encoding_is_detected(scenario, tmp_path, encoding):
    rows = resident_rows(5, committees=["新凯五村"])
    path = write_roster_csv(tmp_path / "r.csv", rows, encoding=encoding)
    run("residents", str(path), "--town", "泗泾镇")
    names = set(
        Resident.objects.filter(
            household__building__compound__name__startswith="新凯五村"
        ).values_list("name", flat=True)
    )
    assert names == {r[5] for r in rows}


def test_xls_saved_by_libreoffice_imports(scenario, tmp_path):
    rows = resident_rows(4, committees=["丽水"])
    xls = convert_with_libreoffice(write_roster_xlsx(tmp_path / "r.xlsx", rows), "xls")
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    report = run("residents", str(xls), "--town", "泗泾镇")
    assert "新增4" in report
    ids = set(
        Resident.objects.filter(id_number__in=[r[7] for r in rows]).values_list("phone", flat=True)
    )
    assert ids == {str(r[8]) for r in rows}


def test_one_bad_row_lands_nothing_and_the_report_names_it(scenario, tmp_path):
    rows = resident_rows(3, committees=["新凯五村"])
    rows[1][7] = rows[1][7][:-1] + ("0" if rows[1][7][-1] != "0" else "1")  # a wrong check digit
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    before = Resident.objects.count(), Household.objects.count(), Compound.objects.count()
    report, error = run_failing("residents", str(path), "--town", "泗泾镇")
    assert error.returncode == 1
    assert "第4行 [身份证号]: 身份证号校验位错误 (the ID number's check digit is wrong)" in report
    assert "未导入任何数据" in report
    assert (Resident.objects.count(), Household.objects.count(), Compound.objects.count()) == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_skip_bad_rows_lands_the_good_ones_and_writes_rejects_with_a_reason(scenario, tmp_path):
    rows = resident_rows(3, committees=["新凯五村"])
    rows[2][5] = ""  # no name
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    rejects = tmp_path / "bad.xlsx"
    report = run(
        "residents", str(path), "--town", "泗泾镇", "--skip-bad-rows", "--rejects", str(rejects)
    )
    assert "新增2" in report
    assert Resident.objects.filter(id_number__in=[r[7] for r in rows]).count() == 2
    sheet = CalamineWorkbook.from_path(str(rejects)).get_sheet_by_index(0).to_python()
    assert sheet[0][-1] == "错误原因 (reason)"
    assert sheet[0][2:-1] == RESIDENT_HEADERS
    assert len(sheet) == 2
    assert sheet[1][1] == "5"  # row 5 of the sheet: title, header, then rows 3, 4, 5
    assert sheet[1][9] == rows[2][7]  # the ID number kept as text, exactly
    assert sheet[1][-1].startswith("缺少姓名")


def test_skip_bad_rows_needs_a_rejects_file(scenario, tmp_path):
    path = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(1))
    _, error = run_failing("residents", str(path), "--town", "泗泾镇", "--skip-bad-rows")
    assert "--rejects" in str(error)


def test_duplicate_id_numbers_in_a_file_are_errors(scenario, tmp_path):
    rows = resident_rows(3, committees=["新凯五村"])
    rows[2][7] = rows[0][7]
    rows[2][6] = rows[0][6]
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    report, _ = run_failing("residents", str(path), "--town", "泗泾镇")
    assert "第5行 [身份证号]" not in report  # the duplicate is the row's problem, not a column's
    assert "第5行: 身份证号与第3行重复 (the same ID number as row 3)" in report


def test_reimporting_a_roster_changes_nothing(scenario, tmp_path):
    rows = resident_rows(30)
    rows[3][7] = ""  # one resident without ID number: matched on address and name
    rows[3][6] = "女"
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    first = run("residents", str(path), "--town", "泗泾镇")
    assert "新增30" in first
    counts = [
        m.objects.count() for m in (Resident, Household, Building, Compound, Committee, CareTag)
    ]
    links = Resident.care_tags.through.objects.count()
    updates = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count()
    second = run("residents", str(path), "--town", "泗泾镇")
    assert "新增0，更新0，不变30" in second
    assert [
        m.objects.count() for m in (Resident, Household, Building, Compound, Committee, CareTag)
    ] == counts
    assert Resident.care_tags.through.objects.count() == links
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count() == updates
    imports = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert imports.count() == 2
    assert imports.first().detail["unchanged"] == 30


def test_audit_entry_holds_counts_never_row_contents(scenario, tmp_path):
    rows = resident_rows(2, committees=["新凯五村"])
    path = write_roster_xlsx(tmp_path / "花名册.xlsx", rows)
    run("residents", str(path), "--town", "泗泾镇", "--user", "kaiwu")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.user == scenario.users["kaiwu"] and entry.town == scenario.town
    assert entry.detail["file"] == "花名册.xlsx" and entry.detail["created"] == 2
    text = f"{entry.summary} {entry.detail}"
    for r in rows:
        assert r[5] not in text and r[7] not in text and str(r[8]) not in text


def test_a_moved_resident_is_updated_with_history(scenario, tmp_path):
    zhang = scenario.residents["zhang"]
    path = write_roster_xlsx(
        tmp_path / "r.xlsx", [row("张三丰", zhang.id_number, building="2号楼", room=201)]
    )
    report = run("residents", str(path), "--town", "泗泾镇")
    assert "新增0，更新1" in report
    zhang.refresh_from_db()
    assert zhang.household == scenario.households["b2_201"]
    assert zhang.phone == "13812345678"  # an empty cell never blanks what is stored
    change = ResidentChange.objects.get(resident=zhang)
    assert change.from_household == scenario.households["b1_101"]


def test_id_stored_as_a_number_reports_the_excel_problem(scenario, tmp_path):
    id_number = make_id_number(seq=555)
    path = write_roster_xlsx(tmp_path / "r.xlsx", [row("白骨精", float(id_number[:17] + "0"))])
    report, _ = run_failing("residents", str(path), "--town", "泗泾镇")
    assert "身份证号被Excel存成了数字" in report
    assert "set the column to text" in report


def test_gender_contradicting_the_id_number_is_a_row_error(scenario, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "r.xlsx", [row("牛魔王", make_id_number(seq=111), gender="女")]
    )
    report, _ = run_failing("residents", str(path), "--town", "泗泾镇")
    assert "[性别]: 性别与身份证号不符" in report


def test_a_legacy_15_digit_id_is_accepted_with_a_warning(scenario, tmp_path):
    path = write_roster_xlsx(tmp_path / "r.xlsx", [row("老寿星", "310117301212123")])
    report = run("residents", str(path), "--town", "泗泾镇")
    assert "15位旧身份证号" in report
    assert Resident.objects.get(name="老寿星").birth_date.isoformat() == "1930-12-12"


def test_residents_without_id_numbers_match_on_address_and_name(scenario, tmp_path):
    rows = [
        row("无证人", "", gender="男", building="1号楼", room=101),
        row("无证人", "", gender="男", building="1号楼", room=102),
    ]
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    run("residents", str(path), "--town", "泗泾镇")
    assert Resident.objects.filter(name="无证人").count() == 2
    report = run("residents", str(path), "--town", "泗泾镇")
    assert "不变2" in report


def test_the_town_must_exist(scenario, tmp_path):
    path = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(1))
    _, error = run_failing("residents", str(path), "--town", "不存在镇")
    assert "不存在" in str(error)
    _, error = run_failing("residents", str(path), "--town", "不存在镇", "--create-town")
    assert "places only" in str(error)


def test_committee_staff_may_import_only_their_own_committee(scenario, tmp_path):
    rows = resident_rows(4)  # alternating 新凯五村 and 丽水
    path = write_roster_xlsx(tmp_path / "r.xlsx", rows)
    report, _ = run_failing("residents", str(path), "--town", "泗泾镇", "--user", "kaiwu")
    assert "第4行 [居委]: 不能导入到其他居委（丽水）" in report
    assert "第3行" not in report


def test_map_option_names_an_unusual_header(scenario, tmp_path):
    headers = [*RESIDENT_HEADERS]
    headers[3] = "幢号"
    path = write_roster_xlsx(
        tmp_path / "r.xlsx", resident_rows(2, committees=["新凯五村"]), headers=headers
    )
    report, _ = run_failing("residents", str(path), "--town", "泗泾镇")
    assert "缺少必需的列：楼栋" in report
    report = run("residents", str(path), "--town", "泗泾镇", "--map", "幢号=楼栋")
    assert "幢号→building" in report and "新增2" in report


def test_formula_like_cells_are_defused_in_the_rejects_file(scenario, tmp_path):
    rows = resident_rows(1, committees=["新凯五村"])
    rows[0][6] = '=HYPERLINK("http://x","男")'  # text in a csv; a formula when opened in Excel
    path = write_roster_csv(tmp_path / "r.csv", rows)
    rejects = tmp_path / "bad.xlsx"
    run_failing("residents", str(path), "--town", "泗泾镇", "--rejects", str(rejects))
    sheet = CalamineWorkbook.from_path(str(rejects)).get_sheet_by_index(0).to_python()
    assert sheet[1][8].startswith("'=HYPERLINK")
