"""Importer kinds "places" (committees, compounds, buildings, households) and "residents".

Both preload the town's places into dicts keyed by names, check rows in plain Python, and
create what is missing in bulk, level by level. Residents match on ID number, or, without one,
on committee + compound + building + room + name; a roster imported twice changes nothing.
Cells left empty never blank out what is stored, and care tags are only ever added.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone

from linli.core.imports import BATCH, Column, Importer, Plan, Row, insert_rows
from linli.core.validators import Problem, normalise_phone, parse_id_number
from linli.places.models import (
    Building,
    CareTag,
    Committee,
    Compound,
    Household,
    Resident,
    ResidentChange,
)

COMMITTEE = Column(
    "committee", "居委", ("居民区", "村居委", "居委会", "村委会", "居村委", "社区", "所属居委")
)
COMPOUND = Column(
    "compound", "小区", ("小区名称", "小区名", "防控点", "小区/防控点"), required=True
)
BUILDING = Column("building", "楼栋", ("楼号", "楼栋号", "幢", "栋", "楼"))
ROOM = Column("room", "室号", ("房号", "门牌号", "房间号", "室", "户号", "门牌"))

KINDS = {
    "住宅小区": Compound.Kind.RESIDENTIAL,
    "住宅": Compound.Kind.RESIDENTIAL,
    "小区": Compound.Kind.RESIDENTIAL,
    "工地": Compound.Kind.WORKSITE,
    "企业": Compound.Kind.ENTERPRISE,
    "农场": Compound.Kind.FARM,
    **{k.value: k.value for k in Compound.Kind},
}
GENDERS = {
    "男": "M",
    "女": "F",
    "男性": "M",
    "女性": "F",
    "m": "M",
    "f": "F",
    "male": "M",
    "female": "F",
}
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?: .*)?$")

Address = tuple[str, str, str, str]  # committee, compound, building, room


@lru_cache(maxsize=4096)
def building_name(text: str) -> str:
    """ "1" and "1号" mean "1号楼", the registry's spelling; anything else is kept as written."""
    if text.isdigit():
        return f"{int(text)}号楼"
    if text.endswith("号") and text[:-1].isdigit():
        return f"{int(text[:-1])}号楼"
    return text


@lru_cache(maxsize=16384)
def room_name(text: str) -> str:
    """ "101室" is room "101"."""
    return text[:-1] if text.endswith("室") and len(text) > 1 else text


def _max_len(value: str, limit: int, zh: str, en: str) -> str:
    if len(value) > limit:
        raise Problem(f"{zh}过长（最多{limit}字）", f"the {en} is longer than {limit} characters")
    return value


