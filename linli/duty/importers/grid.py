"""Importer kinds "duties" (包干) and "pairings" (结对).

Both name volunteers by phone number and places or residents by name or ID number; an unknown
volunteer, place or resident is a row error. A duty or pairing already in force is left as it
is, so a file imported twice changes nothing; ending duties is done on the pages, never by an
import (history is not rewritten). A committee clerk's import knows only their committee's
volunteers and residents: anyone else is "not found", never named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Importer, Plan, Row
from linli.core.validators import (
    EXAMPLE_ID_NUMBER,
    EXAMPLE_PHONE,
    Problem,
    normalise_phone,
    parse_id_number,
)
from linli.duty.importers.volunteers import (
    COMMITTEE_SYNONYMS,
    DUTY_KINDS,
    ID_SYNONYMS,
    PHONE_SYNONYMS,
    SEPARATORS,
    lookup,
)
from linli.duty.models import Duty, Pairing, Volunteer, active_q
from linli.places.importers import PlaceIndex
from linli.places.importers.places import (
    BUILDING,
    COMMITTEE,
    COMPOUND,
    ROOM,
    building_name,
    room_name,
)
from linli.places.models import Committee, Resident

Path = tuple[int, int | None, int | None, int | None]  # committee, compound, building, household
PATH_FIELDS = ("committee_id", "compound_id", "building_id", "household_id")


class VolunteerByPhone:
    """The volunteers of the uploader's scope (the town, or a committee) by phone number."""

    def __init__(self, town_id: int, committee: Committee | None) -> None:
        volunteers = Volunteer.objects.filter(town_id=town_id)
        if committee is not None:
            volunteers = volunteers.filter(committee=committee)
        rows = volunteers.values_list("phone", "id", "name", "status")
        self.by_phone = {phone: (pk, name, status) for phone, pk, name, status in rows}

    def find(self, row: Row, phone_column: str, label: str, name_column: str) -> int:
        phone = row.clean(phone_column, label, normalise_phone)
        found = self.by_phone.get(phone)
        if found is None:
            row.column = label
            raise Problem(
                f"未找到手机号为{phone}的志愿者", f"no volunteer with phone number {phone}"
            )
        pk, name, status = found
        if status != Volunteer.Status.ACTIVE:
            row.column = label
            raise Problem(
                f"志愿者{name}不在岗（待审核或已退出）", f"volunteer {name} is not active"
            )
        if row[name_column] and row[name_column].strip() != name:
            row.warn(
                Problem(
                    f"姓名“{row[name_column]}”与手机号登记的“{name}”不同，以手机号为准",
                    "the name differs from the volunteer's with this phone number; the phone wins",
                )
            )
        return pk


@dataclass(slots=True)
class DutyRecord:
    volunteer_id: int
    kind: str
    title: str
    paths: list[Path]


