"""What the screening importers share: reading times and dates, finding people by ID number
within the uploader's scope, the round named by --round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from linli.core.imports import SUGGESTED, Column, Importer
from linli.core.validators import EXAMPLE_ID_NUMBER, Problem, parse_id_number
from linli.places.models import Resident
from linli.screening.models import TestRound

ID_NUMBER = Column(
    "id_number", "身份证号", ("身份证号码", "身份证", "证件号码"), required=True,
    example=EXAMPLE_ID_NUMBER,
)  # fmt: skip
NAME = Column(
    "name", "姓名", ("被采样人", "受检者", "姓名（必填）"), required=True, example="张建国"
)
_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
)
FUTURE_SLACK = dt.timedelta(minutes=5)


def parse_when(
    text: str, *, day: dt.date | None = None, tz: dt.tzinfo | None = None
) -> dt.datetime:
    """A sheet's time as the town's wall clock: a date and time; a time alone is on `day`;
    a date alone (with no `day` to say otherwise) is noon. `tz`: the current time zone, given
    by a caller parsing many rows."""
    text = text.strip()
    tz = tz or timezone.get_current_timezone()
    if len(text) == 16 and text[4] == "-" and text[10] == " " and text[13] == ":":
        try:  # the common "2022-04-20 18:00" without strptime (a lab's file has 100,000)
            return dt.datetime(
                int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                int(text[14:16]), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    if day is not None:
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                clock = dt.datetime.strptime(text, fmt).time()
            except ValueError:
                continue
            return dt.datetime.combine(day, clock).replace(tzinfo=tz)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).replace(hour=12, tzinfo=tz)
        except ValueError:
            continue
    raise Problem(
        f"时间“{text}”无法识别，请写成 2022-04-20 10:30",
        f"cannot read the time {text!r}; write it as 2022-04-20 10:30",
    )


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise Problem(
            f"日期“{text}”应写成 2022-04-20", f"the date {text!r} should be YYYY-MM-DD"
        ) from None


@dataclass(frozen=True)
class Person:
    pk: int
    name: str
    building_id: int
    compound_id: int
    single_tube: bool


class PeopleMixin(Importer):
    """People by ID number in the uploader's scope (the town, or a clerk's committee): a
    person out of scope is "not found", never where they live."""

    def load_people(self, single_tube_tags: set[int] | None = None) -> None:
        people = Resident.objects.filter(town_id=self.town.pk).exclude(
            status=Resident.Status.DECEASED
        )
        if self.committee is not None:
            people = people.filter(household__building__compound__committee=self.committee)
        tagged: set[int] = set()
        if single_tube_tags:
            tagged = set(
                Resident.care_tags.through.objects.filter(
                    caretag_id__in=single_tube_tags, resident__town_id=self.town.pk
                ).values_list("resident_id", flat=True)
            )
        self.people: dict[str, Person] = {
            str(number): Person(pk, name, building, compound, pk in tagged)
            for pk, name, number, building, compound in people.filter(
                id_number__isnull=False
            ).values_list(
                "id",
                "name",
                "id_number",
                "household__building_id",
                "household__building__compound_id",
            )
        }

    def person(self, row: object) -> Person:
        from linli.core.spreadsheet import Row

        assert isinstance(row, Row)
        info = row.clean("id_number", ID_NUMBER.label, parse_id_number)
        found = self.people.get(info.number)
        if found is None:
            row.column = ID_NUMBER.label
            raise Problem(
                "在您的范围内的登记册中找不到此身份证号",
                "no resident with this ID number in your scope's registry",
            )
        if row["name"].strip().replace(" ", "") != found.name.replace(" ", ""):
            row.column = NAME.label
            raise Problem(
                "姓名与登记册中此身份证号的姓名不一致",
                "the name does not match the registry's name for this ID number",
            )
        return found


def find_round(town_id: int, name: str) -> TestRound | None:
    return TestRound.objects.filter(town_id=town_id, name=name.strip()).first()


def round_names(town_id: int, kind: str) -> list[str]:
    """The town's open and closed rounds of `kind`, newest first: what the upload page offers
    for --round."""
    rounds = TestRound.objects.filter(
        town_id=town_id, kind=kind, status__in=[TestRound.Status.OPEN, TestRound.Status.CLOSED]
    )
    return list(rounds.order_by("-date", "-id").values_list("name", flat=True)[:SUGGESTED])
