"""Reading rosters: kinds of file, encodings, header rows, numbers Excel made of text, attacks."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from linli.core import spreadsheet
from linli.core.spreadsheet import Column, SpreadsheetError, cell_text, decode_text, read_rows
from linli.testing.rosters import (
    RESIDENT_HEADERS,
    convert_with_libreoffice,
    resident_rows,
    write_entity_xlsx,
    write_roster_csv,
    write_roster_xlsx,
    write_zip_bomb,
)

COLUMNS = [
    Column("committee", "居委", ("居民区", "村居委")),
    Column("building", "楼栋", ("楼号",), required=True),
    Column("room", "室号", ("房号", "门牌号")),
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号", ("身份证号码", "证件号码")),
    Column("phone", "手机号", ("联系电话", "电话")),
]


def first_row(table):
    return next(table.rows())


def test_numbers_excel_stored_as_numbers_come_back_as_their_digits():
    assert cell_text(13812345678.0) == "13812345678"
    assert cell_text(301) == "301"
    assert cell_text(2.5) == "2.5"
    assert cell_text(dt.datetime(1950, 3, 12)) == "1950-03-12"
    assert cell_text("  张三\u3000") == "张三"


def test_a_long_number_keeps_excels_scientific_form_so_the_lost_digits_are_reported():
    assert cell_text(310117194503121234.0) == "3.10117194503121E+17"
    assert cell_text(310117194503121234) == "3.10117194503121E+17"


def test_header_row_is_found_under_a_title_line_with_synonyms(tmp_path):
    path = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(2))
    table = read_rows(path, COLUMNS)
    sheet = table.sheets[0]
    assert sheet.header_row == 2
    assert sheet.describe()["mapping"] == {
        "居民区": "committee",
        "楼号": "building",
        "房号": "room",
        "姓名": "name",
        "身份证号码": "id_number",
        "联系电话": "phone",
    }
    assert "序号" in sheet.ignored
    row = first_row(table)
    assert row.number == 3
    assert row["phone"] == "13800000000"  # stored as a number in the file
    assert row["building"] == "1"


def test_headers_with_notes_spaces_and_asterisks_still_match(tmp_path):
    headers = ["* 姓 名", "楼栋（必填）", "身份证号码:"]
    path = write_roster_xlsx(tmp_path / "r.xlsx", [["张三", 1, "x"]], headers=headers, title=None)
    assert set(read_rows(path, COLUMNS).sheets[0].describe()["mapping"].values()) == {
        "name",
        "building",
        "id_number",
    }


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_encodings_are_detected_not_asked(tmp_path, encoding):
    path = write_roster_csv(
        tmp_path / "r.csv", resident_rows(1, committees=["泗泾镇新凯五村"]), encoding=encoding
    )
    row = first_row(read_rows(path, COLUMNS))
    assert row["committee"] == "泗泾镇新凯五村"
    assert row["name"] == resident_rows(1)[0][5]


def test_gb18030_bytes_are_not_mistaken_for_utf8():
    data = "姓名,楼栋\r\n张三,1\r\n".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data).startswith("姓名")


def test_xls_written_by_libreoffice_is_read(tmp_path):
    xls = convert_with_libreoffice(write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(3)), "xls")
    table = read_rows(xls, COLUMNS, file_name="r.xls")
    rows = list(table.rows())
    assert [r["id_number"] for r in rows] == [r[7] for r in resident_rows(3)]
    assert rows[0]["phone"] == "13800000000"
    assert rows[0].number == 3


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    bomb = write_zip_bomb(tmp_path / "bomb.xlsx", expanded_mb=256)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    monkeypatch.setattr(spreadsheet, "_workbook_rows", lambda path: pytest.fail("parsed a bomb"))
    with pytest.raises(SpreadsheetError, match="压缩炸弹"):
        read_rows(bomb, COLUMNS)


def test_a_zip_whose_sizes_lie_is_refused(tmp_path, monkeypatch):
    """A part declaring a small size but inflating to more fails its check before parsing."""
    honest = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(50))
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    data = bytearray(liar.read_bytes())
    # Shrink the declared size of the sheet in the central directory.
    with zipfile.ZipFile(liar) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(
        b"PK\x01\x02", 0, data.find(b"xl/worksheets/sheet1.xml", len(data) // 2) + 1
    )
    data[central + 24 : central + 28] = (info.file_size // 10).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    monkeypatch.setattr(spreadsheet, "_workbook_rows", lambda path: pytest.fail("parsed a liar"))
    with pytest.raises(SpreadsheetError, match="损坏"):
        read_rows(liar, COLUMNS)


def test_xml_with_doctype_and_entities_is_refused_before_parsing(tmp_path, monkeypatch):
    path = write_entity_xlsx(tmp_path / "lol.xlsx")
    monkeypatch.setattr(
        spreadsheet, "_workbook_rows", lambda path: pytest.fail("parsed the entities")
    )
    with pytest.raises(SpreadsheetError, match="DOCTYPE/ENTITY"):
        read_rows(path, COLUMNS)


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.LINLI_IMPORT_MAX_BYTES = 1024
    path = write_roster_csv(tmp_path / "r.csv", resident_rows(100))
    with pytest.raises(SpreadsheetError, match="文件超过0 MB"):
        read_rows(path, COLUMNS)


def test_a_file_over_the_row_limit_is_refused(tmp_path, settings):
    settings.LINLI_IMPORT_MAX_ROWS = 10
    path = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(11))
    with pytest.raises(SpreadsheetError, match="行数超过10行"):
        read_rows(path, COLUMNS)


def test_a_text_file_named_xlsx_is_refused(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("姓名,楼栋\n张三,1\n")
    with pytest.raises(SpreadsheetError, match="不是Excel表格"):
        read_rows(path, COLUMNS, file_name="r.xlsx")


def test_a_file_without_a_recognisable_header_is_refused(tmp_path):
    path = write_roster_csv(tmp_path / "r.csv", [["a", "b"]], headers=["foo", "bar"])
    with pytest.raises(SpreadsheetError, match="找不到表头行"):
        read_rows(path, COLUMNS)


def test_a_missing_required_column_is_named(tmp_path):
    path = write_roster_csv(tmp_path / "r.csv", [["张三", "x"]], headers=["姓名", "身份证号"])
    with pytest.raises(SpreadsheetError, match="缺少必需的列：楼栋"):
        read_rows(path, COLUMNS)


def test_map_overrides_and_ignores_headers(tmp_path):
    headers = ["姓名", "单元", "电话"]
    path = write_roster_csv(tmp_path / "r.csv", [["张三", "5", "13812345678"]], headers=headers)
    table = read_rows(path, COLUMNS, mapping={"单元": "building", "电话": "-"})
    row = first_row(table)
    assert row["building"] == "5" and row["phone"] == ""
    with pytest.raises(SpreadsheetError, match="不是可用的字段"):
        read_rows(path, COLUMNS, mapping={"单元": "floor"})


def test_rows_keep_their_sheet_row_numbers_across_blank_lines(tmp_path):
    rows = [*resident_rows(1), [None] * len(RESIDENT_HEADERS), *resident_rows(1, start=1)]
    table = read_rows(write_roster_xlsx(tmp_path / "r.xlsx", rows), COLUMNS)
    assert [r.number for r in table.rows()] == [3, 5]
