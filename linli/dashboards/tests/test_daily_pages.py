"""/daily/: town staff's page of the day's briefing; marking it sent keeps it as it was."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from linli.care.models import HelpRequest
from linli.core.models import AuditEntry
from linli.dashboards.models import SentBriefing
from linli.testing.daily import at
from linli.testing.pdfread import texts

pytestmark = pytest.mark.django_db


def shown(response) -> tuple[str, str]:
    """The copy box's text and the digest the page sends back with "mark as sent"."""
    import html
    import re

    page = response.content.decode()
    text = re.search(r'<textarea id="briefing-text"[^>]*>(.*?)</textarea>', page, re.S)
    seen = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert text and seen
    return html.unescape(text.group(1)), seen.group(1)


@pytest.mark.parametrize(
    ("username", "status"),
    [("town", 200), ("kaiwu", 403), ("alice", 403), ("bob", 403), ("charlie", 403)],
)
def test_the_daily_page_is_town_staffs(day, client_for, username, status):
    assert client_for(username).get(reverse("dashboards:daily")).status_code == status
    posted = client_for(username).post(reverse("dashboards:daily_send"), {"digest": "x"})
    assert posted.status_code == (409 if status == 200 else status)


def test_anonymous_is_sent_to_login(day, client):
    response = client.get(reverse("dashboards:daily"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_page_shows_the_text_the_figures_and_the_changes(day, client_for):
    response = client_for("town").get(reverse("dashboards:daily"))
    text, _seen = shown(response)
    assert text.startswith(f"泗泾镇疫情防控工作日报（{day.day.isoformat()}）")
    assert "在办诉求 2 件" in text
    page = response.content.decode()
    # The tile of closed requests: 2, +2 on yesterday (rebuilt).
    assert 'data-figure="closed"' in page
    closed = page[page.index('data-figure="closed"') :][:400]
    assert ">2" in closed and "+2" in closed
    assert "按昨日数据重算" in page and "无昨日数据" in page  # care rebuilt; grid none
    assert reverse("dashboards:daily_xlsx") in page and reverse("dashboards:daily_pdf") in page


def test_marking_sent_keeps_the_briefing_as_it_was(day, client_for):
    town = client_for("town")
    text, seen = shown(town.get(reverse("dashboards:daily")))
    response = town.post(
        reverse("dashboards:daily_send"), {"date": day.day.isoformat(), "digest": seen}
    )
    sent = SentBriefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:daily_sent", args=[sent.pk])
    assert sent.text == text and sent.date == day.day
    assert sent.sent_by == day.s.users["town"] and sent.figures["care"]["open"] == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, summary__contains="daily")
    # The data changes afterwards: a new open request today.
    HelpRequest.objects.create(
        town=day.s.town,
        household=day.s.households["b2_201"],
        category=HelpRequest.Category.OTHER,
        source=HelpRequest.Source.STAFF,
        created_at=at(day.day, 12),
        due_at=at(day.day + dt.timedelta(days=1), 12),
    )
    now_text, _ = shown(town.get(reverse("dashboards:daily")))
    assert "在办诉求 3 件" in now_text
    # What was sent does not change: the page of it, the history and the stored row.
    page = town.get(reverse("dashboards:daily_sent", args=[sent.pk])).content.decode()
    assert "在办诉求 2 件" in page and "在办诉求 3 件" not in page
    history = town.get(reverse("dashboards:daily_history")).content.decode()
    assert "在办诉求 2 件" in history and "在办诉求 3 件" not in history
    sent.refresh_from_db()
    assert sent.text == text and sent.figures["care"]["open"] == 2


def test_a_briefing_changed_since_it_was_shown_is_not_stored(day, client_for):
    town = client_for("town")
    _text, seen = shown(town.get(reverse("dashboards:daily")))
    HelpRequest.objects.create(
        town=day.s.town,
        household=day.s.households["b2_201"],
        category=HelpRequest.Category.OTHER,
        source=HelpRequest.Source.STAFF,
        created_at=at(day.day, 12),
        due_at=at(day.day + dt.timedelta(days=1), 12),
    )
    response = town.post(
        reverse("dashboards:daily_send"), {"date": day.day.isoformat(), "digest": seen}
    )
    assert response.status_code == 409 and "请刷新" in response.content.decode()
    assert not SentBriefing.objects.exists()


def test_yesterdays_sent_briefing_becomes_the_base_of_todays_changes(day, client_for):
    town = client_for("town")
    yesterday = day.day - dt.timedelta(days=1)
    _text, seen = shown(town.get(reverse("dashboards:daily"), {"date": yesterday.isoformat()}))
    town.post(reverse("dashboards:daily_send"), {"date": yesterday.isoformat(), "digest": seen})
    assert SentBriefing.objects.get().date == yesterday
    page = town.get(reverse("dashboards:daily")).content.decode()
    assert "较昨日已发送的日报" in page and "无昨日数据" not in page


@pytest.mark.parametrize("query", [{"date": "2026-13-45"}, {"date": "yesterday"}])
def test_a_bad_date_is_a_400(day, client_for, query):
    town = client_for("town")
    assert town.get(reverse("dashboards:daily"), query).status_code == 400
    assert town.get(reverse("dashboards:daily_xlsx"), query).status_code == 400
    assert town.post(reverse("dashboards:daily_send"), {**query, "digest": "x"}).status_code == 400


def test_downloads_are_the_briefing_and_audited(day, client_for):
    from openpyxl import load_workbook

    town = client_for("town")
    date = {"date": day.day.isoformat()}
    xlsx = town.get(reverse("dashboards:daily_xlsx"), date)
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheets = load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert sheets == ["网格", "关爱", "配药", "物资", "筛查", "工地"]
    pdf = town.get(reverse("dashboards:daily_pdf"), date)
    assert pdf["Content-Type"] == "application/pdf"
    assert "在办诉求 2 件" in "".join(texts(pdf.content))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2
    assert client_for("kaiwu").get(reverse("dashboards:daily_pdf"), date).status_code == 403


def test_another_towns_sent_briefing_is_not_found(day, client_for):
    from django.utils import timezone

    from linli.places.models import Town

    other = Town.objects.create(name="洞泾镇")
    theirs = SentBriefing.objects.create(
        town=other, date=day.day, figures={}, text="洞泾镇日报", sent_at=timezone.now()
    )
    town = client_for("town")
    assert town.get(reverse("dashboards:daily_sent", args=[theirs.pk])).status_code == 404
    assert "洞泾镇日报" not in town.get(reverse("dashboards:daily_history")).content.decode()
