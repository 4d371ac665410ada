"""Reading rosters as users' tools write them: xlsx, xls and csv, into rows keyed by column.

- The kind of file is told by its first bytes, not its name: a zip is an xlsx (checked for zip
  bombs and XML DOCTYPE/ENTITY attacks *before* calamine parses it), an OLE2 file is an xls,
  anything else is csv text in UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030 (what
  Excel on Chinese Windows writes), detected, not asked.
- The header row is found, not assumed: the first rows are scored by how many cells match an
  importer's column labels and synonyms, so a title line ("新凯五村居民花名册") above it is fine.
- Cells come back as text: numbers Excel stored as numbers (13812345678.0) become "13812345678";
  a number too long to be exact (an 18-digit ID number) keeps Excel's scientific form
  ("3.10117194503121E+17") so that the ID check reports the "set the column to text" problem.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from linli.core.validators import Problem

HEADER_SCAN_ROWS = 30
MAX_ZIP_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 300  # deflate tops out near 1,000; real sheets sit well under 100
_CHUNK = 1024 * 1024
_XML_ATTACKS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_XML_ATTACKS_UTF16 = tuple(m.decode().encode("utf-16-le") for m in _XML_ATTACKS[:2])
_EXACT_FLOAT = 2**53


class SpreadsheetError(Problem):
    """The file as a whole cannot be read (too large, not a spreadsheet, an attack, no header)."""


@dataclass(frozen=True)
class Column:
    """A column an importer reads: its field name, Chinese label, header synonyms, and the
    value of the example row of the kind's template (`linli.core.import_template`)."""

    name: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    example: str = ""

    @property
    def example_text(self) -> str:
        return self.example or f"（{self.label}）"

    def headers(self) -> set[str]:
        return {normalise_header(h) for h in (self.label, self.name, *self.synonyms)}


class Row:
    """One data row: column name → text ("" when empty), with its place in the file."""

    __slots__ = ("column", "number", "raw", "sheet", "values", "warnings")

    def __init__(self, sheet: str, number: int, values: dict[str, str], raw: list[Any]) -> None:
        self.sheet = sheet
        self.number = number
        self.values = values
        self.raw = raw
        self.warnings: list[Problem] = []
        self.column: str | None = None

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)

    def clean(self, name: str, label: str, check: Any) -> Any:
        """`check(self[name])`, naming the column in the report if it raises a Problem."""
        try:
            return check(self.values.get(name, ""))
        except Problem:
            self.column = label
            raise

    def __repr__(self) -> str:
        return f"Row({self.sheet!r}, {self.number}, {self.values!r})"


@dataclass
class SheetData:
    """One sheet with a recognised header row."""

    name: str
    header_row: int  # 1-based, as the spreadsheet shows it
    headers: list[str]
    columns: list[tuple[int, str]]  # (column index, field name)
    ignored: list[str]
    data: list[tuple[int, list[Any]]]  # (row number, raw cells)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "header_row": self.header_row,
            "mapping": {self.headers[i]: name for i, name in self.columns},
            "ignored": self.ignored,
            "rows": len(self.data),
        }


@dataclass
class Table:
    """The sheets of a file that hold a roster, read and mapped."""

    sheets: list[SheetData] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(len(s.data) for s in self.sheets)

    def rows(self) -> Iterator[Row]:
        for sheet in self.sheets:
            cols = sheet.columns
            for number, raw in sheet.data:
                width = len(raw)
                values = {}
                for i, name in cols:
                    value: Any = raw[i] if i < width else ""
                    # The common cases inline (text, whole numbers): this runs for every cell.
                    if type(value) is str:
                        values[name] = value.strip(_STRIP)
                    elif type(value) is float and value.is_integer() and abs(value) < _EXACT_FLOAT:
                        values[name] = str(int(value))
                    else:
                        values[name] = cell_text(value)
                yield Row(sheet.name, number, values, raw)

    def release(self) -> None:
        """Drop the cells once checked (bad rows keep theirs, for the rejects file)."""
        for sheet in self.sheets:
            sheet.data = []

    def union_headers(self) -> list[str]:
        seen: dict[str, None] = {}
        for sheet in self.sheets:
            for h in sheet.headers:
                if h:
                    seen.setdefault(h, None)
        return list(seen)

    def cells_by_union_header(self, row: Row) -> list[str]:
        sheet = next(s for s in self.sheets if s.name == row.sheet)
        by_header = {
            h: cell_text(row.raw[i]) if i < len(row.raw) else ""
            for i, h in enumerate(sheet.headers)
            if h
        }
        return [by_header.get(h, "") for h in self.union_headers()]


