"""Validation of the values rosters carry: Chinese resident ID numbers and mobile numbers.

Errors carry Chinese and English together (`Problem`): commands print both, pages show the one
of the page's language (`Problem.text()`, `in_language()`).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from operator import mul


@dataclass(frozen=True)
class Problem(Exception):
    """A bilingual reason something is wrong."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"

    def text(self) -> str:
        """The reason in the active language: Chinese, or English on an English page."""
        return in_language(self.zh, self.en)


def in_language(zh: str, en: str) -> str:
    """`zh` or `en`, whichever the active language is (Chinese unless it is English)."""
    from django.utils.translation import get_language

    return en if (get_language() or "").startswith("en") else zh


@dataclass(frozen=True, slots=True)
class IdInfo:
    number: str  # normalised: 18 digits (X upper-case) or the 15-digit legacy form
    gender: str  # "M" or "F"
    birth_date: dt.date
    warning: Problem | None = None


# The values of the example rows of import templates: the ID number GB 11643 itself gives as
# its example, and the number phone makers print as theirs.
EXAMPLE_ID_NUMBER = "11010519491231002X"
EXAMPLE_PHONE = "13800138000"

_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$")
_LAST = frozenset("0123456789Xx")
_ODD = frozenset("13579")
# Chinese input methods in full-width mode type ０-９, Ｘ, ＋ and the ideographic space.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘＥｅ＋－．（）\u3000", "0123456789XxEe+-.() ")

# GB 11643-1999 check digit (ISO 7064 MOD 11-2): weight 2**(18-i) mod 11 for the i-th of the 17
# digits; the weighted sum modulo 11, 0..10, names the 18th character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
# The digits are summed as their ASCII bytes (an import checks 100,000 numbers): each byte is
# its digit plus ord("0"), so the sum is ord("0") * sum(ID_WEIGHTS) too large.
_ZEROS = ord("0") * sum(ID_WEIGHTS)


def id_check_digit(body: str) -> str:
    """The 18th character of an ID number from its first 17 digits (GB 11643-1999)."""
    digits = body.encode()
    if len(digits) != 17 or not digits.isdigit():
        raise ValueError(f"an ID number's body is 17 digits, not {body!r}")
    return ID_CHECK_CHARACTERS[(sum(map(mul, digits, ID_WEIGHTS)) - _ZEROS) % 11]


_today = dt.date.min
_tomorrow_starts = 0.0


def today() -> dt.date:
    """Today's local date, read from the calendar once a day: an import checks 100,000 birth
    dates, and `date.today()` costs more than the rest of the check."""
    global _today, _tomorrow_starts
    if time.time() >= _tomorrow_starts:
        _today = dt.date.today()
        midnight = dt.datetime.combine(_today + dt.timedelta(days=1), dt.time())
        _tomorrow_starts = midnight.timestamp()
    return _today


@lru_cache(maxsize=65_536)
def _calendar_date(text: str) -> dt.date | None:
    """YYYYMMDD as a date, None when the calendar has no such day (a roster repeats dates)."""
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _birth(text: str) -> dt.date:
    born = _calendar_date(text)
    if born is None or born.year < 1890 or born > today():
        raise Problem("身份证号中的出生日期无效", "the birth date in the ID number is invalid")
    return born


def parse_id_number(raw: str) -> IdInfo:
    """Validate a GB 11643 ID number: check digit and birth date; the region is only a hint.

    The region is not checked (python-stdnum's table would do it): it would reject codes of
    regions merged since, which elderly residents still carry.
    """
    # The common case first, without regular expressions: 18 ASCII characters, 17 digits.
    if len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in _LAST:
        value = raw if raw[17] != "x" else raw[:17] + "X"
    else:
        value = raw.translate(_FULL_WIDTH).strip().upper().replace(" ", "")
        if _SCIENTIFIC.match(value) or (value.endswith(".0") and value[:-2].isdigit()):
            raise Problem(
                "身份证号被Excel存成了数字，末几位已丢失；请把该列设为“文本”后重新填写",
                "the ID number was stored as a number by Excel and its last digits were lost; "
                "set the column to text and enter the numbers again",
            )
        if _ID15.match(value):
            return IdInfo(
                value,
                "M" if value[14] in _ODD else "F",
                _birth("19" + value[6:12]),
                Problem(
                    "15位旧身份证号，建议更新为18位",
                    "a legacy 15-digit ID number; ask for the 18-digit one",
                ),
            )
        if not _ID18.match(value):
            raise Problem(
                "身份证号应为18位（或15位旧号）",
                "an ID number has 18 digits (or 15 for the legacy form)",
            )
    if id_check_digit(value[:17]) != value[17]:
        raise Problem("身份证号校验位错误", "the ID number's check digit is wrong")
    # The 17th digit is odd for men, even for women.
    return IdInfo(value, "M" if value[16] in _ODD else "F", _birth(value[6:14]))


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits; numbers stored by Excel as 13812345678.0 are fine."""
    value = re.sub(r"[\s\-()（）]", "", str(raw).translate(_FULL_WIDTH))
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


def parse_day(text: str | dt.date | None) -> dt.date | None:
    """A day given as YYYY-MM-DD (a command's --date, a page's ?date=), None when empty; any
    other text is a Problem, never a guess."""
    if text is None or isinstance(text, dt.date):
        return text
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Problem(
            f"日期格式应为 YYYY-MM-DD：{text}", f"a date is YYYY-MM-DD: {text!r}"
        ) from None
