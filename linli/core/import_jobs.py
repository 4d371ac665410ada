"""Imports through the upload page: store the file, check it (a dry run: the preview), import it
on confirm. Both the check and the import are tasks (django-tasks) a worker (`linli worker`)
runs, while the page shows their progress (`linli.core.progress`).

Uploading enqueues `job_check`, confirming the preview enqueues `job_run`. A task may run twice
(a worker killed mid-way runs it again when it restarts: linli/core/management/commands/
worker.py), so each completes once: the check records its preview only on a job still being
checked, and the import's transaction locks the job's row and checks its status before writing,
and marks it done in the same transaction. The upload, the progress and the rejects are files
under MEDIA_ROOT, which every worker and web process must share.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from linli.core import progress
from linli.core.imports import ImportResult, get_importer, import_scope, run_import
from linli.core.models import ImportJob
from linli.core.validators import Problem

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from linli.accounts.models import User

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
KEEP_ERRORS = 1000  # rows of the report kept in the job; the rejects file has them all


def job_dir() -> Path:
    return progress.shared_dir("imports")


def upload_path(job: ImportJob) -> Path:
    return job_dir() / job.stored_file


REJECTS_LANGUAGES = ("zh-hans", "en")


def rejects_path(job: ImportJob, language: str = "zh-hans") -> Path:
    """The bad rows with their reasons in one language (the page's, when downloaded)."""
    suffix = "" if language == "zh-hans" else f"-{language}"
    return job_dir() / f"{Path(job.stored_file).stem}-rejects{suffix}.xlsx"


def _rejects_paths(job: ImportJob) -> dict[str, Path]:
    return {language: rejects_path(job, language) for language in REJECTS_LANGUAGES}


def _progress_key(job_id: int) -> str:
    return f"import-{job_id}"


def job_create(
    *,
    user: User,
    upload: UploadedFile,
    kind: str,
    skip_bad_rows: bool,
    params: dict[str, str] | None = None,
) -> ImportJob:
    """Store an uploaded file and queue its check (`job_check`: the preview, a dry run).
    `params` are the kind's own options (`Importer.options`); others are dropped."""
    importer = get_importer(kind)
    own = {k: v.strip() for k, v in (params or {}).items() if k in dict(importer.options)}
    committee = import_scope(user)  # also refuses a login without a town
    name = Path(upload.name or "upload").name
    if not name.lower().endswith(EXTENSIONS):
        raise Problem("请上传 .xlsx、.xls 或 .csv 文件", "upload an .xlsx, .xls or .csv file")
    limit = int(settings.LINLI_IMPORT_MAX_BYTES)
    if (upload.size or 0) > limit:
        mb = limit // (1024 * 1024)
        raise Problem(
            f"文件超过{mb} MB，请拆分后再导入", f"the file is larger than {mb} MB; split it"
        )
    _forget_stale_files()
    stored = f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    with (job_dir() / stored).open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    with transaction.atomic():  # a job being checked always has its task
        job = ImportJob.objects.create(
            town_id=cast(int, user.town_id),
            user=user,
            committee=committee,
            kind=kind,
            file_name=name[:200],
            stored_file=stored,
            skip_bad_rows=skip_bad_rows,
            params={k: v[:200] for k, v in own.items() if v},
            status=ImportJob.Status.CHECKING,
        )
        job_check.enqueue(job.pk)
    job.refresh_from_db()  # tests run tasks at once, in enqueue()
    return job


@task(takes_context=True)
def job_check(context: TaskContext, job_id: int) -> str:
    """Check an uploaded file (a dry run) and record its preview; a second run of a job already
    checked does nothing. A file that killed its worker MAX_ATTEMPTS times is given up."""
    job = ImportJob.objects.select_related("town", "user", "committee").get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return str(job.status)
    if context.attempt > MAX_ATTEMPTS:
        cut = Problem(
            "检查多次中断，请拆分文件后重新上传", "the check was cut off 3 times: split the file"
        )
        return _checked(job, _failure(job, cut))
    try:
        preview = _run(job, dry_run=True).as_dict(limit=KEEP_ERRORS)
    except Exception as exc:  # the page says why; the task's traceback is kept for the admin
        failed = Problem(
            f"检查时出错（{type(exc).__name__}）", f"the check failed: {type(exc).__name__}"
        )
        _checked(job, _failure(job, failed))
        raise
    return _checked(job, preview)


def _checked(job: ImportJob, preview: dict[str, Any]) -> str:
    """Record a check's preview on a job still being checked; a file that cannot be imported
    ends the job (and its upload is deleted)."""
    failed = bool(preview.get("file_problem"))
    status = ImportJob.Status.FAILED if failed else ImportJob.Status.PREVIEW
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        status=status,
        preview=preview,
        result=preview if failed else {},
        finished_at=timezone.now() if failed else None,
    )
    if failed:
        upload_path(job).unlink(missing_ok=True)
    progress.clear(_progress_key(job.pk))
    return str(status)


