"""The validators against values no project code produced: the standard's published examples,
numbers whose check digits were worked by hand, published mobile prefixes and the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.validators import (
    Problem,
    id_check_digit,
    normalise_phone,
    parse_id_number,
    today,
)

# -- ID numbers (GB 11643-1999, check digit by ISO 7064 MOD 11-2) ---------------------------------

# (number, gender, birth date). The check digits were worked by hand with the weights
# 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and the table 0..10 → 1 0 X 9 8 7 6 5 4 3 2:
#
# 11010519491231002X, the standard's own example:
#   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8
#   + 0·4 + 2·2 = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 = 15·11 + 2 → "X"
# 310117196808210039:
#   3·7 + 1·9 + 0·10 + 1·5 + 1·8 + 7·4 + 1·2 + 9·1 + 6·6 + 8·3 + 0·7 + 8·9 + 2·10 + 1·5 + 0·8
#   + 0·4 + 3·2 = 21+9+0+5+8+28+2+9+36+24+0+72+20+5+0+0+6 = 245; 245 = 22·11 + 3 → "9"
# 440305199912310871:
#   28+36+0+15+0+20+2+9+54+27+7+18+30+5+0+32+14 = 297; 297 = 27·11 + 0 → "1"
# 310104198808081190:
#   21+9+0+5+0+16+2+9+48+24+0+72+0+40+8+4+18 = 276; 276 = 25·11 + 1 → "0"
REAL_NUMBERS = [
    ("11010519491231002X", "F", dt.date(1949, 12, 31)),
    ("310117196808210039", "M", dt.date(1968, 8, 21)),
    ("440305199912310871", "M", dt.date(1999, 12, 31)),
    ("310104198808081190", "M", dt.date(1988, 8, 8)),
    ("310104198506151237", "M", dt.date(1985, 6, 15)),  # sum 236, remainder 5 → "7"
    ("320102197311034529", "F", dt.date(1973, 11, 3)),  # sum 201, remainder 3 → "9"
    ("31022819330101016X", "F", dt.date(1933, 1, 1)),  # sum 156, remainder 2 → "X"
    ("310115200002290048", "F", dt.date(2000, 2, 29)),  # sum 158, remainder 4 → "8"; leap day
    ("310115199602292463", "F", dt.date(1996, 2, 29)),  # sum 273, remainder 9 → "3"; leap day
]


@pytest.mark.parametrize(("number", "gender", "born"), REAL_NUMBERS)
def test_real_id_numbers_are_accepted_with_gender_and_birth_date(number, gender, born):
    info = parse_id_number(number)
    assert (info.number, info.gender, info.birth_date, info.warning) == (number, gender, born, None)
    assert id_check_digit(number[:17]) == number[17]


@pytest.mark.parametrize(("number", "gender", "born"), REAL_NUMBERS)
def test_every_other_check_character_is_refused(number, gender, born):
    for wrong in "0123456789X".replace(number[17], ""):
        with pytest.raises(Problem, match="校验位"):
            parse_id_number(number[:17] + wrong)


def test_the_standards_second_example_has_a_right_check_digit_but_an_implausible_birth():
    """GB 11643-1999's other example, 440524188001010014 (born 1880-01-01): 28+36+0+25+16+16+2+8
    +48+0+0+9+0+5+0+0+2 = 195 = 17·11 + 8 → "4". Nobody born before 1890 is on a roster."""
    assert id_check_digit("44052418800101001") == "4"
    with pytest.raises(Problem, match="出生日期"):
        parse_id_number("440524188001010014")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        (" 110105 19491231 002X ", "11010519491231002X"),  # spaces
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width IME input
        ("３１０１１７１９６８０８２１００３９", "310117196808210039"),
    ],
)
def test_id_numbers_are_normalised_to_ascii_digits_and_capital_x(typed, stored):
    assert parse_id_number(typed).number == stored


def reference_is_valid(number: str) -> bool:
    """ISO 7064 MOD 11-2 as the standard states it, independently of the project: with the
    check character worth 10 for X, the sum of a_i · 2^(18-i) over all 18 positions is 1 mod 11."""
    values = [10 if c == "X" else int(c) for c in number]
    return sum(a * pow(2, 17 - i, 11) for i, a in enumerate(values)) % 11 == 1


def reference_check_character(body: str) -> str:
    return next(c for c in "0123456789X" if reference_is_valid(body + c))


@given(
    region=st.from_regex(r"\A[1-8][0-9]{5}\Z"),
    born=st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date.today()),
    serial=st.integers(min_value=0, max_value=999),
    last=st.sampled_from("0123456789X"),
)
def test_the_check_agrees_with_an_independent_mod_11_2(region, born, serial, last):
    number = f"{region}{born:%Y%m%d}{serial:03d}{last}"
    try:
        info = parse_id_number(number)
    except Problem:
        assert not reference_is_valid(number)
    else:
        assert reference_is_valid(number)
        assert info.birth_date == born
        assert info.gender == ("M" if serial % 2 else "F")
    assert id_check_digit(number[:17]) == reference_check_character(number[:17])


def test_the_reference_itself_accepts_the_published_example():
    assert reference_is_valid("11010519491231002X")
    assert not reference_is_valid("110105194912310021")


@pytest.mark.parametrize(
    "birth",
    [
        "19000229",  # 1900 is not a leap year (divisible by 100, not by 400)
        "20230229",
        "20230431",  # April has 30 days
        "19681301",
        "19680800",
        "18891231",  # before 1890: nobody alive
        "20991231",  # in the future
    ],
)
def test_birth_dates_the_calendar_or_the_clock_refuse(birth):
    body = f"310117{birth}003"
    with pytest.raises(Problem, match="出生日期"):
        parse_id_number(body + reference_check_character(body))


def test_a_birth_date_of_today_is_accepted_and_tomorrow_is_not():
    assert today() == dt.date.today()
    for born, ok in [(today(), True), (today() + dt.timedelta(days=1), False)]:
        body = f"310117{born:%Y%m%d}004"
        number = body + reference_check_character(body)
        if ok:
            assert parse_id_number(number).birth_date == born
        else:
            with pytest.raises(Problem):
                parse_id_number(number)


@pytest.mark.parametrize(
    ("number", "gender", "born"),
    [
        ("310104850615123", "M", dt.date(1985, 6, 15)),
        ("310104960229124", "F", dt.date(1996, 2, 29)),  # legacy numbers are 19YYMMDD
        ("110105491231002", "F", dt.date(1949, 12, 31)),
    ],
)
def test_legacy_15_digit_numbers_are_accepted_with_a_warning(number, gender, born):
    info = parse_id_number(number)
    assert (info.number, info.gender, info.birth_date) == (number, gender, born)
    assert info.warning is not None and "15位" in info.warning.zh


def test_a_legacy_number_born_on_a_day_1900_did_not_have_is_refused():
    with pytest.raises(Problem, match="出生日期"):
        parse_id_number("310104000229123")  # 1900-02-29


@pytest.mark.parametrize(
    "value",
    ["3.10117196808210E+17", "3.10117196808210e17", "310117196808210039.0", "1.10105E+17"],
)
def test_numbers_excel_mangled_say_so(value):
    with pytest.raises(Problem, match="Excel"):
        parse_id_number(value)


@pytest.mark.parametrize(
    "value", ["", "11010519491231002", "1101051949123100211", "11010519491231002Y", "身份证"]
)
def test_wrong_lengths_and_letters_are_refused(value):
    with pytest.raises(Problem, match="18位"):
        parse_id_number(value)


# -- mobile numbers -----------------------------------------------------------------------------

# Prefixes of the MIIT numbering plan in use by China Mobile, Unicom, Telecom, Broadnet and the
# virtual operators (170/171), including data-only ranges (145, 147, 149).
PUBLISHED_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "149",
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167",
    "170", "171", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185",
    "186", "187", "188", "189", "190", "191", "192", "193", "195", "196", "197", "198", "199",
]  # fmt: skip


@pytest.mark.parametrize("prefix", PUBLISHED_PREFIXES)
def test_every_published_mobile_prefix_is_accepted(prefix):
    assert normalise_phone(f"{prefix}12345678") == f"{prefix}12345678"


@pytest.mark.parametrize(
    "typed",
    [
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "(+86)13812345678",
        "0086 13812345678",
        "8613812345678",
        "138-1234-5678",
        "138 1234 5678",
        "13812345678.0",  # stored by Excel as a number
        "１３８１２３４５６７８",  # full-width IME input
        "（＋８６）１３８ １２３４ ５６７８",
    ],
)
def test_mobile_numbers_as_people_write_them(typed):
    assert normalise_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        "12345678901",  # 12x is no mobile range
        "11012345678",
        "10086",  # a service number
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "021-57601234",  # a Shanghai landline
        "13812345678 13912345678",
        "1.38123E+10",
    ],
)
def test_what_is_not_a_mainland_mobile_number_is_refused(typed):
    with pytest.raises(Problem, match="手机号"):
        normalise_phone(typed)