# -- values -------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_STRIP = " \t\r\n\v\f\u3000\u00a0\u200b\ufeff"


def cell_text(value: Any) -> str:
    """A cell as text, with numbers Excel stored as numbers turned back into their digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(_STRIP)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value) if abs(value) < _EXACT_FLOAT else _scientific(float(value))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)) if abs(value) < _EXACT_FLOAT else _scientific(value)
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _scientific(value: float) -> str:
    """Excel's display of a long number: 3.10117194503121E+17 (digits beyond 15 are lost)."""
    mantissa, exponent = f"{value:.14E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"


def normalise_header(text: Any) -> str:
    """Header text compared loosely: no spaces, asterisks or colons, ASCII lower-case."""
    value = _SPACES.sub("", cell_text(text)).replace("*", "").replace("＊", "")
    return value.rstrip(":：").lower()


_BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")


def _match_header(text: str, lookup: dict[str, str]) -> str | None:
    key = normalise_header(text)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    # "身份证号（必填）", "手机号(选填)": try again without the bracketed note.
    bare = _BRACKETED.sub("", key)
    return lookup.get(bare) if bare else None


# -- the file -----------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "LINLI_IMPORT_MAX_ROWS", 500_000))


def sniff_kind(path: Path) -> str:
    """'xlsx' (any zip), 'xls' (OLE2) or 'csv', from the first bytes."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return "csv"


def check_size(path: Path) -> None:
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        mb = limit // (1024 * 1024)
        raise SpreadsheetError(
            f"文件超过{mb} MB，请拆分后再导入", f"the file is larger than {mb} MB; split it"
        )
    if size == 0:
        raise SpreadsheetError("文件是空的", "the file is empty")


def check_zip(path: Path) -> None:
    """Refuse zip bombs and XML with a DOCTYPE/ENTITY before any XML parser sees the file.

    Declared sizes are checked first (cheap); then every XML part is streamed through zlib,
    which stops at the declared size (a part that inflates beyond it fails its CRC), and
    scanned for DOCTYPE/ENTITY, which spreadsheet XML never has.
    """
    bomb = SpreadsheetError(
        "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝",
        "the file expands to an abnormal size (a zip bomb); refused",
    )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise bomb
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNPACKED_BYTES or (
                    info.file_size > 1024 * 1024 and ratio > MAX_RATIO
                ):
                    raise bomb
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _scan_xml(zf, info)
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            "文件已损坏，或不是Excel文件", "the file is damaged or not an Excel file"
        ) from None
    except (NotImplementedError, RuntimeError):  # encrypted or an unknown compression
        raise SpreadsheetError(
            "文件已加密或格式不受支持，请另存为普通的.xlsx",
            "the file is encrypted or of an unsupported kind; save it as a plain .xlsx",
        ) from None


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(m in window for m in _XML_ATTACKS) or any(
                m in window for m in _XML_ATTACKS_UTF16
            ):
                raise SpreadsheetError(
                    "文件含有DOCTYPE/ENTITY声明（可能是XML攻击），已拒绝",
                    "the file holds a DOCTYPE/ENTITY declaration (an XML attack); refused",
                )
            tail = chunk[-24:]


def decode_text(data: bytes) -> str:
    """CSV bytes as text: BOM first, then UTF-8, then GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "无法识别文件的文字编码；请用Excel另存为.xlsx",
            "the text encoding is not UTF-8 or GB18030; save as .xlsx",
        ) from None


def _csv_rows(path: Path) -> list[tuple[str, list[list[Any]]]]:
    text = decode_text(path.read_bytes())
    if "\x00" in text[:4096]:
        raise SpreadsheetError(
            "文件不是表格或文本文件", "the file is neither a spreadsheet nor text"
        )
    sample = text[:8192]
    delimiter = max((",", "\t", ";"), key=lambda d: sample.count(d))
    rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return [("", rows)]


