"""Background work on the queue: an uploaded import is a task a worker runs, and lands once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import TaskContext, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from linli.core import import_jobs
from linli.core.import_jobs import job_run, upload_path
from linli.core.models import AuditEntry, ImportJob
from linli.places.models import Resident
from linli.testing.rosters import resident_rows, write_roster_xlsx


@pytest.fixture
def confirmed(client_for, tmp_path, database_queue):
    """新凯五村's clerk uploaded a roster of 6 residents and confirmed it: a queued task."""
    path = write_roster_xlsx(tmp_path / "花名册.xlsx", resident_rows(6, committees=["新凯五村"]))
    client = client_for("kaiwu")
    data = {"kind": "residents", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    client.post(reverse("places:import"), data)
    database_queue.work()  # the check: the preview
    job = ImportJob.objects.get()
    client.post(reverse("places:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and Resident.objects.count() == 6
    return job


def run_task(job: ImportJob) -> str:
    """What a worker does with the queued task, without the worker."""
    return job_run.call(TaskContext(task_result=import_task().task_result), job.pk)


def import_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path="linli.core.import_jobs.job_run")


def landed_once(job: ImportJob) -> bool:
    job.refresh_from_db()
    return (
        job.status == ImportJob.Status.DONE
        and job.result["created"] == 6
        and Resident.objects.count() == 12
        and AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
        and not upload_path(job).exists()
    )


def test_a_worker_runs_the_confirmed_import(confirmed, database_queue):
    database_queue.work()
    assert landed_once(confirmed)
    task = import_task()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "done"


def test_an_import_task_run_twice_imports_once(confirmed):
    assert run_task(confirmed) == "done"
    assert run_task(confirmed) == "done"
    assert landed_once(confirmed)


def test_a_job_another_worker_landed_meanwhile_is_not_written_again(confirmed, monkeypatch):
    """Two runs at once: the second read the file while the first landed it; the status check
    under the job's row lock, inside the import's transaction, stops the second."""
    real_run = import_jobs._run

    def run_while_another_worker_lands_it(job, **options):
        monkeypatch.setattr(import_jobs, "_run", real_run)
        upload = upload_path(job).read_bytes()
        assert run_task(job) == "done"  # the other worker, from start to end
        upload_path(job).write_bytes(upload)
        return real_run(job, **options)

    monkeypatch.setattr(import_jobs, "_run", run_while_another_worker_lands_it)
    assert run_task(confirmed) == "done"
    assert landed_once(confirmed)


class Killed(BaseException):
    """The worker process ending where it is (no handler runs for SIGKILL; this stands in)."""


def test_a_worker_killed_just_after_the_import_committed_leaves_it_done_with_its_report(
    confirmed, monkeypatch
):
    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(import_jobs, "_finish", killed)
    with pytest.raises(Killed):
        run_task(confirmed)
    monkeypatch.undo()
    confirmed.refresh_from_db()
    assert confirmed.status == ImportJob.Status.DONE and confirmed.result["created"] == 6
    assert run_task(confirmed) == "done"  # the task runs again: nothing more is written
    assert landed_once(confirmed)


def killed_mid_import(job: ImportJob, worker_id: str) -> None:
    """What a worker killed mid-import (SIGKILL, power cut) leaves: the task claimed by it and
    the job running; its transaction died with it, so nothing of the file was written."""
    import_task().claim(worker_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)


def test_a_killed_workers_task_runs_again_when_it_restarts_and_lands_once(
    confirmed, database_queue
):
    killed_mid_import(confirmed, "host-1")
    database_queue.work("--worker-id", "host-2")
    assert import_task().status == TaskResultStatus.RUNNING  # not another's
    assert Resident.objects.count() == 6
    out = database_queue.work("--worker-id", "host-1")
    assert "re-queued 1 interrupted tasks" in out
    assert landed_once(confirmed)
    assert import_task().status == TaskResultStatus.SUCCESSFUL
    database_queue.work("--worker-id", "host-1")
    assert landed_once(confirmed)


def test_a_file_that_killed_its_worker_three_times_is_given_up(confirmed, database_queue):
    for _ in range(3):
        killed_mid_import(confirmed, "host-1")
        DBTaskResult.objects.filter(pk=import_task().pk).update(
            status=TaskResultStatus.READY
        )  # requeued at the restart
    killed_mid_import(confirmed, "host-1")
    database_queue.work("--worker-id", "host-1")
    confirmed.refresh_from_db()
    assert confirmed.status == ImportJob.Status.FAILED and "3" in confirmed.result["file_problem"]
    assert Resident.objects.count() == 6 and not upload_path(confirmed).exists()
    assert import_task().return_value == "failed"


def test_a_failing_import_ends_its_job_and_says_why(confirmed, database_queue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs, "run_import", broken)
    database_queue.work()
    confirmed.refresh_from_db()
    assert confirmed.status == ImportJob.Status.FAILED
    assert "RuntimeError" in confirmed.result["file_problem"]
    assert not upload_path(confirmed).exists() and Resident.objects.count() == 6
    assert import_task().status == TaskResultStatus.FAILED


def test_a_killed_workers_check_runs_again_and_previews_once(client_for, tmp_path, database_queue):
    """The check of an upload is a task too: killed mid-way, it runs again at the restart and
    records one preview; a third run changes nothing."""
    path = write_roster_xlsx(tmp_path / "花名册.xlsx", resident_rows(6, committees=["新凯五村"]))
    data = {"kind": "residents", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    client_for("kaiwu").post(reverse("places:import"), data)
    job = ImportJob.objects.get()
    DBTaskResult.objects.get().claim("host-1")  # then killed: the job is still being checked
    out = database_queue.work("--worker-id", "host-1")
    assert "re-queued 1 interrupted tasks" in out
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.preview["created"] == 6
    assert (
        import_jobs.job_check.call(
            TaskContext(task_result=DBTaskResult.objects.get().task_result), job.pk
        )
        == "preview"
    )
    assert Resident.objects.count() == 6 and upload_path(job).is_file()


def test_a_failing_check_ends_its_job_and_says_why(
    client_for, tmp_path, database_queue, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs, "run_import", broken)
    path = write_roster_xlsx(tmp_path / "花名册.xlsx", resident_rows(6, committees=["新凯五村"]))
    data = {"kind": "residents", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    client = client_for("kaiwu")
    client.post(reverse("places:import"), data)
    database_queue.work()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "RuntimeError" in job.preview["file_problem"] and not upload_path(job).exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    page = client.get(reverse("places:import_job", args=[job.pk])).content.decode()
    assert "RuntimeError" in page and "未导入任何数据" in page