class PlaceIndex:
    """The town's places by name, and the ones an import would add (created in `create`)."""

    def __init__(self, town_id: int | None) -> None:
        self.town_id = town_id
        self.committees: dict[str, int] = {}
        self.compounds: dict[tuple[str, str], int] = {}
        self.kinds: dict[tuple[str, str], str] = {}
        self.buildings: dict[tuple[str, str, str], int] = {}
        self.households: dict[Address, int] = {}
        self.new_committees: dict[str, None] = {}
        self.new_compounds: dict[tuple[str, str], str] = {}
        self.new_buildings: dict[tuple[str, str, str], None] = {}
        self.new_households: dict[Address, None] = {}
        if town_id is None:
            return
        self.committees = dict(Committee.objects.filter(town_id=town_id).values_list("name", "id"))
        for pk, name, kind, committee in Compound.objects.filter(town_id=town_id).values_list(
            "id", "name", "kind", "committee__name"
        ):
            self.compounds[(committee, name)] = pk
            self.kinds[(committee, name)] = kind
        for pk, name, compound, committee in Building.objects.filter(town_id=town_id).values_list(
            "id", "name", "compound__name", "compound__committee__name"
        ):
            self.buildings[(committee, compound, name)] = pk
        rows = Household.objects.filter(town_id=town_id).values_list(
            "id",
            "room",
            "building__name",
            "building__compound__name",
            "building__compound__committee__name",
        )
        for pk, room, building, compound, committee in rows:
            self.households[(committee, compound, building, room)] = pk

    def need(self, address: Address, kind: str = "") -> bool:
        """Note the places an address needs; True when any of them is new."""
        committee, compound, building, room = address
        new = False
        if committee not in self.committees:
            self.new_committees[committee] = None
            new = True
        if (committee, compound) not in self.compounds:
            self.new_compounds.setdefault((committee, compound), kind or Compound.Kind.RESIDENTIAL)
            new = True
        if building and (committee, compound, building) not in self.buildings:
            self.new_buildings[(committee, compound, building)] = None
            new = True
        if room and address not in self.households:
            self.new_households[address] = None
            new = True
        return new

    def new_names(self) -> dict[str, list[str]]:
        return {
            "居委": list(self.new_committees),
            "小区": ["/".join(k) for k in self.new_compounds],
            "楼栋": ["/".join(k) for k in self.new_buildings],
            "户": ["/".join(k) for k in self.new_households],
        }

    def create(self, town_id: int) -> None:
        """Create the new places, level by level, learning their ids."""
        objs = [Committee(town_id=town_id, name=n) for n in self.new_committees]
        for committee in Committee.objects.bulk_create(objs, batch_size=BATCH):
            self.committees[committee.name] = committee.pk
        compounds = [
            Compound(town_id=town_id, committee_id=self.committees[c], name=n, kind=kind)
            for (c, n), kind in self.new_compounds.items()
        ]
        Compound.objects.bulk_create(compounds, batch_size=BATCH)
        for key, compound in zip(self.new_compounds, compounds, strict=True):
            self.compounds[key] = compound.pk
        buildings = [
            Building(town_id=town_id, compound_id=self.compounds[(c, p)], name=n)
            for (c, p, n) in self.new_buildings
        ]
        Building.objects.bulk_create(buildings, batch_size=BATCH)
        for bkey, building in zip(self.new_buildings, buildings, strict=True):
            self.buildings[bkey] = building.pk
        rows = [(town_id, self.buildings[(c, p, b)], r) for (c, p, b, r) in self.new_households]
        ids = insert_rows(Household, ["town_id", "building_id", "room"], rows)
        self.households.update(zip(self.new_households, ids, strict=True))


class AddressImporter(Importer):
    """What both kinds share: the committee rule and the address columns."""

    def prepare(self) -> None:
        self.places = PlaceIndex(self.town.pk)
        self.default_committee = self.committee.name if self.committee is not None else ""

    def check_columns(self, present: set[str]) -> None:
        if "committee" not in present and not self.default_committee:
            raise Problem("缺少必需的列：居委", "required column missing: committee")

    def address(self, row: Row, *, need_room: bool) -> Address:
        v = row.values
        committee = v.get("committee", "") or self.default_committee
        if not committee:
            row.column = "居委"
            raise Problem("缺少居委", "missing committee")
        if self.committee is not None and committee != self.committee.name:
            row.column = "居委"
            self.check_committee(committee)
        compound = v.get("compound", "")
        building = building_name(v.get("building", ""))
        room = room_name(v.get("room", ""))
        if need_room and not (building and room):
            raise Problem("缺少楼栋或室号", "missing building or room")
        if room and not building:
            raise Problem("有室号但缺少楼栋", "a room without a building")
        if len(committee) > 50 or len(compound) > 50 or len(building) > 50 or len(room) > 30:
            _max_len(committee, 50, "居委名", "committee name")
            _max_len(compound, 50, "小区名", "compound name")
            _max_len(building, 50, "楼栋名", "building name")
            _max_len(room, 30, "室号", "room")
        return (committee, compound, building, room)