def _forget_stale_files() -> None:
    """Uploads previewed but never confirmed, and rejects files, are deleted after a day: they
    hold personal data."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    for path in job_dir().glob("*-rejects*.xlsx"):
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    stale = ImportJob.objects.filter(
        status__in=[ImportJob.Status.CHECKING, ImportJob.Status.PREVIEW], created_at__lt=cutoff
    )
    for job in stale:
        upload_path(job).unlink(missing_ok=True)
        for path in _rejects_paths(job).values():
            path.unlink(missing_ok=True)
        job.status = ImportJob.Status.FAILED
        job.result = _failure(
            job, Problem("预览已过期，请重新上传", "the preview expired; upload again")
        )
        job.save(update_fields=["status", "result"])


def _failure(job: ImportJob, problem: Problem) -> dict[str, Any]:
    result = ImportResult(job.kind, job.file_name, dry_run=False, skip_bad_rows=job.skip_bad_rows)
    result.refuse(problem)
    return result.as_dict()


def job_confirm(*, user: User, job: ImportJob, skip_bad_rows: bool) -> None:
    """Start the import of a previewed file."""
    if job.status != ImportJob.Status.PREVIEW:
        raise Problem("该文件已经处理过", "this file was already handled")
    preview = ImportResult.from_dict(job.preview)
    if preview.errors and not skip_bad_rows:
        raise Problem(
            "文件有错误行：请修改后重新上传，或勾选“跳过错误行”",
            "the file has bad rows: fix and upload again, or choose to skip bad rows",
        )
    with transaction.atomic():  # a queued job always has its task
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
            status=ImportJob.Status.QUEUED, skip_bad_rows=skip_bad_rows
        )
        if not updated:
            raise Problem("该文件已经处理过", "this file was already handled")
        job_run.enqueue(job.pk)


UNFINISHED = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
MAX_ATTEMPTS = 3


class _AlreadyHandled(Exception):
    """The job landed or failed in an earlier run of its task."""


@task(takes_context=True)
def job_run(context: TaskContext, job_id: int) -> str:
    """Import a confirmed job (the task a worker runs); a second run imports nothing again.

    A file that killed its worker MAX_ATTEMPTS times (out of memory, say) is given up, so that
    it does not stop the queue for everyone."""
    job = ImportJob.objects.select_related("town", "user", "committee").get(pk=job_id)
    try:
        if job.status in UNFINISHED and context.attempt > MAX_ATTEMPTS:
            cut = Problem(
                "导入多次中断，请拆分文件后重新上传",
                "the import was cut off 3 times: split the file and upload again",
            )
            _finish(job_id, ImportJob.Status.FAILED, _failure(job, cut))
        elif job.status in UNFINISHED:
            _import(job)
    finally:  # the upload holds personal data: gone once the job ended, whatever happened
        upload_path(job).unlink(missing_ok=True)
        progress.clear(_progress_key(job_id))
    return str(ImportJob.objects.values_list("status", flat=True).get(pk=job_id))


def _import(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk, status__in=UNFINISHED).update(
        status=ImportJob.Status.RUNNING
    )
    try:
        result = _run(job, dry_run=False, landing=partial(_landing, job.pk))
    except _AlreadyHandled:
        return
    except BaseException as exc:  # the job must end, and say why, whatever happened
        _finish(job.pk, ImportJob.Status.FAILED, _failure(job, _failed(exc)))
        raise
    status = ImportJob.Status.DONE if result.written else ImportJob.Status.FAILED
    _finish(job.pk, status, result.as_dict(limit=KEEP_ERRORS))


@contextmanager
def _landing(job_id: int, result: ImportResult) -> Iterator[None]:
    """Around the import's writes, inside its transaction: only an unfinished job is written,
    and it is done, with its report, when the transaction commits (a second worker waits for
    the row's lock, then finds it done)."""
    status = (
        ImportJob.objects.select_for_update()
        .filter(pk=job_id)
        .values_list("status", flat=True)
        .get()
    )
    if status not in UNFINISHED:
        raise _AlreadyHandled
    yield
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE,
        result=result.as_dict(limit=KEEP_ERRORS),
        finished_at=timezone.now(),
    )


def _failed(exc: BaseException) -> Problem:
    if not isinstance(exc, Exception):  # the worker was stopped by force
        return Problem("导入被中断，请重新上传", "the import was interrupted; upload again")
    return Problem(
        f"导入时出错（{type(exc).__name__}）", f"the import failed: {type(exc).__name__}"
    )


def _finish(job_id: int, status: str, data: dict[str, Any]) -> None:
    """Record the outcome; a job that already landed keeps its status (only its report)."""
    jobs = ImportJob.objects.filter(pk=job_id)
    if status == ImportJob.Status.DONE:
        jobs.update(status=status, result=data)
    else:
        jobs.filter(status__in=UNFINISHED).update(
            status=status, result=data, finished_at=timezone.now()
        )


def _run(
    job: ImportJob,
    *,
    dry_run: bool,
    landing: Callable[[ImportResult], AbstractContextManager[None]] | None = None,
) -> ImportResult:
    rejects = _rejects_paths(job)
    for path in rejects.values():
        path.unlink(missing_ok=True)

    def report(stage: str, done: int, total: int) -> None:
        progress.report(_progress_key(job.pk), stage, done, total)

    return run_import(
        job.kind,
        upload_path(job),
        town=job.town,
        user=job.user,
        committee=job.committee,
        file_name=job.file_name,
        dry_run=dry_run,
        skip_bad_rows=job.skip_bad_rows,
        params=job.params,
        rejects=rejects,
        progress=report,
        audit_detail={"via": "upload", "job": job.pk},
        landing=landing,
    )


def job_progress(job: ImportJob) -> progress.Progress:
    """Where the job's check or import is: rows read (or written) of the file's rows."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return progress.DONE
    return progress.read(_progress_key(job.pk))