class DutiesImporter(Importer):
    """Duties: second secretaries, building leaders, building team members, neighbour keepers."""

    kind = "duties"
    label = gettext_noop("包干职责")
    list_url, committee_url = "duty:index", "duty:committee"
    columns = (
        Column("name", "姓名", ("名字", "志愿者姓名"), example="李四"),
        Column("phone", "手机号", PHONE_SYNONYMS, required=True, example=EXAMPLE_PHONE),
        Column("kind", "职责", ("职务", "包干职责", "角色"), required=True, example="楼组长"),
        Column(
            "committee",
            "居委",
            tuple(s for s in COMMITTEE_SYNONYMS if s != "居委"),
            example=COMMITTEE.example,
        ),
        Column("compound", "小区", COMPOUND.synonyms, example=COMPOUND.example),
        Column("building", "楼栋", BUILDING.synonyms, example=BUILDING.example),
        Column("room", "室号", ROOM.synonyms),
    )

    def prepare(self) -> None:
        self.places = PlaceIndex(self.town.pk)
        self.volunteers = VolunteerByPhone(self.town.pk, self.committee)
        self.default_committee = self.committee.name if self.committee is not None else ""
        rows = Duty.objects.filter(active_q(), town_id=self.town.pk).values_list(
            "id", "title", "volunteer_id", "kind", *PATH_FIELDS
        )
        self.active = {tuple(r[2:]): (r[0], r[1]) for r in rows}

    def check_columns(self, present: set[str]) -> None:
        if "committee" not in present and not self.default_committee:
            raise Problem("缺少必需的列：居委", "required column missing: committee")

    def check_row(self, row: Row) -> DutyRecord:
        volunteer_id = self.volunteers.find(row, "phone", "手机号", "name")
        text = row["kind"].strip()
        kind = row.clean("kind", "职责", lambda v: lookup(DUTY_KINDS, v, "职责", "duty"))
        title = text if text != str(Duty.Kind(kind).label) and not text.isascii() else ""
        committee = row["committee"].strip() or self.default_committee
        if not committee:
            row.column = "居委"
            raise Problem("缺少居委", "missing committee")
        row.clean("committee", "居委", lambda _: self.check_committee(committee))
        paths = [self._path(row, kind, committee, room) for room in self._rooms(row, kind)]
        for path in paths:
            self.unique(row, (volunteer_id, kind, path), zh="同一职责", en="duty")
        return DutyRecord(volunteer_id, kind, title, paths)

    def _rooms(self, row: Row, kind: str) -> list[str]:
        if kind != Duty.Kind.NEIGHBOUR_KEEPER:
            return [""]
        rooms = [room_name(r) for r in SEPARATORS.split(row["room"]) if r]
        if not rooms:
            row.column = "室号"
            raise Problem("包邻里需填写室号", "a neighbour keeper needs the rooms")
        return rooms

    def _path(self, row: Row, kind: str, committee: str, room: str) -> Path:
        places = self.places
        committee_id = places.committees.get(committee)
        if committee_id is None:
            row.column = "居委"
            raise Problem(f"居委“{committee}”不存在", f"no committee {committee!r}")
        compound = row["compound"].strip()
        building = building_name(row["building"].strip())
        if kind == Duty.Kind.SECOND_SECRETARY and not compound:
            return (committee_id, None, None, None)
        if not compound:
            row.column = "小区"
            raise Problem("缺少小区", "missing compound")
        compound_id = places.compounds.get((committee, compound))
        if compound_id is None:
            row.column = "小区"
            raise Problem(f"{committee}没有小区“{compound}”", f"no compound {compound!r}")
        if kind == Duty.Kind.SECOND_SECRETARY:
            return (committee_id, compound_id, None, None)
        if not building:
            row.column = "楼栋"
            raise Problem("缺少楼栋", "missing building")
        building_id = places.buildings.get((committee, compound, building))
        if building_id is None:
            row.column = "楼栋"
            raise Problem(f"{compound}没有{building}", f"no building {building!r} in {compound!r}")
        if not room:
            return (committee_id, compound_id, building_id, None)
        household_id = places.households.get((committee, compound, building, room))
        if household_id is None:
            row.column = "室号"
            raise Problem(f"{compound}{building}没有{room}室", f"no room {room!r} in {building!r}")
        return (committee_id, compound_id, building_id, household_id)

    def plan(self, records: list[DutyRecord]) -> Plan:
        plan = Plan(payload=([], []))
        for rec in records:
            for path in rec.paths:
                existing = self.active.get((rec.volunteer_id, rec.kind, *path))
                if existing is None:
                    plan.payload[0].append((rec, path))
                    plan.created += 1
                elif rec.title and existing[1] != rec.title:
                    plan.payload[1].append((existing[0], rec.title))
                    plan.updated += 1
                else:
                    plan.unchanged += 1
        return plan

    def apply(self, plan: Plan) -> None:
        new, retitled = plan.payload
        now = timezone.now()
        duties = [
            Duty(
                town_id=self.town.pk,
                volunteer_id=rec.volunteer_id,
                kind=rec.kind,
                title=rec.title,
                starts_at=now,
                assigned_by=self.user,
                note="import",
                **dict(zip(PATH_FIELDS, path, strict=True)),
            )
            for rec, path in new
        ]
        Duty.objects.bulk_create(duties, batch_size=BATCH)
        Duty.objects.bulk_update(
            [Duty(pk=pk, title=title) for pk, title in retitled], ["title"], batch_size=BATCH
        )
        self.progress(len(new) + len(retitled), len(new) + len(retitled))


