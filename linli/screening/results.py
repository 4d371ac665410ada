"""Lab results (检测结果) applied to tubes and their samples, set-based so a lab's file of
100,000 tubes lands in seconds (bench/lab_import.py):

- each new (tube, lab, reported_at) is a `LabResult` (inserted with ignore_conflicts: the
  unique constraint makes a re-import a no-op);
- a tube's first result moves it to resulted (the tube workflow's sealed/boxed → resulted, a
  system move by the importer's user: the table is checked per tube and the history rows are
  written in bulk, as the deliveries import does; the engine writes the one audit entry);
- negative: the tube's pending samples are negative (PostgreSQL: one UPDATE of the tubes and
  one of their samples for the whole file, the ids bound as arrays; SQLite: two per chunk of
  `BATCH`);
- positive single tube (capacity 1): its sample is positive, counted, and a case is opened;
- positive pool: its samples are pool_positive and a follow-up lists each as a member, kept in
  place (`linli.screening.pools`).

A result reported more than `LATE_AFTER` (24 h) after the tube's last sample is late: it is
applied, and the import names each such row.

Where the time goes (bench/lab_import.py, 100,000 tubes, 300,000 samples): on PostgreSQL
almost all of it is the server updating rows, not round trips: each sample UPDATE writes a
new row version and an entry in each of the sample table's 12 indexes (its pages are full, so
no HOT update), each tube's in its 10 (its status is indexed), and the foreign keys of the
200,000 inserted LabResult and TubeChange rows are checked at commit. A fillfactor of about
50 on screening_sample (a schema change, not made here) lets the sample UPDATE be HOT: 21 s →
1.2 s measured under the same load.
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
from linli.screening.models import LabResult, Result, Sample, Tube, TubeChange

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
    job_id: int | None = None,
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Write checked lab rows (call inside a transaction; the importer checked each row)."""
    from linli.screening.workflow import TUBE_WORKFLOW

    by = user if user is not None and user.is_authenticated else None
    done = Applied()
    for row in rows:
        if row.moves_from and (row.moves_from, T.RESULTED) not in TUBE_WORKFLOW.table:
            raise Problem(  # the importer refuses these rows; a safeguard
                "采样管状态不能改为已出结果", "the tube cannot move to resulted"
            )
    by_id = by.pk if by is not None else None
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    total = len(rows)
    # The whole file in a few set-wise statements (each backend batches its own way): the
    # LabResults, the negative tubes and their samples, the tubes' history; then the few
    # positives one by one.
    _insert_lab_results(rows, town_id=town_id, job_id=job_id)
    done.lab_results = total
    if progress is not None:
        progress(total // 3, total)
    moving = [r for r in rows if r.moves_from]
    negatives = [r for r in moving if r.result == Result.NEGATIVE]
    positives = [r for r in moving if r.result == Result.POSITIVE]
    if negatives:
        _negatives(negatives)
    if progress is not None:
        progress(2 * total // 3, total)
    insert_rows(
        TubeChange,
        ["tube_id", "from_status", "to_status", "by_id", "at", "reason"],
        [(r.tube_id, r.moves_from, T.RESULTED, by_id, stamp, reason[:300]) for r in moving],
        returning=False,
    )
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


def _negatives(rows: list[LabRow]) -> None:
    """Result the tubes negative (at their row's report time) and their pending samples with
    them. Each row moves a different tube (the importer gives a tube's result once)."""
    if connection.vendor == "postgresql":
        _negatives_postgres(rows)
        return
    adapt = _adapter()
    for start in range(0, len(rows), BATCH):
        _negatives_chunk(rows[start : start + BATCH], adapt)


def _negatives_postgres(rows: list[LabRow]) -> None:
    """Two statements for the whole file, the tube ids bound as one array (no IN list to
    parse and plan, no statement text growing with the file). A lab reports in batches, so
    the report times are few: each row gives the index of its time in a second array (ints
    are sent far faster than datetimes). The samples take their tube's time, joined."""
    qn = connection.ops.quote_name
    tube, sample = qn(Tube._meta.db_table), qn(Sample._meta.db_table)
    times: dict[dt.datetime, int] = {}
    ids, index = [], []
    for r in rows:
        ids.append(r.tube_id)
        index.append(times.setdefault(r.reported_at, len(times) + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tube} SET status = %s, result = %s, resulted_at = (%s::timestamptz[])[v.k] "  # noqa: S608
            f"FROM unnest(%s::bigint[], %s::int[]) AS v(id, k) WHERE {tube}.id = v.id",
            [T.RESULTED, Result.NEGATIVE, list(times), ids, index],
        )
        cursor.execute(
            f"UPDATE {sample} SET result = %s, result_at = t.resulted_at "  # noqa: S608
            f"FROM {tube} t WHERE t.id = ANY(%s::bigint[]) AND {sample}.tube_id = t.id "
            f"AND {sample}.result = %s",
            [Result.NEGATIVE, ids, Result.PENDING],
        )


def _negatives_chunk(rows: list[LabRow], adapt: Callable[[dt.datetime], object]) -> None:
    """SQLite (≥ 3.33), a chunk at a time: one UPDATE … FROM (VALUES …) for the tubes and one
    UPDATE for their samples, on the driver's own cursor (Django's would rewrite each "%s" of
    these long statements). The tube ids are integers of our own rows, written into the
    statement; statuses and times are bound."""
    import sqlite3

    qn = connection.ops.quote_name
    tube, sample = qn(Tube._meta.db_table), qn(Sample._meta.db_table)
    ids = ",".join(str(int(r.tube_id)) for r in rows)
    values = ", ".join(f"({int(r.tube_id)}, ?)" for r in rows)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sqlite3.Cursor.execute(
            raw,
            f"WITH v(id, at) AS (VALUES {values}) "  # noqa: S608
            f"UPDATE {tube} SET status = ?, result = ?, resulted_at = v.at "
            f"FROM v WHERE {tube}.id = v.id",
            [*(adapt(r.reported_at) for r in rows), T.RESULTED, Result.NEGATIVE],
        )
        sqlite3.Cursor.execute(
            raw,
            f"UPDATE {sample} SET result = ?, result_at = "  # noqa: S608
            f"(SELECT t.resulted_at FROM {tube} t WHERE t.id = {sample}.tube_id) "
            f"WHERE tube_id IN ({ids}) AND result = ?",
            [Result.NEGATIVE, Result.PENDING],
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


def _insert_lab_results(chunk: Sequence[LabRow], *, town_id: int, job_id: int | None) -> None:
    """Insert the chunk's LabResults in bulk. The importer left out the rows already recorded,
    so a conflict means another import of the same rows committed meanwhile: then the chunk
    goes again with ignore_conflicts (the unique constraint keeps each result once)."""
    adapt = _adapter()
    created = adapt(timezone.now())
    try:
        with transaction.atomic():
            insert_rows(
                LabResult,
                ["tube_id", "town_id", "lab", "result", "reported_at", "job_id", "created_at"],
                [
                    (r.tube_id, town_id, r.lab, r.result, adapt(r.reported_at), job_id, created)
                    for r in chunk
                ],
                returning=False,
            )
    except IntegrityError:
        LabResult.objects.bulk_create(
            [
                LabResult(
                    tube_id=r.tube_id,
                    town_id=town_id,
                    lab=r.lab,
                    result=r.result,
                    reported_at=r.reported_at,
                    job_id=job_id,
                )
                for r in chunk
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
