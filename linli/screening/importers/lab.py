"""Importer kind "lab-results" (检测结果): a lab's file of tube results.

`linli import lab-results FILE --town NAME`; columns 采样管条码, 检测机构, 结果 (阴性/阳性),
报告时间. Town staff only (the screening office).

- Idempotent on tube + lab + 报告时间 (LabResult's unique constraint): a row already imported
  is unchanged, so a file imported twice changes nothing.
- Bad rows (the file lands nothing): an unknown barcode, a result word other than 阴性/阳性,
  an unreadable or future time, a tube not yet sealed, a result contradicting the tube's
  result already recorded, the same tube + lab + time twice in the file.
- Late results: a result reported more than 24 hours after the tube's last sample is
  imported, and each such row is named as late (迟报) in the report.
- Set-based: the tubes of the town's recent rounds (and their last sample time and recorded
  results) are loaded in a few queries before the rows are checked; a barcode not among them
  is looked up on its own. Writes are `linli.screening.results.apply_lab_rows` (bulk).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import FloatField, Func, Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.screening.importers.common import FUTURE_SLACK, parse_when
from linli.screening.models import LabResult, Result, Tube
from linli.screening.results import (
    LATE_AFTER,
    RESULT_WORDS,
    LabRow,
    apply_lab_rows,
    result_word,
)

BARCODE = Column(
    "barcode",
    "采样管条码",
    ("条码", "管码", "试管条码", "样本编号"),
    required=True,
    example="SJ0000001",
)
LAB = Column(
    "lab", "检测机构", ("检测单位", "实验室", "检测实验室"), required=True, example="松江区疾控中心"
)
RESULT = Column("result", "结果", ("检测结果", "核酸结果"), required=True, example="阴性")
REPORTED = Column(
    "reported_at",
    "报告时间",
    ("出结果时间", "检测时间", "报告日期"),
    required=True,
    example="2022-04-20 18:00",
)
RECENT_DAYS = 60  # tubes of rounds this recent are preloaded; older barcodes one by one
T = Tube.Status


def raw_rows(query: Any) -> list[tuple[Any, ...]]:
    """A values_list query's rows straight from the driver: Django's per-value converters cost
    more than the query for 100,000 datetimes (see `aware`)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def aware(value: Any) -> dt.datetime | None:
    """A datetime as the driver gave it: PostgreSQL's are aware already (or epoch seconds);
    SQLite's are text in UTC (Django stores them so with USE_TZ)."""
    if value is None:
        return None
    if isinstance(value, float):  # epoch seconds (see `_load`)
        return dt.datetime.fromtimestamp(value, dt.UTC)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class LabResultsImporter(Importer):
    kind = "lab-results"
    label = gettext_noop("核酸检测结果")
    columns = (BARCODE, LAB, RESULT, REPORTED)
    list_url = "screening:follow_ups"

    def prepare(self) -> None:
        self.latest = timezone.now() + FUTURE_SLACK
        self.tz = timezone.get_current_timezone()
        self.times: dict[str, dt.datetime] = {}  # a lab reports in batches: few distinct times
        self.late = 0
        self.skipped = 0
        since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
        self.tubes: dict[str, tuple[int, str, str, int, dt.datetime | None]] = {}
        self.recorded: dict[int, str] = {}  # tube id → its result, once it has one
        self.known: set[tuple[int, str, dt.datetime]] = set()
        if self.town.pk is None:
            return
        tubes = Tube.objects.filter(town_id=self.town.pk, round__date__gte=since)
        self._load(tubes)
        recorded = LabResult.objects.filter(
            tube__town_id=self.town.pk, tube__round__date__gte=since
        )
        for tube_id, lab, at in raw_rows(recorded.values_list("tube_id", "lab", "reported_at")):
            self.known.add((tube_id, lab, aware(at) or self.latest))  # never None: NOT NULL

    def _load(self, tubes: Any) -> None:
        # Each tube's last sample time, grouped in one pass over the samples (a subquery per
        # tube costs twice as much). PostgreSQL gives it as epoch seconds: a float is read in
        # a fraction of the time psycopg takes to build 100,000 datetimes.
        last: Any = Max("samples__taken_at")
        if connection.vendor == "postgresql":
            last = Func(
                last,
                template="EXTRACT(EPOCH FROM %(expressions)s)::float8",
                output_field=FloatField(),
            )
        rows = tubes.annotate(last_at=last).values_list(
            "id", "barcode", "status", "result", "capacity", "last_at"
        )
        for pk, barcode, status, result, capacity, last_at in raw_rows(rows):
            self.tubes[barcode] = (pk, status, result, capacity, aware(last_at))
            if status == T.RESULTED:
                self.recorded[pk] = result

    def check_columns(self, present: set[str]) -> None:
        if self.committee is not None:
            raise Problem(
                "只有镇筛查专班可以导入检测结果", "only the town's screening office imports results"
            )

    def _tube(self, barcode: str) -> tuple[int, str, str, int, dt.datetime | None] | None:
        found = self.tubes.get(barcode)
        if found is None and self.town.pk is not None:
            self._load(Tube.objects.filter(town_id=self.town.pk, barcode=barcode))
            found = self.tubes.get(barcode)
            if found is not None:
                self.known.update(
                    (found[0], lab, at)
                    for lab, at in LabResult.objects.filter(tube_id=found[0]).values_list(
                        "lab", "reported_at"
                    )
                )  # one tube: Django's converters are fine
        return found

    def _when(self, text: str) -> dt.datetime:
        return parse_when(text, tz=self.tz)

    def check_row(self, row: Row) -> LabRow | None:
        values = row.values
        barcode = values["barcode"].strip()
        tube = self._tube(barcode)
        if tube is None:
            row.column = BARCODE.label
            raise Problem(f"找不到采样管条码“{barcode}”", f"unknown tube barcode {barcode!r}")
        tube_id, status, _result, capacity, last_at = tube
        result = RESULT_WORDS.get(values["result"].strip().lower()) or row.clean(
            "result", RESULT.label, result_word
        )
        text = values["reported_at"]
        at = self.times.get(text)
        if at is None:
            at = self.times[text] = row.clean("reported_at", REPORTED.label, self._when)
        if at > self.latest:
            row.column = REPORTED.label
            raise Problem("报告时间不能晚于现在", "the report time is in the future")
        lab = values["lab"].strip()[:100]
        self.unique(
            row, (tube_id, lab, at), zh="同一采样管、机构和报告时间", en="tube, lab and time"
        )
        if (tube_id, lab, at) in self.known:
            self.skipped += 1
            return None  # imported before: unchanged
        if status == T.OPEN:
            row.column = BARCODE.label
            raise Problem("采样管尚未封管，不能出结果", "the tube is not sealed yet")
        if last_at is not None and at < last_at:
            row.column = REPORTED.label
            raise Problem("报告时间早于采样时间", "the report time is before the sampling time")
        recorded = self.recorded.get(tube_id)
        if recorded is not None and recorded != result:
            row.column = RESULT.label
            raise Problem(
                f"该管已有结果“{Result(recorded).label}”，与本行不一致，请与检测机构核实",
                f"the tube already has the result {recorded}; check with the lab",
            )
        late = last_at is not None and at - last_at > LATE_AFTER
        if late:
            self.late += 1
            row.warn(
                Problem(
                    "迟报：报告时间晚于最后采样时间24小时以上（已导入）",
                    "late: reported more than 24 hours after the tube's last sample (imported)",
                )
            )
        moves_from = "" if recorded is not None else status
        self.recorded[tube_id] = result
        return LabRow(tube_id, lab, result, at, moves_from, capacity, late)

    def plan(self, records: list[LabRow]) -> Plan:
        moving = sum(1 for r in records if r.moves_from)
        return Plan(created=len(records), updated=moving, unchanged=self.skipped, payload=records)

    def apply(self, plan: Plan) -> None:
        apply_lab_rows(
            user=self.user,
            town_id=self.town.pk,
            rows=plan.payload,
            progress=self.progress,
        )
