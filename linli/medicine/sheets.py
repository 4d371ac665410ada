"""What the day's paper says: the morning run sheet (配药路线单) per runner, hospital and
department, and each committee's hand-over list (交接清单); laid out as PDF (reportlab, the CJK
font of `linli.core.posters`) and xlsx (`linli.core.export.write_xlsx`).

Everything is read through the access gate (`MedicineOrder.objects.visible_to`), so a runner's
sheet holds only what their run carries. The run sheet is for the desk (内场) and the runners
(外场), who fetch confidential lines and so see their drug names; a confidential line is marked
保密 so it is handled out of sight. Patients' names are in full on the run sheet (the runner
registers them at the hospital) and masked on the hand-over list (it lies open at the gate). No
ID or phone number is printed on either.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.core.audit import audit
from linli.core.export import write_xlsx
from linli.core.masking import mask_name
from linli.core.models import AuditEntry
from linli.core.posters import FONT, register_font
from linli.medicine.models import MedicineLine, MedicineOrder, MedicineRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Committee, Town

Status = MedicineOrder.Status
# Requests that left the day's work: never printed.
DROPPED = (Status.CANCELLED, Status.REFERRED)


def place_of(order: MedicineOrder) -> str:
    """ "香樟苑 1号楼 101": compound, building and room."""
    building = order.household.building
    return f"{building.compound.name} {building.name} {order.household.room}"


def day_orders(user: User | AnonymousUser, *, town: Town, day: dt.date) -> QuerySet[MedicineOrder]:
    """The requests on the day's runs as far as the user sees them, in one query (lines
    prefetched)."""
    return (
        MedicineOrder.objects.visible_to(user)
        .filter(town=town, run__date=day)
        .exclude(status__in=DROPPED)
        .select_related(
            "run__runner__volunteer",
            "hospital",
            "department",
            "committee",
            "resident",
            "household__building__compound",
        )
        .prefetch_related("lines")
    )


@transaction.atomic
def print_record(*, user: User, what: str, day: dt.date, count: int) -> None:
    """Audit a print of the day's paper: names and drugs left the system on paper."""
    audit(
        user=user,
        action=AuditEntry.Action.EXPORT,
        summary=f"medicine {what} {day}: {count} requests",
        detail={"what": what, "date": day.isoformat(), "requests": count},
    )


@dataclass
class Department:
    name: str
    orders: list[MedicineOrder] = field(default_factory=list)


@dataclass
class Stop:
    """One hospital of a run, its departments in the order the runner queues at them."""

    name: str
    departments: list[Department] = field(default_factory=list)


@dataclass
class RunSheet:
    run: MedicineRun
    runner: str
    hospitals: list[Stop]
    gates: list[str]  # committee names in visiting order

    @property
    def orders(self) -> list[MedicineOrder]:
        return [o for stop in self.hospitals for dep in stop.departments for o in dep.orders]


def _rank(order: Sequence[int], key: int | None) -> int:
    return order.index(key) if key in order else len(order)


def run_sheets(orders: Iterable[MedicineOrder]) -> list[RunSheet]:
    """The orders grouped by run (runner's name), hospital (the run's visiting order),
    department (by name) and, within one, by the run's gate order and the form number."""
    by_run: dict[int, list[MedicineOrder]] = {}
    runs: dict[int, MedicineRun] = {}
    committees: dict[int, str] = {}
    for order in orders:
        assert order.run is not None  # day_orders() reads orders on runs only
        runs[order.run.pk] = order.run
        by_run.setdefault(order.run.pk, []).append(order)
        committees[order.committee_id] = order.committee.name
    sheets = []
    for run_id, members in by_run.items():
        run = runs[run_id]
        hospitals, gates = list(run.hospital_order), list(run.gate_order)
        members.sort(
            key=lambda o: (
                _rank(hospitals, o.hospital_id),
                o.hospital.name,
                o.department.name if o.department else "",
                _rank(gates, o.committee_id),
                o.label,
            )
        )
        stops: list[Stop] = []
        for order in members:
            if not stops or stops[-1].name != order.hospital.name:
                stops.append(Stop(order.hospital.name))
            department = order.department.name if order.department else _("未定科室")
            if not stops[-1].departments or stops[-1].departments[-1].name != department:
                stops[-1].departments.append(Department(department))
            stops[-1].departments[-1].orders.append(order)
        gate_names = [committees[c] for c in gates if c in committees]
        gate_names += sorted({committees[o.committee_id] for o in members} - set(gate_names))
        sheets.append(RunSheet(run, run.runner.volunteer.name, stops, gate_names))
    sheets.sort(key=lambda s: (s.runner, s.run.pk))
    return sheets