class PlacesImporter(AddressImporter):
    """Committees, compounds (with their kind), buildings and households (居委/小区/楼栋/户)."""

    kind = "places"
    label = "地点（居委、小区、楼栋、户）"
    columns = (
        COMMITTEE,
        COMPOUND,
        BUILDING,
        ROOM,
        Column("kind", "类型", ("小区类型", "类别", "性质")),
    )
    may_create_town = True

    def prepare(self) -> None:
        super().prepare()
        self.file_kinds: dict[tuple[str, str], tuple[str, int]] = {}

    def check_row(self, row: Row) -> tuple[Address, str]:
        address = self.address(row, need_room=False)
        kind = ""
        if row["kind"]:
            kind = KINDS.get(row["kind"].lower(), "")
            if not kind:
                row.column = "类型"
                raise Problem(
                    f"未知的类型“{row['kind']}”，应为住宅小区、工地、企业或农场",
                    f"unknown kind {row['kind']!r}; use 住宅小区, 工地, 企业 or 农场",
                )
            first_kind, first_row = self.file_kinds.setdefault(address[:2], (kind, row.number))
            if first_kind != kind:
                raise Problem(
                    f"类型与第{first_row}行不一致", f"the kind differs from row {first_row}"
                )
        return address, kind

    def plan(self, records: list[tuple[Address, str]]) -> Plan:
        plan = Plan()
        kind_changes: dict[tuple[str, str], str] = {}
        for address, kind in records:
            key = address[:2]
            if self.places.need(address, kind):
                plan.created += 1
            elif kind and self.places.kinds.get(key, kind) != kind:
                kind_changes[key] = kind
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.new = self.places.new_names()
        plan.payload = kind_changes
        return plan

    def apply(self, plan: Plan) -> None:
        self.places.create(self.town.pk)
        changed = [
            Compound(pk=self.places.compounds[key], kind=kind) for key, kind in plan.payload.items()
        ]
        Compound.objects.bulk_update(changed, ["kind"], batch_size=BATCH)


@dataclass(slots=True)
class ResidentRecord:
    address: Address
    name: str
    id_number: str | None
    gender: str
    birth_date: dt.date | None
    phone: str
    notes: str
    tags: list[str] = field(default_factory=list)


@dataclass
class ResidentPlan:
    new: list[ResidentRecord] = field(default_factory=list)
    changed: list[tuple[tuple[Any, ...], ResidentRecord]] = field(default_factory=list)
    links: list[tuple[ResidentRecord | int, str]] = field(default_factory=list)
    new_tags: dict[str, None] = field(default_factory=dict)


