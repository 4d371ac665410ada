"""Reads of the medicine desk: requests through the access gate, a line as a viewer may see it,
the building hub's section, and a day's planning input and answer.

Planning calls the pure planner (`linli.medicine.planner`, its interface in the package's
docstring): `plan_day()` builds its `Day` from the town's verified, unplanned requests and the
runners on duty, runs it, and turns its `Plan` back into names (the issue's JSON) and ids (a
`PlanDraft` that `plans.plan_save()` keeps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from linli.core.validators import Problem
from linli.duty.models import Volunteer
from linli.medicine import planner
from linli.medicine.models import Hospital, MedicineLine, MedicineOrder, TeamMember
from linli.medicine.plans import PlanDraft, RunDraft

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Building, Committee, Town

    Viewer = User | AnonymousUser | None

Status = MedicineOrder.Status
Urgency = MedicineOrder.Urgency
HUB_ROWS = 10
# Red first, then yellow, then green (the desk's list and the plan's order of work).
URGENCY_RANK = Case(
    When(urgency=Urgency.RED, then=Value(0)),
    When(urgency=Urgency.YELLOW, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
OPEN_STATUSES = [s for s in Status.values if s not in MedicineOrder.CLOSED_STATUSES]


def orders_for(user: Viewer) -> QuerySet[MedicineOrder]:
    """The requests the user may read, with what a list shows."""
    return MedicineOrder.objects.visible_to(user).select_related(
        "committee", "household__building__compound", "resident", "hospital", "department", "run"
    )


def desk_orders(user: Viewer) -> QuerySet[MedicineOrder]:
    """The desk's list: red first, then the oldest."""
    return (
        orders_for(user)
        .annotate(rank=URGENCY_RANK)
        .prefetch_related("lines")
        .order_by("rank", "created_at", "id")
    )


@dataclass(frozen=True)
class LineView:
    """A line as one viewer may see it: a confidential line's names hidden unless the viewer
    is the desk, town staff or the runner of its run."""

    line: MedicineLine
    hidden: bool

    @property
    def name(self) -> str:
        if self.hidden:
            return _("保密药品")
        line = self.line
        return f"{line.generic_name}（{line.trade_name}）" if line.trade_name else line.generic_name

    @property
    def detail(self) -> str:
        if self.hidden:
            return ""
        line = self.line
        return " ".join(p for p in (line.strength, line.form, line.maker) if p)


def line_view(user: Viewer, line: MedicineLine, order: MedicineOrder | None = None) -> LineView:
    """What `user` may see of `line` (pass its `order` when already loaded)."""
    if not line.confidential:
        return LineView(line, False)
    order = order or line.order
    allowed = user is not None and user.has_perm("medicine.view_confidential_medicineorder", order)
    return LineView(line, not allowed)


def lines_for(user: Viewer, order: MedicineOrder) -> list[LineView]:
    return [line_view(user, line, order) for line in order.lines.all()]


def building_medicine(user: Viewer, building: Building) -> dict[str, Any] | None:
    """The building hub's section: the building's open requests with their status (drug names
    never shown here: the lines stay on the request's page)."""
    rows = (
        orders_for(user)
        .filter(household__building=building, status__in=OPEN_STATUSES)
        .annotate(rank=URGENCY_RANK)
        .order_by("rank", "service_date", "id")
    )
    count = rows.count()
    if not count:
        return None
    return {"building": building, "orders": list(rows[:HUB_ROWS]), "count": count}


def hospitals_of(town_id: int) -> QuerySet[Hospital]:
    return Hospital.objects.filter(town_id=town_id).prefetch_related("departments")


def team_posts(town_id: int) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(town_id=town_id).select_related(
        "volunteer__committee", "volunteer__team"
    )


