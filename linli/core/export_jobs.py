"""Spreadsheet downloads of any list: answered at once when small, made by a worker when large.

A view describes its download as a `Sheet` built by a function of the request (its filters,
sorting and user) and hands that function to `export_answer(request, builder, *args)`. Up to
`LINLI_EXPORT_NOW_ROWS` rows, the file is written and sent in the request, as before. More rows
become an `ExportJob` and a task, `export_run`: a worker calls the same builder with the request
rebuilt from the job (method, parameters, user, language, address), writes the file under
MEDIA_ROOT/exports with its progress (`linli.core.progress`), and the page that polls it then
offers the download, to the login that asked only (anyone else gets a 404). Both ways write the
one audit entry, with the row count (and a full-number export's reason, which the builder puts
in the detail): at once, or when the worker's file is complete. A task may run twice (a killed
worker's runs again), so the job is marked done, and audited, once, under its row's lock. Files
and jobs are deleted after a day (`export_sweep`, run at every export).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from linli.core import progress
from linli.core.audit import audit, client_ip
from linli.core.export import write_xlsx
from linli.core.models import AuditEntry, ExportJob

if TYPE_CHECKING:
    from linli.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP = dt.timedelta(days=1)  # how long a worker's file waits for its download
UNFINISHED = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)


@dataclass
class Sheet:
    """One download: the sheet's title and columns, its rows (read lazily), how many there are
    (a count, for the threshold and the progress), the file's name and the audit entry."""

    title: str
    file_name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int
    summary: str  # the audit summary; " (rows)" is appended
    detail: dict[str, Any] = field(default_factory=dict)  # the audit detail; "rows" is added


# (request, *args) → the sheet, or an answer refusing the request (a 400 for a bad filter).
Builder = Callable[..., "Sheet | HttpResponseBase"]


def export_answer(request: HttpRequest, builder: Builder, *args: str) -> HttpResponseBase:
    """The file at once when small; else a queued job and a redirect to its progress page."""
    sheet = builder(request, *args)
    if isinstance(sheet, HttpResponseBase):
        return sheet
    user: User = request.user  # type: ignore[assignment]
    if sheet.total <= settings.LINLI_EXPORT_NOW_ROWS:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it when sent)
        rows = _write(out, sheet)
        out.seek(0)
        _audit(user, sheet, rows, request)
        return FileResponse(out, as_attachment=True, filename=sheet.file_name, content_type=XLSX)
    job = export_create(user=user, request=request, builder=builder, args=args, sheet=sheet)
    return redirect("exports:job", pk=job.pk)


def export_create(
    *, user: User, request: HttpRequest, builder: Builder, args: Sequence[str], sheet: Sheet
) -> ExportJob:
    """Queue a large export: the job keeps what rebuilds the request in the worker."""
    export_sweep()
    params = {
        "GET": {k: request.GET.getlist(k) for k in request.GET},
        "POST": {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"},
    }
    with transaction.atomic():  # a queued job always has its task
        job = ExportJob.objects.create(
            user=user,
            builder=f"{builder.__module__}.{builder.__qualname__}",
            args=list(args),
            method=request.method or "GET",
            params=params,
            language=translation.get_language() or "",
            address=client_ip(request),
            file_name=sheet.file_name[:200],
            stored_file=f"{uuid.uuid4().hex}.xlsx",
            total=sheet.total,
        )
        export_run.enqueue(job.pk)
    return job


def export_path(job: ExportJob) -> Path:
    return progress.shared_dir("exports") / job.stored_file


def _progress_key(job_id: int) -> str:
    return f"export-{job_id}"


def export_progress(job: ExportJob) -> progress.Progress:
    if job.status not in UNFINISHED:
        return progress.DONE
    return progress.read(_progress_key(job.pk))


def export_ready(job: ExportJob) -> bool:
    """The job's file is complete and not yet a day old."""
    fresh = job.created_at >= timezone.now() - KEEP
    return job.status == ExportJob.Status.DONE and fresh and export_path(job).is_file()


def export_sweep() -> None:
    """Delete the files and jobs of exports more than a day old: they hold personal data (the
    file) and the filters and reason (the job); the audit log keeps what was exported."""
    for job in ExportJob.objects.filter(created_at__lt=timezone.now() - KEEP):
        export_path(job).unlink(missing_ok=True)
        export_path(job).with_suffix(".part").unlink(missing_ok=True)
        progress.clear(_progress_key(job.pk))
        job.delete()


@task()
def export_run(job_id: int) -> str:
    """Write a queued export's file (the task a worker runs); a second run of a job done does
    nothing, one killed mid-way writes the file again from the start."""
    export_sweep()
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.status not in UNFINISHED:
        return str(job.status)
    ExportJob.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        status=ExportJob.Status.RUNNING
    )
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            request = _rebuilt_request(job)
            sheet = import_string(job.builder)(request, *job.args)
            if isinstance(sheet, HttpResponseBase):  # refused now (a filter gone invalid)
                raise ValueError(f"the export was refused: {sheet.status_code}")
            part = export_path(job).with_suffix(".part")
            with part.open("wb") as out:
                rows = _write(out, sheet, _progress_key(job_id))
            os.replace(part, export_path(job))
            with transaction.atomic():
                locked = ExportJob.objects.select_for_update().get(pk=job_id)
                if locked.status in UNFINISHED:  # else another run completed it meanwhile
                    locked.status, locked.rows = ExportJob.Status.DONE, rows
                    locked.finished_at = timezone.now()
                    locked.save(update_fields=["status", "rows", "finished_at"])
                    _audit(job.user, sheet, rows, request)
    except BaseException:  # the job must end, whatever happened; the page says it failed
        ExportJob.objects.filter(pk=job_id, status__in=UNFINISHED).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        export_path(job).unlink(missing_ok=True)
        raise
    finally:
        progress.clear(_progress_key(job_id))
    return str(ExportJob.objects.values_list("status", flat=True).get(pk=job_id))


def _rebuilt_request(job: ExportJob) -> HttpRequest:
    """The request the export was asked with, as far as a sheet builder reads it."""
    request = HttpRequest()
    request.method = job.method
    request.GET, request.POST = (_query(job.params.get(part, {})) for part in ("GET", "POST"))
    request.user = job.user
    request.META["REMOTE_ADDR"] = job.address or ""
    request.LANGUAGE_CODE = job.language  # type: ignore[attr-defined]
    return request


def _query(params: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, values)
    data._mutable = False
    return data


def _write(out: IO[bytes], sheet: Sheet, key: str | None = None) -> int:
    """Write the sheet; the number of rows written."""
    count = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal count
        for row in sheet.rows:
            count += 1
            if key is not None and count % progress.EVERY == 0:
                progress.report(key, "export", count, sheet.total)
            yield row

    write_xlsx(out, sheet.headers, counted(), sheet_title=sheet.title)
    return count


def _audit(user: User, sheet: Sheet, rows: int, request: HttpRequest) -> None:
    audit(
        user=user,
        action=AuditEntry.Action.EXPORT,
        summary=f"{sheet.summary} ({rows})",
        detail={**sheet.detail, "rows": rows},
        request=request,
    )
