"""Drawing the demo town's people, households and buildings from one seeded generator.

`Drawer` makes the same draws in the same order whatever the date of the build, so a seed
always gives a town of the same shape; only birthdays (and so names by cohort) follow the date.
The rates and mixes below are rough figures for a Shanghai suburb in 2022.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from linli.core.validators import id_check_digit
from linli.places import demo_data as data
from linli.places.models import Resident
from linli.places.services import BUILTIN_CARE_TAGS

TAG = dict(BUILTIN_CARE_TAGS)  # code → Chinese name


@dataclass(slots=True)
class PersonPlan:
    name: str
    gender: str
    birth_date: dt.date
    id_number: str | None
    phone: str
    status: str = Resident.Status.PRESENT
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(slots=True)
class HouseholdPlan:
    room: str
    people: list[PersonPlan]


@dataclass(slots=True)
class BuildingPlan:
    name: str
    households: list[HouseholdPlan] = field(default_factory=list)


@dataclass(slots=True)
class CompoundPlan:
    name: str
    kind: str
    buildings: list[BuildingPlan] = field(default_factory=list)


@dataclass(slots=True)
class CommitteePlan:
    name: str
    compounds: list[CompoundPlan] = field(default_factory=list)


@dataclass(slots=True)
class TownPlan:
    name: str
    committees: list[CommitteePlan]

    def buildings(self) -> Iterator[BuildingPlan]:
        for committee in self.committees:
            for compound in committee.compounds:
                yield from compound.buildings

    def people(self) -> Iterator[PersonPlan]:
        for building in self.buildings():
            for household in building.households:
                yield from household.people


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def region_code(place: str, year: int) -> str:
    """The region code an ID number of someone from `place` got in `year`."""
    chain = data.PLACES[place]
    return next(code for code, first in reversed(chain) if first <= year)


# Household kinds and their weights by compound era (see demo_data.RESIDENTIAL).
HOUSEHOLD_MIX: dict[str, dict[str, int]] = {
    "old": {"elder_alone": 15, "elder_couple": 23, "elder_child": 8, "couple_child": 13,
            "couple_two": 2, "three_gen": 10, "young_couple": 5, "single": 5, "renters": 11,
            "migrant_family": 8},
    "relocation": {"elder_alone": 10, "elder_couple": 17, "elder_child": 6, "couple_child": 21,
                   "couple_two": 5, "three_gen": 16, "young_couple": 6, "single": 5, "renters": 7,
                   "migrant_family": 7},
    "commercial": {"elder_alone": 2, "elder_couple": 6, "elder_child": 2, "couple_child": 32,
                   "couple_two": 11, "three_gen": 16, "young_couple": 13, "single": 9,
                   "renters": 5, "migrant_family": 4},
    "village": {"elder_alone": 9, "elder_couple": 22, "elder_child": 6, "couple_child": 14,
                "couple_two": 5, "three_gen": 34, "young_couple": 4, "single": 6},
}  # fmt: skip
# Where the owners of each era come from: (place or group, weight).
ORIGINS: dict[str, list[tuple[str, int]]] = {
    "old": [("松江", 80), ("centre", 8), ("闵行", 2), ("migrant", 10)],
    "relocation": [("centre", 58), ("松江", 34), ("migrant", 8)],
    "commercial": [("松江", 22), ("centre", 18), ("闵行", 6), ("migrant", 54)],
    "village": [("松江", 100)],
}
TOWER_SHARE = {"old": 0.0, "relocation": 0.15, "commercial": 0.8}
OCCUPANCY = {"old": 0.94, "relocation": 0.94, "commercial": 0.85}
# Weight of each year of age over 60, by decade: fewer and fewer people live that long.
ELDER_WEIGHTS = {6: 1.0, 7: 0.72, 8: 0.56, 9: 0.12, 10: 0.01}


class Drawer:
    """Draws people, households and buildings from one seeded random generator."""

    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.id_bodies: set[str] = set()
        self.phones: set[str] = set()
        self.given = [(last, m.split(), f.split()) for last, m, f in data.GIVEN_NAMES]
        self.local_surnames = list(data.LOCAL_SURNAMES)
        self.local_weights = list(
            itertools.accumulate(1 / (i + 4) for i in range(len(self.local_surnames)))
        )
        self.surnames = list(data.NATIONAL_SURNAMES)
        self.surname_weights = list(
            itertools.accumulate(1 / (i + 4) for i in range(len(self.surnames)))
        )
        self.migrant_places = [p for p, _ in data.MIGRANT_HOMETOWNS]
        self.migrant_weights = list(itertools.accumulate(w for _, w in data.MIGRANT_HOMETOWNS))
        self.elder_ages = list(range(60, 103))
        self.elder_weights = list(
            itertools.accumulate(ELDER_WEIGHTS[a // 10] for a in self.elder_ages)
        )

    # --- small draws ---------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def elder_age(self, low: int = 60) -> int:
        while True:
            age = self.rng.choices(self.elder_ages, cum_weights=self.elder_weights)[0]
            if age >= low:
                return age

    def origin(self, era: str) -> str:
        places, weights = zip(*ORIGINS[era], strict=True)
        pick = self.rng.choices(places, weights=weights)[0]
        if pick == "centre":
            return self.rng.choice(data.CITY_CENTRE)
        if pick == "migrant":
            return self.migrant()
        return pick

    def migrant(self) -> str:
        return self.rng.choices(self.migrant_places, cum_weights=self.migrant_weights)[0]

    def surname(self, place: str) -> str:
        if data.PLACES[place][0][0].startswith("31"):
            return self.rng.choices(self.local_surnames, cum_weights=self.local_weights)[0]
        return self.rng.choices(self.surnames, cum_weights=self.surname_weights)[0]

    def given_name(self, year: int, gender: str) -> str:
        for last, male, female in self.given:
            if year <= last:
                names = male if gender == "M" else female
                return names[int(self.rng.random() * len(names))]
        raise AssertionError("the last cohort is open-ended")

    def birth_date(self, age: int) -> dt.date:
        latest = years_before(self.as_of, age)
        earliest = years_before(self.as_of, age + 1) + dt.timedelta(days=1)
        # One draw whatever the span (365 or 366 days), so that the date of the build changes
        # birthdays and names but not the shape of the town.
        return earliest + dt.timedelta(days=int(self.rng.random() * ((latest - earliest).days + 1)))

    def id_number(self, place: str, born: dt.date, gender: str) -> str:
        prefix = region_code(place, max(born.year, 1985)) + born.strftime("%Y%m%d")
        # The 17th digit is odd for men, even for women (GB 11643). A taken number moves on to
        # the next free one without a new draw, to keep the stream of draws the same.
        serial = self.rng.randrange(500) * 2 + (gender == "M")
        while f"{prefix}{serial:03d}" in self.id_bodies:
            serial = (serial + 2) % 1000
        body = f"{prefix}{serial:03d}"
        self.id_bodies.add(body)
        return body + id_check_digit(body)

    def phone(self, age: int) -> str:
        rate = next(r for top, r in data.PHONE_RATE_BY_AGE if age < top)
        if not self.chance(rate):
            return ""
        prefix, line = self.rng.choice(data.MOBILE_PREFIXES), self.rng.randrange(10**8)
        while f"{prefix}{line:08d}" in self.phones:
            line = (line + 1) % 10**8
        self.phones.add(number := f"{prefix}{line:08d}")
        return number

    # --- people --------------------------------------------------------------------------
    def person(
        self,
        age: int,
        gender: str,
        place: str,
        *,
        surname: str | None = None,
        alone: bool = False,
        low_income: bool = False,
        worker: bool = False,
        note: str = "",
    ) -> PersonPlan:
        age = max(age, 0)
        born = self.birth_date(age)
        name = (surname or self.surname(place)) + self.given_name(born.year, gender)
        tags, notes = self.care(age, gender, alone=alone, low_income=low_income, worker=worker)
        if note:
            notes.insert(0, note)
        person = PersonPlan(
            name, gender, born, self.id_number(place, born, gender), self.phone(age)
        )
        if age >= 18 and self.chance(0.02):
            person.status = Resident.Status.AWAY
            notes.append(self.rng.choice(data.AWAY_NOTES))
        if self.chance(0.002):
            person.id_number = None
            notes.append(data.NO_ID_NOTE)
        person.tags = tuple(tags)
        person.notes = "；".join(notes)
        return person

    def care(
        self, age: int, gender: str, *, alone: bool, low_income: bool, worker: bool
    ) -> tuple[list[str], list[str]]:
        """Care tags at about the rates a Shanghai suburb's rosters show, with a note or two."""
        tags: list[str] = []
        notes: list[str] = []
        if age >= 80:
            tags.append(TAG["aged_80_plus"])
        if alone and age >= 60:
            tags.append(TAG["living_alone"])
        chronic = 0.2 if age >= 60 else 0.04 if age >= 40 else 0.0
        if self.chance(chronic / 4 if worker else chronic):
            tags.append(TAG["chronic_illness"])
            notes.append(self.rng.choice(data.CHRONIC_NOTES))
        if not worker and age >= 35 and self.chance(0.0012):
            tags.append(TAG["dialysis"])
            notes.append(data.DIALYSIS_NOTE)
        if gender == "F" and 22 <= age <= 40 and self.chance(0.03):
            tags.append(TAG["pregnant"])
            notes.append(data.PREGNANT_NOTE)
        if self.chance(0.04 if age >= 60 else 0.01 if age >= 16 else 0.004) and not worker:
            tags.append(TAG["disabled"])
        if age >= 50 and not worker and self.chance(0.01):
            tags.append(TAG["serious_illness"])
            notes.append(self.rng.choice(data.SERIOUS_NOTES))
        if age >= 18 and not worker and self.chance(0.003):
            tags.append(TAG["mental_disorder"])
        if low_income:
            tags.append(TAG["low_income"])
        return tags, notes

    # --- households ----------------------------------------------------------------------
    def family(self, kind: str, place: str) -> list[PersonPlan]:
        """One household of the given kind; children take the father's surname."""
        rng, person = self.rng, self.person
        poor = self.chance(0.012)
        sex = lambda: rng.choice("MF")  # noqa: E731
        if kind == "elder_alone":
            return [
                person(
                    self.elder_age(65),
                    "F" if self.chance(0.7) else "M",
                    place,
                    alone=True,
                    low_income=poor,
                )
            ]
        if kind == "elder_couple":
            husband = self.elder_age(62)
            wife = max(58, husband - rng.randint(0, 5))
            return [
                person(husband, "M", place, low_income=poor),
                person(wife, "F", place, low_income=poor),
            ]
        if kind == "elder_child":
            parent = self.elder_age(68)
            elder = person(parent, "F" if self.chance(0.65) else "M", place, low_income=poor)
            child = person(
                parent - rng.randint(25, 33), sex(), place, surname=elder.name[0], low_income=poor
            )
            return [elder, child]
        if kind == "renters":
            return [
                person(
                    rng.randint(19, 46),
                    "M" if self.chance(0.6) else "F",
                    self.migrant(),
                    note=data.RENTER_NOTE,
                )
                for _ in range(rng.randint(2, 4))
            ]
        if kind in ("single", "young_couple"):
            age = rng.randint(22, 59) if kind == "single" else rng.randint(24, 38)
            first = person(age, sex(), place, low_income=poor)
            if kind == "single":
                return [first]
            return [
                first,
                person(
                    age + rng.randint(-3, 3),
                    "F" if first.gender == "M" else "M",
                    place,
                    low_income=poor,
                ),
            ]
        # Couples with children, three generations, migrant families.
        if kind == "migrant_family":
            place = self.migrant()
        father_age = rng.randint(30, 50) if kind == "three_gen" else rng.randint(26, 55)
        father = person(father_age, "M", place, low_income=poor)
        mother_age = max(22, father_age - rng.randint(-1, 4))
        mother_place = place if self.chance(0.7) else self.origin("commercial")
        mother = person(mother_age, "F", mother_place, low_income=poor)
        home = [father, mother]
        if kind == "three_gen":
            grand = father_age + rng.randint(24, 32)
            home.insert(0, person(grand, "M", place, surname=father.name[0], low_income=poor))
            if self.chance(0.6):
                home.insert(1, person(grand - rng.randint(0, 4), "F", place, low_income=poor))
        children = 2 if kind == "couple_two" or (kind != "couple_child" and self.chance(0.3)) else 1
        for _ in range(children):
            if len(home) >= 5:
                break
            child_age = min(mother_age - rng.randint(22, 36), 27)
            if child_age >= 0:
                home.append(
                    person(child_age, sex(), place, surname=father.name[0], low_income=poor)
                )
        return home

    # --- buildings -----------------------------------------------------------------------
    def residential_building(self, era: str, number: int) -> BuildingPlan:
        rng = self.rng
        tower = self.chance(TOWER_SHARE[era])
        if tower:
            floors = rng.randint(18, 30) if era == "commercial" else rng.randint(11, 14)
            per_floor = rng.choice((2, 3, 4, 4) if era == "commercial" else (2, 2, 3))
        else:
            floors = rng.choice((5, 6, 6, 6, 7)) if era == "old" else 6
            per_floor = rng.choice((2, 2, 2, 3))
        suffix = "号楼" if era == "commercial" else "号"
        building = BuildingPlan(f"{number}{suffix}")
        mix = HOUSEHOLD_MIX[era]
        kinds, weights = list(mix), list(mix.values())
        for floor in range(1, floors + 1):
            for flat in range(1, per_floor + 1):
                if not self.chance(OCCUPANCY[era]):
                    continue
                kind = rng.choices(kinds, weights=weights)[0]
                people = self.family(kind, self.origin(era))
                building.households.append(HouseholdPlan(f"{floor}{flat:02d}", people))
        return building

    def village_group(self, group: int, first_house: int) -> BuildingPlan:
        """A village group (村民小组): houses of local families, many with migrant renters."""
        mix = HOUSEHOLD_MIX["village"]
        kinds, weights = list(mix), list(mix.values())
        building = BuildingPlan(f"{group}组")
        for house in range(first_house, first_house + self.rng.randint(12, 22)):
            kind = self.rng.choices(kinds, weights=weights)[0]
            building.households.append(HouseholdPlan(f"{house}号", self.family(kind, "松江")))
            if self.chance(0.4):
                for extra in range(2, 2 + self.rng.randint(1, 2)):
                    renters = self.family(
                        "renters" if self.chance(0.6) else "migrant_family", "松江"
                    )
                    building.households.append(HouseholdPlan(f"{house}号-{extra}", renters))
        return building

    def dormitory(self, kind: str, name: str, rooms: int) -> BuildingPlan:
        """A worksite or factory dormitory: rooms of workers, often from the same county."""
        building = BuildingPlan(name)
        rng = self.rng
        for i in range(rooms):
            room = f"{i // 6 + 1}{i % 6 + 1:02d}" if kind != "farm" else f"{i + 1}号房"
            hometown = self.migrant()
            if kind == "farm":
                age = rng.randint(45, 64)
                people = [
                    self.person(age, "M", hometown, worker=True, note="种植"),
                    self.person(age - rng.randint(0, 4), "F", hometown, worker=True, note="种植"),
                ]
            else:
                if rooms == 1:  # the seed article's smallest site: nine men
                    size = 9
                else:
                    size = rng.randint(6, 10) if kind == "worksite" else rng.randint(4, 6)
                gender = "M" if kind == "worksite" or self.chance(0.5) else "F"
                people = []
                for _ in range(size):
                    place = hometown if self.chance(0.7) else self.migrant()
                    if kind == "worksite":  # mostly men, most over 40
                        age = rng.randint(20, 39) if self.chance(0.35) else rng.randint(40, 56)
                        sex = "F" if self.chance(0.04) else "M"
                        job = rng.choice(data.TRADES)
                    else:  # a factory's rooms are all men or all women
                        age, sex = rng.randint(19, 45), gender
                        job = rng.choice(data.ENTERPRISE_JOBS)
                    people.append(self.person(age, sex, place, worker=True, note=job))
            building.households.append(HouseholdPlan(room, people))
        return building
