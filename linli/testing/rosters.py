"""Rosters made the way users' tools make them, for import tests and the import benchmark.

Excel (openpyxl) with a title line above the header and numbers stored as numbers; csv in
GB18030 (Excel on Chinese Windows) or UTF-8 with BOM; .xls converted by LibreOffice; and the
hostile files an import must refuse (a zip bomb, XML with an ENTITY declaration).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from linli.core.validators import id_check_digit

# Headers as committees write them: synonyms, not the canonical labels.
RESIDENT_HEADERS = [
    "序号",
    "居民区",
    "小区",
    "楼号",
    "房号",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "特殊人群",
    "备注",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国玉兰志红"


def make_id_number(region: str = "310117", birth: str = "19450312", seq: int = 123) -> str:
    """A valid 18-digit ID number (as linli.testing.scenario's; this module needs no Django)."""
    body = f"{region}{birth}{seq:03d}"
    return body + id_check_digit(body)


TAGS = ["独居老人", "高龄老人", "慢性病", "残疾人", "血透", "孕产妇"]


def resident_rows(
    n: int,
    *,
    committees: Sequence[str] = ("新凯五村", "丽水"),
    per_building: int = 60,
    start: int = 0,
) -> list[list[Any]]:
    """n valid resident rows (serial, committee, compound, building, room, name, gender, ID,
    phone, care tags, notes), with values typed as Excel would hold them: building and room
    numbers and phone numbers as numbers."""
    rows: list[list[Any]] = []
    for i in range(start, start + n):
        committee = committees[i % len(committees)]
        block = i // per_building
        compound = f"{committee}{block // 40 + 1}期"
        building = block % 40 + 1
        room = 101 + (i % per_building) // 3 + ((i % per_building) // 12) * 88
        birth = f"{1930 + i % 75}{(i % 12) + 1:02d}{(i % 28) + 1:02d}"
        seq = (i // 2100) % 1000
        region = f"31{(i % 2100) // 100 + 10:02d}{i % 100:02d}"
        id_number = make_id_number(region=region, birth=birth, seq=seq)
        gender = "男" if int(id_number[16]) % 2 else "女"
        name = (
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)]
        )
        phone = 13800000000 + i
        tags = (
            "、".join(TAGS[(i // 7) % len(TAGS) : (i // 7) % len(TAGS) + 1 + i % 2])
            if i % 7 == 0
            else ""
        )
        rows.append(
            [i + 1, committee, compound, building, room, name, gender, id_number, phone, tags, ""]
        )
    return rows


def write_roster_xlsx(
    path: str | Path,
    rows: Iterable[Sequence[Any]],
    *,
    headers: Sequence[str] = RESIDENT_HEADERS,
    title: str | None = "居民花名册（2022年4月）",
    fast: bool = False,
) -> Path:
    """An xlsx as a clerk's Excel holds it: a title line (merged) above the header, numbers as
    numbers. `fast` uses openpyxl's write-only mode (no merged title) for big files."""
    from openpyxl import Workbook

    wb = Workbook(write_only=fast)
    ws = wb.create_sheet("花名册") if fast else wb.active
    if not fast:
        ws.title = "花名册"
    if title:
        ws.append([title])
        if not fast:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return Path(path)


def write_roster_csv(
    path: str | Path,
    rows: Iterable[Sequence[Any]],
    *,
    headers: Sequence[str] = RESIDENT_HEADERS,
    encoding: str = "gb18030",
) -> Path:
    """A csv as Excel saves it: GB18030 on Chinese Windows ("CSV (逗号分隔)"), or UTF-8 with a
    BOM ("CSV UTF-8"); CRLF line ends."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return Path(path)


def convert_with_libreoffice(source: str | Path, to: str = "xls") -> Path:
    """Convert a file with headless LibreOffice (as a clerk's "Save as" would), in a temp HOME."""
    source = Path(source)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home}
        subprocess.run(  # noqa: S603
            [
                shutil.which("libreoffice") or "/usr/bin/libreoffice",
                f"-env:UserInstallation=file://{home}/profile",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(source.parent),
                str(source),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=180,
        )
    return source.with_suffix(f".{to}")


def write_zip_bomb(path: str | Path, expanded_mb: int = 2048) -> Path:
    """An xlsx-shaped zip whose sheet XML inflates to `expanded_mb` MB from a few MB."""
    path = Path(path)
    chunk = b"<row><c><v>0</v></c></row>" * 40_000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(expanded_mb * 1024 * 1024 // len(chunk)):
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return path


def write_entity_xlsx(path: str | Path) -> Path:
    """A real xlsx whose sheet XML carries a DOCTYPE with entities ("billion laughs")."""
    path = Path(path)
    plain = path.with_name(path.stem + "-plain.xlsx")
    write_roster_xlsx(plain, resident_rows(2))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if text.startswith("<?xml"):
                    text = text.split("?>", 1)[1]
                data = (laughs + text.replace("<t>姓名</t>", "<t>&lol3;</t>")).encode()
            dst.writestr(info, data)
    plain.unlink()
    return path
