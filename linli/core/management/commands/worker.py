"""`linli worker`: run the queued background work (imports, large exports) until stopped.

    linli worker [--worker-id NAME] [--batch] [--interval 1]

django-tasks-db's `db_worker` (the database is the queue; every option of it works here), plus
one thing it lacks: a worker killed mid-task (power cut, out of memory, SIGKILL) leaves its task
marked running, so the next start with the same `--worker-id` puts that task back in the queue
and it runs again (tasks are written to complete once: `linli.core.import_jobs`,
`linli.core.export_jobs`). Each worker needs an id of its own that stays the same across
restarts: by default the host's name, so run several on one machine with `--worker-id HOST-1`,
`HOST-2`, … (deploy/systemd).
"""

from __future__ import annotations

import socket
from argparse import ArgumentParser
from typing import Any

from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DbWorker
from django_tasks_db.models import DBTaskResult


class Command(DbWorker):
    help = "Run queued tasks (imports, exports); a task it was running when killed runs again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=socket.gethostname()[:64], reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = requeue_abandoned(options["worker_id"])
        if requeued:
            self.stdout.write(
                f"重新排队 {requeued} 个中断的任务 (re-queued {requeued} interrupted tasks)"
            )
        super().handle(*args, **options)


def requeue_abandoned(worker_id: str) -> int:
    """Put back in the queue the tasks that this worker was running when it last stopped."""
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        abandoned = [
            row.pk
            for row in running.select_for_update().only("worker_ids")
            if row.worker_ids and row.worker_ids[-1] == worker_id
        ]
        return running.filter(pk__in=abandoned).update(
            status=TaskResultStatus.READY, started_at=None
        )
