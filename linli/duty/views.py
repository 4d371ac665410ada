"""Pages of the responsibility grid.

A volunteer's pages ("my duties", claims) show only their part, through the access gate; the
committee pages (grid, assigning, suggestions) are for staff whose scope holds the committee.
Anything out of scope is a 404, the same as something that does not exist.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import ratelimit
from linli.core.http import int_param, user_of
from linli.core.posters import posters_response
from linli.core.validators import Problem
from linli.core.workflow import NotAllowed, transition
from linli.duty import claims as claim_services
from linli.duty import reportin, selectors, services
from linli.duty.coverage import coverage
from linli.duty.forms import AssignForm, ReportInForm, TeamForm
from linli.duty.models import Claim, Duty, Pairing, ReportInLink, Volunteer, active_q
from linli.duty.suggest import DEFAULT_CAPACITY
from linli.places.models import Building, Committee, Compound, Household, Resident
from linli.places.selectors import user_town_or_refuse

GAP_ROWS = 20


def staff_committee(request: HttpRequest, pk: int) -> Committee:
    """The committee whose grid the user manages: out of scope a 404, in scope but not theirs
    to manage (not staff) a 403."""
    found = get_object_or_404(Committee.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("duty.manage_committee", found):
        raise PermissionDenied
    return found


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Staff: their committees with what awaits them. Volunteers go to their own page."""
    if not request.user.has_perm("places.list_committee"):
        return redirect("duty:mine")
    committees = Committee.objects.visible_to(request.user).annotate(
        volunteers_active=Count(
            "volunteers", filter=Q(volunteers__status=Volunteer.Status.ACTIVE), distinct=True
        ),
        applicants=Count(
            "volunteers", filter=Q(volunteers__status=Volunteer.Status.APPLIED), distinct=True
        ),
    )
    pending = dict(
        Claim.objects.visible_to(request.user)
        .filter(status=Claim.Status.PENDING)
        .order_by()
        .values_list("committee_id")
        .annotate(n=Count("pk"))
    )
    rows = [(c, pending.get(c.pk, 0)) for c in committees]
    return render(request, "duty/index.html", {"rows": rows})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的包干: what this volunteer answers for, and the residents they may see for it."""
    grid = selectors.my_grid(request.user)
    return render(request, "duty/mine.html", {"grid": grid})


CLAIM_PAGE = 20
COMMITTEE_PAGE = 10


@login_required
def claim(request: HttpRequest) -> HttpResponse:
    """认领: uncovered buildings and households of the volunteer's committee."""
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None or volunteer.status != Volunteer.Status.ACTIVE:
        return render(request, "duty/claim.html", {"volunteer": None}, status=403)
    if request.method == "POST":
        place: Building | Household
        if request.POST.get("household"):
            place = get_object_or_404(
                Household.objects.select_related("building__compound"),
                pk=int_param(request.POST["household"]),
                building__compound__committee_id=volunteer.committee_id,
            )
        else:
            place = get_object_or_404(
                Building.objects.select_related("compound"),
                pk=int_param(request.POST.get("building")),
                compound__committee_id=volunteer.committee_id,
            )
        try:
            claim_services.claim_create(
                user=user_of(request),
                volunteer=volunteer,
                place=place,
                request=request,
            )
            messages.success(request, _("已提交认领，等待居委审核"))
        except Problem as exc:
            messages.error(request, str(exc))
        return redirect("duty:claim")
    # Hundreds of open places: a search by compound or building name, and pages of 20.
    q = request.GET.get("q", "").strip()
    buildings = selectors.uncovered_buildings(volunteer.committee)
    households = selectors.uncovered_households(volunteer.committee)
    if q:
        buildings = buildings.filter(Q(name__icontains=q) | Q(compound__name__icontains=q))
        households = households.filter(
            Q(building__name__icontains=q) | Q(building__compound__name__icontains=q)
        )
    context = {
        "volunteer": volunteer,
        "q": q,
        "buildings": Paginator(buildings, CLAIM_PAGE).get_page(request.GET.get("bpage")),
        "households": Paginator(households, CLAIM_PAGE).get_page(request.GET.get("hpage")),
        "mine": Claim.objects.visible_to(request.user)
        .filter(volunteer=volunteer)
        .select_related("building__compound", "household__building__compound")[:20],
    }
    return render(request, "duty/claim.html", context)


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, refuse (staff) or withdraw (the volunteer) a claim."""
    found = get_object_or_404(Claim.objects.visible_to(request.user), pk=pk)
    to = {
        "approve": Claim.Status.APPROVED,
        "refuse": Claim.Status.REFUSED,
        "withdraw": Claim.Status.WITHDRAWN,
    }.get(request.POST.get("decision", ""))
    if to is None:
        return HttpResponse(_("未知操作 (unknown decision)"), status=400)
    try:
        transition(found, to, by=user_of(request), request=request)
        messages.success(request, _("已处理"))
        status = 200
    except NotAllowed:
        raise
    except Problem as exc:
        messages.error(request, str(exc))
        status = 409
    if request.htmx:  # type: ignore[attr-defined]
        found.refresh_from_db()
        return render(request, "duty/_claim_row.html", {"claim": found}, status=status)
    if to == Claim.Status.WITHDRAWN:
        return redirect("duty:claim")
    return redirect("duty:committee", pk=found.committee_id)


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's grid: teams, duties, claims and report-ins awaiting a decision."""
    found = staff_committee(request, pk)
    grid = selectors.committee_grid(request.user, found)
    # Hundreds of duties and volunteers: each list in pages, not one 13,000-px page.
    context = {
        "grid": grid,
        "committee": found,
        "duties": Paginator(grid.duties, COMMITTEE_PAGE).get_page(request.GET.get("dpage")),
        "volunteers": Paginator(grid.volunteers, COMMITTEE_PAGE).get_page(request.GET.get("vpage")),
    }
    return render(request, "duty/committee.html", context)


