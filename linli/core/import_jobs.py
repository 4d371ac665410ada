"""Imports through the upload page: store the file, preview it (a dry run), import it on confirm.

The import itself runs in a background thread of the web process (`LINLI_IMPORT_RUNNER =
"thread"`, the default) or inline (`"inline"`, for tests); `job_run(job_id)` is all a real queue
worker would call. Progress goes to a small file beside the upload, not to the database: the
import holds the write transaction (SQLite allows one writer), and a file is seen by every
worker process of the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from linli.core.imports import ImportResult, get_importer, import_scope, run_import
from linli.core.models import ImportJob
from linli.core.validators import Problem

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from linli.accounts.models import User

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
KEEP_ERRORS = 1000  # rows of the report kept in the job; the rejects file has them all


def job_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(job: ImportJob) -> Path:
    return job_dir() / job.stored_file


def rejects_path(job: ImportJob) -> Path:
    return job_dir() / f"{Path(job.stored_file).stem}-rejects.xlsx"


def _progress_path(job_id: int) -> Path:
    return job_dir() / f"job-{job_id}.progress"


def job_create(*, user: User, upload: UploadedFile, kind: str, skip_bad_rows: bool) -> ImportJob:
    """Store an uploaded file and preview it (a dry run); nothing is imported yet."""
    get_importer(kind)
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
    job = ImportJob.objects.create(
        town_id=cast(int, user.town_id),
        user=user,
        committee=committee,
        kind=kind,
        file_name=name[:200],
        stored_file=stored,
        skip_bad_rows=skip_bad_rows,
    )
    result = _run(job, dry_run=True)
    job.preview = result.as_dict(limit=KEEP_ERRORS)
    if result.file_problem:
        job.status = ImportJob.Status.FAILED
        job.result = job.preview
        upload_path(job).unlink(missing_ok=True)
    job.save(update_fields=["preview", "status", "result"])
    return job


def _forget_stale_files() -> None:
    """Uploads previewed but never confirmed, and rejects files, are deleted after a day: they
    hold personal data."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    for path in job_dir().glob("*-rejects.xlsx"):
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    stale = ImportJob.objects.filter(status=ImportJob.Status.PREVIEW, created_at__lt=cutoff)
    for job in stale:
        upload_path(job).unlink(missing_ok=True)
        rejects_path(job).unlink(missing_ok=True)
        job.status = ImportJob.Status.FAILED
        job.result = _failure(job, "预览已过期，请重新上传 (the preview expired; upload again)")
        job.save(update_fields=["status", "result"])


def _failure(job: ImportJob, text: str) -> dict[str, Any]:
    result = ImportResult(job.kind, job.file_name, dry_run=False, skip_bad_rows=job.skip_bad_rows)
    result.file_problem = text
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
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.QUEUED, skip_bad_rows=skip_bad_rows
    )
    if not updated:
        raise Problem("该文件已经处理过", "this file was already handled")
    if getattr(settings, "LINLI_IMPORT_RUNNER", "thread") == "inline":
        job_run(job.pk)
    else:
        transaction.on_commit(lambda: _start(job.pk))


def _start(job_id: int) -> None:
    threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"linli-import-{job_id}", daemon=True
    ).start()


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        job_run(job_id)
    finally:
        connection.close()


def job_run(job_id: int) -> None:
    """Import a confirmed job (what a queue worker calls)."""
    job = ImportJob.objects.select_related("town", "user", "committee").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING)
    try:
        result = _run(job, dry_run=False)
        data = result.as_dict(limit=KEEP_ERRORS)
        status = ImportJob.Status.DONE if result.written else ImportJob.Status.FAILED
    except Exception as exc:  # the job must end, and say why, whatever happened
        data = _failure(job, f"导入时出错 (the import failed: {type(exc).__name__})")
        status = ImportJob.Status.FAILED
        raise
    finally:
        ImportJob.objects.filter(pk=job_id).update(
            status=status, result=data, finished_at=timezone.now()
        )
        upload_path(job).unlink(missing_ok=True)
        _progress_path(job_id).unlink(missing_ok=True)


def _run(job: ImportJob, *, dry_run: bool) -> ImportResult:
    rejects = rejects_path(job)
    rejects.unlink(missing_ok=True)

    def progress(stage: str, done: int, total: int) -> None:
        _write_progress(job.pk, stage, done, total)

    return run_import(
        job.kind,
        upload_path(job),
        town=job.town,
        user=job.user,
        committee=job.committee,
        file_name=job.file_name,
        dry_run=dry_run,
        skip_bad_rows=job.skip_bad_rows,
        rejects=rejects,
        progress=None if dry_run else progress,
        audit_detail={"via": "upload", "job": job.pk},
    )


def _write_progress(job_id: int, stage: str, done: int, total: int) -> None:
    path = _progress_path(job_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    os.replace(tmp, path)


def job_progress(job: ImportJob) -> dict[str, Any]:
    """{"percent": 0-100, "stage": …}: checking is the first half, writing the second."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return {"percent": 100, "stage": "done"}
    try:
        data = json.loads(_progress_path(job.pk).read_text())
    except (OSError, ValueError):
        return {"percent": 0, "stage": "queued"}
    share = data["done"] / data["total"] if data.get("total") else 0
    base = 0 if data["stage"] == "check" else 50
    return {"percent": min(99, int(base + 50 * share)), "stage": data["stage"]}
