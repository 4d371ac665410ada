"""`linli report medicine --town NAME --date D --format json|text`: the issue's keys, each
figure worked by hand from the printed day (linli/medicine/tests/printday.py)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from linli.core.reports import build_report
from linli.medicine.custody import card_register
from linli.medicine.models import CustodyEvent, HolderKind
from linli.medicine.money import float_issue, payment_record, repayment_record
from linli.medicine.tests.printday import DAY, build_day

pytestmark = pytest.mark.django_db

KEYS = [
    "team",
    "desk",
    "runners",
    "hospitals",
    "committees_served",
    "requests",
    "planned",
    "delivered",
    "carried_over",
    "per_runner",
    "cards_out",
    "advances_open_fen",
]


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def day(med):
    d = build_day(med)
    desk, runner = med.users["desk"], med.volunteers["runner"].medicine_post
    # Cards: 张三丰's goes out at 7:00 and comes home at 18:00 (back); 陈国强's goes out and
    # stays with the runner (out); 李秀英's goes to the desk and is flagged lost (out); 王建国's
    # went out the day before and did not move on the 12th (not the 12th's). The ledger's rows
    # are written as the custody services write them.
    runner_at = (HolderKind.RUNNER, runner.pk)
    for key, moves in (
        ("zhang", [(runner_at, at(DAY, 7)), ("home", at(DAY, 18))]),
        ("chen", [(runner_at, at(DAY, 7))]),
        ("li", [((HolderKind.DESK, None), at(DAY, 8)), ("lost", at(DAY, 19))]),
        ("wang", [(runner_at, at(DAY - dt.timedelta(days=1), 9))]),
    ):
        resident = med.residents[key]
        card = card_register(user=desk, resident=resident, last4="1234")
        home = (HolderKind.PATIENT, resident.household_id)
        holder = home
        for seq, (taker, when) in enumerate(moves, start=1):
            kind = CustodyEvent.Kind.LOST if taker == "lost" else CustodyEvent.Kind.HAND_OVER
            to = holder if taker == "lost" else (home if taker == "home" else taker)
            CustodyEvent.objects.create(
                town=med.town,
                committee=resident.household.building.compound.committee,
                household=resident.household,
                resident=resident,
                card=card,
                seq=seq,
                kind=kind,
                from_kind=holder[0],
                from_ref=holder[1],
                to_kind=to[0],
                to_ref=to[1],
                at=when,
                by=desk,
            )
            holder = to
    # Advances: A-01 paid 123.45 yuan, 23.45 repaid (100.00 open); A-02 paid 50.00 and repaid
    # by transfer (nothing open); A-03 paid 6.78 (open). Open: 10000 + 678 = 10678 fen.
    float_issue(user=desk, runner=runner, amount_fen=100_000)
    for key, paid in (("A-01", 12_345), ("A-02", 5_000), ("A-03", 678)):
        payment_record(user=med.users["runner"], order=d.orders[key], amount_fen=paid)
    repayment_record(user=desk, order=d.orders["A-01"], amount_fen=2_345, method="cash")
    repayment_record(
        user=desk, order=d.orders["A-02"], amount_fen=5_000, method="transfer", reference="WX001"
    )
    return d


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "medicine", "--town", "泗泾镇", *args, stdout=out)
    return out.getvalue()


def test_the_days_figures_as_json_have_exactly_the_issues_keys(day):
    figures = json.loads(run("--date", "2022-04-12", "--format", "json"))
    assert list(figures) == KEYS
    assert figures == {
        "team": 3,  # desk, runner, runner2 on duty
        "desk": 1,
        "runners": 2,
        "hospitals": 2,  # 泗泾医院, 松江区中心医院
        "committees_served": 2,  # 新凯五村, 丽水 (A-02, B-01)
        # Due that day (A-01..A-04, B-01, U-1; C-1 cancelled) and carried by the plan (G-9
        # and the one without a number).
        "requests": 8,
        "planned": 5,  # A-01..A-04, B-01 (Y-1 ran the day before)
        "delivered": 2,  # A-03 delivered, A-02 confirmed
        "carried_over": 3,  # A-04 in the afternoon, G-9 and #n by the plan
        "per_runner": {"冉娜": ["A-03", "A-02", "A-01", "A-04"], "冉二": ["B-01"]},
        "cards_out": 2,  # 陈国强's with the runner, 李秀英's lost
        "advances_open_fen": 10_678,
    }


def test_the_days_figures_as_text(day):
    lines = run("--date", "2022-04-12", "--format", "text").splitlines()
    assert lines[0] == "team: 3"
    assert "requests: 8" in lines and "carried_over: 3" in lines
    assert "per_runner:" in lines and "  冉娜: A-03, A-02, A-01, A-04" in lines
    assert "  冉二: B-01" in lines and "advances_open_fen: 10678" in lines


def test_another_day_has_its_own_figures(day):
    figures = json.loads(run("--date", "2022-04-11", "--format", "json"))
    assert (figures["requests"], figures["planned"], figures["delivered"]) == (1, 1, 1)
    assert figures["per_runner"] == {"冉娜": ["Y-1"]} and figures["carried_over"] == 0
    assert figures["cards_out"] == 1  # 王建国's went out on the 11th


def test_a_bad_date_or_a_date_for_an_undated_report_is_refused(day):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "12/04/2022", "--format", "json")
    out = io.StringIO()
    with pytest.raises(CommandError, match="takes no date"):
        call_command("report", "registry", "--town", "泗泾镇", "--date", "2022-04-12", stdout=out)


def test_a_committee_sees_its_own_requests_and_no_money(day):
    figures = build_report("medicine", town=day.s.town, user=day.s.users["kaiwu"], date=DAY)
    assert figures["planned"] == 3 and figures["per_runner"] == {"冉娜": ["A-03", "A-01", "A-04"]}
    assert figures["cards_out"] is None and figures["advances_open_fen"] is None


def test_the_print_page_shows_the_desk_the_days_figures(day, client_for):
    page = client_for("desk").get(reverse("medicine:print") + "?date=2022-04-12").content.decode()
    figures = dict(
        (label, value)
        for value, label in __import__("re").findall(
            r'<div class="value">(\d+)</div><div class="label">([^<]+)</div>', page
        )
    )
    assert figures["配药单"] == "8" and figures["已送达"] == "2" and figures["顺延"] == "3"
    assert figures["医保卡未归还"] == "2"


def test_the_api_gives_the_same_figures_for_a_day(day):
    from django.test import Client

    from linli.accounts.models import ApiToken

    key = ApiToken.issue(day.s.users["town"])
    api = Client(headers={"authorization": f"Bearer {key}"})
    answer = api.get("/api/v1/reports/medicine/?date=2022-04-12")
    assert answer.status_code == 200
    assert answer.json() == json.loads(run("--date", "2022-04-12", "--format", "json"))
    assert api.get("/api/v1/reports/medicine/?date=12-04").status_code == 422
    assert api.get("/api/v1/reports/registry/?date=2022-04-12").status_code == 422
