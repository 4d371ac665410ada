"""Importer kind "medicine-requests": the desk's spreadsheet of prescriptions (配药单), one row
per drug. Rows sharing a 配药单号 are the lines of one request.

The patient is matched in the registry inside the uploader's scope (the committee of a
committee clerk, else the town) by 居委/小区/楼栋/室号 + 姓名, and by 身份证号 when given; a
patient not found there is a row error that never says whether they live elsewhere. Requests
imported by staff start verified. Idempotent: a 配药单号 already in the town, or (without one)
the same patient, drug and date, is left as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Importer, Plan, Row
from linli.core.validators import EXAMPLE_ID_NUMBER, Problem, parse_id_number
from linli.medicine.importers.hospitals import yes_no
from linli.medicine.models import (
    Department,
    Hospital,
    MedicineLine,
    MedicineOrder,
    MedicineOrderChange,
)
from linli.medicine.services import LineData, check_line
from linli.places.importers.places import (
    BUILDING,
    COMMITTEE,
    COMPOUND,
    ROOM,
    building_name,
    room_name,
)
from linli.places.models import Resident

Urgency = MedicineOrder.Urgency
URGENCIES = {
    "红": Urgency.RED,
    "红色": Urgency.RED,
    "断药": Urgency.RED,
    "已断药": Urgency.RED,
    "紧急": Urgency.RED,
    "黄": Urgency.YELLOW,
    "黄色": Urgency.YELLOW,
    "今日": Urgency.YELLOW,
    "今天": Urgency.YELLOW,
    "绿": Urgency.GREEN,
    "绿色": Urgency.GREEN,
    "可缓": Urgency.GREEN,
    **{u.value: u.value for u in Urgency},
}
ANY_MAKER = {"不限", "厂家不限", "任意", "均可", "any"}
NUMBER = re.compile(r"^\s*(\d{1,4})\s*(盒|天|日|支|瓶|袋)?\s*$")


def count(text: str, label: str, en: str) -> int:
    match = NUMBER.match(text)
    if not match:
        raise Problem(f"{label}应为整数：{text}", f"{en} must be a whole number: {text!r}")
    return int(match.group(1))


def service_date(text: str) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text.strip()[:10].replace("/", "-").replace(".", "-"))
    except ValueError:
        raise Problem(
            f"日期格式应为2022-04-20：{text}", f"a date is YYYY-MM-DD: {text!r}"
        ) from None


@dataclass
class Record:
    row: int
    form_number: str | None
    resident: int
    household: int
    committee: int
    hospital: int
    department: int | None
    urgency: str
    date: dt.date
    note: str
    line: LineData
    key: str | None = None
    lines: list[LineData] = field(default_factory=list)


class MedicineRequestsImporter(Importer):
    """Prescriptions to fetch (配药单), one row per drug, matched to residents of the registry."""

    kind = "medicine-requests"
    label = gettext_noop("配药单")
    columns = (
        Column("form_number", "配药单号", ("单号", "配药单编号", "编号"), example="HW-0001"),
        COMMITTEE,
        COMPOUND,
        Column(BUILDING.name, BUILDING.label, BUILDING.synonyms, required=True, example="1号楼"),
        Column(ROOM.name, ROOM.label, ROOM.synonyms, required=True, example="101"),
        Column("name", "姓名", ("患者", "患者姓名", "病人姓名"), required=True, example="张建国"),
        Column(
            "id_number", "身份证号", ("身份证号码", "身份证", "证件号码"), example=EXAMPLE_ID_NUMBER
        ),
        Column(
            "hospital", "医院", ("配药医院", "医院名称"), required=True, example="松江区中心医院"
        ),
        Column("department", "科室", ("配药科室",), example="内科"),
        Column("drug", "药品", ("药品名称", "药名", "通用名"), required=True, example="二甲双胍"),
        Column("strength", "规格", ("药品规格",), example="0.5g×20片"),
        Column("maker", "厂家", ("生产厂家", "厂商"), example="不限"),
        Column("boxes", "数量", ("盒数", "数量（盒）"), example="2"),
        Column("days", "天数", ("用药天数",), example="30"),
        Column("urgency", "紧急程度", ("紧急", "缓急", "颜色"), example="黄"),
        Column("cold_chain", "冷链", ("是否冷链", "冷藏"), example="否"),
        Column("note", "备注", ("说明",), example=""),
        Column("date", "配药日期", ("日期",), example=""),
    )
    list_url = "medicine:desk"

    def prepare(self) -> None:
        town_id = self.town.pk
        living = (Resident.Status.PRESENT, Resident.Status.AWAY)
        residents = Resident.objects.filter(town_id=town_id, status__in=living)
        if self.committee is not None:
            residents = residents.filter(household__building__compound__committee=self.committee)
        self.people: dict[tuple[str, str, str, str, str], list[tuple[int, int, int, str]]] = {}
        for (
            pk,
            name,
            id_number,
            household,
            committee_id,
            room,
            building,
            compound,
            committee,
        ) in residents.values_list(
            "id",
            "name",
            "id_number",
            "household_id",
            "household__building__compound__committee_id",
            "household__room",
            "household__building__name",
            "household__building__compound__name",
            "household__building__compound__committee__name",
        ):
            key = (committee, compound, building, room, name)
            self.people.setdefault(key, []).append((pk, household, committee_id, id_number or ""))
        self.hospitals = dict(Hospital.objects.filter(town_id=town_id).values_list("name", "id"))
        self.departments = {
            (h, n): pk
            for pk, h, n in Department.objects.filter(hospital__town_id=town_id).values_list(
                "id", "hospital_id", "name"
            )
        }
        orders = MedicineOrder.objects.filter(town_id=town_id)
        self.forms = dict(
            orders.filter(form_number__isnull=False).values_list("form_number", "resident_id")
        )
        self.keys = set(
            orders.filter(idempotency_key__startswith="import:").values_list(
                "idempotency_key", flat=True
            )
        )
        self.file_forms: dict[str, tuple[int, int, int]] = {}
        self.default_committee = self.committee.name if self.committee is not None else ""

    def check_columns(self, present: set[str]) -> None:
        if "committee" not in present and not self.default_committee:
            raise Problem("缺少必需的列：居委", "required column missing: committee")

    def _patient(self, row: Row) -> tuple[int, int, int]:
        v = row.values
        committee = v.get("committee", "") or self.default_committee
        if self.committee is not None and committee != self.committee.name:
            row.column = "居委"
            self.check_committee(committee)
        address = (committee, v["compound"], building_name(v["building"]), room_name(v["room"]))
        found = self.people.get((*address, v["name"].strip()), [])
        if v["id_number"]:
            info = row.clean("id_number", "身份证号", parse_id_number)
            found = [f for f in found if f[3] == info.number]
        if not found:
            raise Problem(
                "在您的范围内的登记册中找不到该居民（请核对居委、小区、楼栋、室号、姓名、身份证号）",
                "no such resident in your scope's registry (check the address, name and ID)",
            )
        if len(found) > 1:
            raise Problem(
                "该户有同名居民，请填写身份证号", "two residents of that name there: give the ID"
            )
        return found[0][:3]

    def check_row(self, row: Row) -> Record:
        v = row.values
        resident, household, committee = self._patient(row)
        hospital = self.hospitals.get(v["hospital"].strip())
        if hospital is None:
            row.column = "医院"
            raise Problem(
                f"未登记的医院：{v['hospital']}（请先导入医院）",
                f"unknown hospital {v['hospital']!r} (import hospitals first)",
            )
        department = None
        if v["department"]:
            department = self.departments.get((hospital, v["department"].strip()))
            if department is None:
                row.column = "科室"
                raise Problem(
                    f"该医院没有科室：{v['department']}",
                    f"the hospital has no department {v['department']!r}",
                )
        urgency: str = Urgency.YELLOW
        if v["urgency"]:
            urgency = URGENCIES.get(v["urgency"].strip().lower(), "")
            if not urgency:
                row.column = "紧急程度"
                raise Problem(
                    f"紧急程度应为红、黄或绿：{v['urgency']}",
                    f"urgency must be 红, 黄 or 绿: {v['urgency']!r}",
                )
        maker = v["maker"].strip()
        any_maker = maker in ANY_MAKER
        line = LineData(
            generic_name=v["drug"].strip(),
            maker="" if any_maker else maker,
            any_maker=any_maker,
            strength=v["strength"].strip(),
            boxes=row.clean("boxes", "数量", lambda t: count(t, "数量", "boxes"))
            if v["boxes"]
            else 1,
            days=row.clean("days", "天数", lambda t: count(t, "天数", "days"))
            if v["days"]
            else None,
            cold_chain=(
                row.clean("cold_chain", "冷链", lambda t: yes_no(t, "冷链", "cold chain"))
                if v["cold_chain"]
                else False
            ),
        )
        check_line(line)
        date = row.clean("date", "配药日期", service_date)
        form_number = v["form_number"].strip() or None
        record = Record(
            row.number,
            form_number,
            resident,
            household,
            committee,
            hospital,
            department,
            urgency,
            date,
            v["note"].strip()[:300],
            line,
        )
        if form_number:
            if len(form_number) > 40:
                row.column = "配药单号"
                raise Problem("配药单号过长（最多40字）", "form number over 40 characters")
            if self.forms.get(form_number, resident) != resident:
                row.column = "配药单号"
                raise Problem("配药单号已用于其他患者", "the form number is another patient's")
            first = self.file_forms.setdefault(form_number, (resident, hospital, row.number))
            if first[:2] != (resident, hospital):
                raise Problem(
                    f"配药单号与第{first[2]}行相同，但患者或医院不同",
                    f"the same form number as row {first[2]} with another patient or hospital",
                )
            self.unique(row, ("line", form_number, line.generic_name), zh="药品", en="drug")
        else:
            record.key = f"import:{resident}:{line.generic_name}:{date.isoformat()}"
            self.unique(row, record.key, zh="患者、药品和日期", en="patient, drug and date")
        return record

    def plan(self, records: list[Record]) -> Plan:
        orders: dict[str, Record] = {}
        plan = Plan()
        for r in records:
            if (r.form_number and r.form_number in self.forms) or (r.key and r.key in self.keys):
                plan.unchanged += 1
                continue
            group = orders.setdefault(r.form_number or r.key or "", r)
            group.lines.append(r.line)
            if r.urgency == Urgency.RED:
                group.urgency = Urgency.RED
            plan.created += 1
        plan.payload = list(orders.values())
        return plan

    def apply(self, plan: Plan) -> None:
        made: list[Record] = plan.payload
        user = self.user if self.user is not None and self.user.is_authenticated else None
        orders = MedicineOrder.objects.bulk_create(
            [
                MedicineOrder(
                    town_id=self.town.pk,
                    committee_id=r.committee,
                    household_id=r.household,
                    resident_id=r.resident,
                    form_number=r.form_number,
                    hospital_id=r.hospital,
                    department_id=r.department,
                    urgency=r.urgency,
                    source=MedicineOrder.Source.IMPORT,
                    status=MedicineOrder.Status.VERIFIED,
                    service_date=r.date,
                    note=r.note,
                    idempotency_key=r.key,
                    created_by=user,
                )
                for r in made
            ],
            batch_size=BATCH,
        )
        lines: list[Any] = []
        for order, r in zip(orders, made, strict=True):
            lines.extend(
                MedicineLine(
                    order=order,
                    generic_name=line.generic_name,
                    maker=line.maker,
                    any_maker=line.any_maker,
                    strength=line.strength,
                    boxes=line.boxes,
                    days=line.days,
                    cold_chain=line.cold_chain,
                )
                for line in r.lines
            )
        MedicineLine.objects.bulk_create(lines, batch_size=BATCH)
        now = timezone.now()
        MedicineOrderChange.objects.bulk_create(
            [
                MedicineOrderChange(
                    order=order, from_status="", to_status=order.status, by=user, at=now
                )
                for order in orders
            ],
            batch_size=BATCH,
        )
        self.progress(len(orders), len(orders))
