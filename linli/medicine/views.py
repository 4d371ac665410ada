"""Pages of the medicine desk (内场): the request list, a request with its lines, history and
moves, the new-request form, the hospitals, the team's posts, a committee's gate, medicine help
requests to turn into requests, and the resident's own request page.

Every read goes through the access gate (a request out of reach is a 404), then the rule book
(403); a move the status no longer allows is a 409 with the reason on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care.forms import new_form_token
from linli.care.models import HelpRequest
from linli.care.selfservice import link_by_token
from linli.core import ratelimit
from linli.core.http import int_param, user_of
from linli.core.validators import Problem, parse_id_number
from linli.core.workflow import Conflict, NotAllowed
from linli.medicine import selectors, selfservice, services
from linli.medicine.filters import MedicineOrderFilter
from linli.medicine.forms import (
    GateForm,
    HelpRequestOrderForm,
    LineEditForm,
    LineForm,
    LineFormSet,
    OrderForm,
    PostForm,
    SelfServiceForm,
    TransitionForm,
)
from linli.medicine.models import MedicineLine, MedicineOrder
from linli.medicine.workflow import MEDICINE_ORDER_WORKFLOW
from linli.places.importers import building_name, room_name
from linli.places.models import Committee, Resident, Town

PER_PAGE = 50
SELF_SERVICE_MISSES = ratelimit.Limit("medicine:self-service:refused", 10, 3600)
SELF_SERVICE_PER_PHONE = ratelimit.Limit("medicine:self-service:phone", 5, 86400)


def _desk_town(request: HttpRequest) -> Town:
    """The town whose desk the login works; others may not."""
    user = user_of(request)
    if not user.has_perm("medicine.work_desk") or user.town_id is None:
        raise PermissionDenied
    return user.town  # type: ignore[return-value]


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The request list: red first, then the oldest; each with its age."""
    rows = selectors.desk_orders(request.user)
    data = request.GET.copy()
    if "open" not in data and not data.get("status"):
        data["open"] = "true"
    filterset = MedicineOrderFilter(data, queryset=rows, request=request)
    page = Paginator(filterset.qs, PER_PAGE).get_page(int_param(request.GET.get("page"), 1))
    orders = list(page.object_list)
    user = request.user
    items = [(o, selectors.lines_for(user, o)) for o in orders]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "items": items,
        "params": params.urlencode(),
        "may_add": user.has_perm("medicine.add_medicineorder"),
        "may_plan": user.has_perm("medicine.plan_dayplan"),
    }
    return render(request, "medicine/desk_list.html", context)


def _visible_order(request: HttpRequest, pk: int) -> MedicineOrder:
    return get_object_or_404(selectors.orders_for(request.user), pk=pk)


def _order_context(request: HttpRequest, order: MedicineOrder, **extra: Any) -> dict[str, Any]:
    user = request.user
    may_change = user.has_perm("medicine.change_medicineorder", order)
    moves = MEDICINE_ORDER_WORKFLOW.allowed(user, order)
    lines = selectors.lines_for(user, order)
    editable = may_change and order.status in services.EDITABLE
    context = {
        "order": order,
        "lines": lines,
        "line_forms": (
            [
                (v.line, LineEditForm(initial=LineForm.initial_of(v.line), prefix=f"l{v.line.pk}"))
                for v in lines
            ]
            if editable
            else []
        ),
        "new_line": LineForm(prefix="new") if editable else None,
        "moves": [(to, MEDICINE_ORDER_WORKFLOW.label(to)) for to in moves],
        "history": [
            (
                c,
                MEDICINE_ORDER_WORKFLOW.label(c.from_status) if c.from_status else "",
                MEDICINE_ORDER_WORKFLOW.label(c.to_status),
            )
            for c in order.changes.select_related("by")
        ],
        "may_change": may_change,
        "sees_ids": may_change,
    }
    context.update(extra)
    return context


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    return render(request, "medicine/order_detail.html", _order_context(request, order))


