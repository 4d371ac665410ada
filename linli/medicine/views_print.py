"""The day's paper (单据打印): bag labels, run sheets, hand-over lists, the day's figures, and
the bag's page its QR code opens.

Whole-day prints are the desk's and town staff's (`medicine.print_day`); a runner prints their
own run (`medicine.print_medicinerun`), a committee its hand-over list
(`medicine.print_handover`). Requests are read through the access gate; a run is reached only
through a request of it the user sees (404 otherwise), then the rule is asked (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.core.http import user_of
from linli.core.validators import Problem, parse_day
from linli.medicine import labels, sheets
from linli.medicine.models import MedicineOrder, MedicineRun
from linli.medicine.reports import medicine_report
from linli.medicine.rules import fetches
from linli.places.models import Committee, Town

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(request: HttpRequest) -> dt.date:
    return parse_day(request.GET.get("date")) or timezone.localdate()


def _bad(problem: Problem) -> HttpResponse:
    return HttpResponse(problem.text(), status=400, content_type="text/plain; charset=utf-8")


def _town(request: HttpRequest) -> Town:
    user = user_of(request)
    if user.town_id is not None:
        return user.town  # type: ignore[return-value]
    if user.is_superuser:
        town = Town.objects.order_by("pk").first()
        if town is not None:
            return town
    raise Http404


def _file(content: bytes, *, filename: str, content_type: str, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    return response


def _bag_url(request: HttpRequest) -> Any:
    return lambda order: request.build_absolute_uri(reverse("medicine:bag", args=[order.pk]))


def _run_of(request: HttpRequest, pk: int) -> MedicineRun:
    """The run, if the user sees a request it carries (404), and may print it (403)."""
    seen = MedicineOrder.objects.visible_to(request.user).filter(run=pk)
    run = get_object_or_404(
        MedicineRun.objects.select_related("runner__volunteer").filter(pk__in=seen.values("run")),
        pk=pk,
    )
    if not request.user.has_perm("medicine.print_medicinerun", run):
        raise PermissionDenied
    return run


@login_required
@require_GET
def print_day(request: HttpRequest) -> HttpResponse:
    """单据打印: the day's figures and every print the user may make, for a date."""
    try:
        day = _day(request)
    except Problem as problem:
        return _bad(problem)
    town = _town(request)
    user = user_of(request)
    orders = list(sheets.day_orders(user, town=town, day=day))
    runs = [
        (sheet, len(sheet.orders))
        for sheet in sheets.run_sheets(orders)
        if user.has_perm("medicine.print_medicinerun", sheet.run)
    ]
    committees = sorted({o.committee for o in orders}, key=lambda c: c.name)
    handovers = [c for c in committees if user.has_perm("medicine.print_handover", c)]
    whole_day = user.has_perm("medicine.print_day")
    context = {
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "whole_day": whole_day,
        "figures": medicine_report(town=town, user=user, date=day) if whole_day else None,
        "runs": runs,
        "handovers": handovers,
    }
    return render(request, "medicine/print_day.html", context)


@login_required
@require_GET
def day_labels(request: HttpRequest) -> HttpResponse:
    """Every bag label of the day's runs, for the desk."""
    if not request.user.has_perm("medicine.print_day"):
        raise PermissionDenied
    try:
        day = _day(request)
    except Problem as problem:
        return _bad(problem)
    orders = list(sheets.day_orders(user_of(request), town=_town(request), day=day))
    sheets.print_record(user=user_of(request), what="labels", day=day, count=len(orders))
    pdf = labels.labels_pdf(
        labels.labels_for(orders, _bag_url(request)), document_title=_("配药袋标签")
    )
    return _file(pdf, filename=f"配药袋标签-{day}.pdf", content_type="application/pdf", inline=True)


@login_required
@require_GET
def day_sheets(request: HttpRequest, fmt: str) -> HttpResponse:
    """The run sheets of every run of the day, one PDF or one workbook, for the desk."""
    if not request.user.has_perm("medicine.print_day"):
        raise PermissionDenied
    try:
        day = _day(request)
    except Problem as problem:
        return _bad(problem)
    orders = list(sheets.day_orders(user_of(request), town=_town(request), day=day))
    return _sheets_file(request, sheets.run_sheets(orders), fmt=fmt, day=day, name="")


def _sheets_file(
    request: HttpRequest, made: list[sheets.RunSheet], *, fmt: str, day: dt.date, name: str
) -> HttpResponse:
    count = sum(len(s.orders) for s in made)
    sheets.print_record(user=user_of(request), what=f"run sheet {fmt}", day=day, count=count)
    filename = f"配药路线单-{day}{name}"
    if fmt == "xlsx":
        return _file(
            sheets.sheets_xlsx(made), filename=f"{filename}.xlsx", content_type=XLSX, inline=False
        )
    return _file(
        sheets.sheets_pdf(made, day=day),
        filename=f"{filename}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@login_required
@require_GET
def run_sheet(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One run's sheet, for its runner or the desk."""
    run = _run_of(request, pk)
    orders = sheets.day_orders(user_of(request), town=run.town, day=run.date).filter(run=run)
    made = sheets.run_sheets(orders)
    return _sheets_file(request, made, fmt=fmt, day=run.date, name=f"-{run.runner.volunteer.name}")


@login_required
@require_GET
def run_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """The bag labels of one run."""
    run = _run_of(request, pk)
    orders = list(sheets.day_orders(user_of(request), town=run.town, day=run.date).filter(run=run))
    sheets.print_record(user=user_of(request), what="labels", day=run.date, count=len(orders))
    pdf = labels.labels_pdf(
        labels.labels_for(orders, _bag_url(request)), document_title=_("配药袋标签")
    )
    return _file(
        pdf,
        filename=f"配药袋标签-{run.date}-{run.runner.volunteer.name}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@login_required
@require_GET
def handover(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A committee's hand-over list of the day (交接清单): its bags, to count at the gate."""
    committee = get_object_or_404(Committee, pk=pk)
    if not request.user.has_perm("medicine.print_handover", committee):
        raise PermissionDenied
    try:
        day = _day(request)
    except Problem as problem:
        return _bad(problem)
    orders = sheets.day_orders(user_of(request), town=committee.town, day=day).filter(
        committee=committee
    )
    rows = sheets.handover_rows(orders)
    sheets.print_record(user=user_of(request), what=f"hand-over {fmt}", day=day, count=len(rows))
    filename = f"{committee.name}-交接清单-{day}"
    if fmt == "xlsx":
        return _file(
            sheets.handover_xlsx(rows), filename=f"{filename}.xlsx", content_type=XLSX, inline=False
        )
    return _file(
        sheets.handover_pdf(rows, committee=committee, day=day),
        filename=f"{filename}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@login_required
@require_GET
def bag(request: HttpRequest, pk: int) -> HttpResponse:
    """配药袋: what a bag's QR code opens: whose it is, where it goes, what is in it and where it
    stands; confidential drug names only for the desk and the run's runner."""
    order = get_object_or_404(
        MedicineOrder.objects.visible_to(request.user).select_related(
            "committee", "resident", "hospital", "department", "household__building__compound"
        ),
        pk=pk,
    )
    if not request.user.has_perm("medicine.scan_medicineorder", order):
        raise PermissionDenied
    sees_confidential = fetches.test(request.user, order)
    lines = [(line, sees_confidential or not line.confidential) for line in order.lines.all()]
    context = {"order": order, "place": sheets.place_of(order), "lines": lines}
    return render(request, "medicine/print_bag.html", context)
