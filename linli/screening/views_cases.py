"""Pages of cases (病例): the list the user's scope reaches, a case with its building, history
and the office's moves (re-check, transfer with destination, cleared, recovered)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.rules import is_staff
from linli.core.http import user_of
from linli.core.masking import mask_name
from linli.core.validators import Problem
from linli.screening import cases as svc
from linli.screening.forms_results import CaseMoveForm
from linli.screening.models import Case
from linli.screening.views_results import status_of
from linli.screening.workflow import CASE_WORKFLOW


def _cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Case.objects.visible_to(request.user).select_related(
        "resident__household", "building__compound__committee"
    )


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = _cases(request)
    if status in Case.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    names = is_staff(request.user)
    rows = [(c, c.resident.name if names else mask_name(c.resident.name)) for c in page]
    context = {"page": page, "rows": rows, "status": status, "statuses": Case.Status.choices}
    return render(request, "screening/cases_list.html", context)


@login_required
def case(request: HttpRequest, pk: int, status: int = 200, error: str = "") -> HttpResponse:
    found = get_object_or_404(_cases(request), pk=pk)
    names = is_staff(request.user)
    context = {
        "case": found,
        "name": found.resident.name if names else mask_name(found.resident.name),
        "moves": [
            (to, CASE_WORKFLOW.label(to)) for to in CASE_WORKFLOW.allowed(request.user, found)
        ],
        "changes": found.changes.select_related("by").order_by("at", "id"),
        "form": CaseMoveForm(),
        "error": error,
    }
    return render(request, "screening/cases_detail.html", context, status=status)


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(_cases(request), pk=pk)
    if not request.user.has_perm("screening.change_case", found):
        raise PermissionDenied
    form = CaseMoveForm(request.POST)
    if not form.is_valid():
        return case(request, pk, 400, _("请选择要改为的状态"))
    try:
        svc.case_move(
            user=user_of(request),
            case=found,
            to=form.cleaned_data["to"],
            destination=form.cleaned_data["destination"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return case(request, pk, status_of(exc), exc.text())
    return redirect("screening:case", pk=pk)