# The run sheet's columns: what the desk wrote, then what the runner fills in by pen.
SHEET_HEADERS = [
    gettext_noop("外场"),
    gettext_noop("医院"),
    gettext_noop("科室"),
    gettext_noop("序号"),
    gettext_noop("配药单号"),
    gettext_noop("紧急程度"),
    gettext_noop("患者"),
    gettext_noop("居委"),
    gettext_noop("楼栋室号"),
    gettext_noop("药品"),
    gettext_noop("厂家"),
    gettext_noop("规格"),
    gettext_noop("数量（盒）"),
    gettext_noop("天数"),
    gettext_noop("冷链"),
    gettext_noop("可替换"),
    gettext_noop("保密"),
    gettext_noop("已挂号"),
    gettext_noop("已付费"),
    gettext_noop("已取药"),
    gettext_noop("发票金额（元）"),
]
BLANKS = ("", "", "", "")


def drug_of(line: MedicineLine) -> str:
    return f"{line.generic_name}（{line.trade_name}）" if line.trade_name else line.generic_name


def maker_of(line: MedicineLine) -> str:
    return line.maker or (_("厂家不限") if line.any_maker else "")


def _yes(flag: bool) -> str:
    return _("是") if flag else ""


def sheet_rows(sheets: Iterable[RunSheet]) -> Iterable[list[Any]]:
    """One row per line, in visiting order; the runner's four columns left blank."""
    for sheet in sheets:
        number = 0
        for stop in sheet.hospitals:
            for department in stop.departments:
                for order in department.orders:
                    number += 1
                    head = [
                        sheet.runner,
                        stop.name,
                        department.name,
                        number,
                        order.label,
                        order.get_urgency_display(),
                        order.resident.name,
                        order.committee.name,
                        place_of(order),
                    ]
                    for line in order.lines.all():
                        yield [
                            *head,
                            drug_of(line),
                            maker_of(line),
                            line.strength,
                            line.boxes,
                            line.days or "",
                            _yes(line.cold_chain),
                            _yes(line.substitution_allowed),
                            _yes(line.confidential),
                            *BLANKS,
                        ]


def sheets_xlsx(sheets: list[RunSheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(
        buffer, [_(h) for h in SHEET_HEADERS], sheet_rows(sheets), sheet_title=_("配药路线单")
    )
    return buffer.getvalue()


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    register_font()
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20),
        "head": ParagraphStyle("head", fontName=FONT, fontSize=11, leading=15, spaceBefore=6),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5),
    }


