"""The desk on a phone (`/screening/desk/<point>/`): scan or type a tube's barcode to open it,
then each person (an 18-digit ID number from a card reader or a personal code samples them at
once; anything else searches by name, ID tail or room), seal the tube, pack sealed tubes into a
transport box and seal it. `?mode=door` is the door sampler's 上门 mode: the door-to-door list
to tap, samples recorded as DOOR.

Every tap is a form post answered by a redirect back to the desk (so a reload sends nothing
again); a refusal is the desk again with its reason and a 4xx. A form sent twice (a weak
connection) is one tube and one sample: a barcode already open here is that tube, a person
already in this tube is that sample (`sampling.sample_record`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import user_of
from linli.core.validators import Problem, in_language
from linli.core.workflow import Conflict
from linli.places.models import Resident
from linli.screening import desk, sampling
from linli.screening import selectors_desk as sel
from linli.screening.forms_desk import CodeForm, SampleForm, TubeForm
from linli.screening.models import Sample, SamplingPoint, TransportBox, Tube
from linli.screening.views_rounds import status_of

T = Tube.Status
RECENT = 20


def _point(request: HttpRequest, pk: int) -> SamplingPoint:
    found: SamplingPoint = get_object_or_404(
        SamplingPoint.objects.filter(
            round__in=sel.rounds_for(request.user).values("pk")
        ).select_related("round", "compound"),
        pk=pk,
    )
    if not request.user.has_perm("screening.sample_testround", found):
        raise PermissionDenied
    return found


def _mode(request: HttpRequest) -> str:
    mode = request.POST.get("mode") or request.GET.get("mode") or ""
    return "door" if mode == "door" else ""


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


def _desk_url(point: SamplingPoint, *, tube: Tube | None, box: int | None, mode: str) -> str:
    params: dict[str, Any] = {}
    if tube is not None and tube.status == T.OPEN:
        params["tube"] = tube.pk
    if box:
        params["box"] = box
    if mode:
        params["mode"] = mode
    url = reverse("screening:desk", args=[point.pk])
    return f"{url}?{urlencode(params)}" if params else url


def _tube(point: SamplingPoint, value: Any) -> Tube | None:
    pk = _int(value)
    if pk is None:
        return None
    return Tube.objects.filter(point=point, pk=pk).first()


def _box(point: SamplingPoint, value: Any) -> TransportBox | None:
    pk = _int(value)
    if pk is None:
        return None
    return TransportBox.objects.filter(point=point, pk=pk, sealed_at=None).first()


def _render(
    request: HttpRequest,
    point: SamplingPoint,
    *,
    tube: Tube | None = None,
    box: TransportBox | None = None,
    mode: str = "",
    error: str = "",
    status: int = 200,
    results: list[Resident] | None = None,
    resample: Resident | None = None,
    q: str = "",
) -> HttpResponse:
    user = request.user
    if tube is not None and tube.status != T.OPEN:
        tube = None
    samples = sel.tube_samples(tube) if tube is not None else []
    for s in samples:
        s.shown = sel.name_for(user, s.resident.name)  # type: ignore[attr-defined]
    lines: list[Any] = []
    if mode == "door":
        people = sel.desk_people(point)
        if point.compound_id is not None:  # the door sampler walks the point's compound
            people = people.filter(household__building__compound_id=point.compound_id)
        lines = sel.door_list(point.round, people)
    found = list(results or [])
    for person in [*found, *(line.resident for line in lines)]:
        person.shown = sel.name_for(user, person.name)  # type: ignore[attr-defined]
    done = sel.sampled_in_round(point.round, found)
    for person in found:
        person.done = person.pk in done  # type: ignore[attr-defined]
    if resample is not None:
        resample.shown = sel.name_for(user, resample.name)  # type: ignore[attr-defined]
    sealed = list(
        Tube.objects.filter(point=point, status=T.SEALED, box=None).order_by("-sealed_at")[:50]
    )
    # Tubes left open at this point (a desk that reloaded, or another desk's): to go on with.
    unsealed = (
        list(Tube.objects.filter(point=point, status=T.OPEN).order_by("opened_at")[:20])
        if tube is None
        else []
    )
    context = {
        "point": point,
        "round": point.round,
        "tube": tube,
        "unsealed": unsealed,
        "samples": samples[:RECENT],
        "box": box,
        "box_tubes": list(box.tubes.order_by("barcode")) if box is not None else [],
        "sealed": sealed,
        "mode": mode,
        "error": error,
        "results": found,
        "resample": resample,
        "q": q,
        "lines": lines,
        "tube_form": TubeForm(),
        "capacities": Tube.Capacity.choices,
        "desks": range(1, point.desks + 1),
    }
    return render(request, "screening/desk.html", context, status=status)


@login_required
def desk_page(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    return _render(
        request,
        point,
        tube=_tube(point, request.GET.get("tube")),
        box=_box(point, request.GET.get("box")),
        mode=_mode(request),
    )


@login_required
@require_POST
def tube_open(request: HttpRequest, pk: int) -> HttpResponse:
    """A tube's barcode: a new one opens a tube of the chosen capacity (default 10)."""
    point = _point(request, pk)
    mode = _mode(request)
    box = _box(point, request.POST.get("box"))
    form = TubeForm(request.POST)
    if not form.is_valid():
        error = _("请扫描采样管条码并选择混采人数")
        return _render(request, point, box=box, mode=mode, error=error, status=400)
    data = form.cleaned_data
    try:
        tube, created = desk.tube_open(
            user=user_of(request),
            point=point,
            barcode=data["barcode"],
            capacity=data["capacity"],
            desk=data["desk"] or 1,
            request=request,
        )
    except Problem as exc:
        return _render(request, point, box=box, mode=mode, error=exc.text(), status=status_of(exc))
    if created:
        messages.success(request, _("已开管：%(code)s") % {"code": tube.barcode})
    return redirect(_desk_url(point, tube=tube, box=box.pk if box else None, mode=mode))


