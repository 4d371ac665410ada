"""Lab results (检测结果) applied to tubes, set-based so a lab's file of 100,000 tubes lands in
seconds (bench/lab_import.py). A file writes what is new and nothing that can be read off it:

- each new (tube, lab, reported_at) is a `LabResult` (the unique constraint makes a re-import
  a no-op). It is also the record of the tube's move to resulted: the tube workflow's sealed/
  boxed → resulted is checked per tube, and the lab, the report time and when it was recorded
  are on the LabResult (who imported the file is on the import's audit entry), so no
  TubeChange repeats it 100,000 times;
- negative: the tube is resulted and negative. Its samples are not rewritten: a PCR sample
  that is pending in a resulted tube has its tube's result (`Sample.result`);
- positive single tube (capacity 1): its sample is positive, counted, and a case is opened;
- positive pool: its samples are pool_positive and a follow-up lists each as a member, kept in
  place (`linli.screening.pools`).

A result reported more than `LATE_AFTER` (24 h) after the tube's last sample is late: it is
applied, and the import names each such row.

Where the time goes (bench/lab_import.py, 100,000 tubes, 300,000 samples): on PostgreSQL
almost all of it is the server writing rows and checking each LabResult's foreign key at
commit, not round trips, so the file is two statements (`_write_postgres`: the ids go as
array literals). The tube UPDATE is a HOT update (no index holds the columns it changes, and
the table leaves half of each page free: migration 0002). SQLite writes in chunks of `BATCH`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from linli.core.bulk import BATCH, insert_rows
from linli.core.validators import Problem
from linli.screening import counters
from linli.screening.models import LabResult, Result, Sample, Tube

if TYPE_CHECKING:
    from linli.accounts.models import User

LATE_AFTER = dt.timedelta(hours=24)
T = Tube.Status
RESULT_WORDS = {
    "阴性": Result.NEGATIVE,
    "阴": Result.NEGATIVE,
    "negative": Result.NEGATIVE,
    "neg": Result.NEGATIVE,
    "-": Result.NEGATIVE,
    "阳性": Result.POSITIVE,
    "阳": Result.POSITIVE,
    "positive": Result.POSITIVE,
    "pos": Result.POSITIVE,
    "+": Result.POSITIVE,
}


def result_word(text: str) -> str:
    """阴性/阳性 (or negative/positive) → the Result value; anything else is a Problem."""
    found = RESULT_WORDS.get(text.strip().lower())
    if found is None:
        raise Problem(f"结果“{text}”应为 阴性 或 阳性", f"result {text!r} should be 阴性 or 阳性")
    return found


@dataclass
class LabRow:
    tube_id: int
    lab: str
    result: str
    reported_at: dt.datetime
    # The tube's status before, when this row gives it its result; "" when the tube already
    # has this result (another lab, or an earlier row of the file): the row is only recorded.
    moves_from: str
    capacity: int
    late: bool = False


@dataclass
class Applied:
    lab_results: int = 0
    tubes: int = 0
    positives: int = 0
    pools: int = 0
    case_days: list[dt.date] = field(default_factory=list)


def apply_lab_rows(
    *,
    user: User | None,
    town_id: int,
    rows: Sequence[LabRow],
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Write checked lab rows (call inside a transaction; the importer checked each row)."""
    from linli.screening.workflow import TUBE_WORKFLOW

    done = Applied()
    for row in rows:
        if row.moves_from and (row.moves_from, T.RESULTED) not in TUBE_WORKFLOW.table:
            raise Problem(  # the importer refuses these rows; a safeguard
                "采样管状态不能改为已出结果", "the tube cannot move to resulted"
            )
    total = len(rows)
    # The whole file in a few set-wise statements (each backend batches its own way): the
    # LabResults and the negative tubes; then the few positives one by one.
    moving = [r for r in rows if r.moves_from]
    negatives = [r for r in moving if r.result == Result.NEGATIVE]
    positives = [r for r in moving if r.result == Result.POSITIVE]
    write = _write_postgres if connection.vendor == "postgresql" else _write_in_chunks
    write(rows, negatives)
    if progress is not None:
        progress(total // 2, total)
    done.lab_results = total
    done.tubes = len(moving)
    for r in positives:
        done.positives += 1
        done.pools += _positive(user=user, row=r, case_days=done.case_days)
    if progress is not None:
        progress(total, total)
    if done.tubes:
        from linli.screening.pools import retests_resulted

        retests_resulted(user=user, town_id=town_id)
    if done.case_days:
        _recompute_zones(user=user, town_id=town_id, since=min(done.case_days))
    return done


class _Codes:
    """Few distinct values (report times, labs, results) numbered 1, 2, …: a row sends its
    value's number, and the values go once, as an array."""

    def __init__(self) -> None:
        self.values: dict[object, int] = {}

    def __call__(self, value: object) -> int:
        return self.values.setdefault(value, len(self.values) + 1)

    def array(self) -> list[object]:
        return list(self.values)


def _ints(values: Sequence[int]) -> str:
    """An integer array as PostgreSQL's text literal ("{1,2,3}"), cast in the statement: built
    in a few milliseconds where the driver adapts 100,000 Python ints one by one."""
    return "{" + ",".join(map(str, values)) + "}"


def _write_postgres(rows: Sequence[LabRow], negatives: Sequence[LabRow]) -> None:
    """Two statements for the whole file, every row's values bound as integer arrays (tube
    ids, and the numbers of its time, lab and result among the few distinct ones): no per-row
    values for the driver to adapt, no statement text growing with the file.

    - the LabResults (a result another import committed meanwhile is kept once: ON CONFLICT);
    - the negative tubes: resulted, at their row's time (updated in place, see migration
      0002)."""
    qn = connection.ops.quote_name
    tube, lab_result = qn(Tube._meta.db_table), qn(LabResult._meta.db_table)
    times, labs, results = _Codes(), _Codes(), _Codes()
    ids = _ints([r.tube_id for r in rows])
    at = _ints([times(r.reported_at) for r in rows])
    lab = _ints([labs(r.lab) for r in rows])
    result = _ints([results(r.result) for r in rows])
    negative = _ints([r.tube_id for r in negatives])
    negative_at = _ints([times(r.reported_at) for r in negatives])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {lab_result} (tube_id, lab, result, reported_at, created_at) "  # noqa: S608
            "SELECT v.id, (%s::text[])[v.l], (%s::text[])[v.r], (%s::timestamptz[])[v.k], %s "
            "FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS v(id, k, l, r) "
            "ON CONFLICT DO NOTHING",
            [labs.array(), results.array(), times.array(), timezone.now(), ids, at, lab, result],
        )
        if negatives:
            cursor.execute(
                f"UPDATE {tube} SET status = %s, result = %s, "  # noqa: S608
                f"resulted_at = (%s::timestamptz[])[v.k] FROM unnest(%s::bigint[], %s::int[]) "
                f"AS v(id, k) WHERE {tube}.id = v.id",
                [T.RESULTED, Result.NEGATIVE, times.array(), negative, negative_at],
            )