def medicine_volunteers(town_id: int) -> QuerySet[Volunteer]:
    """Volunteers in service on a 就医配药 team of the town: who may hold a post."""
    from linli.duty.models import Team

    return (
        Volunteer.objects.filter(
            town_id=town_id,
            status=Volunteer.Status.ACTIVE,
            team__function=Team.Function.MEDICINE,
        )
        .select_related("committee", "team__committee")
        .prefetch_related(Prefetch("medicine_post"))
        .order_by("committee_id", "name", "id")
    )


# -- planning ---------------------------------------------------------------------------------


@dataclass
class DayInput:
    day: Any  # planner.Day
    orders: dict[str, MedicineOrder]
    runners: dict[str, TeamMember]
    hospitals: dict[str, Hospital]
    committees: dict[str, Committee]


def plannable(town: Town, date: dt.date) -> QuerySet[MedicineOrder]:
    """The day's verified requests not yet on a run (earlier days' left-overs included)."""
    return (
        MedicineOrder.objects.filter(
            town=town, status=Status.VERIFIED, run__isnull=True, service_date__lte=date
        )
        .select_related("committee", "hospital")
        .order_by("id")
    )


def runners_on_duty(town: Town) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(
            town=town,
            post=TeamMember.Post.RUNNER,
            on_duty=True,
            volunteer__status=Volunteer.Status.ACTIVE,
        )
        .select_related("volunteer__committee")
        .order_by("id")
    )


def day_for(town: Town, date: dt.date) -> DayInput:
    """The planner's `Day`: runners on duty (home: their point, else their committee's gate),
    the jobs, the hospitals and the committees' gates. A place without a point is a Problem
    naming it."""
    p = planner
    orders = {str(o.pk): o for o in plannable(town, date)}
    runners: dict[str, TeamMember] = {}
    points = []
    for member in runners_on_duty(town):
        home: tuple[Decimal, Decimal] | None = None
        if member.home_lat is not None and member.home_lon is not None:
            home = (member.home_lat, member.home_lon)
        else:
            home = member.volunteer.committee.gate_point()
        if home is None:
            raise Problem(
                f"外场{member.volunteer.name}没有出发点，请设置出发点或其居委的交接点",
                f"runner {member.volunteer.name} has no home point: set it or the committee's gate",
            )
        runners[str(member.pk)] = member
        points.append(
            p.Runner(str(member.pk), p.Point(float(home[0]), float(home[1])), member.capacity)
        )
    hospitals: dict[str, Hospital] = {}
    committees: dict[str, Committee] = {}
    for order in orders.values():
        hospitals[str(order.hospital_id)] = order.hospital
        committees[str(order.committee_id)] = order.committee
    gates = {}
    for key, committee in committees.items():
        gate = committee.gate_point()
        if gate is None:
            raise Problem(
                f"居委{committee.name}没有交接点，请设置交接点或小区坐标",
                f"committee {committee.name} has no gate: set it or its compounds' points",
            )
        gates[key] = p.Point(float(gate[0]), float(gate[1]))
    jobs = [
        p.Job(key, str(o.hospital_id), str(o.committee_id), o.urgency) for key, o in orders.items()
    ]
    day = p.Day(
        runners=points,
        jobs=jobs,
        hospitals={k: p.Point(float(h.lat), float(h.lon)) for k, h in hospitals.items()},
        gates=gates,
    )
    return DayInput(day, orders, runners, hospitals, committees)


@dataclass
class PlanOutcome:
    answer: dict[str, Any]  # the JSON
    draft: PlanDraft


def plan_day(
    town: Town,
    date: dt.date,
    *,
    time_limit: float = 10.0,
    progress: Callable[[float], None] | None = None,
) -> PlanOutcome:
    """Plan the day's runs; an impossible day (reds beyond the runners' capacity, no runner) is
    a Problem in both languages."""
    p = planner
    given = day_for(town, date)
    if not given.orders:
        return _outcome(town, date, given, p.Plan(runs=[], carried_over=[], total_km=0.0))
    if not given.runners:
        raise Problem("没有在岗的外场", "no runner on duty")
    try:
        plan = p.plan(given.day, time_limit=time_limit, progress=progress)
    except p.Infeasible as exc:
        raise _infeasible(str(exc)) from None
    return _outcome(town, date, given, plan)


