"""Pages of the place registry: lists, details, export, and the resident page's actions.

Every read goes through the selectors (the access gate): a place out of the user's scope is a
404, the same as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from linli.core.access import FieldAccess, scope_for
from linli.core.audit import audit
from linli.core.export_jobs import Sheet, export_answer
from linli.core.filters import StrictFilterSet, parse_id
from linli.core.masking import SENSITIVE_FIELDS, field_access, mask_numbers_in, shown
from linli.core.models import AuditEntry
from linli.core.tables import paginate
from linli.core.validators import Problem
from linli.places import selectors, services
from linli.places.filters import BuildingFilter, CommitteeFilter, CompoundFilter, ResidentFilter
from linli.places.forms import ResidentMoveForm, ResidentStatusForm, household_label
from linli.places.hub import building_sections
from linli.places.models import Building, Committee, Compound, Resident
from linli.places.rules import reveals_numbers
from linli.places.tables import (
    BuildingTable,
    CommitteeTable,
    CompoundTable,
    PlaceTable,
    ResidentTable,
)

PER_PAGE = 50
REASON_MAX = 200  # characters of a full-number export's stated reason

# Other apps' pages about one living resident, linked from the resident page. They gate on the
# same scope as this page, so whoever sees the resident may use them; an app not installed is
# skipped.
RESIDENT_ACTIONS: list[tuple[str, Any]] = [
    ("care:visit_resident", _("敲门")),
    ("care:request_new_resident", _("登记诉求")),
]


@dataclass(frozen=True)
class PlaceList:
    """A list page: its filters, its table (also the export's columns) and its rows."""

    kind: str
    title: Promise
    filterset: type[StrictFilterSet]
    table: type[PlaceTable]
    rows: Callable[[Any], QuerySet[Any]]
    level: str  # the access gate's level of its rows (linli.core.access.LEVELS)
    sensitive: bool = False


LISTS = {
    spec.kind: spec
    for spec in [
        PlaceList(
            "committees",
            _("居委"),
            CommitteeFilter,
            CommitteeTable,
            selectors.committees_for,
            "committee",
        ),
        PlaceList(
            "compounds",
            _("小区"),
            CompoundFilter,
            CompoundTable,
            selectors.compounds_for,
            "compound",
        ),
        PlaceList(
            "buildings",
            _("楼栋"),
            BuildingFilter,
            BuildingTable,
            selectors.buildings_for,
            "building",
        ),
        PlaceList(
            "residents",
            _("居民"),
            ResidentFilter,
            ResidentTable,
            selectors.residents_for,
            "resident",
            sensitive=True,
        ),
    ]
}


def _filtered(request: HttpRequest, spec: PlaceList) -> StrictFilterSet:
    return spec.filterset(request.GET or None, queryset=spec.rows(request.user), request=request)


@login_required
def list_page(request: HttpRequest, kind: str) -> HttpResponse:
    """One list of the registry, of the kind the URL names, filtered and paged."""
    spec = LISTS[kind]
    filterset = _filtered(request, spec)
    invalid = filterset.is_bound and not filterset.is_valid()
    table = spec.table(filterset.qs)
    paginate(request, table, PER_PAGE)
    table.count_page(request.user)
    can_full = _can_export_full(request.user, spec)
    context = {
        "spec": spec,
        "filter": filterset,
        "table": table,
        "filters_active": bool(filterset.active_params()),
        "can_export_full": can_full,
        # Only the lists the user's scope reaches: a building leader has no 居委 or 小区 to list.
        "tabs": [
            (reverse(f"places:{other.kind}"), other.title)
            for other in LISTS.values()
            if scope_for(request.user).reaches(other.level)
        ],
    }
    return render(request, "places/list.html", context, status=400 if invalid else 200)


def _can_export_full(user: Any, spec: PlaceList) -> bool:
    """Full numbers in bulk are for staff (town, committee) whose scope may reveal them."""
    return (
        spec.sensitive
        and bool(user.has_perm("places.export_full_resident"))
        and bool(reveals_numbers(user))
    )


def _crumbs(user: Any, *places: Committee | Compound | Building) -> list[tuple[str, str]]:
    """The places above a page, by name, with a link only where the user may open the place's
    page (a building leader sees their building, not its compound or committee)."""
    return [
        (
            place.name,
            place.get_absolute_url()
            if type(place).objects.visible_to(user).filter(pk=place.pk).exists()
            else "",
        )
        for place in places
    ]


def _place_page(
    request: HttpRequest, obj: Committee | Compound, level: str, table: PlaceTable
) -> HttpResponse:
    """A committee's or compound's page: its figures and the table of the places in it."""
    paginate(request, table, PER_PAGE)
    table.count_page(request.user)
    figures = selectors.place_counts(request.user, level, [obj.pk])[obj.pk]
    crumbs = [(gettext("居委"), reverse("places:committees"))]
    if isinstance(obj, Compound):
        crumbs += _crumbs(request.user, obj.committee)
    context = {"obj": obj, "figures": figures, "table": table, "crumbs": crumbs}
    return render(request, f"places/{level}.html", context)


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_object_visible(Committee, request.user, pk=pk)
    table = CompoundTable(selectors.compounds_for(request.user).filter(committee=obj))
    return _place_page(request, obj, "committee", table)


@login_required
@require_POST
def committee_hotline(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the committee's hotline (居委热线), which its posters print."""
    obj = selectors.get_object_visible(Committee, request.user, pk=pk)
    if not request.user.has_perm("places.change_committee", obj):
        raise PermissionDenied
    try:
        services.committee_set_hotline(
            user=request.user,  # type: ignore[arg-type]
            committee=obj,
            hotline=request.POST.get("hotline", "")[:100],
            request=request,
        )
    except Problem as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, gettext("居委热线已保存"))
    return redirect(obj)


@login_required
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_object_visible(Compound, request.user, pk=pk)
    table = BuildingTable(selectors.buildings_for(request.user).filter(compound=obj))
    return _place_page(request, obj, "compound", table)


@login_required
def building(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    obj = selectors.get_object_visible(Building, user, pk=pk)
    people = selectors.residents_for(user).filter(household__building=obj)
    households = (
        selectors.households_for(user)
        .filter(building=obj)
        .prefetch_related(Prefetch("residents", queryset=people, to_attr="visible_residents"))
    )
    crumbs = _crumbs(user, obj.compound.committee, obj.compound)
    context = {
        "obj": obj,
        "households": households,
        "crumbs": crumbs,
        "sections": building_sections(user, obj),
    }
    return render(request, "places/building.html", context)


def _resident_page(
    request: HttpRequest,
    resident: Resident,
    *,
    move_form: ResidentMoveForm | None = None,
    status_form: ResidentStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_write = user.has_perm("places.change_resident", resident)
    history = [
        {
            "change": change,
            "from": household_label(change.from_household) if change.from_household else "",
            "to": household_label(change.to_household) if change.to_household else "",
            "from_status": Resident.Status(change.from_status).label if change.from_status else "",
            "to_status": Resident.Status(change.to_status).label if change.to_status else "",
        }
        for change in selectors.resident_history(resident)
    ]
    building = resident.household.building
    context = {
        "obj": resident,
        "crumbs": _crumbs(user, building.compound.committee, building.compound, building),
        "address": household_label(resident.household),
        "sensitive": [
            {
                "field": f,
                "label": Resident._meta.get_field(f).verbose_name,  # type: ignore[union-attr]
                "value": shown(user, f, getattr(resident, f) or ""),
                "revealable": bool(getattr(resident, f))
                and field_access(user, f) is FieldAccess.REVEALABLE,
            }
            for f in SENSITIVE_FIELDS
        ],
        "history": history,
        "actions": _resident_actions(resident),
        "can_write": can_write,
        "move_form": move_form or ResidentMoveForm(user=user, resident=resident),
        "status_form": status_form or ResidentStatusForm(resident=resident),
    }
    return render(request, "places/resident.html", context, status=status)


def _resident_actions(resident: Resident) -> list[tuple[str, Any]]:
    if resident.status not in (Resident.Status.PRESENT, Resident.Status.AWAY):
        return []
    actions = []
    for name, label in RESIDENT_ACTIONS:
        try:
            actions.append((reverse(name, args=[resident.pk]), label))
        except NoReverseMatch:
            continue
    return actions


@login_required
def resident(request: HttpRequest, pk: int) -> HttpResponse:
    return _resident_page(request, selectors.resident_for(request.user, pk))


def _writable_resident(request: HttpRequest, pk: int) -> Resident:
    obj = selectors.resident_for(request.user, pk)
    if not request.user.has_perm("places.change_resident", obj):
        raise PermissionDenied(
            gettext("只有工作人员可以修改居民信息 (only staff may change residents)")
        )
    return obj


@login_required
@require_POST
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _writable_resident(request, pk)
    form = ResidentMoveForm(request.POST, user=request.user, resident=obj)
    if not form.is_valid():
        return _resident_page(request, obj, move_form=form, status=400)
    services.resident_move(
        user=request.user,  # type: ignore[arg-type]
        resident=obj,
        to_household=form.cleaned_data["to_household"],
        note=form.cleaned_data["note"],
        request=request,
    )
    messages.success(request, gettext("已迁至 %(to)s") % {"to": household_label(obj.household)})
    return redirect(obj)


@login_required
@require_POST
def resident_status(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _writable_resident(request, pk)
    form = ResidentStatusForm(request.POST, resident=obj)
    if not form.is_valid():
        return _resident_page(request, obj, status_form=form, status=400)
    services.resident_set_status(
        user=request.user,  # type: ignore[arg-type]
        resident=obj,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        request=request,
    )
    messages.success(request, gettext("状态已改为 %(s)s") % {"s": obj.get_status_display()})
    return redirect(obj)


@login_required
@require_POST
def resident_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """Show one full ID or phone number (htmx swaps it in), and record who looked."""
    if field not in SENSITIVE_FIELDS:
        raise Http404
    obj = selectors.resident_for(request.user, pk)
    if field_access(request.user, field) < FieldAccess.REVEALABLE:
        raise PermissionDenied(gettext("您无权查看完整号码 (you may not see full numbers)"))
    audit(
        user=request.user,  # type: ignore[arg-type]
        action=AuditEntry.Action.REVEAL,
        target=obj,
        summary=field,
        detail={"field": field, "resident": obj.pk},
        request=request,
    )
    value = getattr(obj, field) or ""
    return HttpResponse(format_html('<span class="sensitive revealed">{}</span>', value))


@login_required
@require_GET
def household_options(request: HttpRequest) -> HttpResponse:
    """The rooms of one building, as <option>s for the move form (htmx); gated like all reads."""
    building_id = parse_id(request.GET.get("building"))
    households = selectors.households_for(request.user).filter(building_id=building_id or 0)
    return render(request, "places/household_options.html", {"households": households})


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Any list as xlsx, filtered as on the page, numbers as the user sees them (masked unless
    the scope shows them in full). Full numbers in bulk are `export_full`'s, never a GET. A
    large list is made by a worker (linli.core.export_jobs)."""
    if request.GET.get("full"):
        return _bad_request(
            gettext("导出完整号码须在列表页填写理由后提交 (state a reason on the list page)")
        )
    return export_answer(request, export_sheet, kind)


@login_required
@require_POST
def export_full(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Staff export with full ID and phone numbers: a stated reason (in the body, never the
    URL), recorded with the row count. Volunteers never get one."""
    user = request.user
    if not user.has_perm("places.export_full_resident"):
        raise PermissionDenied(gettext("只有工作人员可以导出完整号码 (staff only)"))
    if len(_export_reason(request)) < 2:
        return _bad_request(gettext("请填写导出完整号码的理由 (state why the full numbers)"))
    return export_answer(request, export_sheet, kind)


def _export_reason(request: HttpRequest) -> str:
    return mask_numbers_in(request.POST.get("reason", "").strip())[:REASON_MAX]


def _bad_request(text: str) -> HttpResponse:
    return HttpResponse(text, status=400, content_type="text/plain")


def export_sheet(request: HttpRequest, kind: str) -> Sheet | HttpResponse:
    """A list's download, as `export` (GET: masked) or `export_full` (POST: with a reason) asked
    for it; a worker calls it again with the request rebuilt for a large list."""
    spec = LISTS.get(kind)
    if spec is None:
        raise Http404
    full = request.method == "POST"
    data = request.POST if full else request.GET
    filterset = spec.filterset(data or None, queryset=spec.rows(request.user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
        return _bad_request(gettext("筛选条件无效 (invalid filter): ") + reasons)
    table = spec.table(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    full_given = full and _can_export_full(request.user, spec)
    table.full_numbers = full_given
    table.load_counts(request.user, None)
    ordered: QuerySet[Any] = table.data.data  # type: ignore[attr-defined]
    detail: dict[str, Any] = {
        "list": kind,
        "filters": filterset.active_params(),
        "full_numbers": full_given,
    }
    if full:
        detail["reason"] = _export_reason(request)
    return Sheet(
        title=str(spec.title),
        file_name=f"{spec.title}-{timezone.localdate():%Y%m%d}.xlsx",
        headers=table.export_headers(),
        rows=table.export_rows(ordered),
        total=ordered.count(),
        summary=kind,
        detail=detail,
    )
