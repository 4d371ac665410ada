"""Benchmark: `linli import residents` on a Sijing-sized xlsx, against its floor and against
django-import-export, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_roster.py --backends sqlite --small 0 --rows 88031 --big-runs 5
    .venv/bin/python bench/import_roster.py                     # both backends, 20k and 100k rows

The roster is made here, by a small generator of the bench's own (not linli.testing.rosters and
nothing else of the project's): an xlsx as a committee clerk sends it, with a title line above
the header, synonym headers, building, room and phone numbers stored as numbers, ID numbers as
text with check digits by the GB 11643 rule written out below, Chinese names drawn by
surname frequency, households of one to five in walk-up rooms (101…602), some care tags.

Every import runs as a subprocess against a fresh database (a copy of a migrated template
holding only the town), and is timed from the outside (wall clock, time.perf_counter) with the
peak resident set size of that process (getrusage through os.wait4: RSS, so Python heap,
calamine and the database driver together).

- linli: `linli import residents FILE --town 泗泾镇`, the door users use (Django start-up, header
  detection, full validation, places, residents and care tags created, audit entry).
- floor: a bare script reading the same file with python-calamine (`to_python`) and inserting
  the same rows raw with `executemany` into the same tables (households first, their ids read
  back, then residents): no validation, no normalisation, no care tags. A whole process too.
- django-import-export: a `ModelResource` for Resident keyed on `id_number`
  (`import_id_fields`), reading the same rows through tablib; the households exist beforehand
  (created untimed), the household column is resolved from a preloaded dict. It is slow, so it
  runs on the first `--iex-rows` rows of the same file and is compared by rows/s.

Ratios: linli seconds / floor seconds (target ≤ 2.5, goal ≤ 2); linli rows/s / import-export
rows/s. Medians over `--runs` runs at `--small` rows; `--rows` runs `--big-runs` times; the
floor and linli runs are interleaved so that a busy moment of the machine hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from roster import build_roster, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
LINLI = str(ROOT / ".venv" / "bin" / "linli")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_BASE = "postgres://postgres@127.0.0.1:5432"
TOWN = "泗泾镇"
# Distinct per checkout, so that benches run from two worktrees at once do not collide.
PG_PREFIX = "linli_bench_" + "".join(c if c.isalnum() else "_" for c in ROOT.name)


# -- running and measuring ----------------------------------------------------------------------


class Measured(NamedTuple):
    seconds: float  # wall clock
    cpu: float  # user + system seconds of the process
    peak: float  # peak RSS, MB
    out: str


def measure_child(cmd: list[str], env: dict[str, str]) -> Measured:
    """Wall and CPU seconds, peak RSS and stdout of one subprocess, reaped with os.wait4 so that
    the resource usage is that process's own."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        if proc.returncode:
            tail = err_file.read().decode()[-3000:]
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
        cpu = usage.ru_utime + usage.ru_stime
        return Measured(elapsed, cpu, usage.ru_maxrss / 1024, out_file.read().decode())


