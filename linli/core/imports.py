"""The spreadsheet import engine: one door for every roster Linli reads.

`run_import()` reads a file (xlsx, xls, csv; see `linli.core.spreadsheet`), maps its headers to
an importer's columns, checks every row in plain Python, and then either writes nothing (any bad
row, by default) or writes the good rows in one transaction, with one audit entry. The command
`linli import KIND FILE` and the upload page both call it; an app adds a kind by registering an
`Importer` subclass.

The contract of an importer kind
--------------------------------
- class attributes: `kind` (the command's KIND), `label` (Chinese, for pages), `columns` (a list
  of `Column(name, label, synonyms=..., required=...)`; headers are matched to `label`, the
  synonyms and `name` after normalisation, under any title lines; `--map` adds more);
- `prepare()`: preload what the checks need into dicts (a few queries; never one per row);
- `check_columns(present)` (optional): raise `Problem` when a sheet lacks a column this import
  needs beyond the `required` ones (the whole file is refused, not every row);
- `check_row(row) -> record`: validate and normalise one `Row` (a mapping column → text, "" when
  empty; `row.number` is the sheet's row number). Raise `Problem(zh, en)` for a bad row;
  `row.clean(name, label, check)` runs `check(row[name])` and names the column in the report;
  call `row.warn(Problem(...))` for a warning, `self.unique(row, key, zh=..., en=...)` to make
  duplicates within the file row errors. Return anything (a dict, a dataclass); `None` skips
  the row silently. Required columns left empty are reported before `check_row` is called;
- `plan(records) -> Plan`: without writing, say what would happen: `created`, `updated`,
  `unchanged` and `held` counts and `new` (a dict "居委" → names that would be created, for the
  dry run). Put whatever `apply()` needs in `plan.payload`;
- `apply(plan)`: write, in bulk (`bulk_create(batch_size=BATCH)`, or `insert_rows()` for tens of
  thousands of rows), inside the engine's transaction; call `self.progress(done, total)` now
  and then. Matching must make a re-import of the same file change nothing (`updated == 0`).
  The engine writes the one audit entry (who, file, counts); importers write none.
- `options` (optional): the extra `--NAME VALUE` options of `linli import` this kind takes, as
  (name, help) pairs (help through gettext_noop: the upload page shows a field for each);
  their values reach the importer as `self.params` (a dict of the ones given).
  `suggestions(option, town_id)` gives values the page offers for a field (the town's rounds);
  any other text may still be typed;
- `self.town` (may be unsaved when `may_create_town` and the town is new: the engine saves it
  before `apply`), `self.user` (None from the command line without `--user`), `self.committee`
  (the uploader's scope, from `import_scope()`: set for committee staff, None for the town).

An import acts with the uploader's scope. With `self.committee` set, rows for other committees
are row errors (`self.check_committee(name)`), and the importer matches, updates and names only
people of that committee: a row whose person is registered in another committee never moves
them and never says where; it is `held` as a transfer request (linli.places.transfers) for town
staff to confirm or refuse, and the report says only how many rows await the town office.

A short example (in linli/duty/importers.py, registered in DutyConfig.ready())::

    from linli.core.imports import BATCH, Column, Importer, Plan, Row, register_importer
    from linli.core.validators import Problem, normalise_phone

    class VolunteerImporter(Importer):
        kind = "volunteers"
        label = "志愿者"
        columns = [
            Column("name", "姓名", required=True),
            Column("phone", "手机号", synonyms=("联系电话", "电话"), required=True),
            Column("committee", "所属居委", synonyms=("居委",)),
        ]

        def prepare(self) -> None:
            self.by_phone = {v.phone: v for v in Volunteer.objects.filter(town_id=self.town.pk)}

        def check_row(self, row: Row) -> dict[str, str]:
            phone = row.clean("phone", "手机号", normalise_phone)  # names the column if bad
            self.unique(row, ("phone", phone), zh="手机号", en="phone number")
            return {"name": row["name"], "phone": phone}

        def plan(self, records: list[dict[str, str]]) -> Plan:
            new = [r for r in records if r["phone"] not in self.by_phone]
            return Plan(created=len(new), unchanged=len(records) - len(new), payload=new)

        def apply(self, plan: Plan) -> None:
            Volunteer.objects.bulk_create(
                [Volunteer(town_id=self.town.pk, **r) for r in plan.payload], batch_size=BATCH
            )

    # DutyConfig.ready():  register_importer(VolunteerImporter)

Then `linli import volunteers roster.xlsx --town 泗泾镇 --dry-run` works, and so does the upload
page (it offers every registered kind).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import transaction

from linli.core.bulk import BATCH, insert_rows
from linli.core.import_report import ImportResult, RowProblem, held_text, write_rejects
from linli.core.import_template import is_example_row
from linli.core.progress import EVERY as PROGRESS_EVERY
from linli.core.spreadsheet import Column, Row, SpreadsheetError, read_rows
from linli.core.validators import Problem

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.places.models import Committee, Town

__all__ = [
    "BATCH",
    "SUGGESTED",
    "Column",
    "ImportResult",
    "Importer",
    "Plan",
    "Problem",
    "Row",
    "RowProblem",
    "get_importer",
    "held_text",
    "import_scope",
    "importer_kinds",
    "importer_options",
    "insert_rows",
    "register_importer",
    "run_import",
]

ProgressCallback = Callable[[str, int, int], None]


@dataclass
class Plan:
    """What an import would do; `payload` carries the importer's own data to `apply()`."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0
    new: dict[str, list[str]] = field(default_factory=dict)
    payload: Any = None


