"""Pages of help requests: the queues, a request with its timeline and actions, export.

Every read goes through the selectors (the access gate): a request, team or committee out of
the user's scope is a 404, the same as one that does not exist. A move the request's status no
longer allows (somebody else was quicker) is a 409 with the reason on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from linli.care import selectors, services, workflow
from linli.care.filters import HelpRequestFilter
from linli.care.forms import AssignForm, HelpRequestForm, TransitionForm, new_form_token
from linli.care.models import HelpRequest
from linli.core.export_jobs import Sheet, export_answer
from linli.core.http import int_param, user_of
from linli.core.masking import shown
from linli.core.plugins import waiting_for
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.duty.models import Team, Volunteer
from linli.places.models import Building, Committee, Compound, Town
from linli.places.selectors import household_and_resident

if TYPE_CHECKING:
    pass

PER_PAGE = 50


@dataclass
class Queue:
    kind: str
    title: str
    rows: QuerySet[HelpRequest]
    pk: int | None = None


def _committee_for(request: HttpRequest, pk: int) -> Committee:
    """The committee, if the user sees it or one of its compounds (a second secretary)."""
    user = request.user
    found = Committee.objects.visible_to(user).filter(pk=pk).first()
    if found is None and Compound.objects.visible_to(user).filter(committee_id=pk).exists():
        found = Committee.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _team_for(request: HttpRequest, pk: int) -> Team:
    """The team, for staff of its committee and for its members and leader."""
    mine = selectors.my_teams(request.user).filter(pk=pk).first()
    if mine is not None:
        return mine
    found = get_object_or_404(
        Team.objects.visible_to(request.user).select_related("committee"), pk=pk
    )
    if not request.user.has_perm("duty.manage_committee", found.committee):
        raise Http404  # another team's queue is not the user's to read
    return found


def queue_for(request: HttpRequest, kind: str, pk: int | None, open_only: bool) -> Queue:
    user, now = request.user, timezone.now()
    if kind == "tasks":
        return Queue(kind, _("我的任务"), selectors.my_tasks(user, now, open_only))
    if kind == "buildings":
        return Queue(kind, _("楼栋诉求"), selectors.building_queue(user, now, open_only))
    if kind == "team":
        team = _team_for(request, pk or 0)
        title = f"{team.committee.name} {team.get_function_display()}"
        return Queue(kind, title, selectors.team_queue(user, team, now, open_only), team.pk)
    if kind == "committee":
        committee = _committee_for(request, pk or 0)
        rows = selectors.committee_queue(user, committee, now, open_only)
        return Queue(kind, _("%(name)s 诉求") % {"name": committee.name}, rows, committee.pk)
    if kind == "town":
        if not user.has_perm("care.view_town_queue"):
            raise Http404
        town = get_object_or_404(Town, pk=user_of(request).town_id)
        rows = selectors.town_queue(user, town, now, open_only)
        return Queue(kind, _("%(name)s 督办") % {"name": town.name}, rows)
    raise Http404


def _filtered(request: HttpRequest, kind: str, pk: int | None) -> tuple[Queue, HelpRequestFilter]:
    # A status filter shows that status, closed ones included; else only open requests.
    queue = queue_for(request, kind, pk, open_only=not request.GET.get("status"))
    # The building choices are the buildings the queue lists (the town's queue of a big town
    # would otherwise render thousands of <option>s).
    buildings = (
        Building.objects.filter(pk__in=queue.rows.values("household__building_id"))
        .select_related("compound")
        .order_by("compound__name", "sort_key")
    )
    filterset = HelpRequestFilter(
        request.GET or None, queryset=queue.rows, request=request, buildings=buildings
    )
    return queue, filterset


@login_required
def queue_page(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """One queue of help requests, of the kind the URL names, filtered and paged."""
    queue, filterset = _filtered(request, kind, pk)
    invalid = filterset.is_bound and not filterset.is_valid()
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.escalation_label = HelpRequest.Escalation(row.escalation).label
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "queue": queue,
        "filter": filterset,
        "page": page,
        "params": params.urlencode(),
        "export_url": reverse("care:export", args=[kind])
        + (f"?pk={pk}&" if pk else "?")
        + params.urlencode(),
        "now": timezone.now(),
        # 我的任务 also says what waits in the other queues the volunteer works, and where.
        "waiting": [
            row
            for row in [*waiting_for(request.user), *queue_rows(request, tasks=False)]
            if row[2].open
        ]
        if kind == "tasks"
        else [],
    }
    return render(request, "care/queue.html", context, status=400 if invalid else 200)


def queue_rows(
    request: HttpRequest, *, tasks: bool = True, committees: list[Committee] | None = None
) -> list[tuple[str, str, Any]]:
    """The queues this user works: (label, URL, open and overdue counts), "my tasks" first
    unless `tasks` is false; `committees` when the caller has already read `_committees`."""
    user, now = request.user, timezone.now()
    cards = []
    if tasks and workflow.volunteer_of(user) is not None:
        cards.append((_("我的任务"), reverse("care:tasks"), selectors.my_tasks(user, now)))
    if selectors.led_buildings(user).exists():
        cards.append(
            (_("楼栋诉求"), reverse("care:buildings"), selectors.building_queue(user, now))
        )
    for team in selectors.my_teams(user).select_related("committee"):
        cards.append(
            (
                team.get_function_display(),
                reverse("care:team", args=[team.pk]),
                selectors.team_queue(user, team, now),
            )
        )
    rows = [(label, url, selectors.queue_counts(qs)) for label, url, qs in cards]
    if committees is None:
        committees = _committees(user)
    counts = selectors.committee_counts(user, [c.pk for c in committees], now)
    for committee in committees:
        url = reverse("care:committee", args=[committee.pk])
        rows.append((committee.name, url, counts.get(committee.pk, selectors.QueueCount(0, 0))))
    town_id = user_of(request).town_id
    if user.has_perm("care.view_town_queue") and town_id:
        town = Town.objects.get(pk=town_id)
        queue = selectors.town_queue(user, town, now)
        rows.append((_("镇/街道督办"), reverse("care:town"), selectors.queue_counts(queue)))
    return rows


def _committees(user: Any) -> list[Committee]:
    """The committees whose queues the user reads (a second secretary's through a compound)."""
    committees = list(Committee.objects.visible_to(user).order_by("name")[:50])
    if not committees and not user.has_perm("places.list_committee"):
        compound_committees = Compound.objects.visible_to(user).values("committee_id")
        committees = list(Committee.objects.filter(pk__in=compound_committees)[:50])
    return committees


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """诉求: the queues this user works, with their open and overdue counts."""
    committees = _committees(request.user)
    rows = queue_rows(request, committees=committees)
    posters = committees if request.user.has_perm("care.print_selfservicelink") else []
    return render(request, "care/index.html", {"rows": rows, "posters": posters})


EXPORT_HEADERS = [
    gettext_noop("编号"),
    gettext_noop("提出时间"),
    gettext_noop("小区"),
    gettext_noop("楼栋"),
    gettext_noop("室号"),
    gettext_noop("居民"),
    gettext_noop("联系电话"),
    gettext_noop("类别"),
    gettext_noop("紧急程度"),
    gettext_noop("来源"),
    gettext_noop("状态"),
    gettext_noop("负责人"),
    gettext_noop("办理时限"),
    gettext_noop("升级至"),
    gettext_noop("内容"),
    gettext_noop("无法办理原因"),
]


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """A queue as xlsx, filtered as on the page; phone numbers as the user may see them. A
    large queue is made by a worker (linli.core.export_jobs)."""
    return export_answer(request, export_sheet, kind)


def export_sheet(request: HttpRequest, kind: str) -> Sheet | HttpResponse:
    """A queue's download; a worker calls it again with the request rebuilt for a large one."""
    queue, filterset = _filtered(request, kind, int_param(request.GET.get("pk")) or None)
    if filterset.is_bound and not filterset.is_valid():
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
        return HttpResponse(
            _("筛选条件无效 (invalid filter): ") + reasons, status=400, content_type="text/plain"
        )
    user = request.user
    levels = dict(HelpRequest.Escalation.choices)

    def rows() -> Any:
        for r in filterset.qs.iterator(chunk_size=500):
            building = r.household.building
            yield [
                r.pk,
                timezone.localtime(r.created_at),
                building.compound.name,
                building.name,
                r.household.room,
                r.resident.name if r.resident else "",
                shown(user, "phone", r.contact_phone or (r.resident.phone if r.resident else "")),
                r.get_category_display(),
                r.get_urgency_display(),
                r.get_source_display(),
                r.get_status_display(),
                r.owner_label,
                timezone.localtime(r.due_at),
                levels[r.escalation] if r.escalation else "",
                r.description,
                r.cannot_do_reason,
            ]

    # Named by the queue's title in the page's language ("新凯五村 诉求"), never by the URL's kind.
    return Sheet(
        title=str(queue.title),
        file_name=f"{queue.title}-{timezone.localdate():%Y%m%d}.xlsx".replace(" ", "-"),
        headers=[_(h) for h in EXPORT_HEADERS],
        rows=rows(),
        total=filterset.qs.count(),
        summary=f"help requests {kind}",
        detail={"list": f"care:{kind}", "pk": queue.pk, "filters": filterset.active_params()},
    )


def _visible_help_request(request: HttpRequest, pk: int) -> HelpRequest:
    return get_object_or_404(selectors.help_requests_for(request.user), pk=pk)


def _timeline(found: HelpRequest, now: Any) -> list[dict[str, Any]]:
    """Status changes, and the moments an open request escalated (derived from the clock)."""
    label = dict(HelpRequest.Status.choices)
    items: list[dict[str, Any]] = [
        {
            "at": t.at,
            "kind": "move",
            "assigned": t.from_status == t.to_status,
            "from_label": label.get(t.from_status, ""),
            "to_label": label.get(t.to_status, ""),
            "by": t.by_volunteer or t.by,
            "note": t.reason,
        }
        for t in found.transitions.select_related("by", "by_volunteer")
    ]
    level = workflow.escalation_level(found, now)
    for reached in range(1, level + 1):
        items.append(
            {
                "at": workflow.escalated_at(found, reached),
                "kind": "escalation",
                "level": HelpRequest.Escalation(reached).label,
            }
        )
    items.sort(key=lambda item: item["at"])
    return items


def _state_context(request: HttpRequest, found: HelpRequest, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    user = request.user
    level = workflow.escalation_level(found, now)
    supervising = user.has_perm("care.assign_helprequest", found)
    moves = workflow.HELP_REQUEST_WORKFLOW.allowed(user, found)
    context = {
        "hr": found,
        "level": level,
        "level_label": HelpRequest.Escalation(level).label,
        "timeline": _timeline(found, now),
        "moves": [(to, HelpRequest.Status(to).label) for to in moves],
        "move_values": moves,
        "may_link": user.has_perm("care.link_helprequest", found),
        # The raw number: the template's call_button masks it unless the viewer sees it in full.
        "contact_phone": found.contact_phone or (found.resident.phone if found.resident else ""),
        "now": now,
    }
    if supervising and found.is_open:
        committee_id = found.household.building.compound.committee_id
        context["assign_form"] = AssignForm(
            initial={"volunteer": found.owner_volunteer_id, "team": found.owner_team_id},
            volunteers=Volunteer.objects.visible_to(user).filter(
                committee_id=committee_id, status=Volunteer.Status.ACTIVE
            ),
            teams=Team.objects.filter(committee_id=committee_id),
        )
    context.update(extra)
    return context


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_help_request(request, pk)
    return render(request, "care/request.html", _state_context(request, found))


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A status move from the detail page (htmx swaps the request's state in place)."""
    found = _visible_help_request(request, pk)
    form = TransitionForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 400, _("未知状态 (unknown status)")
    else:
        try:
            found = workflow.HELP_REQUEST_WORKFLOW.transition(
                found,
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
    found = _visible_help_request(request, pk)
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx answers: the refusal is shown inside the swapped state.
        context = _state_context(request, found, error=error)
        return render(request, "care/_state.html", context)
    if error:
        return render(
            request, "care/request.html", _state_context(request, found, error=error), status=status
        )
    messages.success(request, _("已更新为“%(s)s”") % {"s": found.get_status_display()})
    return redirect(found)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_help_request(request, pk)
    if not request.user.has_perm("care.assign_helprequest", found):
        raise PermissionDenied  # before the form: its choices would answer for the rule
    committee_id = found.household.building.compound.committee_id
    form = AssignForm(
        request.POST,
        volunteers=Volunteer.objects.visible_to(request.user).filter(committee_id=committee_id),
        teams=Team.objects.filter(committee_id=committee_id),
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect(found)
    try:
        services.help_request_assign(
            help_request=found,
            user=user_of(request),
            volunteer=form.cleaned_data["volunteer"],
            team=form.cleaned_data["team"],
            request=request,
        )
        messages.success(request, _("已指派"))
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    except Problem as exc:
        messages.error(request, str(exc))
    return redirect(found)


@login_required
@require_POST
def new_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A fresh status link for the resident (shown once; the old one stops working)."""
    found = _visible_help_request(request, pk)
    try:
        token = services.help_request_new_link(
            help_request=found,
            user=user_of(request),
            request=request,
        )
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    links = [(found, request.build_absolute_uri(reverse("care:status", args=[token])))]
    return render(request, "care/links.html", {"links": links, "title": _("居民进度链接")})


@login_required
def request_new(request: HttpRequest, **place: int) -> HttpResponse:
    """A help request for the household or the resident the URL names."""
    household, resident = household_and_resident(request.user, **place)
    form = HelpRequestForm(request.POST or None, initial={"form_token": new_form_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.help_request_create(
                user=user_of(request),
                household=household,
                resident=resident,
                category=data["category"],
                urgency=data["urgency"],
                source=data["source"],
                description=data["description"],
                idempotency_key=f"page:{request.user.pk}:{data['form_token']}",
                request=request,
            )
        except Problem as exc:
            form.add_error(None, str(exc))
        else:
            links = []
            if made.status_token:
                url = reverse("care:status", args=[made.status_token])
                links.append((made.help_request, request.build_absolute_uri(url)))
            done = {"links": links, "title": _("诉求已登记")}
            return render(request, "care/links.html", done)
    context: dict[str, Any] = {"form": form, "household": household, "resident": resident}
    return render(request, "care/request_new.html", context, status=400 if form.errors else 200)
