"""Progress of background work, for the page that waits on it: one small file per piece of work.

A task calls `report(key, stage, done, total)` as it goes (an import's check and write, an
export's rows); the page reads `read(key)` and shows "done of total" with a bar. The progress is
a file under MEDIA_ROOT/progress, not a database row: an import holds the write transaction
(SQLite allows one writer), and the web processes and every worker share MEDIA_ROOT anyway.
The file is replaced atomically, so a reader never sees half of it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

EVERY = 500  # rows between two reports: a 6,000-row check moves the bar a dozen times
STAGES = {  # what the page says of each stage
    "queued": _("排队中…"),
    "check": _("正在检查…"),
    "write": _("正在写入…"),
    "export": _("正在导出…"),
    "plan": _("正在排班…"),
    "done": _("已完成"),
}


@dataclass(frozen=True)
class Progress:
    """Where a piece of work is: its stage ("queued", "check", "write", "done") and rows."""

    stage: str
    done: int = 0
    total: int = 0

    @property
    def label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))

    @property
    def percent(self) -> int:
        if self.stage == "done":
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0


QUEUED = Progress("queued")
DONE = Progress("done")


def shared_dir(name: str) -> Path:
    """A folder under MEDIA_ROOT, which every web process and worker shares, made if missing."""
    path = Path(settings.MEDIA_ROOT) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(key: str) -> Path:
    return shared_dir("progress") / f"{key}.json"


def report(key: str, stage: str, done: int, total: int) -> None:
    path = _path(key)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    os.replace(tmp, path)


def read(key: str) -> Progress:
    """The last report, or "queued" when there is none yet."""
    try:
        data = json.loads(_path(key).read_text())
        return Progress(str(data["stage"]), int(data["done"]), int(data["total"]))
    except (OSError, ValueError, KeyError, TypeError):
        return QUEUED


def clear(key: str) -> None:
    _path(key).unlink(missing_ok=True)
