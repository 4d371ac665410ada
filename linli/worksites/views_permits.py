"""Permit pages: issuing (town staff), a permit's page with its revocation and PDF card, and
the public verification page a checkpoint volunteer's phone opens from the QR code.

The verification page needs no login and shows only what a checkpoint needs: the state in
big letters (valid, expired, revoked, not yet valid), the kind, the plate or the worker's
masked name, the route and the validity. An unknown token is a 404; misses are counted per
address (`ratelimit`), so nobody can walk the token space, and every lookup is capped too.
The token is cut from logs (`linli.core.logs.LINK_PATH`, deploy/nginx's map).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import ratelimit
from linli.core.http import user_of
from linli.core.masking import mask_name
from linli.core.validators import Problem
from linli.places.models import Resident, Town
from linli.worksites import services
from linli.worksites.forms import PermitForm, RevokeForm
from linli.worksites.models import Permit, TransportRequest
from linli.worksites.permit_pdf import card_of, permit_pdf
from linli.worksites.views import site_of, status_of

VERIFY_MISSES = ratelimit.Limit("worksites:permit:miss", 20, 3600)  # unknown tokens per address
VERIFY_LOOKUPS = ratelimit.Limit("worksites:permit:lookup", 600, 3600)  # every scan per address


def _permit(request: HttpRequest, pk: int) -> Permit:
    permit = get_object_or_404(
        Permit.objects.visible_to(request.user).select_related("compound", "worker"), pk=pk
    )
    if not request.user.has_perm("worksites.view_worksite", permit):
        raise PermissionDenied
    return permit


def verify_url(request: HttpRequest, permit: Permit) -> str:
    return request.build_absolute_uri(reverse("worksites:verify", args=[permit.token]))


@login_required
def permit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a permit for a site (town staff); from a transport request with ?transport=ID."""
    site = site_of(request, pk)
    if not request.user.has_perm("worksites.issue_permit", site):
        raise PermissionDenied
    transport = None
    transport_id = request.GET.get("transport") or request.POST.get("transport") or ""
    if transport_id:
        if not transport_id.isdigit():
            return HttpResponse(_("转运申请编号无效"), status=400)
        transport = get_object_or_404(
            TransportRequest.objects.visible_to(request.user).filter(compound=site),
            pk=int(transport_id),
        )
    workers = Resident.objects.visible_to(request.user).filter(
        household__building__compound=site, status=Resident.Status.PRESENT
    )
    initial = {}
    if transport is not None:
        initial = {
            "kind": Permit.Kind.VEHICLE,
            "plate": transport.plate,
            "route": transport.route,
            "valid_from": transport.window_from,
            "valid_until": transport.window_to,
        }
    form = PermitForm(request.POST or None, initial=initial, workers=workers.order_by("name"))
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                permit = services.permit_issue(
                    user=user_of(request),
                    compound=site,
                    kind=data["kind"],
                    plate=data["plate"],
                    route=data["route"],
                    worker=data["worker"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    transport=transport,
                    request=request,
                )
            except Problem as exc:
                error, status = exc.text(), status_of(exc)
            else:
                return redirect(permit)
    context = {"site": site, "form": form, "error": error, "transport": transport}
    return render(request, "worksites/permit_form.html", context, status=status)


@login_required
def permit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A permit: its state, validity, the card to print, revocation."""
    permit = _permit(request, pk)
    return _permit_page(request, permit)


def _permit_page(
    request: HttpRequest, permit: Permit, *, status: int = 200, error: str = "", form: object = None
) -> HttpResponse:
    context = {
        "permit": permit,
        "state": services.permit_state(permit),
        "worker_name": permit.worker.name if permit.worker else "",
        "may_revoke": request.user.has_perm("worksites.revoke_permit", permit),
        "form": form or RevokeForm(),
        "error": error,
    }
    return render(request, "worksites/permit.html", context, status=status)


@login_required
@require_POST
def permit_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    permit = _permit(request, pk)
    if not request.user.has_perm("worksites.revoke_permit", permit):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _permit_page(request, permit, status=400, form=form)
    try:
        services.permit_revoke(
            user=user_of(request),
            permit=permit,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return _permit_page(request, permit, status=status_of(exc), error=exc.text())
    return redirect(permit)


@login_required
def permit_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The permit's printable card (PDF) with its QR code."""
    permit = _permit(request, pk)
    pdf = permit_pdf(card_of(permit, verify_url(request, permit)))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{permit.get_kind_display()}-{permit.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name) or ""
    return response


def permit_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The checkpoint's page (no login): the permit's state in big letters and nothing
    personal beyond a masked name."""
    address = ratelimit.address(request)
    if VERIFY_MISSES.blocked(address) or VERIFY_LOOKUPS.hit(address):
        return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
    permit = (
        Permit.objects.filter(token=token).select_related("compound", "worker").first()
        if 16 <= len(token) <= 64
        else None
    )
    if permit is None:
        VERIFY_MISSES.hit(address)
        raise Http404
    town = Town.objects.filter(pk=permit.town_id).values_list("name", flat=True).first()
    context = {
        "permit": permit,
        "state": services.permit_state(permit),
        "masked_name": mask_name(permit.worker.name) if permit.worker else "",
        "site": permit.compound.name,
        "town": town or "",
    }
    response = render(request, "worksites/verify.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
