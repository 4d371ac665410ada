"""Importer kind "hospitals": the hospitals the runners fetch from, with their point and
departments (名称, 地址, 经度, 纬度, 科室, 绿色通道). Matched by name in the town, so a second
import of the same file changes nothing; departments only add."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from linli.core.imports import Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.medicine.models import Department, Hospital
from linli.places.importers.places import compound_point

SEPARATORS = re.compile(r"[、,，;；/]+")
YES = {"是", "有", "y", "yes", "1", "true", "√", "✓", "开通"}
NO = {"否", "无", "n", "no", "0", "false", "", "未开通"}


def yes_no(text: str, label: str, en: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise Problem(f"{label}应为“是”或“否”：{text}", f"{en} must be 是 or 否: {text!r}")


@dataclass
class HospitalRecord:
    name: str
    address: str
    lat: Decimal
    lon: Decimal
    departments: list[str]
    green_channel: bool | None


class HospitalsImporter(Importer):
    """Hospitals and their departments (医院、科室), for the town's medicine team."""

    kind = "hospitals"
    label = gettext_noop("医院（配药）")
    columns = (
        Column(
            "name", "名称", ("医院", "医院名称", "医院名"), required=True, example="松江区中心医院"
        ),
        Column("address", "地址", ("医院地址",), example="中山中路746号"),
        Column("lon", "经度", ("longitude", "lng", "东经"), required=True, example="121.225000"),
        Column("lat", "纬度", ("latitude", "北纬"), required=True, example="31.018000"),
        Column("departments", "科室", ("科室名称", "门诊科室"), example="内科、内分泌科"),
        Column("green_channel", "绿色通道", ("绿色通道（是/否）",), example="是"),
    )
    list_url = "medicine:hospitals"

    def prepare(self) -> None:
        if self.committee is not None:
            raise Problem("只有镇/街道工作人员可以导入医院", "only town staff import hospitals")
        self.existing = {h.name: h for h in Hospital.objects.filter(town_id=self.town.pk)}
        self.known = set(
            Department.objects.filter(hospital__town_id=self.town.pk).values_list(
                "hospital__name", "name"
            )
        )

    def check_row(self, row: Row) -> HospitalRecord:
        name = row["name"].strip()
        if len(name) > 100:
            raise Problem("名称过长（最多100字）", "the name is over 100 characters")
        self.unique(row, name, zh="医院名称", en="hospital name")
        point = compound_point(row)
        assert point is not None  # both columns are required
        departments = [d.strip() for d in SEPARATORS.split(row["departments"]) if d.strip()]
        if any(len(d) > 50 for d in departments):
            row.column = "科室"
            raise Problem("科室名称过长（最多50字）", "a department's name is over 50 characters")
        green = None
        if row["green_channel"]:
            green = row.clean(
                "green_channel", "绿色通道", lambda t: yes_no(t, "绿色通道", "green channel")
            )
        return HospitalRecord(
            name, row["address"].strip()[:200], point[0], point[1], departments, green
        )

    def plan(self, records: list[HospitalRecord]) -> Plan:
        plan = Plan(payload=records)
        for r in records:
            found = self.existing.get(r.name)
            if found is None:
                plan.created += 1
                continue
            changed = (
                (r.address and r.address != found.address)
                or (r.lat, r.lon) != (found.lat, found.lon)
                or (r.green_channel is not None and r.green_channel != found.green_channel)
                or any((r.name, d) not in self.known for d in r.departments)
            )
            if changed:
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.new = {gettext_noop("医院"): [r.name for r in records if r.name not in self.existing]}
        return plan

    def apply(self, plan: Plan) -> None:
        for done, r in enumerate(plan.payload, start=1):
            hospital = self.existing.get(r.name) or Hospital(town_id=self.town.pk, name=r.name)
            if r.address:
                hospital.address = r.address
            hospital.lat, hospital.lon = r.lat, r.lon
            if r.green_channel is not None:
                hospital.green_channel = r.green_channel
            hospital.save()
            Department.objects.bulk_create(
                [
                    Department(hospital=hospital, name=d)
                    for d in dict.fromkeys(r.departments)
                    if (r.name, d) not in self.known
                ]
            )
            self.progress(done, len(plan.payload))
