"""The daily briefing (日报): `linli report daily --town NAME [--date D] --format
json|text|xlsx|pdf` and the page /daily/.

One source for every figure: the briefing is the apps' own reports (`PARTS`), each built for
the town and day and kept whole under its key, plus `date`, `changes` and `changes_from`:

- changes: each numeric figure's change since the day before (nested figures too), None for a
  part whose yesterday is unknown;
- changes_from: per part, where yesterday came from: "sent" (the briefing sent for yesterday,
  as it was sent), else "rebuilt" (the part's report built again for yesterday, where the
  report takes a date), else None (no change stated: the grid's coverage has no date).

The text states every figure of every part in words, in Chinese whatever the reader's language
(it is pasted into the town's group chats and sent upward); lists of names (the grid's gaps)
are stated as how many, never by name. The xlsx has one sheet per part named as on the upward
forms; the PDF is the text laid out with the embedded CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.core.reports import build_report, report_for
from linli.core.validators import parse_day
from linli.dashboards.parts import PART_BY_KEY, PARTS, Part, figure_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

BRIEFING_LANGUAGE = "zh-hans"


def takes_date(part: Part) -> bool:
    return any(name == "date" for name, _help in report_for(part.report).options)


def build_part(
    part: Part, *, town: Town, user: User | AnonymousUser | None, day: dt.date
) -> dict[str, Any]:
    """The part's figures: the app's report, exactly as `linli report KIND` builds it."""
    options = {"date": day.isoformat()} if takes_date(part) else {}
    return build_report(part.report, town=town, user=user, **options)


def changes_between(today: Any, yesterday: Any) -> Any:
    """today − yesterday for every number (nested dicts too); None where either is not one."""
    if isinstance(today, dict):
        if not isinstance(yesterday, dict):
            return None
        found = {k: changes_between(v, yesterday.get(k)) for k, v in today.items()}
        return {k: v for k, v in found.items() if v is not None} or None
    numeric = (int, float)
    if (
        isinstance(today, numeric)
        and isinstance(yesterday, numeric)
        and not isinstance(today, bool)
        and not isinstance(yesterday, bool)
    ):
        return today - yesterday
    return None


def daily_report(
    *, town: Town, user: User | AnonymousUser | None = None, date: str | dt.date | None = None
) -> dict[str, Any]:
    """The briefing's JSON for the town and day (today by default)."""
    from linli.dashboards.models import SentBriefing

    day = parse_day(date) or timezone.localdate()
    parts = {p.key: build_part(p, town=town, user=user, day=day) for p in PARTS}
    before = day - dt.timedelta(days=1)
    # A sent briefing holds the town's figures: the base of the changes for the operator and
    # town staff only; anyone else's figures (their scope) are compared with their own, rebuilt.
    town_wide = user is None or user.has_perm("dashboards.send_briefing")
    sent = (
        SentBriefing.objects.filter(town=town, date=before).order_by("-sent_at", "-id").first()
        if town_wide
        else None
    )
    changes: dict[str, Any] = {}
    changes_from: dict[str, str | None] = {}
    for part in PARTS:
        yesterday = None
        if sent is not None and isinstance(sent.figures.get(part.key), dict):
            yesterday, changes_from[part.key] = sent.figures[part.key], "sent"
        elif takes_date(part):
            yesterday = build_part(part, town=town, user=user, day=before)
            changes_from[part.key] = "rebuilt"
        else:
            changes_from[part.key] = None
        changes[part.key] = (
            None
            if yesterday is None
            else {
                k: v
                for k, v in (changes_between(parts[part.key], yesterday) or {}).items()
                if k not in ("town", "date")
            }
        )
    return {
        "town": town.name,
        "date": day.isoformat(),
        **parts,
        "changes": changes,
        "changes_from": changes_from,
    }


def signed(value: Any) -> str:
    return f"+{value}" if value > 0 else str(value)


