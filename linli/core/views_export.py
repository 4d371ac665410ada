"""The page of a large export a worker makes: its progress, then the download (linli.core.
export_jobs). A job is seen only by the login that asked for it; anyone else gets a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from linli.core.export_jobs import XLSX, export_path, export_progress, export_ready
from linli.core.models import ExportJob


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, user_id=request.user.pk)


def _context(request: HttpRequest, pk: int) -> dict[str, object]:
    job = _own_job(request, pk)
    return {
        "job": job,
        "ready": export_ready(job),
        "finished": job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
        "progress": export_progress(job),
        "poll_url": reverse("exports:progress", args=[job.pk]),
        "page_url": reverse("exports:job", args=[job.pk]),
    }


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/export_job.html", _context(request, pk))


@login_required
@require_GET
def export_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled part of the page: the progress bar, then the download link."""
    return render(request, "core/export_progress.html", _context(request, pk))


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if not export_ready(job):
        raise Http404
    return FileResponse(
        export_path(job).open("rb"), as_attachment=True, filename=job.file_name, content_type=XLSX
    )