class Backend:
    """A fresh database per run, copied from a migrated template that holds only the town."""

    def __init__(self, name: str, workdir: Path) -> None:
        self.name = name
        self.workdir = workdir
        self.count = 0
        if name == "sqlite":
            self.template = workdir / "template.sqlite3"
            self.template.unlink(missing_ok=True)
            self.template_url = f"sqlite:///{self.template}"
        else:
            self.template = Path(f"{PG_PREFIX}_tpl")
            self.template_url = f"{PG_BASE}/{self.template}"
            self._pg(
                f'DROP DATABASE IF EXISTS "{self.template}"', f'CREATE DATABASE "{self.template}"'
            )
        env = self.env(self.template_url)
        subprocess.run([LINLI, "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [
                LINLI,
                "shell",
                "-c",
                f"from linli.places.models import Town; Town.objects.create(name={TOWN!r})",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        if name == "postgresql":
            self._pg()  # the template must have no open connections

    def _pg(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)

    def fresh(self) -> str:
        """A new database, as a DATABASE_URL."""
        self.count += 1
        if self.name == "sqlite":
            path = self.workdir / f"run{self.count}.sqlite3"
            shutil.copy(self.template, path)
            return f"sqlite:///{path}"
        db = f"{PG_PREFIX}_{self.count}"
        self._pg(
            f'DROP DATABASE IF EXISTS "{db}"', f'CREATE DATABASE "{db}" TEMPLATE "{self.template}"'
        )
        return f"{PG_BASE}/{db}"

    def drop(self, url: str) -> None:
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')

    @staticmethod
    def env(url: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": url, "LINLI_VAR_DIR": tempfile.gettempdir()}


def run_linli(backend: Backend, roster: Path) -> Measured:
    url = backend.fresh()
    try:
        cmd = [LINLI, "import", "residents", str(roster), "--town", TOWN]
        run = measure_child(cmd, backend.env(url))
        if "已导入" not in run.out:
            raise SystemExit(run.out)
        return run
    finally:
        backend.drop(url)


def run_floor(backend: Backend, roster: Path) -> Measured:
    url = backend.fresh()
    try:
        return measure_child(
            [PYTHON, __file__, "--floor", str(roster), "--db", url], os.environ.copy()
        )
    finally:
        backend.drop(url)


def run_iex(backend: Backend, roster: Path, rows: int) -> tuple[int, float]:
    """(rows, seconds) of django-import-export importing the first `rows` rows."""
    url = backend.fresh()
    try:
        out = measure_child(
            [PYTHON, __file__, "--iex", str(roster), "--iex-rows", str(rows)], backend.env(url)
        ).out
        data = json.loads(out.strip().splitlines()[-1])
        return data["rows"], data["seconds"]
    finally:
        backend.drop(url)


# -- the floor (a subprocess: no Django) --------------------------------------------------------


def floor(path: str, url: str) -> None:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[2:]  # title, header
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        # As linli.settings opens SQLite, so that the floor writes the way linli writes.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        mark = "?"
    else:
        import psycopg

        conn = psycopg.connect(url)  # type: ignore[assignment]
        mark = "%s"
    cur = conn.cursor()
    cur.execute("SELECT id FROM places_town")
    town = cur.fetchone()[0]
    committees = sorted({r[1] for r in rows})
    cur.executemany(
        f"INSERT INTO places_committee (town_id, name) VALUES ({mark}, {mark})",
        [(town, c) for c in committees],
    )
    cur.execute("SELECT name, id FROM places_committee")
    committee_ids = dict(cur.fetchall())
    compounds = sorted({(r[1], r[2]) for r in rows})
    cur.executemany(
        "INSERT INTO places_compound (town_id, committee_id, name, kind)"
        f" VALUES ({mark}, {mark}, {mark}, 'residential')",
        [(town, committee_ids[c], p) for c, p in compounds],
    )
    cur.execute(
        "SELECT c.name, p.name, p.id"
        " FROM places_compound p JOIN places_committee c ON c.id = p.committee_id"
    )
    compound_ids = {(c, p): i for c, p, i in cur.fetchall()}
    buildings = sorted({(r[1], r[2], str(r[3])) for r in rows})
    cur.executemany(
        f"INSERT INTO places_building (town_id, compound_id, name) VALUES ({mark}, {mark}, {mark})",
        [(town, compound_ids[(c, p)], b) for c, p, b in buildings],
    )
    cur.execute("SELECT compound_id, name, id FROM places_building")
    building_ids = {(p, b): i for p, b, i in cur.fetchall()}
    households = sorted({(r[1], r[2], str(r[3]), str(r[4])) for r in rows})
    cur.executemany(
        "INSERT INTO places_household (town_id, building_id, room)"
        f" VALUES ({mark}, {mark}, {mark})",
        [(town, building_ids[(compound_ids[(c, p)], b)], h) for c, p, b, h in households],
    )
    cur.execute("SELECT building_id, room, id FROM places_household")
    household_ids = {(b, h): i for b, h, i in cur.fetchall()}
    cur.executemany(
        "INSERT INTO places_resident (town_id, household_id, name, name_initials, gender,"
        " id_number, phone, status, notes, created_at, updated_at)"
        f" VALUES ({', '.join([mark] * 9)}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [
            (
                town,
                household_ids[(building_ids[(compound_ids[(r[1], r[2])], str(r[3]))], str(r[4]))],
                r[5],
                "",
                "M" if r[6] == "男" else "F",
                r[7],
                str(r[8]),
                "present",
                r[10],
            )
            for r in rows
        ],
    )
    conn.commit()
    conn.close()


# -- django-import-export (a subprocess with Django) ---------------------------------------------


def iex(path: str, limit: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()
    import tablib
    from import_export import fields, resources, widgets

    from linli.core.imports import run_import
    from linli.places.importers import PlaceIndex
    from linli.places.models import Resident, Town

    town = Town.objects.get(name=TOWN)
    # Households exist beforehand (untimed), so import-export does only the resident rows.
    sample = Path(tempfile.mkdtemp()) / "sample.xlsx"
    from python_calamine import CalamineWorkbook

    raw = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    # Without the title line: tablib takes the first row as the header and cannot skip one.
    write_xlsx(sample, raw[1], raw[2 : 2 + limit], title=None)
    run_import("places", sample, town=town)
    households = PlaceIndex(town.pk).households

    class ResidentResource(resources.ModelResource):
        id_number = fields.Field(attribute="id_number", column_name="身份证号码")
        name = fields.Field(attribute="name", column_name="姓名")
        phone = fields.Field(attribute="phone", column_name="联系电话", widget=widgets.CharWidget())
        household = fields.Field(
            attribute="household",
            column_name="household",
            widget=widgets.ForeignKeyWidget(Resident.household.field.related_model),
        )
        town = fields.Field(
            attribute="town", column_name="town", widget=widgets.ForeignKeyWidget(Town)
        )

        class Meta:
            model = Resident
            import_id_fields = ("id_number",)
            fields = ("id_number", "name", "phone", "household", "town")

        def before_import_row(self, row, **kwargs):
            address = (row["居民区"], row["小区"], f"{int(row['楼号'])}号楼", str(int(row["房号"])))
            row["household"] = households[address]
            row["town"] = town.pk

    started = time.perf_counter()
    with open(sample, "rb") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="xlsx")
    result = ResidentResource().import_data(
        dataset, dry_run=False, use_transactions=True, raise_errors=True
    )
    seconds = time.perf_counter() - started
    assert result.totals["new"] == limit, result.totals
    print(json.dumps({"rows": limit, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--iex-rows", type=int, default=5_000)
    parser.add_argument(
        "--workdir", default=str(Path(tempfile.gettempdir()) / f"linli-bench-import-{ROOT.name}")
    )
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--iex", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return floor(args.floor, args.db)
    if args.iex:
        return iex(args.iex, args.iex_rows)

    sys.path.insert(0, str(ROOT))
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [(args.small, args.runs)] if args.small and args.small < args.rows else []
    sizes.append((args.rows, args.big_runs))
    rosters = {n: build_roster(n, workdir) for n, _ in sizes}
    lines = []
    titles = ["rows", "runs", "floor s", "linli s", "×floor", "floor cpu", "linli cpu", "×cpu"]
    titles += ["rows/s", "peak MB", "floor MB", "×i-e"]
    header = f"{'backend':<11}" + "".join(f"{t:>10}" for t in titles)
    for name in args.backends.split(","):
        backend = Backend(name, workdir)
        iex_rows, iex_seconds = 0, float("nan")
        if args.iex_rows:  # --iex-rows 0 leaves django-import-export out
            iex_rows, iex_seconds = run_iex(backend, rosters[sizes[-1][0]], args.iex_rows)
        iex_rate = iex_rows / iex_seconds
        for n, runs in sizes:
            floors, linlis = [], []
            for _ in range(runs):  # interleaved, so that a busy moment hits both alike
                floors.append(run_floor(backend, rosters[n]))
                linlis.append(run_linli(backend, rosters[n]))
            f_s = statistics.median(r.seconds for r in floors)
            l_s = statistics.median(r.seconds for r in linlis)
            f_cpu = statistics.median(r.cpu for r in floors)
            l_cpu = statistics.median(r.cpu for r in linlis)
            peak = max(r.peak for r in linlis)
            f_peak = max(r.peak for r in floors)
            rate = n / l_s
            figures = [f"{n}", f"{runs}", f"{f_s:.2f}", f"{l_s:.2f}", f"{l_s / f_s:.2f}"]
            figures += [f"{f_cpu:.2f}", f"{l_cpu:.2f}", f"{l_cpu / f_cpu:.2f}", f"{rate:.0f}"]
            figures += [f"{peak:.0f}", f"{f_peak:.0f}", f"{rate / iex_rate:.1f}"]
            each = ", ".join(
                f"{f.seconds:.2f}/{r.seconds:.2f}" for f, r in zip(floors, linlis, strict=True)
            )
            print(f"{name:<11}runs (floor/linli s): {each}", flush=True)
            line = f"{name:<11}" + "".join(f"{x:>10}" for x in figures)
            lines.append(line)
            print(line if len(lines) > 1 else header + "\n" + line, flush=True)
        if iex_rows:
            lines.append(
                f"{name:<11}django-import-export: {iex_rows} rows in {iex_seconds:.2f}s"
                f" = {iex_rate:.0f} rows/s (a sample of the same file)"
            )
            print(lines[-1], flush=True)
    print()
    print(header)
    print("\n".join(lines))
    print(
        "s: wall clock of the whole subprocess, cpu: its user + system seconds, medians over"
        " runs (on a shared machine the CPU ratio is the steadier one);"
        " peak MB: peak RSS of the process (getrusage via os.wait4)"
    )


if __name__ == "__main__":
    main()
