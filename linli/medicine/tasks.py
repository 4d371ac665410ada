"""Background work of the medicine desk: planning a day's runs (`plan_task`), run by
`linli worker`. The page starts it, polls its progress (linli.core.progress) and reads its
answer from a small file beside the progress (`draft_read`); saving it is
`plans.plan_save()`, which refuses a second save of the same day.

A second run of the same task (a restarted worker) plans again and writes the same file: it
saves nothing, so it cannot double-plan.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

from django_tasks import task

from linli.core import progress
from linli.core.validators import Problem
from linli.places.models import Town

KEY = re.compile(r"^plan-[A-Za-z0-9_-]{16,64}$")


def _path(key: str) -> Any:
    return progress.shared_dir("medicine-plans") / f"{key}.json"


def draft_write(key: str, data: dict[str, Any]) -> None:
    path = _path(key)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def draft_read(key: str) -> dict[str, Any] | None:
    """The task's answer: {"town", "user", "answer", "draft"} or {"error"}; None until done."""
    if not KEY.match(key):
        return None
    try:
        data: dict[str, Any] = json.loads(_path(key).read_text())
    except (OSError, ValueError):
        return None
    return data


@task()
def plan_task(town_id: int, date: str, time_limit: float, key: str, user_id: int) -> str:
    """Plan the town's day; the answer goes to the draft file named by `key`."""
    from linli.medicine.selectors import plan_day

    town = Town.objects.get(pk=town_id)
    progress.report(key, "plan", 0, 100)

    def moved(fraction: float) -> None:
        progress.report(key, "plan", int(max(0.0, min(1.0, fraction)) * 100), 100)

    try:
        outcome = plan_day(town, dt.date.fromisoformat(date), time_limit=time_limit, progress=moved)
    except Problem as exc:
        draft_write(key, {"town": town_id, "user": user_id, "error": [exc.zh, exc.en]})
    else:
        draft_write(
            key,
            {
                "town": town_id,
                "user": user_id,
                "answer": outcome.answer,
                "draft": outcome.draft.as_json(),
            },
        )
    progress.report(key, "done", 100, 100)
    return key