def _workbook_rows(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    limit = max_rows()
    sheets: list[tuple[str, list[list[Any]]]] = []
    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            for index, meta in enumerate(wb.sheets_metadata):
                if meta.visible != SheetVisibleEnum.Visible:
                    continue
                sheet = wb.get_sheet_by_index(index)
                if sheet.total_height > limit + HEADER_SCAN_ROWS:
                    raise _too_many_rows(limit)
                sheets.append((meta.name, sheet.to_python(skip_empty_area=False)))
    except SpreadsheetError:
        raise
    except (CalamineError, ValueError, OSError) as exc:
        raise SpreadsheetError(
            "无法读取该表格文件，请用Excel另存为.xlsx后再试",
            f"the spreadsheet cannot be read ({type(exc).__name__}); save it as .xlsx",
        ) from None
    return sheets


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"行数超过{limit:,}行，请拆分后再导入", f"more than {limit:,} rows; split the file"
    )


def _find_header(rows: list[list[Any]], lookup: dict[str, str]) -> tuple[int, int]:
    """(row index, score) of the row whose cells match the most columns."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len({f for c in row if (f := _match_header(c, lookup)) and f != "-"})
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def read_rows(
    path: str | Path,
    columns: Sequence[Column],
    *,
    mapping: dict[str, str] | None = None,
    file_name: str = "",
) -> Table:
    """Read a file's roster sheets. `mapping` maps a source header to a column name (or label);
    map a header to "-" to ignore it."""
    path = Path(path)
    check_size(path)
    kind = sniff_kind(path)
    lower = file_name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")) and kind == "csv":
        raise SpreadsheetError(
            "文件扩展名是Excel，但内容不是Excel表格",
            "the file is named as a spreadsheet but is not one",
        )
    if kind == "xlsx":
        check_zip(path)
    raw_sheets = _workbook_rows(path) if kind != "csv" else _csv_rows(path)

    lookup: dict[str, str] = {}
    for col in columns:
        for h in col.headers():
            lookup.setdefault(h, col.name)
    by_label = {normalise_header(c.label): c.name for c in columns} | {
        c.name: c.name for c in columns
    }
    for source, target in (mapping or {}).items():
        target_key = normalise_header(target)
        if target_key in ("-", ""):
            lookup[normalise_header(source)] = "-"
            continue
        if target_key not in by_label:
            names = "、".join(f"{c.label}={c.name}" for c in columns)
            raise SpreadsheetError(
                f"--map 中的“{target}”不是可用的字段：{names}", f"--map: {target!r} is not a field"
            )
        lookup[normalise_header(source)] = by_label[target_key]

    table = Table()
    limit = max_rows()
    for name, rows in raw_sheets:
        header_index, score = _find_header(rows, lookup)
        if score < min(2, len(columns)):
            if any(any(cell_text(c) for c in r) for r in rows[:HEADER_SCAN_ROWS]):
                table.skipped_sheets.append(name)
            continue
        headers = [cell_text(h) for h in rows[header_index]]
        mapped: list[tuple[int, str]] = []
        taken: set[str] = set()
        ignored: list[str] = []
        for i, h in enumerate(headers):
            f = _match_header(h, lookup)
            if f and f != "-" and f not in taken:
                mapped.append((i, f))
                taken.add(f)
            elif h:
                ignored.append(h)
        data = [
            (index + 1, row)
            for index, row in enumerate(rows[header_index + 1 :], start=header_index + 1)
            if any(c is not None and c != "" for c in row)
        ]
        table.sheets.append(SheetData(name, header_index + 1, headers, mapped, ignored, data))
        if table.total_rows > limit:
            raise _too_many_rows(limit)

    if not table.sheets:
        expected = "、".join(c.label for c in columns)
        raise SpreadsheetError(
            f"找不到表头行；表头应包含：{expected}",
            f"no header row found; expected headers such as: {', '.join(c.name for c in columns)}",
        )
    for sheet in table.sheets:
        present = {f for _, f in sheet.columns}
        missing = [c for c in columns if c.required and c.name not in present]
        if missing:
            where = f"工作表“{sheet.name}”" if sheet.name else ""
            raise SpreadsheetError(
                f"{where}缺少必需的列：{'、'.join(c.label for c in missing)}",
                f"required columns missing: {', '.join(c.name for c in missing)}",
            )
    return table
