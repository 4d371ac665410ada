"""The town's queue of transfer requests the imports held (linli.places.transfers): town staff
confirm or refuse each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from linli.core.http import user_of
from linli.core.validators import Problem
from linli.core.workflow import NotAllowed, transition
from linli.places.models import TransferRequest


def _town_transfers(request: HttpRequest) -> QuerySet[TransferRequest]:
    """Only town staff decide transfers; to anyone else the queue does not exist (404)."""
    if not request.user.has_perm("places.view_transferrequest"):
        raise Http404
    return TransferRequest.objects.visible_to(request.user).select_related(
        "from_committee",
        "to_committee",
        "to_household__building__compound",
        "requested_by",
        "decided_by",
    )


@login_required
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    return _transfers_page(request, _town_transfers(request))


def _transfers_page(
    request: HttpRequest, rows: QuerySet[TransferRequest], status: int = 200
) -> HttpResponse:
    pending = rows.filter(status=TransferRequest.Status.PENDING)
    decided = rows.exclude(status=TransferRequest.Status.PENDING)[:50]
    context = {"pending": pending, "decided": decided}
    return render(request, "places/transfers.html", context, status=status)


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    rows = _town_transfers(request)
    transfer = get_object_or_404(rows, pk=pk)
    to = {
        "confirm": TransferRequest.Status.CONFIRMED,
        "refuse": TransferRequest.Status.REFUSED,
    }.get(request.POST.get("decision", ""))
    if to is None:
        messages.error(request, gettext("请选择确认或拒绝"))
        return _transfers_page(request, rows, status=400)
    try:
        transition(transfer, to, by=user_of(request), request=request)
    except NotAllowed:
        raise  # a PermissionDenied: Django's 403 page
    except Problem as exc:
        messages.error(request, str(exc))
        return _transfers_page(request, rows, status=409)
    messages.success(request, gettext("已处理"))
    return redirect("places:transfers")
