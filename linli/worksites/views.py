"""Pages of the worksites app: the town's list of sites, a site's board and profile,
closed-loop transport requests, crews lent to the street. Permits are in `views_permits.py`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import user_of
from linli.core.masking import shown
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition
from linli.places.models import Compound, Resident
from linli.worksites import selectors, services
from linli.worksites.forms import CrewForm, ProfileForm, TransportForm
from linli.worksites.models import SiteProfile, TransportRequest
from linli.worksites.workflow import TRANSPORT_WORKFLOW


def status_of(exc: Problem) -> int:
    """The HTTP status of a refusal: 409 a stale or illegal state, 403 not allowed, else 400."""
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def site_of(request: HttpRequest, pk: int) -> Compound:
    """A worksite the user sees (404 otherwise), and may work with (403 otherwise)."""
    site = get_object_or_404(
        Compound.objects.visible_to(request.user)
        .filter(kind=Compound.Kind.WORKSITE)
        .select_related("committee"),
        pk=pk,
    )
    if not request.user.has_perm("worksites.view_worksite", site):
        raise PermissionDenied
    return site


def workers_of(request: HttpRequest, site: Compound) -> object:
    return (
        Resident.objects.visible_to(request.user)
        .filter(household__building__compound=site, status=Resident.Status.PRESENT)
        .order_by("name", "pk")
    )


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    """The worksites the user answers for, with their workers."""
    return render(request, "worksites/list.html", {"sites": list(selectors.sites(request.user))})


@login_required
def site_board(request: HttpRequest, pk: int) -> HttpResponse:
    """A site's board: roster vs tested per round, observation, permits expiring, needs,
    transport, crews."""
    site = site_of(request, pk)
    board = selectors.board(request.user, site)
    phone = (
        shown(request.user, "phone", board.profile.manager_phone)
        if board.profile and board.profile.manager_phone
        else ""
    )
    context = {
        "board": board,
        "site": site,
        "manager_phone": phone,
        "may_change": request.user.has_perm("worksites.change_worksite", site),
        "may_issue": request.user.has_perm("worksites.issue_permit", site),
    }
    return render(request, "worksites/board.html", context)


@login_required
def site_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a site's person in charge, contractor, address and transport."""
    site = site_of(request, pk)
    if not request.user.has_perm("worksites.change_worksite", site):
        raise PermissionDenied
    profile = SiteProfile.objects.filter(compound=site).first()
    initial = {}
    if profile is not None:
        initial = {f: getattr(profile, f) for f in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.site_profile_save(
                    user=user_of(request), compound=site, request=request, **form.cleaned_data
                )
            except Problem as exc:
                error = exc.text()
            else:
                return redirect("worksites:board", site.pk)
    context = {"site": site, "form": form, "error": error}
    return render(request, "worksites/profile_form.html", context, status=status)


@login_required
def transport_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a closed-loop trip."""
    site = site_of(request, pk)
    if not request.user.has_perm("worksites.add_transportrequest", site):
        raise PermissionDenied
    form = TransportForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                transport = services.transport_request_create(
                    user=user_of(request), compound=site, request=request, **form.cleaned_data
                )
            except Problem as exc:
                error = exc.text()
            else:
                return redirect(transport)
    context = {"site": site, "form": form, "error": error}
    return render(request, "worksites/transport_form.html", context, status=status)


def _transport(request: HttpRequest, pk: int) -> TransportRequest:
    transport = get_object_or_404(
        TransportRequest.objects.visible_to(request.user).select_related("compound"), pk=pk
    )
    if not request.user.has_perm("worksites.view_worksite", transport):
        raise PermissionDenied
    return transport


def _transport_page(
    request: HttpRequest, transport: TransportRequest, *, status: int = 200, error: str = ""
) -> HttpResponse:
    moves = [
        (to, TRANSPORT_WORKFLOW.label(to))
        for to in TRANSPORT_WORKFLOW.allowed(request.user, transport)
    ]
    context = {
        "transport": transport,
        "moves": moves,
        "history": transport.changes.select_related("by").order_by("at", "pk"),
        "permits": transport.permits.all(),
        "may_issue": request.user.has_perm("worksites.issue_permit", transport),
        "error": error,
    }
    return render(request, "worksites/transport.html", context, status=status)


@login_required
def transport_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A transport request with its history and the moves the user may make."""
    return _transport_page(request, _transport(request, pk))


@login_required
@require_POST
def transport_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, refuse, cancel or mark done (the workflow says who may)."""
    transport = _transport(request, pk)
    to = request.POST.get("to", "")
    if to not in TransportRequest.Status.values:
        return _transport_page(request, transport, status=400, error=_("未知的状态"))
    try:
        transition(
            transport,
            to,
            by=user_of(request),
            reason=request.POST.get("reason", "")[:300],
            request=request,
        )
    except Problem as exc:
        transport.refresh_from_db()
        return _transport_page(request, transport, status=status_of(exc), error=exc.text())
    return redirect(transport)


@login_required
def crew_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a crew lent to the street."""
    site = site_of(request, pk)
    if not request.user.has_perm("worksites.add_crewloan", site):
        raise PermissionDenied
    form = CrewForm(request.POST or None, workers=workers_of(request, site))
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.crew_loan_record(
                    user=user_of(request), compound=site, request=request, **form.cleaned_data
                )
            except Problem as exc:
                error = exc.text()
            else:
                return redirect("worksites:board", site.pk)
    context = {"site": site, "form": form, "error": error}
    return render(request, "worksites/crew_form.html", context, status=status)
