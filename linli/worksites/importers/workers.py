"""Importer kind "workers": a worksite's roster (工人花名册) with the columns 工地, 宿舍, 房间,
姓名, 性别, 身份证号, 手机号, 单位, 工种, 进场日期.

A worker is a resident of the site: the site is a compound of kind worksite, its dormitories
(宿舍) buildings, its rooms (房间) households. The rows go through the residents importer's
rules (`linli.places.importers.residents`): ID numbers checked by `linli.core.validators`,
all-or-nothing with each bad row's reason, matched on the ID number (required here) so a
re-import changes nothing, and the uploader's scope (a person registered in another committee
is held for the town office, never moved). On top, each worker's employer, trade and entry day
(`WorkerInfo`), and the site created as a worksite.

The committee a site sits under: the 居委 column when the sheet has one, else `--committee`
(the command's option, which also limits the import to that committee) or the committee
clerk's own. The committee must exist already: a worker roster never creates a committee
(a misspelt name would make a new one). A site already registered as a residential compound
is refused by name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Plan, Row
from linli.core.validators import EXAMPLE_ID_NUMBER, EXAMPLE_PHONE, Problem, today
from linli.places.importers.places import COMMITTEE, max_len
from linli.places.importers.residents import ResidentRecord, ResidentsImporter
from linli.places.models import Compound, Resident
from linli.worksites.models import WorkerInfo

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: .*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(slots=True)
class WorkerRecord:
    person: ResidentRecord
    employer: str
    trade: str
    entered_on: dt.date | None


def entry_day(text: str) -> dt.date | None:
    """进场日期 as written: 2022-04-01, 2022/4/1, 2022年4月1日, 20220401; not in the future."""
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    try:
        if match is None:
            raise ValueError
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Problem(
            f"进场日期“{text}”无法识别，应为2022-04-01", f"entry date {text!r} not understood"
        ) from None
    if day > today():
        raise Problem("进场日期不能晚于今天", "the entry date cannot be in the future")
    if day.year < 2000:
        raise Problem("进场日期无效", "the entry date is invalid")
    return day


class WorkersImporter(ResidentsImporter):
    """Workers (工人) of worksites, with their dormitory room, employer, trade, entry day."""

    kind = "workers"
    label = gettext_noop("工地工人花名册")
    list_url = "worksites:list"
    columns = (
        COMMITTEE,
        Column(
            "compound",
            "工地",
            ("工地名称", "项目", "项目名称", "工地/项目"),
            required=True,
            example="泗泾镇安置房工地",
        ),
        Column(
            "building",
            "宿舍",
            ("宿舍楼", "宿舍楼栋", "楼栋", "楼号"),
            required=True,
            example="1号宿舍",
        ),
        Column("room", "房间", ("房间号", "宿舍号", "室号", "房号"), required=True, example="101"),
        Column("name", "姓名", ("名字", "工人姓名"), required=True, example="张三"),
        Column("gender", "性别", example="男"),
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
            required=True,
            example=EXAMPLE_ID_NUMBER,
        ),
        Column(
            "phone",
            "手机号",
            ("联系电话", "电话", "手机", "手机号码", "联系方式"),
            example=EXAMPLE_PHONE,
        ),
        Column(
            "employer",
            "单位",
            ("所属单位", "劳务单位", "工作单位", "分包单位"),
            example="某劳务公司",
        ),
        Column("trade", "工种", ("岗位", "工作岗位"), example="钢筋工"),
        Column("entered_on", "进场日期", ("进场时间", "入场日期"), example="2022-04-01"),
    )

    def prepare(self) -> None:
        super().prepare()
        self.worker_info: dict[int, tuple[int, str, str, dt.date | None]] = {}
        if self.town.pk is None:
            return
        rows = WorkerInfo.objects.filter(town_id=self.town.pk).values_list(
            "resident_id", "id", "employer", "trade", "entered_on"
        )
        self.worker_info = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    # A worker record wraps the resident record the parent checks and plans.
    def check_row(self, row: Row) -> WorkerRecord:  # type: ignore[override]
        person = super().check_row(row)
        committee, compound = person.address[0], person.address[1]
        if committee not in self.places.committees:
            row.column = "居委"
            raise Problem(
                f"居委“{committee}”不存在，请先建立居委或改用已有的居委名",
                f"no committee named {committee!r}: create it first or use an existing one",
            )
        kind = self.places.kinds.get((committee, compound))
        if kind is not None and kind != Compound.Kind.WORKSITE:
            row.column = "工地"
            raise Problem(
                f"“{compound}”已登记为{Compound.Kind(kind).label}，不是工地",
                f"{compound!r} is registered as a {kind} compound, not a worksite",
            )
        v = row.values
        employer = v.get("employer", "")
        trade = v.get("trade", "")
        if len(employer) > 100 or len(trade) > 50:
            max_len(employer, 100, "单位", "employer")
            max_len(trade, 50, "工种", "trade")
        entered = row.clean("entered_on", "进场日期", entry_day)
        return WorkerRecord(person, employer, trade, entered)

    def plan(self, records: list[WorkerRecord]) -> Plan:  # type: ignore[override]
        for rec in records:
            # A new site is a worksite (the index creates compounds residential by default).
            self.places.need(rec.person.address, Compound.Kind.WORKSITE)
        plan = super().plan([rec.person for rec in records])
        out = plan.payload
        changed_ids = {old[0] for old, _rec in out.changed}
        held_ids = {old[0] for old, _rec in out.held}
        infos: list[WorkerRecord] = []
        for rec in records:
            existing = self.by_id_number.get(rec.person.id_number or "")
            if existing is None:
                infos.append(rec)
                continue
            if existing[0] in held_ids:
                continue
            info = self.worker_info.get(existing[0])
            if info is not None and info[1:] == (rec.employer, rec.trade, rec.entered_on):
                continue
            infos.append(rec)
            if existing[0] not in changed_ids and plan.unchanged:
                # The person is the same but their employment facts changed: an update.
                plan.unchanged -= 1
                plan.updated += 1
        plan.payload = (out, infos)
        return plan

    def apply(self, plan: Plan) -> None:
        out, infos = plan.payload
        plan.payload = out
        super().apply(plan)
        numbers = [rec.person.id_number for rec in infos]
        resident_ids = dict(
            Resident.objects.filter(town_id=self.town.pk, id_number__in=numbers).values_list(
                "id_number", "id"
            )
        )
        new: list[WorkerInfo] = []
        changed: list[WorkerInfo] = []
        for rec in infos:
            resident_id = resident_ids[rec.person.id_number]
            existing = self.worker_info.get(resident_id)
            info = WorkerInfo(
                town_id=self.town.pk,
                resident_id=resident_id,
                employer=rec.employer,
                trade=rec.trade,
                entered_on=rec.entered_on,
            )
            if existing is None:
                new.append(info)
            else:
                info.pk = existing[0]
                changed.append(info)
        WorkerInfo.objects.bulk_create(new, batch_size=BATCH)
        WorkerInfo.objects.bulk_update(
            changed, ["employer", "trade", "entered_on"], batch_size=BATCH
        )
