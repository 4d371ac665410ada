"""Importer kind "residents": people with their household, ID and phone numbers, care tags.

Residents match on ID number, or, without one, on committee + compound + building + room +
name; a roster imported twice changes nothing. Cells left empty never blank out what is stored,
and care tags are only ever added. Gender and birth date come from the ID number.

A committee clerk's import matches only their committee's residents: an ID number registered
in another committee is held as a transfer request for the town office
(linli.places.transfers), never moved and never named.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Plan, Row, insert_rows
from linli.core.validators import (
    EXAMPLE_ID_NUMBER,
    EXAMPLE_PHONE,
    Problem,
    normalise_phone,
    parse_id_number,
    today,
)
from linli.places.importers.places import (
    BUILDING,
    COMMITTEE,
    COMPOUND,
    ROOM,
    Address,
    AddressImporter,
    max_len,
)
from linli.places.models import CareTag, Resident, ResidentChange, TransferRequest

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
    held: list[tuple[tuple[Any, ...], ResidentRecord]] = field(default_factory=list)


class ResidentsImporter(AddressImporter):
    """Residents (居民) with their household, ID and phone numbers and care tags."""

    kind = "residents"
    label = gettext_noop("居民花名册")
    list_url = "places:residents"
    columns = (
        COMMITTEE,
        COMPOUND,
        Column("building", "楼栋", BUILDING.synonyms, required=True, example=BUILDING.example),
        Column("room", "室号", ROOM.synonyms, required=True, example=ROOM.example),
        Column("name", "姓名", ("名字", "居民姓名"), required=True, example="张三"),
        Column("gender", "性别", example="男"),
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
            example=EXAMPLE_ID_NUMBER,
        ),
        Column(
            "phone",
            "手机号",
            ("联系电话", "电话", "手机", "手机号码", "联系方式"),
            example=EXAMPLE_PHONE,
        ),
        Column("birth_date", "出生日期", ("出生年月日", "生日"), example="1949-12-31"),
        Column(
            "care_tags",
            "特殊人群",
            ("特殊人群类别", "人群类别", "人员类别", "重点人群"),
            example="独居老人",
        ),
        Column("notes", "备注", ("说明",), example="示例行"),
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
            max_len(name, 50, "姓名", "name")
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
            max_len(t, 30, "特殊人群标签", "care tag")
        return ResidentRecord(
            address, name, id_number, gender, birth, phone, v.get("notes", ""), tags
        )

    def plan(self, records: list[ResidentRecord]) -> Plan:
        out = ResidentPlan()
        plan = Plan(payload=out)
        # The households the uploader's scope holds (None: the whole town).
        own = None
        if self.committee is not None:
            name = self.committee.name
            own = {pk for address, pk in self.places.households.items() if address[0] == name}
        for rec in records:
            for tag in rec.tags:
                if tag not in self.tags:
                    out.new_tags[tag] = None
            self.places.need(rec.address)
            household_id = self.places.households.get(rec.address)
            existing = self._match(rec, household_id)
            if existing is not None and own is not None and existing[1] not in own:
                out.held.append((existing, rec))
                plan.held += 1
                continue
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
        plan.new = self.places.new_names() | {gettext_noop("特殊人群标签"): list(out.new_tags)}
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
        self._hold(out.held)
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

    def _hold(self, held: list[tuple[tuple[Any, ...], ResidentRecord]]) -> None:
        """Held rows become transfer requests for the town office, to the row's household."""
        from linli.places.transfers import transfers_hold

        if not held:
            return
        committees = dict(
            Resident.objects.filter(pk__in=[old[0] for old, _rec in held]).values_list(
                "id", "household__building__compound__committee_id"
            )
        )
        to_committee = self.places.committees[held[0][1].address[0]]
        transfers_hold(
            TransferRequest(
                town_id=self.town.pk,
                kind=TransferRequest.Kind.RESIDENT,
                subject_id=old[0],
                name=rec.name,
                from_committee_id=committees[old[0]],
                to_committee_id=to_committee,
                to_household_id=self.places.households[rec.address],
                file_name=self.file_name,
                requested_by=self.user,
            )
            for old, rec in held
        )


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
    if born > today() or born.year < 1890:
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
