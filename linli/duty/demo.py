"""The demo town's responsibility grid, drawn from one seeded generator and written in bulk.

Like the seed article's town: a dispatched cadre as second secretary in most committees,
reported party members and resident volunteers in teams, a building leader for most buildings
(some hold two, some buildings have a second leader), "1+1+X" team members, neighbour keepers,
and about two thirds of the special-care residents paired, so every gap of the coverage page
has something in it. `demo_grid_logins()` is a demo-login provider: it builds the grid once
(when the town has no volunteers) and returns logins for a building leader, a paired volunteer
and a second secretary.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count

from linli.accounts.models import User
from linli.core.audit import audit
from linli.core.demo_logins import DemoLogin
from linli.core.models import AuditEntry
from linli.core.pinyin import initials
from linli.duty.models import Claim, ClaimChange, Duty, Pairing, Team, Volunteer
from linli.places.demo_logins import demo_user
from linli.places.models import Building, Committee, Resident, Town

PARTY_SHARE = 0.022  # reported party members per resident (4,037 in the seed town)
RESIDENT_VOLUNTEER_SHARE = 0.01
STAFF_PER_COMMITTEE = 4
LEADER_SHARE = 0.94  # buildings with a leader (1,474 buildings, 1,382 leaders in the seed)
PAIRED_SHARE = 0.65
CADRE_SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐"
CADRE_GIVEN = "伟敏静强磊军洋勇艳杰涛明超霞平刚华建国志红文斌辉慧"
TITLES = ["党员楼组长", "楼组长", "楼组长"]
LOGIN_COMMITTEE = "新凯五村"


@dataclass
class Person:
    """A resident who may volunteer: id, name, phone, ID number, gender, place."""

    id: int
    name: str
    phone: str
    id_number: str | None
    gender: str
    building: int
    compound: int
    committee: int


@dataclass
class Drawn:
    volunteers: list[Volunteer] = field(default_factory=list)
    duties: list[tuple[int, dict[str, Any]]] = field(
        default_factory=list
    )  # (volunteer index, fields)
    pairings: list[tuple[int, int]] = field(default_factory=list)  # (volunteer index, resident id)


class GridDrawer:
    def __init__(self, town: Town, seed: int) -> None:
        self.town = town
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.out = Drawn()
        self.by_committee: dict[int, list[int]] = defaultdict(list)  # volunteer indexes
        self.party_by_building: dict[int, list[int]] = defaultdict(list)
        self.location: dict[int, tuple[int, int]] = {}  # volunteer index → (building, compound)

    def phone(self) -> str:
        while True:
            number = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def add(self, committee: int, source: str, person: Person | None = None, **extra: Any) -> int:
        if person is not None and person.phone and person.phone not in self.phones:
            self.phones.add(person.phone)
            phone = person.phone
        else:
            phone = self.phone()
        name = (
            person.name
            if person
            else self.rng.choice(CADRE_SURNAMES) + "".join(self.rng.sample(CADRE_GIVEN, 2))
        )
        skills = []
        if self.rng.random() < 0.07:
            skills.append(Volunteer.Skill.MEDICAL)
        if self.rng.random() < 0.1:
            skills.append(Volunteer.Skill.DRIVING)
        self.out.volunteers.append(
            Volunteer(
                town_id=self.town.pk,
                committee_id=committee,
                resident_id=person.id if person else None,
                name=name,
                name_initials=initials(name),
                gender=person.gender if person else self.rng.choice("MF"),
                phone=phone,
                id_number=person.id_number if person else None,
                is_party_member=source != Volunteer.Source.RESIDENT_VOLUNTEER,
                source=source,
                skills=skills,
                status=extra.get("status", Volunteer.Status.ACTIVE),
            )
        )
        index = len(self.out.volunteers) - 1
        if extra.get("status", Volunteer.Status.ACTIVE) == Volunteer.Status.ACTIVE:
            self.by_committee[committee].append(index)
            if person is not None:
                self.location[index] = (person.building, person.compound)
                if source == Volunteer.Source.REPORTED_PARTY_MEMBER:
                    self.party_by_building[person.building].append(index)
        return index

    def duty(self, index: int, kind: str, committee: int, **place: Any) -> None:
        self.out.duties.append((index, {"kind": kind, "committee_id": committee, **place}))


def _people(town: Town) -> dict[int, list[Person]]:
    """Adults of working age who live in the town, by committee."""
    rows = Resident.objects.filter(
        town=town, status=Resident.Status.PRESENT, birth_date__year__range=(1957, 2003)
    ).values_list(
        "id",
        "name",
        "phone",
        "id_number",
        "gender",
        "household__building_id",
        "household__building__compound_id",
        "household__building__compound__committee_id",
    )
    people: dict[int, list[Person]] = defaultdict(list)
    for row in rows.order_by("id"):
        people[row[7]].append(Person(*row))
    return people


@transaction.atomic
def build_demo_grid(town: Town, *, seed: int = 2022) -> dict[str, int]:
    """Draw and store the grid of a town that has none yet; returns what was written."""
    draw = GridDrawer(town, seed)
    rng = draw.rng
    people = _people(town)
    committees = list(
        Committee.objects.filter(town=town)
        .annotate(n=Count("compounds__buildings__households__residents"))
        .order_by("id")
    )
    buildings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, compound, committee_id in (
        Building.objects.filter(town=town)
        .values_list("id", "compound_id", "compound__committee_id")
        .order_by("id")
    ):
        buildings[committee_id].append((pk, compound))
    no_secretary = {c.pk for c in rng.sample(committees, k=min(2, len(committees) - 1))}
    for committee in committees:
        pool = list(people.get(committee.pk, []))
        rng.shuffle(pool)
        party = [
            draw.add(committee.pk, Volunteer.Source.REPORTED_PARTY_MEMBER, p)
            for p in pool[: max(2, round(committee.n * PARTY_SHARE))]
        ]
        rest = pool[len(party) :]
        residents = [
            draw.add(committee.pk, Volunteer.Source.RESIDENT_VOLUNTEER, p)
            for p in rest[: max(1, round(committee.n * RESIDENT_VOLUNTEER_SHARE))]
        ]
        for _ in range(STAFF_PER_COMMITTEE):
            draw.add(committee.pk, Volunteer.Source.STAFF)
        for p in rest[len(residents) : len(residents) + 2]:  # report-ins awaiting approval
            draw.add(committee.pk, Volunteer.Source.RESIDENT_VOLUNTEER, p, status="applied")
        compounds = sorted({c for _b, c in buildings[committee.pk]})
        if committee.pk not in no_secretary:
            cadre = draw.add(committee.pk, Volunteer.Source.DISPATCHED_CADRE)
            draw.duty(cadre, Duty.Kind.SECOND_SECRETARY, committee.pk)
            if len(compounds) > 1 and rng.random() < 0.6:
                cadre = draw.add(committee.pk, Volunteer.Source.DISPATCHED_CADRE)
                place = {"compound_id": compounds[0]}
                draw.duty(cadre, Duty.Kind.SECOND_SECRETARY, committee.pk, **place)
        _leaders(draw, committee.pk, buildings[committee.pk], party, residents)
    _pairings(draw, town)
    return _write(draw, town)


def _leaders(
    draw: GridDrawer,
    committee: int,
    buildings: list[tuple[int, int]],
    party: list[int],
    residents: list[int],
) -> None:
    rng = draw.rng
    spare = [i for i in party if i not in draw.location] + party
    previous: tuple[int, int] | None = None  # (leader, compound) of the last building
    for building, compound in buildings:
        if rng.random() > LEADER_SHARE or not party:
            previous = None
            continue
        living_here = draw.party_by_building.get(building, [])
        if previous is not None and previous[1] == compound and rng.random() < 0.07:
            leader = previous[0]  # one leader for two neighbouring buildings
        elif living_here:
            leader = living_here[0]
        else:
            leader = spare[rng.randrange(len(spare))]
        place = {"compound_id": compound, "building_id": building}
        draw.duty(leader, Duty.Kind.BUILDING_LEADER, committee, title=rng.choice(TITLES), **place)
        previous = (leader, compound)
        if len(living_here) > 1 and rng.random() < 0.3:
            draw.duty(
                living_here[1],
                Duty.Kind.BUILDING_LEADER,
                committee,
                title="党员第二楼组长",
                **place,
            )
        for member in [i for i in residents if draw.location.get(i, (0,))[0] == building][:2]:
            draw.duty(member, Duty.Kind.BUILDING_TEAM_MEMBER, committee, **place)


def _pairings(draw: GridDrawer, town: Town) -> None:
    """Pair about two thirds of the special-care residents, nearest volunteer first."""
    rng = draw.rng
    tagged = Resident.care_tags.through.objects.filter(resident__town=town)
    special = list(
        Resident.objects.filter(
            town=town, status=Resident.Status.PRESENT, pk__in=tagged.values("resident_id")
        )
        .values_list(
            "id",
            "household__building_id",
            "household__building__compound_id",
            "household__building__compound__committee_id",
        )
        .order_by("id")
    )
    load: dict[int, int] = defaultdict(int)
    for resident, building, compound, committee in special:
        if rng.random() > PAIRED_SHARE:
            continue
        candidates = [
            i
            for i in draw.by_committee.get(committee, [])
            if load[i] < 2 and draw.out.volunteers[i].is_party_member
        ]
        if not candidates:
            continue

        best = min(candidates, key=lambda i: _nearness(draw.location.get(i), building, compound))
        load[best] += 1
        draw.out.pairings.append((best, resident))


def _nearness(home: tuple[int, int] | None, building: int, compound: int) -> int:
    if home is None:
        return 2
    return 0 if home[0] == building else 1 if home[1] == compound else 2


def _write(draw: GridDrawer, town: Town) -> dict[str, int]:
    volunteers = Volunteer.objects.bulk_create(draw.out.volunteers, batch_size=2000)
    ids = [v.pk for v in volunteers]
    Duty.objects.bulk_create(
        [Duty(town_id=town.pk, volunteer_id=ids[i], note="demo", **f) for i, f in draw.out.duties],
        batch_size=2000,
    )
    Pairing.objects.bulk_create(
        [
            Pairing(
                town_id=town.pk, volunteer_id=ids[i], resident_id=r, source=Pairing.Source.IMPORT
            )
            for i, r in draw.out.pairings
        ],
        batch_size=2000,
    )
    _teams(draw, town, volunteers)
    _claims(town)
    counts = {
        "volunteers": len(volunteers),
        "duties": len(draw.out.duties),
        "pairings": len(draw.out.pairings),
    }
    audit(
        user=None, action=AuditEntry.Action.IMPORT, target=town, summary="demo grid", detail=counts
    )
    return counts


def _teams(draw: GridDrawer, town: Town, volunteers: list[Volunteer]) -> None:
    """Six teams per committee; about half the active volunteers serve in one, with a post."""
    rng = draw.rng
    committees = sorted(draw.by_committee)
    teams = Team.objects.bulk_create(
        [
            Team(town_id=town.pk, committee_id=c, function=f)
            for c in committees
            for f in Team.Function.values
        ]
    )
    by_committee: dict[int, list[Team]] = defaultdict(list)
    for team in teams:
        by_committee[team.committee_id].append(team)
    members = []
    for committee in committees:
        for i in draw.by_committee[committee]:
            if rng.random() < 0.5:
                volunteer = volunteers[i]
                volunteer.team = rng.choice(by_committee[committee])
                volunteer.post = rng.choice(Volunteer.Post.values)
                members.append(volunteer)
    Volunteer.objects.bulk_update(members, ["team", "post"], batch_size=2000)
    leaders: dict[int | None, int] = {}
    for volunteer in members:
        leaders.setdefault(volunteer.team_id, volunteer.pk)
    for team in teams:
        team.leader_id = leaders.get(team.pk)
    Team.objects.bulk_update(teams, ["leader"], batch_size=500)


def _claims(town: Town) -> None:
    """A few pending claims of uncovered buildings, for the committee grid's queue."""
    from linli.duty.selectors import uncovered_buildings

    for committee in Committee.objects.filter(town=town, name=LOGIN_COMMITTEE):
        helpers = Volunteer.objects.filter(
            committee=committee,
            status=Volunteer.Status.ACTIVE,
            source=Volunteer.Source.RESIDENT_VOLUNTEER,
        ).order_by("id")[:2]
        for helper, building in zip(helpers, uncovered_buildings(committee)[:2], strict=False):
            claim = Claim.objects.create(
                town=town, committee=committee, volunteer=helper, building=building
            )
            ClaimChange.objects.create(claim=claim, from_status="", to_status=Claim.Status.PENDING)