class Importer:
    """Base class of an importer kind; see the module docstring for the contract."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()
    may_create_town: ClassVar[bool] = False
    # Where the result page links to: a list's URL name (given ?committee=<id> for a committee
    # clerk), or a committee's page's (given the committee's id as argument).
    list_url: ClassVar[str] = ""
    committee_url: ClassVar[str] = ""
    # Extra options of `linli import` for this kind: (name, help); values in `self.params`.
    options: ClassVar[Sequence[tuple[str, str]]] = ()

    def __init__(
        self,
        *,
        town: Town,
        user: User | None = None,
        committee: Committee | None = None,
        progress: ProgressCallback | None = None,
        file_name: str = "",
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.town = town
        self.user = user
        self.committee = committee
        self.file_name = file_name
        self.params = dict(params or {})
        self._progress = progress
        self._seen: dict[Hashable, int] = {}

    @classmethod
    def suggestions(cls, option: str, town_id: int) -> list[str]:
        """Values the upload page offers for one of `options`, at most `SUGGESTED` (none
        unless a kind says)."""
        return []

    # -- hooks ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Preload what the checks need."""

    def check_columns(self, present: set[str]) -> None:
        """Raise a Problem when a sheet lacks a column this import needs (beyond `required`)."""

    def check_row(self, row: Row) -> Any:
        raise NotImplementedError

    def plan(self, records: list[Any]) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan) -> None:
        raise NotImplementedError

    # -- helpers for subclasses -----------------------------------------------------------------
    def unique(self, row: Row, key: Hashable, *, zh: str, en: str) -> None:
        """Make a second row with the same key a row error naming the first."""
        first = self._seen.setdefault(key, row.number)
        if first != row.number:
            raise Problem(f"{zh}与第{first}行重复", f"the same {en} as row {first}")

    def check_committee(self, name: str) -> None:
        """Committee staff may import only into their own committee."""
        if self.committee is not None and name != self.committee.name:
            raise Problem(
                f"不能导入到其他居委（{name}）；您只能导入{self.committee.name}的数据",
                f"you may import only into your own committee, not {name}",
            )

    @classmethod
    def imported_url(cls, committee: Committee | None) -> str:
        """The page listing what this kind imports, for the uploader's committee (or town)."""
        from django.urls import reverse

        if committee is not None and cls.committee_url:
            return reverse(cls.committee_url, args=[committee.pk])
        if not cls.list_url:
            return ""
        url = reverse(cls.list_url)
        return f"{url}?committee={committee.pk}" if committee is not None else url

    def progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress("write", done, total)

    @classmethod
    def required_columns(cls) -> list[Column]:
        return [c for c in cls.columns if c.required]