def _changed(part: Part, changes: dict[str, Any] | None) -> str:
    """'较昨日：在办诉求 +2、…；其余持平' (or nothing known)."""
    if changes is None:
        return _("较昨日：无昨日数据")
    said: list[str] = []
    for key, value in changes.items():
        if isinstance(value, dict):
            said.extend(
                f"{part.labels.get(key, key)}·"
                f"{part.sublabels(key, sub) if part.sublabels else sub} {signed(v)}"
                for sub, v in value.items()
                if v
            )
        elif value:
            said.append(f"{part.labels.get(key, key)} {signed(value)}")
    if not said:
        return _("较昨日：均持平")
    return _("较昨日：{changes}；其余持平").format(changes="、".join(said))


def briefing_lines(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """(heading, paragraph) per part, in Chinese: the text and the PDF."""
    with translation.override(BRIEFING_LANGUAGE):
        lines = []
        for key, value in figures.items():
            part = PART_BY_KEY.get(key)
            if part is None or not isinstance(value, dict):
                continue
            change = _changed(part, (figures.get("changes") or {}).get(key))
            lines.append((str(part.title), f"{part.say(value)}{change}。"))
        return lines


def briefing_title(figures: dict[str, Any]) -> str:
    with translation.override(BRIEFING_LANGUAGE):
        return _("{town}疫情防控工作日报（{date}）").format(
            town=figures.get("town", ""), date=figures.get("date", "")
        )


def briefing_text(figures: dict[str, Any]) -> str:
    """The text to paste into a group chat: a title, then one paragraph per part."""
    paragraphs = [f"【{heading}】{body}" for heading, body in briefing_lines(figures)]
    return "\n".join([briefing_title(figures), *paragraphs])


def briefing_xlsx(figures: dict[str, Any]) -> bytes:
    """One sheet per part named as on the upward forms: 项目, 数值, 较昨日."""
    import xlsxwriter

    from linli.core.export import safe_cell_text

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    bold = workbook.add_format({"bold": True})
    with translation.override(BRIEFING_LANGUAGE):
        for key, value in figures.items():
            part = PART_BY_KEY.get(key)
            if part is None or not isinstance(value, dict):
                continue
            sheet = workbook.add_worksheet(str(part.sheet)[:31])
            sheet.set_column(0, 0, 28)
            sheet.set_column(1, 2, 12)
            sheet.write_string(0, 0, briefing_title(figures), bold)
            for col, header in enumerate((_("项目"), _("数值"), _("较昨日"))):
                sheet.write_string(1, col, header, bold)
            changes = (figures.get("changes") or {}).get(key) or {}
            for row, (fkey, label, number) in enumerate(figure_rows(part, value), start=2):
                sheet.write_string(row, 0, safe_cell_text(label))
                if isinstance(number, int | float):
                    sheet.write_number(row, 1, number)
                else:
                    sheet.write_string(row, 1, safe_cell_text(number))
                change = _lookup(changes, fkey)
                if isinstance(change, int | float):
                    sheet.write_number(row, 2, change)
    workbook.close()
    return buffer.getvalue()


def _lookup(changes: dict[str, Any], dotted: str) -> Any:
    found: Any = changes
    for name in dotted.split("."):
        found = found.get(name) if isinstance(found, dict) else None
    return found


def briefing_pdf(figures: dict[str, Any]) -> bytes:
    """The text on A4, with the embedded CJK font (a print shop or phone without Chinese fonts
    prints it right)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from linli.core.posters import FONT, register_font

    register_font()
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20)
    head = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    story: list[Any] = [Paragraph(escape(briefing_title(figures)), title), Spacer(1, 4 * mm)]
    for heading, paragraph in briefing_lines(figures):
        story += [Paragraph(escape(heading), head), Paragraph(escape(paragraph), body)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=briefing_title(figures),
        pageCompression=1,
    ).build(story)
    return buffer.getvalue()


def numbers_of(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, number) of every number in the parts (the tests' check of the text)."""
    found: list[tuple[str, Any]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}", v)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.append((path, value))

    for part in PARTS:
        if isinstance(figures.get(part.key), dict):
            walk(part.key, figures[part.key])
    return found