def _login(username: str, password: str, town: Town, volunteer: Volunteer) -> None:
    user = demo_user(username=username, password=password, role=User.Role.VOLUNTEER, town=town)
    Volunteer.objects.filter(user=user).exclude(pk=volunteer.pk).update(user=None)
    Volunteer.objects.filter(pk=volunteer.pk).update(user=user)


def demo_grid_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the grid (built once), then three volunteers' logins."""
    if not Volunteer.objects.filter(town=town).exists():
        build_demo_grid(town)
    committee = Committee.objects.filter(town=town, name=LOGIN_COMMITTEE).first()
    if committee is None:
        return []
    logins = []
    leading = (
        Duty.objects.active()
        .filter(committee=committee, kind=Duty.Kind.BUILDING_LEADER)
        .select_related("volunteer", "compound", "building")
        .order_by("building_id", "id")
    )
    for duty in leading:
        if Duty.objects.active().filter(volunteer=duty.volunteer).count() == 1:
            _login("leader", password, town, duty.volunteer)
            place = f"{duty.compound} {duty.building}"
            logins.append(DemoLogin("leader", "楼组长", place))
            break
    pairing = (
        Pairing.objects.active()
        .filter(volunteer__committee=committee)
        .exclude(volunteer__duties__isnull=False)
        .select_related("volunteer")
        .order_by("volunteer_id")
        .first()
    )
    if pairing is not None:
        _login("paired", password, town, pairing.volunteer)
        n = Pairing.objects.active().filter(volunteer=pairing.volunteer).count()
        logins.append(DemoLogin("paired", "结对志愿者", f"结对居民 {n} 人"))
    secretary = (
        Duty.objects.active()
        .filter(committee=committee, kind=Duty.Kind.SECOND_SECRETARY)
        .select_related("volunteer", "compound")
        .order_by("id")
        .first()
    )
    if secretary is not None:
        _login("secretary", password, town, secretary.volunteer)
        where = str(secretary.compound or committee)
        logins.append(DemoLogin("secretary", "第二书记", where))
    return logins