def import_scope(user: User) -> Committee | None:
    """The committee an import by this login is limited to, or None for its whole town.

    The upload page and `linli import --user` both ask here, so both act with the same scope.
    Town staff (and a superuser without another role) import for the town, committee staff for
    their committee; anyone else (volunteers, a login without a role, committee staff without a
    committee) may not import at all.
    """
    if user.town_id is None:
        raise Problem("您的账号没有所属镇/街道，无法导入", "your login belongs to no town")
    role = user.role
    if role == user.Role.TOWN_STAFF or (user.is_superuser and not role):
        return None
    if role == user.Role.COMMITTEE_STAFF and user.committee_id is not None:
        committee: Committee = user.committee  # type: ignore[assignment]
        if committee.town_id == user.town_id:
            return committee
    raise Problem("只有镇/街道和居委工作人员可以导入", "only town and committee staff may import")


_registry: dict[str, type[Importer]] = {}
SUGGESTED = 20  # values offered for an option on the upload page (`Importer.suggestions`)


def register_importer(importer: type[Importer]) -> None:
    """Make an importer kind available to `linli import` and the upload page (AppConfig.ready)."""
    if not importer.kind:
        raise ValueError("an importer needs a kind")
    existing = _registry.get(importer.kind)
    if existing is not None and existing is not importer:
        raise ValueError(f"importer kind {importer.kind!r} is already registered by {existing}")
    _registry[importer.kind] = importer


def importer_kinds() -> dict[str, type[Importer]]:
    return dict(_registry)


def importer_options() -> dict[str, str]:
    """Every registered kind's extra options (name → help), for the command's parser."""
    return {name: text for cls in _registry.values() for name, text in cls.options}


def get_importer(kind: str) -> type[Importer]:
    try:
        return _registry[kind]
    except KeyError:
        raise Problem(
            f"未知的导入类型“{kind}”，可选：{'、'.join(sorted(_registry))}",
            f"unknown import kind {kind!r}; choose one of {', '.join(sorted(_registry))}",
        ) from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while. An import makes hundreds of thousands
    of small acyclic objects (cells, rows, records), and the collector's repeated passes over
    them cost more than making them: reading a 100,000-row file took 0.37 s with it and 0.14 s
    without (bench/lab_import.py's file). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
def run_import(
    kind: str,
    path: str | Path,
    *,
    town: Town,
    user: User | None = None,
    committee: Committee | None = None,
    file_name: str | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    rejects: str | Path | Mapping[str, Path] | None = None,
    mapping: dict[str, str] | None = None,
    progress: ProgressCallback | None = None,
    audit_detail: dict[str, Any] | None = None,
    landing: Callable[[ImportResult], AbstractContextManager[None]] | None = None,
    params: Mapping[str, str] | None = None,
) -> ImportResult:
    """Check a file and, unless it is a dry run or a row is bad, import it in one transaction.

    `landing(result)` is entered inside that transaction around the writes (the upload page's
    job locks and checks its row there, and records the result, so that it lands once).

    With `skip_bad_rows`, the good rows land and the bad ones go to `rejects` (an xlsx with the
    original columns and a reason column, in both languages; or one file per language, given as
    {language code: path}, for the upload page). `committee` limits a committee staff member's
    import. `params` are the kind's own options (`Importer.options`).
    """
    started = time.perf_counter()
    cls = get_importer(kind)
    path = Path(path)
    name = file_name or path.name
    result = ImportResult(kind=kind, file_name=name, dry_run=dry_run, skip_bad_rows=skip_bad_rows)
    if town.pk is None and not cls.may_create_town:
        raise Problem(f"镇/街道“{town.name}”不存在", f"town {town.name!r} does not exist")
    own = {k: v for k, v in (params or {}).items() if k in dict(cls.options)}
    importer = cls(
        town=town,
        user=user,
        committee=committee,
        progress=progress,
        file_name=name[:200],
        params=own,
    )
    # The file is read in a second thread while `prepare()` queries the database: the two
    # overlap (the database's work releases Python's lock; the reading touches no database).
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_rows, path, cls.columns, mapping=mapping or {}, file_name=name)
        importer.prepare()
        try:
            table = reading.result()
        except SpreadsheetError as exc:
            result.refuse(exc)
            result.seconds = time.perf_counter() - started
            return result
    result.sheets = [s.describe() for s in table.sheets]
    try:
        for sheet in table.sheets:
            importer.check_columns({name for _, name in sheet.columns})
    except Problem as exc:
        result.refuse(exc)
        result.seconds = time.perf_counter() - started
        return result
    records, bad_rows = _check_rows(importer, table, result, progress)
    table.release()
    result.good_rows = len(records)
    result.rejected = len(bad_rows)
    if result.errors and not skip_bad_rows and not dry_run:
        _finish(result, bad_rows, table, rejects, started)
        return result
    plan = importer.plan(records)
    result.created, result.updated, result.unchanged = plan.created, plan.updated, plan.unchanged
    result.held = plan.held
    result.new = {k: v for k, v in plan.new.items() if v}
    if result.ok and not dry_run:
        _finish(result, bad_rows, table, rejects, started)  # the rejects exist once it lands
        with transaction.atomic(), landing(result) if landing else nullcontext():
            if town.pk is None:
                _create_town(town, user=user)
            importer.apply(plan)
            result.written = True
            _audit(result, user=user, town=town, extra=audit_detail)
    _finish(result, bad_rows, table, rejects, started)
    return result


