"""Pages of the supplier registry (供应商名录): the list, a supplier with its papers, vetting
history and complaints, adding and editing (town staff), vetting moves, complaints.

Rows come through the access gate (`visible_to`: out of reach a 404), then the rule book
(`supplies.*`: in reach but not allowed a 403). A refused move re-renders the supplier's page
with the reason and a 4xx status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.export_jobs import Sheet, export_answer
from linli.core.http import int_param, user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition
from linli.places.models import Committee
from linli.places.selectors import user_town_or_refuse
from linli.supplies.forms_suppliers import (
    ComplaintForm,
    PaperForm,
    StatusForm,
    SupplierFilter,
    SupplierForm,
)
from linli.supplies.models import Complaint, Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category
from linli.supplies.services_suppliers import (
    COMPLAINT_WORKFLOW,
    SUPPLIER_VETTING_WORKFLOW,
    complaint_record,
    supplier_create,
    supplier_paper_add,
    supplier_paper_remove,
    supplier_update,
)
from linli.supplies.vetting import paper_problems, required_papers, supplier_problem

PAGE = 30
CATEGORY_LABELS = dict(Category.choices)


def status_of(exc: Problem) -> int:
    """The HTTP status of a refusal: 409 a stale or illegal state, 403 not allowed, else 400."""
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def _supplier(request: HttpRequest, pk: int) -> Supplier:
    return get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)


def _labels(categories: list[str]) -> list[str]:
    return [str(CATEGORY_LABELS.get(c, c)) for c in categories or []]


@login_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    """The registry, with each supplier's status today: usable, or why not."""
    town = user_town_or_refuse(request)
    base = (
        Supplier.objects.visible_to(request.user)
        .filter(town=town)
        .annotate(open_complaints=Count("complaints", filter=Q(complaints__status="open")))
        .prefetch_related("papers")
    )
    found = SupplierFilter(request.GET or None, queryset=base, request=request)
    page = Paginator(found.qs.order_by("name"), PAGE).get_page(
        int_param(request.GET.get("page"), 1)
    )
    today = timezone.localdate()
    rows = [
        {"supplier": s, "labels": _labels(s.categories), "problem": supplier_problem(s, today)}
        for s in page.object_list
    ]
    return render(
        request,
        "supplies/supplier_list.html",
        {"filter": found, "page": page, "rows": rows, "today": today},
    )


EXPORT_HEADERS: list[str] = [
    "名称",
    "供应品类",
    "日供应能力（单）",
    "配送范围",
    "审核状态",
    "今日可用",
    # The papers, in SupplierPaper.Kind's order.
    "营业执照",
    "食品经营许可证",
    "保供企业白名单",
    "车辆通行证",
    "司机核酸检测",
    "联系人",
    "联系电话",
    "地址",
    "待处理投诉",
]


def registry_sheet(request: HttpRequest) -> Sheet | HttpResponse:
    """The registry as the list shows it (its filters), with each paper's expiry; a worker
    calls it again with the request rebuilt for a large one."""
    town = user_town_or_refuse(request)
    base = (
        Supplier.objects.visible_to(request.user)
        .filter(town=town)
        .annotate(open_complaints=Count("complaints", filter=Q(complaints__status="open")))
        .prefetch_related("papers", "delivery_area")
        .order_by("name")
    )
    found = SupplierFilter(request.GET or None, queryset=base, request=request)
    if found.is_bound and not found.is_valid():
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in found.errors.items())
        return HttpResponse(
            _("筛选条件无效 (invalid filter): ") + reasons, status=400, content_type="text/plain"
        )
    today = timezone.localdate()

    def expiry(supplier: Supplier, kind: str) -> str:
        days = [p.expires_on for p in supplier.papers.all() if p.kind == kind]
        if not days:
            return ""
        if None in days:
            return _("长期")
        return max(d for d in days if d is not None).isoformat()

    def rows() -> Any:
        for s in found.qs.iterator(chunk_size=500):
            problem = supplier_problem(s, today)
            yield [
                s.name,
                "、".join(_labels(s.categories)),
                s.daily_capacity,
                "、".join(c.name for c in s.delivery_area.all()) or _("全镇"),
                s.get_vetting_display(),
                problem.text() if problem else _("可用"),
                *[expiry(s, kind) for kind in SupplierPaper.Kind.values],
                s.contact_name,
                s.contact_phone,
                s.address,
                s.open_complaints,  # type: ignore[attr-defined]
            ]

    title = _("供应商名录")
    return Sheet(
        title=str(title),
        file_name=f"{title}-{today:%Y%m%d}.xlsx",
        headers=[_(h) for h in EXPORT_HEADERS],
        rows=rows(),
        total=found.qs.count(),
        summary="suppliers",
        detail={"list": "supplies:suppliers", "filters": found.active_params()},
    )


