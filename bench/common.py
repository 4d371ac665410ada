"""What the page benchmarks share: a throwaway database, a timer of medians, a page getter.

Imported by the scripts beside it (`python bench/NAME.py` puts this folder on the path).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def configure(backend: str, folder: str, pg_name: str) -> None:
    """Settings for a fresh database: SQLite in `folder`, or PostgreSQL database `pg_name`."""
    os.environ["LINLI_VAR_DIR"] = folder
    os.environ["LINLI_MANIFEST_STATIC"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    if backend == "postgres":
        drop_postgres(pg_name)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", pg_name], check=True)
        os.environ["DATABASE_URL"] = f"{PG_BASE}/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"


def drop_postgres(pg_name: str) -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", pg_name], check=True
    )


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(median, min, max) milliseconds of `runs` calls after a warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def page(client: Any, url: str) -> Callable[[], None]:
    """A call that GETs `url` with the test client and insists on a 200."""

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def print_row(name: str, result: tuple[float, float, float], runs: int) -> None:
    med, low, high = result
    print(f"{name:46} median {med:7.1f} ms  (min {low:.1f}, max {high:.1f}, runs {runs})")