class ResidentsImporter(AddressImporter):
    """Residents (居民) with their household, ID and phone numbers and care tags."""

    kind = "residents"
    label = "居民花名册"
    columns = (
        COMMITTEE,
        COMPOUND,
        Column("building", "楼栋", BUILDING.synonyms, required=True),
        Column("room", "室号", ROOM.synonyms, required=True),
        Column("name", "姓名", ("名字", "居民姓名"), required=True),
        Column("gender", "性别"),
        Column(
            "id_number", "身份证号", ("身份证号码", "证件号码", "身份证", "公民身份号码", "证件号")
        ),
        Column("phone", "手机号", ("联系电话", "电话", "手机", "手机号码", "联系方式")),
        Column("birth_date", "出生日期", ("出生年月日", "生日")),
        Column("care_tags", "特殊人群", ("特殊人群类别", "人群类别", "人员类别", "重点人群")),
        Column("notes", "备注", ("说明",)),
    )

    def prepare(self) -> None:
        super().prepare()
        town_id = self.town.pk
        self.tags: dict[str, int] = {}
        self.by_id_number: dict[str, tuple[Any, ...]] = {}
        self.by_place_name: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
        self.links: set[tuple[int, int]] = set()
        self.tags = dict(CareTag.objects.filter(town__isnull=True).values_list("name", "id"))
        if town_id is None:
            return
        self.tags |= dict(CareTag.objects.filter(town_id=town_id).values_list("name", "id"))
        fields = (
            "id",
            "household_id",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "notes",
        )
        for resident in Resident.objects.filter(town_id=town_id).values_list(*fields):
            if resident[3]:
                self.by_id_number[resident[3]] = resident
            self.by_place_name.setdefault((resident[1], resident[2]), []).append(resident)
        through = Resident.care_tags.through.objects
        links = through.filter(resident__town_id=town_id).values_list("resident_id", "caretag_id")
        self.links = set(links)

    def check_row(self, row: Row) -> ResidentRecord:
        address = self.address(row, need_room=True)
        v = row.values
        name = v.get("name", "")
        if len(name) > 50:
            row.column = "姓名"
            _max_len(name, 50, "姓名", "name")
        gender = row.clean("gender", "性别", _gender) if v.get("gender", "") else ""
        if v.get("id_number", ""):
            info = row.clean("id_number", "身份证号", parse_id_number)
            if info.warning is not None:
                row.warn(info.warning)
            if gender and gender != info.gender:
                row.column = "性别"
                raise Problem("性别与身份证号不符", "the gender contradicts the ID number")
            id_number, gender, birth = info.number, info.gender, info.birth_date
            self.unique(row, ("id", id_number), zh="身份证号", en="ID number")
        else:
            id_number = None
            birth = row.clean("birth_date", "出生日期", _birth_date)
            self.unique(
                row, ("place", *address, name), zh="同一户的同名居民", en="name in the same room"
            )
        phone = row.clean("phone", "手机号", _phone) if v.get("phone", "") else ""
        tags = (
            [t for t in TAG_SEPARATORS.split(v.get("care_tags", "")) if t]
            if v.get("care_tags", "")
            else []
        )
        for t in tags:
            _max_len(t, 30, "特殊人群标签", "care tag")
        return ResidentRecord(
            address, name, id_number, gender, birth, phone, v.get("notes", ""), tags
        )

    def plan(self, records: list[ResidentRecord]) -> Plan:
        out = ResidentPlan()
        plan = Plan(payload=out)
        for rec in records:
            for tag in rec.tags:
                if tag not in self.tags:
                    out.new_tags[tag] = None
            self.places.need(rec.address)
            household_id = self.places.households.get(rec.address)
            existing = self._match(rec, household_id)
            if existing is None:
                out.new.append(rec)
                out.links.extend((rec, t) for t in rec.tags)
                plan.created += 1
                continue
            missing_tags = [
                t for t in rec.tags if (existing[0], self.tags.get(t)) not in self.links
            ]
            out.links.extend((existing[0], t) for t in missing_tags)
            differs = (
                existing[1] != household_id
                or existing[2] != rec.name
                or (rec.id_number and existing[3] != rec.id_number)
                or (rec.gender and existing[4] != rec.gender)
                or (rec.birth_date and existing[5] != rec.birth_date)
                or (rec.phone and existing[6] != rec.phone)
                or (rec.notes and existing[7] != rec.notes)
            )
            if differs:
                out.changed.append((existing, rec))
            if differs or missing_tags:
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.new = self.places.new_names() | {"特殊人群标签": list(out.new_tags)}
        return plan

    def _match(self, rec: ResidentRecord, household_id: int | None) -> tuple[Any, ...] | None:
        if rec.id_number:
            found = self.by_id_number.get(rec.id_number)
            if found is not None:
                return found
        if household_id is None:
            return None
        for resident in self.by_place_name.get((household_id, rec.name), []):
            # A record without an ID number is completed by a row that has one.
            if resident[3] is None or not rec.id_number:
                return resident
        return None

    def apply(self, plan: Plan) -> None:
        from linli.core.pinyin import initials  # pypinyin's dictionary loads in ~0.2 s

        out: ResidentPlan = plan.payload
        town_id = self.town.pk
        self.places.create(town_id)
        new_tags = [CareTag(town_id=town_id, name=n) for n in out.new_tags]
        for tag in CareTag.objects.bulk_create(new_tags, batch_size=BATCH):
            self.tags[tag.name] = tag.pk
        total = len(out.new) + len(out.changed)
        households = self.places.households
        adapt_date = connection.ops.adapt_datefield_value
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        fields = ["town_id", "household_id", "name", "name_initials", "id_number", "gender"]
        fields += ["birth_date", "phone", "status", "notes", "created_at", "updated_at"]
        present = Resident.Status.PRESENT.value
        created: dict[int, int] = {}
        for start in range(0, len(out.new), BATCH * 5):
            chunk = out.new[start : start + BATCH * 5]
            rows = [
                (
                    town_id,
                    households[r.address],
                    r.name,
                    initials(r.name),
                    r.id_number,
                    r.gender,
                    adapt_date(r.birth_date),
                    r.phone,
                    present,
                    r.notes,
                    now,
                    now,
                )
                for r in chunk
            ]
            ids = insert_rows(Resident, fields, rows)
            created.update((id(r), pk) for r, pk in zip(chunk, ids, strict=True))
            self.progress(start + len(chunk), total)
        self._apply_changes(out.changed, town_id)
        links = {
            (created[id(owner)] if isinstance(owner, ResidentRecord) else owner, self.tags[tag])
            for owner, tag in out.links
        }
        through = Resident.care_tags.through
        insert_rows(through, ["resident_id", "caretag_id"], sorted(links), returning=False)
        self.progress(total, total)

    def _apply_changes(
        self, changed: list[tuple[tuple[Any, ...], ResidentRecord]], town_id: int
    ) -> None:
        """Update matched residents; a move keeps the old address in the resident's history."""
        from linli.core.pinyin import initials

        now = timezone.now()
        residents, history = [], []
        for old, rec in changed:
            household_id = self.places.households[rec.address]
            residents.append(
                Resident(
                    pk=old[0],
                    household_id=household_id,
                    name=rec.name,
                    name_initials=initials(rec.name),
                    id_number=rec.id_number or old[3],
                    gender=rec.gender or old[4],
                    birth_date=rec.birth_date or old[5],
                    phone=rec.phone or old[6],
                    notes=rec.notes or old[7],
                    updated_at=now,
                )
            )
            if old[1] != household_id:
                history.append(
                    ResidentChange(
                        town_id=town_id,
                        resident_id=old[0],
                        changed_by=self.user,
                        from_household_id=old[1],
                        to_household_id=household_id,
                        note="导入花名册 (roster import)",
                    )
                )
        fields = ["household_id", "name", "name_initials", "id_number", "gender", "birth_date"]
        fields += ["phone", "notes", "updated_at"]
        Resident.objects.bulk_update(residents, fields, batch_size=BATCH)
        ResidentChange.objects.bulk_create(history, batch_size=BATCH)


def _gender(text: str) -> str:
    if not text:
        return ""
    try:
        return GENDERS[text.lower()]
    except KeyError:
        raise Problem(
            f"性别应为“男”或“女”，不是“{text}”", f"gender must be 男 or 女, not {text!r}"
        ) from None


def _birth_date(text: str) -> dt.date | None:
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError
        born = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Problem(
            f"出生日期“{text}”无法识别，应为1950-03-12", f"birth date {text!r} not understood"
        ) from None
    if born > dt.date.today() or born.year < 1890:
        raise Problem("出生日期无效", "the birth date is invalid")
    return born


def _phone(text: str) -> str:
    if not text:
        return ""
    if _SCIENTIFIC.match(text):
        raise Problem(
            "手机号被Excel存成了科学计数法，请把该列设为“文本”后重新填写",
            "the phone number was turned into a scientific number by Excel; set the column to text",
        )
    if len(text) == 11 and text.isdigit() and text[0] == "1" and text[1] in "3456789":
        return text  # the common case, without normalise_phone's regular expressions
    if _LANDLINE.match(text.replace(" ", "")):
        return text.replace(" ", "")
    return normalise_phone(text)
