"""`linli report daily`: one source for every figure (each part is its app's report), the
changes since yesterday, the text that states every figure, the xlsx and the PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.dashboards.briefing import numbers_of
from linli.dashboards.models import SentBriefing
from linli.testing.pdfread import embedded_fonts, texts

PART_REPORTS = [
    ("grid", "duty-coverage", False),
    ("care", "care", True),
    ("medicine", "medicine", True),
    ("supplies", "supplies", True),
    ("screening", "screening", True),
    ("worksites", "worksites", False),
]


@pytest.mark.django_db
def test_each_part_holds_exactly_its_apps_report(day, report_json):
    date = day.day.isoformat()
    briefing = report_json("daily", "--date", date)
    assert [k for k in briefing if k not in ("town", "date", "changes", "changes_from")] == [
        key for key, _kind, _dated in PART_REPORTS
    ]
    for key, kind, dated in PART_REPORTS:
        own = report_json(kind, "--date", date) if dated else report_json(kind)
        assert briefing[key] == own, key
    assert briefing["date"] == date


@pytest.mark.django_db
def test_changes_are_worked_from_yesterday_rebuilt(day, report_json):
    briefing = report_json("daily", "--date", day.day.isoformat())
    care = briefing["changes"]["care"]
    # Today (test_day_reports) against yesterday: open 2 vs 2, closed 2 vs 0, visits done 1
    # vs 0, the pairing new today; hr_open (medicine, urgent) came, hr_done (medical,
    # today) went.
    assert (care["open"], care["closed"], care["opened"]) == (0, 2, 0)
    assert (care["visits_done"], care["pairings"], care["paired_residents"]) == (1, 1, 1)
    assert care["open_by_category"]["medicine"] == 1 and care["open_by_category"]["medical"] == -1
    assert care["open_by_urgency"] == {"urgent": 1, "today": -1, "normal": 0}
    medicine = briefing["changes"]["medicine"]
    assert (medicine["requests"], medicine["delivered"], medicine["team"]) == (2, 1, 0)
    supplies = briefing["changes"]["supplies"]
    assert (supplies["packages_delivered"], supplies["rounds_missing"]) == (2, 0)
    # The grid's coverage takes no date and nothing was sent yesterday: no change stated.
    assert briefing["changes"]["grid"] is None
    assert briefing["changes_from"] == {
        "grid": None,
        "care": "rebuilt",
        "medicine": "rebuilt",
        "supplies": "rebuilt",
        "screening": "rebuilt",
        # The worksites report takes no date either.
        "worksites": None,
    }


@pytest.mark.django_db
def test_changes_come_from_yesterdays_sent_briefing_when_there_is_one(day, report_json):
    yesterday = day.day - dt.timedelta(days=1)
    SentBriefing.objects.create(
        town=day.s.town,
        date=yesterday,
        figures={"grid": {"buildings": 1, "committees": 2}, "care": {"open": 5, "closed": 1}},
        text="昨日日报",
        sent_by=day.s.users["town"],
        sent_at=timezone.now(),
    )
    briefing = report_json("daily", "--date", day.day.isoformat())
    # As sent: 3 buildings today against 1, 2 committees against 2; 2 open against 5.
    assert briefing["changes"]["grid"] == {"buildings": 2, "committees": 0}
    assert briefing["changes"]["care"] == {"open": -3, "closed": 1}
    assert briefing["changes_from"]["grid"] == "sent"
    assert briefing["changes_from"]["care"] == "sent"
    assert briefing["changes_from"]["medicine"] == "rebuilt"  # not in what was sent


def _paragraphs(text: str) -> dict[str, str]:
    titles = {
        "网格包干": "grid",
        "关爱帮扶": "care",
        "配药专班": "medicine",
        "物资保障": "supplies",
        "核酸筛查": "screening",
        "工地防控": "worksites",
    }
    found = {}
    for line in text.splitlines():
        match = re.match(r"【(.+?)】", line)
        if match:
            found[titles[match.group(1)]] = line
    return found


@pytest.mark.django_db
def test_the_text_states_every_figure_of_the_json(day, report_json, capsys):
    date = day.day.isoformat()
    briefing = report_json("daily", "--date", date)
    call_command("report", "daily", "--town", "泗泾镇", "--date", date, "--format", "text")
    text = capsys.readouterr().out
    assert text.startswith(f"泗泾镇疫情防控工作日报（{date}）")
    paragraphs = _paragraphs(text)
    assert set(paragraphs) == {"grid", "care", "medicine", "supplies", "screening", "worksites"}
    numbers = numbers_of(briefing)
    assert len(numbers) > 40
    for path, value in numbers:
        paragraph = paragraphs[path.split(".")[0]]
        assert re.search(rf"(?<![\d.+-]){value}(?![\d.])", paragraph), (path, value)
    for part, changes in briefing["changes"].items():
        paragraph = paragraphs[part]
        if changes is None:
            assert "无昨日数据" in paragraph
            continue
        for path, value in numbers_of({part: changes}):
            if value:
                assert re.search(rf"(?<![\d.]){value:+d}(?![\d.])", paragraph), (path, value)
        # Some figures moved and the rest did not, or nothing moved (the empty screening part).
        assert "其余持平" in paragraph or "较昨日：均持平" in paragraph
    # Lists of names are stated as how many: nobody is named, no number spelled out.
    assert "未结对的特殊人群 3" in paragraphs["grid"]
    for name in ("张三丰", "李秀英", "陈国强", "艾丽丝", "冉娜", "1390000"):
        assert name not in text


@pytest.mark.django_db
def test_the_xlsx_has_a_sheet_per_part_as_on_the_upward_forms(day, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "daily.xlsx"
    date = day.day.isoformat()
    call_command(
        "report", "daily", "--town", "泗泾镇", "--date", date, "--format", "xlsx",
        "--output", str(target),
    )  # fmt: skip
    book = load_workbook(target)
    assert book.sheetnames == ["网格", "关爱", "配药", "物资", "筛查", "工地"]
    care = {row[0]: row[1:] for row in book["关爱"].iter_rows(min_row=3, values_only=True)}
    assert care["在办诉求"] == (2, 0)
    assert care["当日办结诉求"] == (2, 2)
    assert care["在办诉求·就医/转运"] == (0, -1)
    assert book["关爱"]["A1"].value == f"泗泾镇疫情防控工作日报（{date}）"
    grid = {row[0]: row[1] for row in book["网格"].iter_rows(min_row=3, values_only=True)}
    assert grid["楼栋"] == 3 and grid["无楼组长的楼栋"] == 2  # a list of names: how many
    supplies = {row[0]: row[1] for row in book["物资"].iter_rows(min_row=3, values_only=True)}
    assert supplies["未报户数·第一轮大礼包"] == 3


@pytest.mark.django_db
def test_the_pdf_is_the_text_in_the_embedded_cjk_font(day, tmp_path, capsys):
    target = tmp_path / "daily.pdf"
    date = day.day.isoformat()
    call_command(
        "report", "daily", "--town", "泗泾镇", "--date", date, "--format", "pdf",
        "--output", str(target),
    )  # fmt: skip
    pdf = target.read_bytes()
    shown = "".join(texts(pdf))
    assert f"泗泾镇疫情防控工作日报（{date}）" in shown
    assert "在办诉求 2 件" in shown and "第二书记 1 人覆盖 1 个居委" in shown
    assert "已签收 2 户" in shown
    from reportlab.pdfbase import pdfmetrics

    from linli.core.posters import FONT

    family = pdfmetrics.getFont(FONT).face.name.decode()
    fonts = embedded_fonts(pdf)
    assert fonts and all(re.fullmatch(rf"[A-Z]{{6}}\+{re.escape(family)}.*", f) for f in fonts)


@pytest.mark.django_db
def test_pdf_is_offered_only_by_kinds_that_lay_one_out(day, tmp_path):
    with pytest.raises(CommandError, match="没有 PDF"):
        call_command(
            "report", "registry", "--town", "泗泾镇", "--format", "pdf",
            "--output", str(tmp_path / "r.pdf"),
        )  # fmt: skip
    with pytest.raises(CommandError, match="--output"):
        call_command("report", "daily", "--town", "泗泾镇", "--format", "pdf")


@pytest.mark.django_db
def test_the_town_wide_sent_briefing_is_no_base_for_a_narrower_scope(day):
    from linli.dashboards.briefing import daily_report

    SentBriefing.objects.create(
        town=day.s.town,
        date=day.day - dt.timedelta(days=1),
        figures={"care": {"open": 5}},
        text="昨日日报",
        sent_at=timezone.now(),
    )
    # 新凯五村's staff (the API's report through their scope): compared with their own
    # yesterday, rebuilt, never with the town's figures (which the difference would reveal).
    theirs = daily_report(town=day.s.town, user=day.s.users["kaiwu"], date=day.day)
    assert theirs["changes_from"]["care"] == "rebuilt"
    # hr_open came today, hr_late and hr_gone's day before: open 2 today, 1 yesterday.
    assert theirs["changes"]["care"]["open"] == 1
    town = daily_report(town=day.s.town, user=day.s.users["town"], date=day.day)
    assert town["changes_from"]["care"] == "sent" and town["changes"]["care"]["open"] == -3


@pytest.mark.django_db
def test_the_api_answers_the_same_briefing(day, report_json):
    from django.test import Client

    from linli.accounts.models import ApiToken

    key = ApiToken.issue(day.s.users["town"])
    api = Client(headers={"authorization": f"Bearer {key}"})
    date = day.day.isoformat()
    answer = api.get("/api/v1/reports/daily/", {"date": date})
    assert answer.status_code == 200
    ours = report_json("daily", "--date", date)
    # Town staff see the whole town, as the operator does.
    assert answer.json()["care"] == ours["care"] and answer.json()["supplies"] == ours["supplies"]
    assert answer.json()["grid"]["buildings"] == ours["grid"]["buildings"] == 3
    refused = api.get("/api/v1/reports/daily/", {"date": "bad"})
    assert refused.status_code == 422 and "YYYY-MM-DD" in refused.json()["detail"]
