"""The upload pages, for every import kind: choose a file → the check's progress → preview (a dry
run) → confirm → the import's progress → result. The check and the import are tasks
(linli.core.import_jobs); the pages poll their progress with htmx, or reload by themselves
without JavaScript. The upload page sends the file with htmx, whose upload progress linli.js
shows; each kind's template is a download here (linli.core.import_template)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from linli.core.audit import audit
from linli.core.export_jobs import XLSX
from linli.core.import_jobs import job_confirm, job_create, job_progress, rejects_path
from linli.core.import_report import group_problems
from linli.core.import_template import template_xlsx
from linli.core.imports import Importer, ImportResult, import_scope, importer_kinds
from linli.core.models import AuditEntry, ImportJob
from linli.core.validators import Problem, in_language

if TYPE_CHECKING:
    from linli.accounts.models import User


def _staff(request: HttpRequest) -> User:
    """A login that may import (see `import_scope`); anyone else is refused with the reason."""
    user: User = request.user  # type: ignore[assignment]
    try:
        import_scope(user)
    except Problem as exc:
        raise PermissionDenied(str(exc)) from None
    return user


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    """Jobs are seen only by the login that uploaded them; anyone else gets a 404."""
    return get_object_or_404(
        ImportJob.objects.select_related("committee"), pk=pk, user=_staff(request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    kinds = importer_kinds()
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind", "")
        if upload is None:
            messages.error(request, gettext("请选择文件"))
        elif kind not in kinds:
            messages.error(request, gettext("请选择导入类型"))
        else:
            try:
                job = job_create(
                    user=user,
                    upload=upload,
                    kind=kind,
                    skip_bad_rows="skip_bad_rows" in request.POST,
                    params={
                        name: request.POST.get(_option_field(kind, name), "")
                        for name, _help in kinds[kind].options
                    },
                )
            except Problem as exc:
                messages.error(request, exc.text())
            else:
                if request.htmx:  # type: ignore[attr-defined]  # sent by htmx, which showed the upload's progress
                    return HttpResponseClientRedirect(reverse("places:import_job", args=[job.pk]))
                return redirect("places:import_job", pk=job.pk)
        if request.htmx:  # type: ignore[attr-defined]  # the messages say why, on the page loaded again
            return HttpResponseClientRedirect(f"{reverse('places:import')}?kind={kind}")
    context = {
        "kinds": [(k, gettext(cls.label), cls.columns) for k, cls in kinds.items()],
        "options": [
            (
                k,
                gettext(cls.label),
                [
                    (
                        _option_field(k, n),
                        gettext(h),
                        request.POST.get(_option_field(k, n), ""),
                        cls.suggestions(n, user.town_id),  # type: ignore[arg-type]  # _staff: has a town
                    )
                    for n, h in cls.options
                ],
            )
            for k, cls in kinds.items()
            if cls.options
        ],
        "selected": request.POST.get("kind") or request.GET.get("kind") or "residents",
        "jobs": ImportJob.objects.filter(user=user)[:10],
    }
    return render(
        request, "core/import.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "core/import_job.html", _job_context(job))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        job_confirm(user=job.user, job=job, skip_bad_rows="skip_bad_rows" in request.POST)
    except Problem as exc:
        messages.error(request, exc.text())
        return render(request, "core/import_job.html", _job_context(job), status=400)
    return redirect("places:import_job", pk=job.pk)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled part of the page: a progress bar until the job ends, then the result;
    once the check is done, the whole page again (the preview and its confirm button)."""
    job = _own_job(request, pk)
    if job.status == ImportJob.Status.PREVIEW:
        return HttpResponseClientRefresh()
    if job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        # Still running: the bar alone, not the report (polled every second while it writes).
        return render(request, "core/import_progress.html", _progress_context(job))
    return render(request, "core/import_progress.html", _job_context(job))


@login_required
@require_GET
def import_rejects(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    path = rejects_path(job, _language())
    if not path.is_file():
        raise Http404
    audit(
        user=job.user,
        action=AuditEntry.Action.EXPORT,
        target=job,
        summary=f"import rejects {job.file_name}"[:300],
        request=request,
        town_id=job.town_id,
    )
    suffix = pgettext("filename", "错误行")
    name = f"{job.file_name.rsplit('.', 1)[0]}-{suffix}.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The kind's template to fill in: its headers, a line explaining them, an example row."""
    _staff(request)
    importer = importer_kinds().get(kind)
    if importer is None:
        raise Http404
    name = f"{gettext(importer.label)}-{pgettext('filename', '导入模板')}.xlsx"
    response = HttpResponse(template_xlsx(importer), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


def _option_field(kind: str, option: str) -> str:
    """A kind's option on the upload page: "samples-round" (kinds share option names)."""
    return f"{kind}-{option}"


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _column_title(importer: type[Importer] | None, label: str) -> str:
    """A column's name in the page's language: its Chinese label, or in English its translated
    label, else its field name ("birth date")."""
    if importer is None or not label:
        return label
    column = next((c for c in importer.columns if label in (c.label, c.name)), None)
    if column is None:
        return label
    if _language() == "zh-hans":
        return column.label
    translated = gettext(column.label)
    return translated if translated != column.label else column.name.replace("_", " ")


def _groups(
    stored: list[dict[str, object]] | None, problems: list, importer: type[Importer] | None
) -> list[dict[str, object]]:
    """Problems grouped by reason, in the page's language (older jobs: grouped from the kept
    rows)."""
    groups = stored if stored is not None else group_problems(problems)
    return [
        {
            "column": _column_title(importer, str(g["column"])),
            "reason": in_language(str(g["zh"]), str(g["en"])),
            "count": g["count"],
            "rows": g["rows"],
        }
        for g in groups
    ]


def _progress_context(job: ImportJob) -> dict[str, object]:
    return {
        "progress": job_progress(job),
        "poll_url": reverse("places:import_progress", args=[job.pk]),
        "page_url": reverse("places:import_job", args=[job.pk]),
    }


def _job_context(job: ImportJob) -> dict[str, object]:
    data = job.result or job.preview
    report = ImportResult.from_dict(data) if data else None
    kinds = importer_kinds()
    importer = kinds.get(job.kind)
    sheets = [
        {**s, "mapping": {h: _column_title(importer, f) for h, f in s["mapping"].items()}}
        for s in (report.sheets if report else [])
    ]
    return {
        "job": job,
        "kind_label": gettext(importer.label) if importer else job.kind,
        "report": report,
        "sheets": sheets,
        "error_groups": _groups(
            data.get("error_groups"), report.errors if report else [], importer
        ),
        "warning_groups": _groups(
            data.get("warning_groups"), report.warnings if report else [], importer
        ),
        "imported_url": importer.imported_url(job.committee) if importer else "",
        "error_count": data.get("error_count", 0),
        "warning_count": data.get("warning_count", 0),
        **_progress_context(job),
        "has_rejects": rejects_path(job, _language()).is_file(),
        "finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
    }