@login_required
@require_POST
def order_transition(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    form = TransitionForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 400, _("未知状态 (unknown status)")
    else:
        try:
            MEDICINE_ORDER_WORKFLOW.transition(
                order,
                form.cleaned_data["to"],
                by=user_of(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except Conflict as exc:
            status, error = 409, str(exc)
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except Problem as exc:
            status, error = 400, str(exc)
    if error:
        order = _visible_order(request, pk)
        context = _order_context(request, order, error=error)
        return render(request, "medicine/order_detail.html", context, status=status)
    messages.success(
        request,
        _("已更新为“%(s)s”") % {"s": MEDICINE_ORDER_WORKFLOW.label(form.cleaned_data["to"])},
    )
    return redirect("medicine:order", pk=pk)


@login_required
@require_POST
def line_edit(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    order = _visible_order(request, pk)
    found = get_object_or_404(MedicineLine, pk=line, order=order)
    if not request.user.has_perm("medicine.change_medicineorder", order):
        raise PermissionDenied
    form = LineEditForm(request.POST, prefix=f"l{found.pk}")
    error = ""
    status = 400
    if form.is_valid():
        try:
            services.line_edit(
                user=user_of(request),
                line=found,
                data=form.line(),
                substitution_consent=form.cleaned_data["substitution_consent"],
                request=request,
            )
        except Conflict as exc:
            status, error = 409, str(exc)
        except Problem as exc:
            error = str(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("medicine:order", pk=pk)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    context = _order_context(request, order, error=error)
    return render(request, "medicine/order_detail.html", context, status=status)


@login_required
@require_POST
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    if not request.user.has_perm("medicine.change_medicineorder", order):
        raise PermissionDenied
    form = LineForm(request.POST, prefix="new")
    error, status = "", 400
    if form.is_valid():
        try:
            services.line_add(user=user_of(request), order=order, data=form.line(), request=request)
        except Conflict as exc:
            status, error = 409, str(exc)
        except Problem as exc:
            error = str(exc)
        else:
            return redirect("medicine:order", pk=pk)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    context = _order_context(request, order, error=error)
    return render(request, "medicine/order_detail.html", context, status=status)


def find_patient(town_id: int, data: dict[str, Any]) -> Resident:
    """The registered resident at that address with that name (and ID number when given)."""
    rows = Resident.objects.filter(
        town_id=town_id,
        status__in=(Resident.Status.PRESENT, Resident.Status.AWAY),
        household__building__compound__committee=data["committee"],
        household__building__compound__name=data["compound"].strip(),
        household__building__name=building_name(data["building"].strip()),
        household__room=room_name(data["room"].strip()),
        name=data["name"].strip(),
    ).select_related("household__building__compound")
    if data.get("id_number"):
        rows = rows.filter(id_number=parse_id_number(data["id_number"]).number)
    found = list(rows[:2])
    if not found:
        raise Problem(
            "登记册中找不到该居民（请核对居委、小区、楼栋、室号、姓名）",
            "no such resident in the registry (check the address and name)",
        )
    if len(found) > 1:
        raise Problem("该户有同名居民，请填写身份证号", "two residents of that name: give the ID")
    return found[0]


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """The desk's form: the patient by address and name, the hospital, the lines."""
    town = _desk_town(request)
    form = OrderForm(
        request.POST or None, town_id=town.pk, initial={"form_token": new_form_token()}
    )
    lines = LineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            patient = find_patient(town.pk, data)
            made = services.order_create(
                user=user_of(request),
                resident=patient,
                hospital=data["hospital"],
                department=data["department"],
                lines=[f.line() for f in lines if f.has_changed() and f.cleaned_data],
                source=MedicineOrder.Source.DESK,
                urgency=data["urgency"],
                service_date=data["service_date"],
                form_number=data["form_number"],
                note=data["note"],
                idempotency_key=f"desk:{request.user.pk}:{data['form_token']}",
                request=request,
            )
        except Problem as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("配药单已登记"))
            return redirect(made.order)
    context = {"form": form, "lines": lines}
    return render(
        request, "medicine/order_new.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
def hospitals(request: HttpRequest) -> HttpResponse:
    town = _desk_town(request)
    context = {"hospitals": selectors.hospitals_of(town.pk)}
    return render(request, "medicine/desk_hospitals.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The team's posts: every volunteer of a 就医配药 team, their post, capacity and home."""
    town = _desk_town(request)
    may_manage = request.user.has_perm("medicine.manage_teammember", town)
    rows = []
    for volunteer in selectors.medicine_volunteers(town.pk):
        member = getattr(volunteer, "medicine_post", None)
        initial = (
            {
                "post": member.post,
                "capacity": member.capacity,
                "home_lat": member.home_lat,
                "home_lon": member.home_lon,
                "on_duty": member.on_duty,
            }
            if member is not None
            else None
        )
        form = PostForm(initial=initial, prefix=f"v{volunteer.pk}") if may_manage else None
        rows.append((volunteer, member, form))
    committees = Committee.objects.filter(town=town).prefetch_related("compounds")
    context = {"rows": rows, "may_manage": may_manage, "committees": committees}
    return render(request, "medicine/desk_team.html", context)


@login_required
@require_POST
def post_set(request: HttpRequest, volunteer: int) -> HttpResponse:
    town = _desk_town(request)
    if not request.user.has_perm("medicine.manage_teammember", town):
        raise PermissionDenied
    found = get_object_or_404(selectors.medicine_volunteers(town.pk), pk=volunteer)
    form = PostForm(request.POST, prefix=f"v{found.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("medicine:team")
    data = form.cleaned_data
    home = None
    if data["home_lat"] is not None and data["home_lon"] is not None:
        home = (data["home_lat"], data["home_lon"])
    try:
        services.post_set(
            user=user_of(request),
            volunteer=found,
            post=data["post"],
            capacity=data["capacity"],
            home=home,
            on_duty=data["on_duty"],
            request=request,
        )
    except Problem as exc:
        messages.error(request, str(exc))
        return redirect("medicine:team")
    messages.success(request, _("已保存"))
    return redirect("medicine:team")


@login_required
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    """A committee's hand-over gate (交接点)."""
    committee = Committee.objects.visible_to(request.user).filter(pk=pk).first()
    if committee is None:
        raise Http404
    if not request.user.has_perm("medicine.set_gate_committee", committee):
        raise PermissionDenied
    form = GateForm(
        request.POST or None,
        initial={"gate_lat": committee.gate_lat, "gate_lon": committee.gate_lon},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.gate_set(
                    user=user_of(request),
                    committee=committee,
                    lat=form.cleaned_data["gate_lat"],
                    lon=form.cleaned_data["gate_lon"],
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("交接点已保存"))
                return redirect("medicine:committee_gate", pk=pk)
    context = {"committee": committee, "form": form, "point": committee.gate_point()}
    return render(request, "medicine/desk_gate.html", context, status=status)


def _medicine_help_requests(town: Town) -> Any:
    return (
        HelpRequest.objects.filter(
            town=town,
            category=HelpRequest.Category.MEDICINE,
            status__in=HelpRequest.OPEN_STATUSES,
            medicine_order__isnull=True,
        )
        .select_related("household__building__compound", "resident")
        .order_by("created_at")
    )


@login_required
def help_requests(request: HttpRequest) -> HttpResponse:
    """Open help requests of category medicine not yet a request: the desk turns each into one."""
    town = _desk_town(request)
    rows = [
        (
            hr,
            HelpRequestOrderForm(town_id=town.pk, prefix=f"h{hr.pk}"),
            LineForm(prefix=f"h{hr.pk}l"),
        )
        for hr in _medicine_help_requests(town)[:PER_PAGE]
    ]
    return render(request, "medicine/desk_help_requests.html", {"rows": rows})


@login_required
@require_POST
def help_request_order(request: HttpRequest, pk: int) -> HttpResponse:
    town = _desk_town(request)
    found = get_object_or_404(
        HelpRequest.objects.filter(town=town, category=HelpRequest.Category.MEDICINE), pk=pk
    )
    form = HelpRequestOrderForm(request.POST, town_id=town.pk, prefix=f"h{pk}")
    line = LineForm(request.POST, prefix=f"h{pk}l")
    if not (form.is_valid() and line.is_valid()):
        messages.error(request, _("请填写医院和药品 (hospital and drug are required)"))
        return redirect("medicine:help_requests")
    try:
        made = services.order_from_help_request(
            user=user_of(request),
            help_request=found,
            hospital=form.cleaned_data["hospital"],
            department=form.cleaned_data["department"],
            urgency=form.cleaned_data["urgency"],
            lines=[line.line()],
            request=request,
        )
    except Problem as exc:
        messages.error(request, str(exc))
        return redirect("medicine:help_requests")
    return redirect(made.order)


@never_cache
def ask(request: HttpRequest, token: str) -> HttpResponse:
    """居民自助配药: the public page behind a building's poster link."""
    link = link_by_token(token)
    if link is None:
        raise Http404
    town_id = link.building.town_id
    form = SelfServiceForm(
        request.POST or None, town_id=town_id, initial={"form_token": new_form_token()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if ratelimit.too_large(request, 8 * 1024):
            return HttpResponse(_("提交内容过大"), status=413)
        if form.is_valid():
            data = form.cleaned_data
            if SELF_SERVICE_PER_PHONE.blocked(data["phone"]):
                return HttpResponse(
                    _("今天该手机号提交次数已达上限，请联系楼组长或居委"), status=429
                )
            try:
                made = selfservice.self_service_order(
                    link=link,
                    room=data["room"],
                    name=data["name"],
                    phone=data["phone"],
                    hospital=data["hospital"],
                    line=services.LineData(
                        generic_name=data["generic_name"],
                        strength=data["strength"],
                        maker=data["maker"],
                        boxes=data["boxes"],
                    ),
                    urgency=(
                        MedicineOrder.Urgency.RED
                        if data["out_of_medicine"]
                        else MedicineOrder.Urgency.YELLOW
                    ),
                    form_token=data["form_token"],
                    request=request,
                )
            except Problem as exc:
                if SELF_SERVICE_MISSES.hit(f"{link.pk}:{ratelimit.address(request)}"):
                    return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
                form.add_error(None, exc.text())
            else:
                if made.created:
                    SELF_SERVICE_PER_PHONE.hit(data["phone"])
                return render(request, "medicine/selfservice_done.html", {"order": made.order})
    context = {"form": form, "building": link.building}
    return render(request, "medicine/selfservice.html", context, status=status)
