"""Importer kind "antigen-results" (抗原自测结果): a sheet of antigen self-tests.

`linli import antigen-results FILE --town NAME --round NAME [--date D]`; columns 身份证号,
姓名, 结果 (阴性/阳性), 时间 (a time alone is on --date, else on the round's date).

The round must be an antigen round, open or closed. Each row goes through
`sampling.sample_record(source=IMPORT, result=…)`: a re-import (the same person, the same
result) changes nothing; a different result for someone already reported is a bad row (a
second test needs a reason, given on the phone). A positive opens a case in re-check
(复核中): an antigen positive needs a PCR re-check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.places.models import Resident
from linli.screening.importers.common import (
    FUTURE_SLACK,
    ID_NUMBER,
    NAME,
    PeopleMixin,
    find_round,
    parse_day,
    parse_when,
    round_names,
)
from linli.screening.models import Case, Result, Sample, TestRound
from linli.screening.results import result_word

RESULT = Column(
    "result", "结果", ("抗原结果", "检测结果", "自测结果"), required=True, example="阴性"
)
TIME = Column("time", "时间", ("检测时间", "自测时间", "上报时间"), example="2022-04-20 08:00")


@dataclass
class Reported:
    resident_id: int
    result: str
    at: dt.datetime
    new: bool


class AntigenResultsImporter(PeopleMixin, Importer):
    kind = "antigen-results"
    label = gettext_noop("抗原自测结果")
    columns = (ID_NUMBER, NAME, RESULT, TIME)
    options = (
        ("round", gettext_noop("检测轮次名称 (the test round's name)")),
        (
            "date",
            gettext_noop("时间只有时分时的日期 YYYY-MM-DD (the day of times given without one)"),
        ),
    )
    list_url = "screening:cases"

    @classmethod
    def suggestions(cls, option: str, town_id: int) -> list[str]:
        return round_names(town_id, TestRound.Kind.ANTIGEN) if option == "round" else []

    def prepare(self) -> None:
        self.now = timezone.now()
        name = self.params.get("round", "").strip()
        self.round = find_round(self.town.pk, name) if self.town.pk and name else None
        self.load_people()
        self.reported: dict[int, str] = {}
        if self.round is not None:
            for resident_id, result in (
                Sample.objects.filter(round=self.round)
                .order_by("attempt")
                .values_list("resident_id", "result")
            ):
                self.reported[resident_id] = result

    def check_columns(self, present: set[str]) -> None:
        name = self.params.get("round", "").strip()
        if self.round is None:
            raise Problem(
                f"找不到检测轮次“{name}”（--round）", f"no round named {name!r} (--round)"
            )
        if self.round.kind != TestRound.Kind.ANTIGEN:
            raise Problem("该轮次不是抗原轮次", "the round is not an antigen round")
        if self.round.status not in (TestRound.Status.OPEN, TestRound.Status.CLOSED):
            raise Problem("该轮次未开始", "the round is not open")
        day = self.params.get("date", "")
        self.day = parse_day(day) if day else self.round.date

    def check_row(self, row: Row) -> Reported:
        person = self.person(row)
        self.unique(row, person.pk, zh="同一人", en="the same person")
        result = row.clean("result", RESULT.label, result_word)
        text = row["time"].strip()
        if text:
            at = row.clean("time", TIME.label, lambda t: parse_when(t, day=self.day))
        else:
            at = min(
                dt.datetime.combine(self.day, dt.time(12)).replace(
                    tzinfo=timezone.get_current_timezone()
                ),
                self.now,
            )
        if at > self.now + FUTURE_SLACK:
            row.column = TIME.label
            raise Problem("时间不能晚于现在", "the time is in the future")
        before = self.reported.get(person.pk)
        if before is not None and before != result:
            row.column = RESULT.label
            raise Problem(
                f"此人本轮已上报“{Result(before).label}”，与本行不一致",
                f"this person already reported {before} in this round",
            )
        return Reported(person.pk, result, at, before is None)

    def plan(self, records: list[Reported]) -> Plan:
        new = [r for r in records if r.new]
        return Plan(created=len(new), unchanged=len(records) - len(new), payload=new)

    def apply(self, plan: Plan) -> None:
        from linli.screening.cases import case_open
        from linli.screening.sampling import sample_record

        assert self.round is not None
        records: list[Reported] = plan.payload
        residents = Resident.objects.select_related("household").in_bulk(
            [r.resident_id for r in records]
        )
        for done, r in enumerate(records, start=1):
            sample, created = sample_record(
                user=self.user,
                round_=self.round,
                resident=residents[r.resident_id],
                taken_at=r.at,
                source=Sample.Source.IMPORT,
                result=r.result,
            )
            if created and sample.result == Result.POSITIVE:
                case_open(user=self.user, sample=sample, status=Case.Status.RECHECKING,
                          note="抗原阳性，待核酸复核")  # fmt: skip
            if done % 500 == 0:
                self.progress(done, len(records))