@login_required
@require_POST
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """A person at the desk: a tapped search result (`resident`), an ID number (sampled at
    once), or a search by name, ID tail or room (the results to tap)."""
    point = _point(request, pk)
    mode = _mode(request)
    box = _box(point, request.POST.get("box"))
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _render(request, point, box=box, mode=mode, error=_("请求无效"), status=400)
    data = form.cleaned_data
    tube = _tube(point, data["tube"])
    q = " ".join((data["q"] or "").split())
    if tube is None or tube.status != T.OPEN:
        error = in_language("请先扫描一支未封管的采样管", "scan an open tube first")
        return _render(request, point, box=box, mode=mode, error=error, status=409, q=q)
    people = sel.desk_people(point)
    if data["resident"]:
        person = people.filter(pk=data["resident"]).first()
        if person is None:
            return _not_found(request, point, tube, box, mode, q)
        return _sample(request, point, tube, box, mode, person, data["reason"] or "")
    if sel.ID_NUMBER.match(q):
        person = sel.by_id_number(point, q)
        if person is None:
            return _not_found(request, point, tube, box, mode, "")
        return _sample(request, point, tube, box, mode, person, data["reason"] or "")
    if not q:
        error = _("请扫描身份证或输入姓名、身份证后4位、房号")
        return _render(request, point, tube=tube, box=box, mode=mode, error=error, status=400)
    results = sel.search(point, q)
    if not results:
        return _not_found(request, point, tube, box, mode, q)
    return _render(request, point, tube=tube, box=box, mode=mode, results=results, q=q)


def _not_found(
    request: HttpRequest,
    point: SamplingPoint,
    tube: Tube,
    box: TransportBox | None,
    mode: str,
    q: str,
) -> HttpResponse:
    error = in_language("查无此人：不在本轮的小区名单中", "not found among this round's residents")
    return _render(request, point, tube=tube, box=box, mode=mode, error=error, status=404, q=q)