def _table(rows: list[list[Any]], widths: list[float], style: Any) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [[Paragraph(str(c), style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _document(title: str, story: list[Any], *, landscape_page: bool) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if landscape_page else A4,
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=title,
        pageCompression=1,
    )
    document.build(story)
    return buffer.getvalue()


def sheets_pdf(sheets: list[RunSheet], *, day: dt.date) -> bytes:
    """A4 landscape: per run a heading (runner, km, hospitals and gates in order), then per
    hospital and department a table of lines with the runner's columns left empty."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph

    styles = _styles()
    story: list[Any] = []
    headers = [
        _("序号"),
        _("配药单号"),
        _("患者"),
        _("居委 / 楼栋室号"),
        _("药品"),
        _("厂家"),
        _("规格"),
        _("数量"),
        _("天数"),
        _("备注"),
        _("已挂号"),
        _("已付费"),
        _("已取药"),
        _("发票金额（元）"),
    ]
    widths = [m * mm for m in (10, 20, 18, 36, 38, 26, 24, 11, 11, 22, 14, 14, 14, 19)]
    if not sheets:
        story.append(Paragraph(_("%(day)s 没有排班的配药单") % {"day": day}, styles["title"]))
    for index, sheet in enumerate(sheets):
        if index:
            story.append(PageBreak())
        story.append(
            Paragraph(
                _("配药路线单 %(day)s · 外场 %(runner)s · %(km)s 公里")
                % {"day": day, "runner": sheet.runner, "km": sheet.run.km},
                styles["title"],
            )
        )
        story.append(
            Paragraph(
                _("医院顺序：%(hospitals)s；交接点顺序：%(gates)s")
                % {
                    "hospitals": " → ".join(s.name for s in sheet.hospitals),
                    "gates": " → ".join(sheet.gates),
                },
                styles["cell"],
            )
        )
        number = 0
        for stop in sheet.hospitals:
            for department in stop.departments:
                story.append(Paragraph(f"{stop.name} · {department.name}", styles["head"]))
                rows: list[list[Any]] = [headers]
                for order in department.orders:
                    number += 1
                    for i, line in enumerate(order.lines.all()):
                        marks = [
                            _("冷链") if line.cold_chain else "",
                            _("可替换") if line.substitution_allowed else "",
                            _("保密") if line.confidential else "",
                        ]
                        rows.append(
                            [
                                number if i == 0 else "",
                                order.label if i == 0 else "",
                                order.resident.name if i == 0 else "",
                                f"{order.committee.name} {place_of(order)}" if i == 0 else "",
                                drug_of(line),
                                maker_of(line),
                                line.strength,
                                line.boxes,
                                line.days or "",
                                " ".join(m for m in marks if m),
                                *BLANKS,
                            ]
                        )
                story.append(_table(rows, widths, styles["cell"]))
    return _document(_("配药路线单"), story, landscape_page=True)


# The hand-over list: one row per bag (一人一档), signed for at the gate.
HANDOVER_HEADERS = [
    gettext_noop("序号"),
    gettext_noop("配药单号"),
    gettext_noop("患者"),
    gettext_noop("楼栋室号"),
    gettext_noop("冷链"),
    gettext_noop("外场"),
    gettext_noop("状态"),
    gettext_noop("签收"),
]


def handover_rows(orders: Iterable[MedicineOrder]) -> list[list[Any]]:
    ordered = sorted(
        orders,
        key=lambda o: (
            o.household.building.compound.name,
            o.household.building.sort_key,
            o.household.room,
            o.label,
        ),
    )
    return [
        [
            number,
            order.label,
            mask_name(order.resident.name),
            place_of(order),
            _yes(order.cold_chain),
            order.run.runner.volunteer.name if order.run else "",
            order.get_status_display(),
            "",
        ]
        for number, order in enumerate(ordered, start=1)
    ]


def handover_xlsx(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [_(h) for h in HANDOVER_HEADERS], rows, sheet_title=_("交接清单"))
    return buffer.getvalue()


def handover_pdf(rows: list[list[Any]], *, committee: Committee, day: dt.date) -> bytes:
    """A4 portrait: the committee's bags of the day, with the count to sign for at the gate."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    cold = sum(1 for row in rows if row[4])
    story = [
        Paragraph(
            _("%(committee)s 配药交接清单 %(day)s") % {"committee": committee.name, "day": day},
            styles["title"],
        ),
        Paragraph(
            _("共 %(bags)s 袋，其中冷链 %(cold)s 袋。交接时请逐袋清点签收。")
            % {"bags": len(rows), "cold": cold},
            styles["head"],
        ),
        Spacer(1, 4 * mm),
        _table(
            [[_(h) for h in HANDOVER_HEADERS], *rows],
            [m * mm for m in (10, 24, 18, 48, 12, 20, 20, 38)],
            styles["cell"],
        ),
        Spacer(1, 8 * mm),
        Paragraph(_("交出人：__________　接收人：__________　时间：__________"), styles["head"]),
    ]
    return _document(_("配药交接清单"), story, landscape_page=False)