@login_required
@require_POST
def volunteer_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject a report-in, stand a volunteer down, or bring them back (staff)."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("duty.change_volunteer", volunteer):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in Volunteer.Status.values:
        return HttpResponse(_("未知状态 (unknown status)"), status=400)
    try:
        transition(volunteer, status, by=user_of(request), request=request)
        messages.success(request, _("已更新"))
    except NotAllowed:
        raise  # a PermissionDenied: Django's 403 page
    except Problem as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("duty:volunteer", args=[pk])
    return HttpResponseRedirect(back)


@login_required
def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("committee", "team"), pk=pk
    )
    context = {
        "volunteer": found,
        "team_form": TeamForm(
            initial={"function": found.team.function if found.team else "", "post": found.post}
        ),
        **selectors.volunteer_detail(request.user, found),
    }
    return render(request, "duty/volunteer.html", context)


@login_required
@require_POST
def volunteer_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a volunteer in one of their committee's teams with a post, or make them its leader."""
    found = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("duty.change_volunteer", found):
        raise PermissionDenied
    form = TeamForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("无效的服务小组或岗位 (invalid team or post)"), status=400)
    data = form.cleaned_data
    try:
        team = None
        if data["function"]:
            team = services.team_ensure(
                user=user_of(request), committee=found.committee, function=data["function"]
            )
        services.volunteer_set_team(
            user=user_of(request), volunteer=found, team=team, post=data["post"]
        )
        if team is not None and data["leader"]:
            services.team_set_leader(user=user_of(request), team=team, leader=found)
        messages.success(request, _("已更新"))
    except Problem as exc:
        messages.error(request, str(exc))
    return redirect("duty:volunteer", pk=pk)


PLACE_PARAMS: list[tuple[str, Any]] = [
    ("household", Household),
    ("building", Building),
    ("compound", Compound),
]