def _write_in_chunks(rows: Sequence[LabRow], negatives: Sequence[LabRow]) -> None:
    """SQLite: the same writes as `_write_postgres`, a chunk of `BATCH` rows at a time."""
    _insert_lab_results(rows)
    adapt = _adapter()
    for start in range(0, len(negatives), BATCH):
        _negatives_chunk(negatives[start : start + BATCH], adapt)


def _negatives_chunk(rows: Sequence[LabRow], adapt: Callable[[dt.datetime], object]) -> None:
    """SQLite (≥ 3.33), a chunk at a time: one UPDATE … FROM (VALUES …) of the tubes, on the
    driver's own cursor (Django's would rewrite each "%s" of this long statement). The tube
    ids are integers of our own rows, written into the statement; statuses and times are
    bound."""
    import sqlite3

    tube = connection.ops.quote_name(Tube._meta.db_table)
    values = ", ".join(f"({int(r.tube_id)}, ?)" for r in rows)
    with connection.cursor() as cursor:
        sqlite3.Cursor.execute(
            cursor.cursor,
            f"WITH v(id, at) AS (VALUES {values}) "  # noqa: S608
            f"UPDATE {tube} SET status = ?, result = ?, resulted_at = v.at "
            f"FROM v WHERE {tube}.id = v.id",
            [*(adapt(r.reported_at) for r in rows), T.RESULTED, Result.NEGATIVE],
        )


def _adapter() -> Callable[[dt.datetime], object]:
    """The backend's adapt_datetimefield_value, remembered per value: a file's report times
    are few, and adapting 100,000 of them one by one costs seconds on SQLite."""
    adapt = connection.ops.adapt_datetimefield_value
    memo: dict[dt.datetime, object] = {}

    def adapted(value: dt.datetime) -> object:
        found = memo.get(value)
        if found is None:
            found = memo[value] = adapt(value)
        return found

    return adapted


def _insert_lab_results(rows: Sequence[LabRow]) -> None:
    """Insert the rows' LabResults in bulk (`insert_rows` chunks them). The importer left out
    the rows already recorded, so a conflict means another import of the same rows committed
    meanwhile: then they go again with ignore_conflicts (the unique constraint keeps each
    result once)."""
    adapt = _adapter()
    created = adapt(timezone.now())
    try:
        with transaction.atomic():
            insert_rows(
                LabResult,
                ["tube_id", "lab", "result", "reported_at", "created_at"],
                [(r.tube_id, r.lab, r.result, adapt(r.reported_at), created) for r in rows],
                returning=False,
            )
    except IntegrityError:
        LabResult.objects.bulk_create(
            [
                LabResult(tube_id=r.tube_id, lab=r.lab, result=r.result, reported_at=r.reported_at)
                for r in rows
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def _recompute_zones(*, user: User | None, town_id: int, since: dt.date) -> None:
    """Once per file: the zones from the earliest day of a case the file opened."""
    from linli.places.models import Town
    from linli.screening.zones import zones_recompute

    zones_recompute(town=Town.objects.get(pk=town_id), since=since, user=user)


def _positive(*, user: User | None, row: LabRow, case_days: list[dt.date]) -> int:
    """A positive tube: a single tube's sample is a case; a pool's samples are followed up.
    Returns 1 for a pool, 0 for a single tube."""
    from linli.screening.cases import case_open
    from linli.screening.pools import pool_flag

    Tube.objects.filter(pk=row.tube_id).update(
        status=T.RESULTED, result=Result.POSITIVE, resulted_at=row.reported_at
    )
    tube = Tube.objects.get(pk=row.tube_id)
    samples = list(Sample.objects.filter(tube_id=row.tube_id, result=Result.PENDING))
    if row.capacity == Tube.Capacity.SINGLE:
        for sample in samples:
            Sample.objects.filter(pk=sample.pk).update(
                result=Result.POSITIVE, result_at=row.reported_at
            )
            sample.result = Result.POSITIVE
            counters.add_positive(sample)
            case_open(user=user, sample=sample, recompute=False)
            case_days.append(timezone.localdate(sample.taken_at))
        return 0
    Sample.objects.filter(pk__in=[s.pk for s in samples]).update(
        result=Result.POOL_POSITIVE, result_at=row.reported_at
    )
    pool_flag(tube=tube, samples=samples, at=row.reported_at)
    return 1