def _infeasible(text: str) -> Problem:
    """The planner's reason, "中文 (English)" or "中文 English", as a bilingual Problem."""
    zh, _sep, en = text.partition(" (")
    if _sep and en.endswith(")"):
        return Problem(zh.strip(), en[:-1].strip())
    return Problem(text, f"the day cannot be planned: {text}")


def _outcome(town: Town, date: dt.date, given: DayInput, plan: Any) -> PlanOutcome:
    runs = []
    drafts = []
    for run in plan.runs:
        member = given.runners[run.runner]
        runs.append(
            {
                "runner": member.volunteer.phone,
                "name": member.volunteer.name,
                "hospitals": [given.hospitals[h].name for h in run.hospitals],
                "gates": [given.committees[g].name for g in run.gates],
                "km": round(run.km, 2),
                "requests": [given.orders[j].label for j in run.jobs],
            }
        )
        drafts.append(
            RunDraft(
                runner=member.pk,
                hospitals=[int(h) for h in run.hospitals],
                gates=[int(g) for g in run.gates],
                km=float(run.km),
                orders=[int(j) for j in run.jobs],
            )
        )
    answer = {
        "date": date.isoformat(),
        "total_km": round(plan.total_km, 2),
        "runs": runs,
        "carried_over": [given.orders[j].label for j in plan.carried_over],
    }
    draft = PlanDraft(
        town=town.pk,
        date=date,
        total_km=float(plan.total_km),
        runs=drafts,
        carried_over=[int(j) for j in plan.carried_over],
    )
    return PlanOutcome(answer, draft)


def plan_text(answer: dict[str, Any]) -> str:
    """The morning run sheet (the command's text form), Chinese first."""
    out = [
        f"配药排班 {answer['date']}  总里程 {answer['total_km']:.2f} km "
        f"(medicine runs, total {answer['total_km']:.2f} km)"
    ]
    for run in answer["runs"]:
        out.append("")
        out.append(f"外场 runner: {run['name']} {run['runner']}  {run['km']:.2f} km")
        out.append(f"  医院 hospitals: {' → '.join(run['hospitals'])}")
        out.append(f"  交接点 gates: {' → '.join(run['gates'])}")
        out.append(f"  配药单 requests ({len(run['requests'])}): {', '.join(run['requests'])}")
    out.append("")
    carried = answer["carried_over"]
    out.append(f"顺延至次日 carried over ({len(carried)}): {', '.join(carried) or '-'}")
    return "\n".join(out)


def waiting(user: Viewer) -> list[tuple[str, str, Any]]:
    """What waits for a medicine team member on 我的任务: a runner's requests on today's run
    not yet bagged, the desk's requests to verify; red ones count as overdue. A login that is
    not a volunteer on the team costs no query beyond its post."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from linli.accounts.rules import is_volunteer
    from linli.care.selectors import QueueCount
    from linli.medicine.rules import team_post_of

    post = team_post_of(user) if is_volunteer(user) else None
    if post is None:
        return []
    S, red = MedicineOrder.Status, Q(urgency=MedicineOrder.Urgency.RED)
    if post.post == TeamMember.Post.RUNNER:
        label, url = _("外场：今日路线"), reverse("medicine:runner")
        rows = MedicineOrder.objects.filter(
            run__runner=post,
            run__date=timezone.localdate(),
            status__in=[S.PLANNED, S.AT_HOSPITAL, S.FETCHED, S.PARTLY_FETCHED],
        )
    else:
        label, url = _("配药内场：待核实"), reverse("medicine:desk") + "?status=submitted"
        rows = MedicineOrder.objects.filter(town_id=post.town_id, status=S.SUBMITTED)
    counts = rows.aggregate(open=Count("pk"), overdue=Count("pk", filter=red))
    return [(label, url, QueueCount(counts["open"], counts["overdue"]))]