def _place_from(request: HttpRequest, committee: Committee) -> Any:
    """The place named by ?household= / ?building= / ?compound=, else the committee itself
    (the form posts back to the same address, query included)."""
    data = request.GET
    for param, model in PLACE_PARAMS:
        if data.get(param):
            place = get_object_or_404(
                model.objects.visible_to(request.user), pk=int_param(data[param])
            )
            path = services.place_path(place)
            if path["committee_id"] != committee.pk:
                raise Http404
            return place
    return committee


@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a duty for a place of the committee (the action closing a coverage gap)."""
    found = staff_committee(request, pk)
    place = _place_from(request, found)
    volunteers = Volunteer.objects.visible_to(request.user).filter(
        committee=found, status=Volunteer.Status.ACTIVE
    )
    default_kind = {
        Household: Duty.Kind.NEIGHBOUR_KEEPER,
        Building: Duty.Kind.BUILDING_LEADER,
    }.get(type(place), Duty.Kind.SECOND_SECRETARY)
    holders = (
        Duty.objects.visible_to(request.user)
        .filter(active_q(), **services.place_path(place))
        .select_related("volunteer")
    )
    form = AssignForm(
        request.POST or None,
        committee=found,
        volunteers=volunteers,
        holders=holders,
        initial={"kind": request.GET.get("kind") or default_kind},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["replace"] is not None:  # the duty changes hands: the old one ends, kept
                services.duty_hand_over(
                    user=user_of(request),
                    duty=data["replace"],
                    to_volunteer=data["volunteer"],
                    request=request,
                )
            else:
                services.duty_assign(
                    user=user_of(request),
                    volunteer=data["volunteer"],
                    kind=data["kind"],
                    place=place,
                    title=data["title"],
                    request=request,
                )
            messages.success(request, _("已安排"))
            return redirect("duty:committee", pk=found.pk)
        except Problem as exc:
            form.add_error(None, str(exc))
    context = {"committee": found, "place": place, "form": form, "holders": holders}
    return render(request, "duty/assign.html", context)


@login_required
@require_POST
def duty_end(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(Duty.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("duty.end_duty", duty):
        raise PermissionDenied
    try:
        services.duty_end(user=user_of(request), duty=duty, request=request)
        messages.success(request, _("职责已结束（记录保留）"))
    except Problem as exc:
        messages.error(request, str(exc))
    return redirect("duty:committee", pk=duty.committee_id)


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """结对建议: an optimal set of new pairings; staff accept all or some."""
    found = staff_committee(request, pk)
    capacity = min(max(int_param(request.GET.get("capacity"), DEFAULT_CAPACITY), 1), 10)
    if request.method == "POST":
        return _accept_suggestions(request, found, capacity)
    proposed = selectors.suggest_pairings(request.user, found, capacity)
    context = {"committee": found, "suggestions": proposed, "capacity": capacity}
    return render(request, "duty/suggestions.html", context)


def _accept_suggestions(request: HttpRequest, committee: Committee, capacity: int) -> HttpResponse:
    pairs = [value.partition(":")[::2] for value in request.POST.getlist("pair")[:2000]]
    # Both sides through the gate and of this committee, each read once for all the pairs.
    residents = Resident.objects.visible_to(request.user).filter(
        household__building__compound__committee=committee,
        pk__in=[int_param(r) for r, _v in pairs],
    )
    helpers = Volunteer.objects.visible_to(request.user).filter(
        committee=committee, pk__in=[int_param(v) for _r, v in pairs]
    )
    by_id = {r.pk: r for r in residents}
    helper_by_id = {v.pk: v for v in helpers}
    load = Counter(
        Pairing.objects.active()
        .filter(volunteer__in=helper_by_id.values())
        .values_list("volunteer_id", flat=True)
    )
    made, problems = 0, []
    for resident_id, volunteer_id in pairs:
        resident = by_id.get(int_param(resident_id))
        helper = helper_by_id.get(int_param(volunteer_id))
        if resident is None or helper is None:
            problems.append(f"{resident_id}:{volunteer_id}")
            continue
        if load[helper.pk] >= capacity:
            problems.append(f"{helper.name}: {_('已满')}")
            continue
        try:
            services.pairing_create(
                user=user_of(request),
                volunteer=helper,
                resident=resident,
                source=Pairing.Source.SUGGESTION,
                request=request,
            )
            made += 1
            load[helper.pk] += 1
        except Problem as exc:
            problems.append(f"{resident.name}: {exc}")
    messages.success(request, _("已结对 %(n)d 对") % {"n": made})
    if problems:
        messages.error(request, _("未能结对：") + "；".join(problems[:20]))
    return redirect("duty:suggestions", pk=committee.pk)


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """包干覆盖: the figures and each gap with the action that closes it."""
    town = user_town_or_refuse(request)
    found = coverage(town=town, user=user_of(request))
    gaps: dict[str, list[Any]] = {
        "committees": found.committees_without_second_secretary(GAP_ROWS),
        "buildings": found.buildings_without_leader(GAP_ROWS),
        "residents": found.special_residents_unpaired(GAP_ROWS),
        "volunteers": found.volunteers_without_duty(GAP_ROWS),
    }
    figures = found.figures
    counts = {
        "committees": len(found.committee_gaps),
        "buildings": len(found.building_gaps),
        "residents": len(found.resident_gaps),
        "volunteers": len(found.volunteer_gaps),
    }
    pending = set(
        Claim.objects.visible_to(request.user)
        .filter(status=Claim.Status.PENDING, building__in=[b.pk for b in gaps["buildings"]])
        .values_list("building_id", flat=True)
    )
    context = {
        "town": town,
        "figures": figures,
        "gaps": gaps,
        "counts": counts,
        "pending_buildings": pending,
        "is_staff": request.user.has_perm("places.list_committee"),
        "sources": Volunteer.Source,
    }
    return render(request, "duty/coverage.html", context)


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's report-in poster (PDF with the QR code); `?renew=1` on POST retires it."""
    found = staff_committee(request, pk)
    renew = request.method == "POST" and request.POST.get("renew") == "1"
    link = reportin.report_in_link(user=user_of(request), committee=found, renew=renew)
    if renew:
        messages.success(request, _("已更换二维码，旧海报失效"))
        return redirect("duty:committee", pk=found.pk)
    url = request.build_absolute_uri(reverse("duty:join", args=[link.token]))
    return posters_response(
        [reportin.report_in_poster(committee=found, url=url)],
        filename=f"{found.name}-志愿者报到二维码.pdf",
        document_title=f"{found.name} 志愿者报到",
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    """报到: the public page a volunteer reaches from the poster (no login)."""
    link = ReportInLink.objects.select_related("committee").filter(token=token[:64]).first()
    if link is None:
        if reportin.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
        raise Http404
    form = ReportInForm()
    if request.method == "POST":
        if ratelimit.too_large(request, reportin.MAX_BODY_BYTES):
            return HttpResponse(_("提交内容过大"), status=413)
        form = ReportInForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reportin.report_in_submit(
                    link=link,
                    name=data["name"],
                    phone=data["phone"],
                    gender=data["gender"],
                    is_party_member=data["is_party_member"],
                    source=data["source"],
                    skills=data["skills"],
                    request=request,
                )
                return render(request, "duty/join_done.html", {"committee": link.committee})
            except Problem as exc:
                form.add_error(None, exc.text())
        # Only refused submissions count, and only for this link from this address.
        if reportin.SUBMIT_MISSES.hit(f"{link.pk}:{ratelimit.address(request)}"):
            return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
        return render(request, "duty/join.html", {"form": form, "link": link}, status=400)
    return render(request, "duty/join.html", {"form": form, "link": link})
