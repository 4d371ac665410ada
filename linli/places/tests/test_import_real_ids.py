"""`linli import residents` with rosters written by hand here, holding real ID numbers whose
check digits were worked by hand (see linli/core/tests/test_validators.py), not made by any
generator of the project's."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from linli.places.models import Resident

CSV = """\
居委,小区,楼栋,室号,姓名,性别,身份证号,手机号,出生日期
新凯五村,香樟苑,5,101,周淑珍,女,11010519491231002X,13012345678,
新凯五村,香樟苑,5,101,吴建华,男,310117196808210039,+86 177 1234 5678,
新凯五村,香樟苑,5,102,钱志强,,440305199912310871,19912345678,
新凯五村,香樟苑,5,102,孙晓燕,,310115200002290048,14512345678,
新凯五村,香樟苑,5,201,郑桂英,,110105491231002,,
新凯五村,香樟苑,5,201,冯德明,,,166-1234-5678,2000年2月29日
"""


def run(path: str) -> str:
    out = StringIO()
    call_command("import", "residents", path, "--town", "泗泾镇", stdout=out)
    return out.getvalue()


def test_a_csv_of_real_id_numbers_imports(scenario, tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    report = run(str(path))
    assert "已导入" in report and "新增6" in report, report
    got = {
        r.name: (r.id_number, r.gender, r.birth_date, r.phone)
        for r in Resident.objects.filter(household__building__name="5号楼")
    }
    assert got == {
        "周淑珍": ("11010519491231002X", "F", dt.date(1949, 12, 31), "13012345678"),
        "吴建华": ("310117196808210039", "M", dt.date(1968, 8, 21), "17712345678"),
        "钱志强": ("440305199912310871", "M", dt.date(1999, 12, 31), "19912345678"),
        "孙晓燕": ("310115200002290048", "F", dt.date(2000, 2, 29), "14512345678"),
        "郑桂英": ("110105491231002", "F", dt.date(1949, 12, 31), ""),
        "冯德明": (None, "", dt.date(2000, 2, 29), "16612345678"),
    }
    assert "15位旧身份证号" in report


def test_an_xlsx_as_a_clerk_types_it_imports(scenario, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["香樟苑 6号楼 居民登记表"])
    ws.append(["序号", "居民区", "小区", "楼号", "房号", "姓名", "身份证号码", "联系电话"])
    ws.append([1, "新凯五村", "香樟苑", 6, 101, "蒋玉兰", "31022819330101016x", 15912345678])
    ws.append([2, "新凯五村", "香樟苑", 6, 101, "沈国庆", "310104198808081190", "18012345678"])
    ws.append([3, "新凯五村", "香樟苑", 6, 102, "韩丽", "320102197311034529", 13912345678])
    wb.save(tmp_path / "6号楼.xlsx")
    report = run(str(tmp_path / "6号楼.xlsx"))
    assert "新增3" in report, report
    got = dict(
        Resident.objects.filter(household__building__name="6号楼").values_list("name", "id_number")
    )
    assert got == {
        "蒋玉兰": "31022819330101016X",
        "沈国庆": "310104198808081190",
        "韩丽": "320102197311034529",
    }


def test_a_wrong_check_digit_or_a_day_the_calendar_lacks_is_a_row_error(scenario, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "居委,小区,楼栋,室号,姓名,身份证号,出生日期\n"
        "新凯五村,香樟苑,7,101,甲,110105194912310021,\n"  # the example with a wrong last digit
        "新凯五村,香樟苑,7,101,乙,,1900-02-29\n",  # 1900 was not a leap year
        encoding="utf-8",
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "residents", str(path), "--town", "泗泾镇", stdout=out)
    report = out.getvalue()
    assert "第2行 [身份证号]: 身份证号校验位错误" in report
    assert "第3行 [出生日期]: 出生日期“1900-02-29”无法识别" in report
    assert not Resident.objects.filter(household__building__name="7号楼").exists()