@login_required
def supplier_export(request: HttpRequest) -> Any:
    return export_answer(request, registry_sheet)


@login_required
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _supplier(request, pk))


def _render_detail(
    request: HttpRequest, supplier: Supplier, *, error: str = "", status: int = 200, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    papers = list(supplier.papers.all())
    required = required_papers(supplier.categories or [])
    kinds = dict(SupplierPaper.Kind.choices)
    held = {p.kind for p in papers if p.valid_on(today)}
    complaints = (
        Complaint.objects.visible_to(request.user)
        .filter(supplier=supplier)
        .select_related("committee")
    )
    user = user_of(request)
    context = {
        "supplier": supplier,
        "labels": _labels(supplier.categories),
        "area": list(supplier.delivery_area.order_by("name")),
        "papers": [{"paper": p, "valid": p.valid_on(today)} for p in papers],
        "required": [{"label": kinds[k], "ok": k in held} for k in required],
        "problem": supplier_problem(supplier, today),
        "paper_problems": paper_problems(supplier, today),
        "history": [
            {
                "change": h,
                "source": SUPPLIER_VETTING_WORKFLOW.label(h.from_status) if h.from_status else "",
                "target": SUPPLIER_VETTING_WORKFLOW.label(h.to_status),
            }
            for h in supplier.vetting_changes.select_related("by")
        ],
        "moves": [
            (to, SUPPLIER_VETTING_WORKFLOW.label(to))
            for to in SUPPLIER_VETTING_WORKFLOW.allowed(user, supplier)
        ],
        "complaints": complaints,
        "may_change": user.has_perm("supplies.change_supplier", supplier),
        "may_complain": user.has_perm("supplies.add_complaint", supplier),
        "paper_form": forms.get("paper_form") or PaperForm(),
        "complaint_form": forms.get("complaint_form") or ComplaintForm(),
        "error": error,
        "today": today,
    }
    return render(request, "supplies/supplier_detail.html", context, status=status)


def _form_values(form: SupplierForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["delivery_area"] = list(data["delivery_area"])
    return data


@login_required
def supplier_new(request: HttpRequest) -> HttpResponse:
    town = user_town_or_refuse(request)
    if not request.user.has_perm("supplies.add_supplier"):
        raise PermissionDenied
    form = SupplierForm(request.POST or None, town_id=town.pk)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                supplier = supplier_create(
                    user=user_of(request), town=town, request=request, **_form_values(form)
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已登记，待审核"))
                return redirect("supplies:supplier", supplier.pk)
    return render(
        request, "supplies/supplier_form.html", {"form": form, "supplier": None}, status=status
    )


@login_required
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _supplier(request, pk)
    if not request.user.has_perm("supplies.change_supplier", supplier):
        raise PermissionDenied
    initial = {
        **{f: getattr(supplier, f) for f in SupplierForm.base_fields if f != "delivery_area"},
        "delivery_area": list(supplier.delivery_area.all()),
    }
    form = SupplierForm(request.POST or None, initial=initial, town_id=supplier.town_id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                supplier_update(
                    user=user_of(request), supplier=supplier, request=request, **_form_values(form)
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已保存"))
                return redirect("supplies:supplier", supplier.pk)
    return render(
        request,
        "supplies/supplier_form.html",
        {"form": form, "supplier": supplier},
        status=status,
    )


@login_required
@require_POST
def supplier_vetting(request: HttpRequest, pk: int) -> HttpResponse:
    """A vetting move (审核通过 / 暂停 / 恢复), with its reason."""
    supplier = _supplier(request, pk)
    if not request.user.has_perm("supplies.vet_supplier", supplier):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in Supplier.Vetting.values:
        return _render_detail(request, supplier, error=_("未知状态 (unknown status)"), status=400)
    try:
        transition(
            supplier,
            form.cleaned_data["to"],
            by=user_of(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return _render_detail(request, supplier, error=exc.text(), status=status_of(exc))
    messages.success(request, _("已更新为“%(s)s”") % {"s": supplier.get_vetting_display()})
    return redirect("supplies:supplier", supplier.pk)


@login_required
@require_POST
def paper_add(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _supplier(request, pk)
    if not request.user.has_perm("supplies.change_supplier", supplier):
        raise PermissionDenied
    form = PaperForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, supplier, status=400, paper_form=form)
    supplier_paper_add(
        user=user_of(request), supplier=supplier, request=request, **form.cleaned_data
    )
    messages.success(request, _("已添加证照"))
    return redirect("supplies:supplier", supplier.pk)


@login_required
@require_POST
def paper_remove(request: HttpRequest, pk: int, paper: int) -> HttpResponse:
    supplier = _supplier(request, pk)
    found = get_object_or_404(SupplierPaper, pk=paper, supplier=supplier)
    if not request.user.has_perm("supplies.change_supplier", supplier):
        raise PermissionDenied
    supplier_paper_remove(user=user_of(request), paper=found, request=request)
    messages.success(request, _("已删除证照"))
    return redirect("supplies:supplier", supplier.pk)


@login_required
@require_POST
def complaint_add(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _supplier(request, pk)
    if not request.user.has_perm("supplies.add_complaint", supplier):
        raise PermissionDenied
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, supplier, status=400, complaint_form=form)
    user = user_of(request)
    committee = (
        Committee.objects.filter(pk=user.committee_id).first() if user.committee_id else None
    )
    try:
        complaint_record(
            user=user,
            supplier=supplier,
            summary=form.cleaned_data["summary"],
            committee=committee,
            request=request,
        )
    except Problem as exc:
        return _render_detail(request, supplier, error=exc.text(), status=400)
    messages.success(request, _("已记录投诉"))
    return redirect("supplies:supplier", supplier.pk)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints the viewer may see, open ones first."""
    town = user_town_or_refuse(request)
    only_open = request.GET.get("status", "open") == "open"
    found = (
        Complaint.objects.visible_to(request.user)
        .filter(town=town)
        .select_related("supplier", "committee")
        .order_by("status", "-created_at", "-id")
    )
    if only_open:
        found = found.filter(status=Complaint.Status.OPEN)
    page = Paginator(found, PAGE).get_page(int_param(request.GET.get("page"), 1))
    return render(
        request, "supplies/supplier_complaints.html", {"page": page, "only_open": only_open}
    )


@login_required
@require_POST
def complaint_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve a complaint (the reason is the resolution) or reopen it."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related("supplier"), pk=pk
    )
    if not request.user.has_perm("supplies.resolve_complaint", complaint):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in Complaint.Status.values:
        return _render_detail(
            request, complaint.supplier, error=_("未知状态 (unknown status)"), status=400
        )
    try:
        COMPLAINT_WORKFLOW.transition(
            complaint,
            form.cleaned_data["to"],
            by=user_of(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return _render_detail(request, complaint.supplier, error=exc.text(), status=status_of(exc))
    messages.success(request, _("已更新"))
    return redirect("supplies:supplier", complaint.supplier_id)
