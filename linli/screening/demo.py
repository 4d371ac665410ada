"""The demo town's screening (`make demo`), built once through the screening services:

- yesterday's PCR round over the login committee's compounds (新凯五村, the committee of the
  other demo logins) and the town's worksites: sampled at one point into 10-in-1 tubes,
  sealed, boxed, resulted through the lab-results path (`results.apply_lab_rows`), one pool
  positive; part of its members retested at home, one of them positive (a case, the zones
  recomputed); then closed;
- today's PCR round over the same compounds, open, with a sampling point in the first
  compound, slots by building (`desk.slots_spread`), the volunteer posted there (the demo
  login `sampler`), and the first building's residents sampled (and the small worksite's),
  so coverage has a missing list.

Every sample goes through the one sample writer (`sampling.sample_record`, about 15 ms each on
SQLite), so the demo samples a few buildings, not the committee's 3,000 people.
Deterministic: the people sampled are chosen by id order, the times from the round's day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo_logins import DemoLogin
from linli.duty.demo import LOGIN_COMMITTEE, _login
from linli.duty.models import Volunteer
from linli.places.models import Committee, Compound, Resident, Town
from linli.screening import desk, services
from linli.screening.models import PoolFollowUp, Result, Sample, TestRound, Tube
from linli.screening.pools import member_result, retest_sample
from linli.screening.results import LabRow, apply_lab_rows
from linli.screening.sampling import sample_record
from linli.screening.zones import zones_recompute

YESTERDAY_ROUND = "第一轮全员核酸"
TODAY_ROUND = "第二轮全员核酸"
POINT = "采样点一"
LAB = "松江区疾控中心"
# Of each compound, the first buildings (by id) are sampled: yesterday YESTERDAY_BUILDINGS of
# them, today TODAY_BUILDINGS (of the point's compound). All of it goes through the one sample
# writer, so these caps keep the demo fast (a full committee is 3,000 people).
YESTERDAY_BUILDINGS = 1
TODAY_BUILDINGS = 1
# Of the town's worksites (all in both rounds), the one sampled: the demo's `foreman` site
# (linli/worksites/demo.py), nine workers; the others show their roster, none tested.
SAMPLED_SITE = "新凯路雨污管网改造工地"
TUBE = Tube.Capacity.TEN
RETESTED = 4  # of the positive pool's members, retested at home yesterday evening


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _people(compounds: list[Compound], buildings: int) -> list[Resident]:
    living = (Resident.Status.PRESENT,)
    out: list[Resident] = []
    for compound in compounds:
        ids = list(
            compound.buildings.order_by("id").values_list("id", flat=True)[:buildings]  # type: ignore[attr-defined]
        )
        out.extend(
            Resident.objects.filter(household__building_id__in=ids, status__in=living)
            .select_related("household")
            .order_by("household__building_id", "household_id", "id")
        )
    return out


def _sampled(sites: list[Compound]) -> list[Compound]:
    return [s for s in sites if s.name == SAMPLED_SITE]


def _sample(
    user: Any, round_: TestRound, point: Any, people: list[Resident], start: dt.datetime, code: str
) -> list[Tube]:
    """People into 10-in-1 tubes at the point, a tube every 5 minutes from `start`."""
    tubes = []
    for n in range(0, len(people), TUBE):
        taken = start + dt.timedelta(minutes=5 * (n // TUBE))
        tube, _ = desk.tube_open(user=user, point=point, barcode=f"{code}{n // TUBE + 1:05d}")
        for person in people[n : n + TUBE]:
            sample_record(
                user=user,
                round_=round_,
                resident=person,
                taken_at=taken,
                source=Sample.Source.DESK,
                tube=tube,
                point=point,
            )
        tubes.append(tube)
    return tubes


@transaction.atomic
def build_demo_screening(town: Town, staff: Any, sampler: Volunteer | None) -> TestRound:
    """Both rounds (see the module's docstring); returns today's."""
    committee = Committee.objects.get(town=town, name=LOGIN_COMMITTEE)
    compounds = list(
        Compound.objects.filter(
            town=town, committee=committee, kind=Compound.Kind.RESIDENTIAL
        ).order_by("id")
    )
    # The town's worksites are screened with the committee (the site board's roster vs tested).
    sites = list(Compound.objects.filter(town=town, kind=Compound.Kind.WORKSITE).order_by("id"))
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    _yesterday(town, staff, compounds, sites, yesterday)
    return _today(town, staff, compounds, sites, today, sampler)


def _yesterday(
    town: Town, staff: Any, compounds: list[Compound], sites: list[Compound], day: dt.date
) -> None:
    round_ = services.round_create(
        user=staff, town=town, name=YESTERDAY_ROUND, kind=TestRound.Kind.PCR, date=day,
        compounds=compounds + sites,
    )  # fmt: skip
    services.round_open(user=staff, round_=round_)
    point = desk.point_add(user=staff, round_=round_, name=POINT, compound=compounds[0], desks=2)
    people = _people(compounds, YESTERDAY_BUILDINGS) + _people(_sampled(sites), 99)
    tubes = _sample(staff, round_, point, people, _at(day, 7), f"Y{day:%m%d}")
    box, _ = desk.box_open(user=staff, point=point, code=f"BOX{day:%m%d}01")
    for tube in tubes:
        desk.tube_seal(user=staff, tube=tube)
        desk.box_add(user=staff, box=box, barcode=tube.barcode)
    desk.box_seal(user=staff, box=box)
    # The lab's results that afternoon: every tube negative but one pool (the 3rd tube).
    reported = _at(day, 16)
    positive = tubes[min(2, len(tubes) - 1)].pk
    apply_lab_rows(
        user=staff,
        town_id=town.pk,
        rows=[
            LabRow(
                tube_id=t.pk,
                lab=LAB,
                result=Result.POSITIVE if t.pk == positive else Result.NEGATIVE,
                reported_at=reported,
                moves_from=Tube.Status.BOXED,
                capacity=t.capacity,
            )
            for t in tubes
        ],
    )
    # That evening, the first members retested at home; the first of them positive: a case.
    follow_up = PoolFollowUp.objects.filter(round=round_).first()
    if follow_up is not None:
        members = list(follow_up.members.order_by("id")[:RETESTED])
        for i, member in enumerate(members):
            retest_sample(
                user=staff, member=member, barcode=f"R{day:%m%d}{i + 1:04d}",
                taken_at=_at(day, 19, 5 * i),
            )  # fmt: skip
        if members:
            member_result(
                user=staff, member=members[0], result=Result.POSITIVE, at=_at(day, 23)
            )  # the others wait for the lab: the follow-up stays open
    from linli.core.workflow import transition

    transition(round_, TestRound.Status.CLOSED, by=staff)
    zones_recompute(town=town, since=day, user=staff)


def _today(
    town: Town,
    staff: Any,
    compounds: list[Compound],
    sites: list[Compound],
    day: dt.date,
    sampler: Volunteer | None,
) -> TestRound:
    round_ = services.round_create(
        user=staff, town=town, name=TODAY_ROUND, kind=TestRound.Kind.PCR, date=day,
        compounds=compounds + sites,
    )  # fmt: skip
    services.round_open(user=staff, round_=round_)
    point = desk.point_add(
        user=staff,
        round_=round_,
        name=POINT,
        location=f"{compounds[0].name}南门",
        compound=compounds[0],
        desks=2,
        volunteers=[sampler] if sampler is not None else [],
    )
    desk.slots_spread(
        user=staff, round_=round_, point=point, starts_at=_at(day, 7), ends_at=_at(day, 11),
        minutes=15,
    )  # fmt: skip
    people = _people(compounds[:1], TODAY_BUILDINGS) + _people(_sampled(sites), 99)
    # Sampled this morning, every 7th missed: the coverage pages' missing list.
    people = [p for i, p in enumerate(people) if i % 7 != 6]
    tubes = _sample(staff, round_, point, people, _at(day, 7), f"T{day:%m%d}")
    for tube in tubes[:-1]:  # the last tube still open at the desk
        desk.tube_seal(user=staff, tube=tube)
    return round_


def _sampler(town: Town) -> Volunteer | None:
    """A volunteer of the login committee with no login and no duty: posted at today's point."""
    return (
        Volunteer.objects.filter(
            town=town,
            committee__name=LOGIN_COMMITTEE,
            status=Volunteer.Status.ACTIVE,
            user__isnull=True,
            duties__isnull=True,
        )
        .order_by("id")
        .first()
    )


def demo_screening_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the two rounds (built once), then `sampler`."""
    from linli.accounts.models import User

    round_ = TestRound.objects.filter(town=town, name=TODAY_ROUND).first()
    if round_ is None:
        staff = User.objects.filter(username="town", town=town).first()
        if staff is None or not Committee.objects.filter(town=town, name=LOGIN_COMMITTEE).exists():
            return []
        round_ = build_demo_screening(town, staff, _sampler(town))
    point = round_.points.order_by("id").first()
    volunteer = point.volunteers.order_by("id").first() if point is not None else None
    if volunteer is None:
        return []
    _login("sampler", password, town, volunteer)
    return [DemoLogin("sampler", "采样点志愿者", f"{TODAY_ROUND} {point}")]
