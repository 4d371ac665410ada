"""Importer kind "samples" (采样记录): sampling done elsewhere (a hospital, a mobile team).

`linli import samples FILE --town NAME --round NAME [--kind pcr --date D]`; columns
采样管条码, 身份证号, 姓名, 采样时间, 采样点.

- The round must exist (open, or closed: sampling done elsewhere may come late), or, with
  --kind pcr and --date, it is created over the compounds of the people in the sheet and
  opened (planned → open), which seeds its coverage counters.
- A person is found by ID number in the uploader's scope and the name must match.
- A tube (by barcode) new to the town is created for the round with the smallest capacity of
  1/5/10/20 that holds its rows, filled through the one sample writer and sealed; a tube
  already there (an earlier import) takes no new person.
- Every sample goes through `sampling.sample_record(source=IMPORT)`: one sample per person per
  round, key groups in single tubes, the time slots and the coverage counters hold; a
  re-import of the same file finds each sample already there and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.places.models import Compound, Resident
from linli.screening import counters, services
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
from linli.screening.models import Sample, SamplingPoint, TestRound, Tube, TubeChange

BARCODE = Column(
    "barcode", "采样管条码", ("条码", "管码", "试管条码"), required=True, example="SJ0000001"
)
TAKEN = Column(
    "taken_at", "采样时间", ("时间", "采样日期"), required=True, example="2022-04-20 07:30"
)
POINT = Column("point", "采样点", ("采样地点", "采样机构"), example="香樟苑采样点")
CAPACITIES = (1, 5, 10, 20)


def capacity_for(n: int) -> int:
    """The smallest tube capacity that holds `n` samples (n ≤ 20)."""
    return next(c for c in CAPACITIES if c >= n)


@dataclass
class Taken:
    row: int
    barcode: str
    resident_id: int
    compound_id: int
    taken_at: dt.datetime
    point: str
    new: bool  # not yet sampled into this tube


class SamplesImporter(PeopleMixin, Importer):
    kind = "samples"
    label = gettext_noop("采样记录")
    columns = (BARCODE, ID_NUMBER, NAME, TAKEN, POINT)
    options = (
        ("round", gettext_noop("检测轮次名称 (the test round's name)")),
        ("kind", gettext_noop("新建轮次的类型 pcr/antigen (the kind of a round to create)")),
        ("date", gettext_noop("新建轮次的日期 YYYY-MM-DD (the date of a round to create)")),
    )
    list_url = "screening:follow_ups"

    @classmethod
    def suggestions(cls, option: str, town_id: int) -> list[str]:
        if option == "round":
            return round_names(town_id, TestRound.Kind.PCR)
        return [TestRound.Kind.PCR] if option == "kind" else []

    def prepare(self) -> None:
        self.now = timezone.now()
        self.round: TestRound | None = None
        name = self.params.get("round", "").strip()
        if self.town.pk is not None and name:
            self.round = find_round(self.town.pk, name)
        tags = (
            set(self.round.single_tube_tags.values_list("pk", flat=True)) if self.round else set()
        )
        self.load_people(tags)
        self.tubes: dict[str, tuple[int, int, str, int]] = {}  # barcode → id, round, status, cap
        self.sampled: dict[int, int | None] = {}  # resident → the tube of their latest sample
        self.in_file: Counter[str] = Counter()
        self.tube_people: dict[str, list[bool]] = defaultdict(list)
        if self.town.pk is None:
            return
        if self.round is not None:
            for resident_id, tube_id in (
                Sample.objects.filter(round=self.round)
                .order_by("attempt")
                .values_list("resident_id", "tube_id")
            ):
                self.sampled[resident_id] = tube_id

    def check_columns(self, present: set[str]) -> None:
        name = self.params.get("round", "").strip()
        if not name:
            raise Problem("请指定检测轮次（--round）", "name the test round (--round)")
        if self.round is None:
            kind, day = self.params.get("kind", ""), self.params.get("date", "")
            if not (kind and day):
                raise Problem(
                    f"找不到检测轮次“{name}”；新建轮次请加 --kind pcr --date 日期",
                    f"no round named {name!r}; to create it give --kind pcr --date D",
                )
            if kind != TestRound.Kind.PCR:
                raise Problem(
                    "采样管导入只用于核酸轮次（--kind pcr）", "samples import is for PCR rounds"
                )
            if self.committee is not None:
                raise Problem("只有镇筛查专班可以新建轮次", "only the town's office creates rounds")
            self.day = parse_day(day)
        elif self.round.kind != TestRound.Kind.PCR:
            raise Problem(
                "该轮次是抗原轮次，请用 antigen-results 导入",
                "an antigen round: use antigen-results",
            )
        elif self.round.status not in (TestRound.Status.OPEN, TestRound.Status.CLOSED):
            raise Problem("该轮次未开始采样", "the round is not open")

    def _tube(self, barcode: str) -> tuple[int, int, str, int] | None:
        if barcode not in self.tubes:
            found = (
                Tube.objects.filter(town_id=self.town.pk, barcode=barcode)
                .values_list("id", "round_id", "status", "capacity")
                .first()
            )
            self.tubes[barcode] = found  # type: ignore[assignment]
        return self.tubes[barcode]

    def check_row(self, row: Row) -> Taken:
        barcode = row["barcode"].strip()[:40]
        person = self.person(row)
        self.unique(row, person.pk, zh="同一人", en="the same person")
        at = row.clean("taken_at", TAKEN.label, parse_when)
        if at > self.now + FUTURE_SLACK:
            row.column = TAKEN.label
            raise Problem("采样时间不能晚于现在", "the sampling time is in the future")
        tube = self._tube(barcode) if self.town.pk is not None else None
        new = True
        if tube is not None:
            tube_id, round_id, _status, _cap = tube
            if self.round is None or round_id != self.round.pk:
                row.column = BARCODE.label
                raise Problem("采样管条码已用于其他轮次", "the barcode belongs to another round")
            if self.sampled.get(person.pk, -1) == tube_id:
                new = False
            else:
                row.column = BARCODE.label
                raise Problem(
                    "该采样管已导入并封管，不能再加人", "the tube was imported and sealed already"
                )
        elif person.pk in self.sampled:
            raise Problem(
                "此人本轮已在其他采样管采样", "already sampled in this round in another tube"
            )
        if new:
            self.in_file[barcode] += 1
            people = self.tube_people[barcode]
            if len(people) >= 20:
                row.column = BARCODE.label
                raise Problem("同一采样管最多20人", "a tube holds at most 20 people")
            if (person.single_tube or any(people)) and people:
                raise Problem(
                    "重点人群须单管单检：此采样管已有他人", "key groups are sampled in single tubes"
                )
            people.append(person.single_tube)
        return Taken(
            row.number, barcode, person.pk, person.compound_id, at, row["point"].strip(), new
        )

    def plan(self, records: list[Taken]) -> Plan:
        new = [r for r in records if r.new]
        return Plan(
            created=len(new),
            unchanged=len(records) - len(new),
            new={"轮次": [self.params["round"]]} if self.round is None else {},
            payload=new,
        )

    def apply(self, plan: Plan) -> None:
        from linli.screening.sampling import sample_record

        records: list[Taken] = plan.payload
        round_ = self.round
        if round_ is None:
            compounds = Compound.objects.filter(pk__in={r.compound_id for r in records})
            round_ = services.round_create(
                user=self.user,
                town=self.town,
                name=self.params["round"],
                kind=TestRound.Kind.PCR,
                date=self.day,
                compounds=list(compounds),
            )
            # Opening it is part of the import (the operator's command may run without --user):
            # a system move, then its counters seeded, as services.round_open does.
            transition(round_, TestRound.Status.OPEN, by=self.user, system=True)
            counters.seed(round_)
        points = {p.name: p for p in SamplingPoint.objects.filter(round=round_)}
        by_tube: dict[str, list[Taken]] = defaultdict(list)
        for r in records:
            by_tube[r.barcode].append(r)
        residents = Resident.objects.select_related("household").in_bulk(
            [r.resident_id for r in records]
        )
        done = 0
        sealed: list[tuple[int, dt.datetime]] = []
        for barcode, taken in by_tube.items():
            point = self._point(points, round_, taken[0].point)
            tube = Tube.objects.create(
                round=round_,
                town_id=self.town.pk,
                point=point,
                barcode=barcode,
                capacity=capacity_for(len(taken)),
                opened_by=self.user if self.user is not None and self.user.pk else None,
            )
            for r in taken:
                sample_record(
                    user=self.user,
                    round_=round_,
                    resident=residents[r.resident_id],
                    taken_at=r.taken_at,
                    source=Sample.Source.IMPORT,
                    tube=tube,
                    point=point,
                )
            sealed.append((tube.pk, max(r.taken_at for r in taken)))
            done += len(taken)
            self.progress(done, len(records))
        self._seal(sealed)

    def _seal(self, sealed: list[tuple[int, dt.datetime]]) -> None:
        """The imported tubes are sealed: the tube workflow's open → sealed, as a system move
        of the import (its history in bulk; the engine's one audit entry covers it)."""
        from linli.screening.workflow import TUBE_WORKFLOW

        assert (Tube.Status.OPEN, Tube.Status.SEALED) in TUBE_WORKFLOW.table
        by = self.user if self.user is not None and self.user.pk else None
        for pk, at in sealed:
            Tube.objects.filter(pk=pk, status=Tube.Status.OPEN).update(
                status=Tube.Status.SEALED, sealed_at=at
            )
        TubeChange.objects.bulk_create(
            [
                TubeChange(
                    tube_id=pk,
                    from_status=Tube.Status.OPEN,
                    to_status=Tube.Status.SEALED,
                    by=by,
                    at=at,
                    reason=f"import {self.file_name}"[:300],
                )
                for pk, at in sealed
            ],
            batch_size=BATCH,
        )

    def _point(
        self, points: dict[str, SamplingPoint], round_: TestRound, name: str
    ) -> SamplingPoint | None:
        if not name:
            return None
        if name not in points:
            points[name] = SamplingPoint.objects.create(
                round=round_, town_id=self.town.pk, name=name[:100]
            )
        return points[name]