def _sample(
    request: HttpRequest,
    point: SamplingPoint,
    tube: Tube,
    box: TransportBox | None,
    mode: str,
    person: Resident,
    reason: str,
) -> HttpResponse:
    source = Sample.Source.DOOR if mode == "door" else Sample.Source.DESK
    try:
        _sample_row, created = sampling.sample_record(
            user=user_of(request),
            round_=point.round,
            resident=person,
            taken_at=timezone.now(),
            source=source,
            tube=tube,
            point=point,
            reason=reason,
        )
    except Problem as exc:
        status = status_of(exc)
        # Already sampled this round (in another tube): the desk asks for a resample's reason.
        again = (
            person
            if isinstance(exc, Conflict)
            and Sample.objects.filter(round=point.round, resident=person).exists()
            else None
        )
        return _render(
            request,
            point,
            tube=tube,
            box=box,
            mode=mode,
            error=exc.text(),
            status=status,
            resample=again,
        )
    tube.refresh_from_db()
    name = sel.name_for(request.user, person.name)
    figures = {"name": name, "filled": tube.filled, "capacity": tube.capacity}
    if created:
        messages.success(request, _("已采样：%(name)s（%(filled)s / %(capacity)s）") % figures)
    else:
        messages.info(request, _("已在本管：%(name)s") % figures)
    return redirect(_desk_url(point, tube=tube, box=box.pk if box else None, mode=mode))


@login_required
@require_POST
def tube_seal(request: HttpRequest, pk: int) -> HttpResponse:
    """封管: the tube is sealed (once) and the desk is ready for the next barcode."""
    point = _point(request, pk)
    mode = _mode(request)
    box = _box(point, request.POST.get("box"))
    tube = _tube(point, request.POST.get("tube"))
    if tube is None:
        return _render(request, point, box=box, mode=mode, error=_("请求无效"), status=404)
    try:
        sealed = desk.tube_seal(user=user_of(request), tube=tube, request=request)
    except Problem as exc:
        error, status = exc.text(), status_of(exc)
        return _render(request, point, tube=tube, box=box, mode=mode, error=error, status=status)
    messages.success(
        request,
        _("已封管：%(code)s（%(filled)s 人）") % {"code": sealed.barcode, "filled": sealed.filled},
    )
    return redirect(_desk_url(point, tube=None, box=box.pk if box else None, mode=mode))


@login_required
@require_POST
def box_open(request: HttpRequest, pk: int) -> HttpResponse:
    """A transport box's code: a new box, or the open box of that code."""
    point = _point(request, pk)
    mode = _mode(request)
    tube = _tube(point, request.POST.get("tube"))
    form = CodeForm(request.POST)
    if not form.is_valid():
        error = _("请扫描转运箱号")
        return _render(request, point, tube=tube, mode=mode, error=error, status=400)
    try:
        box, _created = desk.box_open(
            user=user_of(request), point=point, code=form.cleaned_data["code"], request=request
        )
    except Problem as exc:
        error, status = exc.text(), status_of(exc)
        return _render(request, point, tube=tube, mode=mode, error=error, status=status)
    return redirect(_desk_url(point, tube=tube, box=box.pk, mode=mode))


@login_required
@require_POST
def box_add(request: HttpRequest, pk: int, box: int) -> HttpResponse:
    """A sealed tube scanned into the box."""
    point = _point(request, pk)
    mode = _mode(request)
    found = get_object_or_404(TransportBox, point=point, pk=box)
    tube = _tube(point, request.POST.get("tube"))
    form = CodeForm(request.POST)
    if not form.is_valid():
        error = _("请扫描采样管条码")
        return _render(request, point, tube=tube, box=found, mode=mode, error=error, status=400)
    try:
        desk.box_add(
            user=user_of(request), box=found, barcode=form.cleaned_data["code"], request=request
        )
    except Problem as exc:
        error, status = exc.text(), status_of(exc)
        return _render(request, point, tube=tube, box=found, mode=mode, error=error, status=status)
    return redirect(_desk_url(point, tube=tube, box=found.pk, mode=mode))


@login_required
@require_POST
def box_seal(request: HttpRequest, pk: int, box: int) -> HttpResponse:
    """封箱: the box's tubes are boxed."""
    point = _point(request, pk)
    mode = _mode(request)
    found = get_object_or_404(TransportBox, point=point, pk=box)
    tube = _tube(point, request.POST.get("tube"))
    try:
        sealed = desk.box_seal(user=user_of(request), box=found, request=request)
    except Problem as exc:
        error, status = exc.text(), status_of(exc)
        return _render(request, point, tube=tube, box=found, mode=mode, error=error, status=status)
    messages.success(request, _("已封箱：%(code)s") % {"code": sealed.code})
    return redirect(_desk_url(point, tube=tube, box=None, mode=mode))