def _check_rows(
    importer: Importer, table: Any, result: ImportResult, progress: ProgressCallback | None
) -> tuple[list[Any], list[tuple[Row, Problem]]]:
    records: list[Any] = []
    bad_rows: list[tuple[Row, Problem]] = []
    required = importer.required_columns()
    names = [c.name for c in required]
    total = table.total_rows
    columns = list(importer.columns)
    probe = (required or columns)[0] if columns else None
    for done, row in enumerate(table.rows(), start=1):
        if (
            probe is not None
            and row.values.get(probe.name) == probe.example_text
            and is_example_row(row, columns)
        ):
            result.warnings.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    "",
                    "模板的示例行，已跳过",
                    "the template's example row: skipped",
                )
            )
            continue
        result.rows += 1
        try:
            if not all(map(row.values.get, names)):
                missing = [c for c in required if not row.values.get(c.name)]
                raise Problem(
                    "缺少" + "、".join(c.label for c in missing),
                    "missing " + ", ".join(c.name.replace("_", " ") for c in missing),
                )
            record = importer.check_row(row)
        except Problem as exc:
            result.errors.append(
                RowProblem(row.sheet, row.number, row.column or "", exc.zh, exc.en)
            )
            bad_rows.append((row, exc))
        else:
            if record is not None:
                records.append(record)
        if row.warnings:
            result.warnings.extend(
                RowProblem(row.sheet, row.number, "", w.zh, w.en) for w in row.warnings
            )
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("check", done, total)
    return records, bad_rows


def _finish(
    result: ImportResult,
    bad_rows: list[tuple[Row, Problem]],
    table: Any,
    rejects: str | Path | Mapping[str, Path] | None,
    started: float,
) -> None:
    if rejects is not None and bad_rows and not result.rejects_file:
        if isinstance(rejects, Mapping):
            for language, target in rejects.items():
                write_rejects(target, bad_rows, table, language=language)
            result.rejects_file = ", ".join(map(str, rejects.values()))
        else:
            write_rejects(rejects, bad_rows, table)
            result.rejects_file = str(rejects)
    result.seconds = time.perf_counter() - started


def _create_town(town: Town, *, user: User | None) -> None:
    from linli.core.audit import audit
    from linli.core.models import AuditEntry

    town.save()
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=town,
        summary=f"town {town.name}",
        town_id=town.pk,
    )


def _audit(
    result: ImportResult, *, user: User | None, town: Town, extra: dict[str, Any] | None
) -> None:
    """One entry per import: who, which file, counts. Never row contents."""
    from linli.core.audit import audit
    from linli.core.models import AuditEntry

    detail = {
        "kind": result.kind,
        "file": result.file_name,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "held": result.held,
        "rejected": result.rejected,
        **(extra or {}),
    }
    audit(
        user=user,
        action=AuditEntry.Action.IMPORT,
        summary=f"{result.kind} {result.file_name}",
        detail=detail,
        town_id=town.pk,
    )