@dataclass(slots=True)
class PairingRecord:
    volunteer_id: int
    resident_id: int


class PairingsImporter(Importer):
    """Pairings of volunteers with special-care residents (结对)."""

    kind = "pairings"
    label = gettext_noop("结对名单")
    list_url, committee_url = "duty:index", "duty:committee"
    columns = (
        Column("volunteer_name", "志愿者姓名", ("志愿者", "结对志愿者"), example="李四"),
        Column(
            "volunteer_phone",
            "志愿者手机号",
            ("志愿者电话", "志愿者联系电话"),
            required=True,
            example=EXAMPLE_PHONE,
        ),
        Column(
            "resident_name",
            "居民姓名",
            ("结对居民", "居民", "服务对象"),
            required=True,
            example="张三",
        ),
        Column(
            "resident_id_number",
            "居民身份证号",
            ("居民身份证", "服务对象身份证号", *(f"居民{s}" for s in ID_SYNONYMS)),
            required=True,
            example=EXAMPLE_ID_NUMBER,
        ),
    )

    def prepare(self) -> None:
        self.volunteers = VolunteerByPhone(self.town.pk, self.committee)
        town_residents = Resident.objects.filter(town_id=self.town.pk, id_number__isnull=False)
        if self.committee is not None:
            town_residents = town_residents.filter(
                household__building__compound__committee=self.committee
            )
        self.known_ids = set(town_residents.values_list("id_number", flat=True))
        tagged = Resident.care_tags.through.objects.filter(resident__town_id=self.town.pk)
        special = town_residents.filter(pk__in=tagged.values("resident_id")).values_list(
            "id_number", "id", "name", "household__building__compound__committee__name"
        )
        self.special = {r[0]: r[1:] for r in special}
        pairs = Pairing.objects.filter(active_q(), town_id=self.town.pk)
        self.active = set(pairs.values_list("volunteer_id", "resident_id"))

    def check_row(self, row: Row) -> PairingRecord:
        volunteer_id = self.volunteers.find(
            row, "volunteer_phone", "志愿者手机号", "volunteer_name"
        )
        info = row.clean("resident_id_number", "居民身份证号", parse_id_number)
        found = self.special.get(info.number)
        row.column = "居民身份证号"
        if found is None and info.number in self.known_ids:
            raise Problem("该居民不在特殊人群名单中", "the resident has no care tag")
        if found is None:
            raise Problem("未找到该身份证号的居民", "no resident with this ID number")
        resident_id, name, committee = found
        if row["resident_name"].strip() != name:
            row.column = "居民姓名"
            raise Problem(
                "居民姓名与身份证号不符", "the resident's name does not match the ID number"
            )
        row.column = None
        self.check_committee(committee)
        self.unique(row, (volunteer_id, resident_id), zh="同一结对", en="pairing")
        return PairingRecord(volunteer_id, resident_id)

    def plan(self, records: list[PairingRecord]) -> Plan:
        new = [r for r in records if (r.volunteer_id, r.resident_id) not in self.active]
        return Plan(created=len(new), unchanged=len(records) - len(new), payload=new)

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        pairings: list[Any] = [
            Pairing(
                town_id=self.town.pk,
                volunteer_id=r.volunteer_id,
                resident_id=r.resident_id,
                source=Pairing.Source.IMPORT,
                starts_at=now,
                created_by=self.user,
            )
            for r in plan.payload
        ]
        Pairing.objects.bulk_create(pairings, batch_size=BATCH)
        self.progress(len(pairings), len(pairings))
