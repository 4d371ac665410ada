"""Validation of the values rosters carry: Chinese resident ID numbers and mobile numbers.

Errors carry Chinese and English together (`Problem`), because import reports are read by
clerks and sometimes forwarded to the developers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn.ric import calc_check_digit


@dataclass(frozen=True)
class Problem(Exception):
    """A bilingual reason something is wrong."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"


@dataclass(frozen=True)
class IdInfo:
    number: str  # normalised: 18 digits (X upper-case) or the 15-digit legacy form
    gender: str  # "M" or "F"
    birth_date: dt.date
    warning: Problem | None = None


_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def _birth(text: str) -> dt.date:
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise Problem(
            "身份证号中的出生日期无效", "the birth date in the ID number is invalid"
        ) from None
    if born > dt.date.today() or born.year < 1890:
        raise Problem("身份证号中的出生日期无效", "the birth date in the ID number is invalid")
    return born


def parse_id_number(raw: str) -> IdInfo:
    """Validate a GB 11643 ID number: check digit and birth date; the region is only a hint.

    The region check of python-stdnum is not used: it rejects codes of regions merged since,
    which elderly residents still carry.
    """
    value = raw.strip().upper().replace(" ", "")
    if _SCIENTIFIC.match(value) or (value.endswith(".0") and value[:-2].isdigit()):
        raise Problem(
            "身份证号被Excel存成了数字，末几位已丢失；请把该列设为“文本”后重新填写",
            "the ID number was stored as a number by Excel and its last digits were lost; "
            "set the column to text and enter the numbers again",
        )
    if _ID18.match(value):
        if calc_check_digit(value[:17]) != value[17]:
            raise Problem("身份证号校验位错误", "the ID number's check digit is wrong")
        born = _birth(value[6:14])
        return IdInfo(value, "M" if int(value[16]) % 2 else "F", born)
    if _ID15.match(value):
        born = _birth("19" + value[6:12])
        return IdInfo(
            value,
            "M" if int(value[14]) % 2 else "F",
            born,
            Problem(
                "15位旧身份证号，建议更新为18位",
                "a legacy 15-digit ID number; ask for the 18-digit one",
            ),
        )
    raise Problem(
        "身份证号应为18位（或15位旧号）", "an ID number has 18 digits (or 15 for the legacy form)"
    )


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits; numbers stored by Excel as 13812345678.0 are fine."""
    value = re.sub(r"[\s\-()（）]", "", str(raw))
    if value.endswith(".0"):
        value = value[:-2]
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not _MOBILE.match(value):
        raise Problem("手机号应为11位，以1开头", "a mobile number has 11 digits and starts with 1")
    return value
