"""Zero-infection streaks and the zone board, with a fake `today` (D).

Rounds, counted by hand (香樟苑 = XZ, 丽水苑 = LS):
- A, D−10, XZ + LS, closed: 王建国 (XZ) negative, 陈国强 (LS) positive;
- B, D−6, XZ + LS, closed: 王建国, 陈国强 negative;
- C, D−3, XZ only, still open but its one tube resulted (negative): finished;
- E, D−1, XZ + LS, open with a tube not yet resulted: skipped (its results are not in);
- the scenario's own round (open, no tube): skipped.
XZ: C, B, A all negative in XZ → 3 rounds. LS: E skipped, B negative, A positive → 1.
Cases: 陈国强 positive on D−10 → LS 10 days; 王建国's case on D−2 was cleared on re-check →
XZ has had none (None). A worksite with no round: 0 rounds, None.
Zones of LS: sealed from D−10 (release D−3), controlled from D−3 (release D+4), precaution
from D+4 → on D controlled, release D+4."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.core.workflow import transition
from linli.places.models import Building, Compound
from linli.screening import services
from linli.screening.models import Case, Result, Sample, TestRound, Tube, Zone, ZoneAssignment
from linli.screening.streaks import streaks
from linli.screening.tests.test_coverage import mark_positive
from linli.testing.screening import at_local, open_tube, sample

D = timezone.localdate() + dt.timedelta(days=30)


def make_round(scr, name, day, compounds, samples, *, positive=(), close=True, result=True):
    town = scr.users["town"]
    made = services.round_create(
        user=town, town=scr.town, name=name, kind="pcr", date=day, compounds=compounds
    )
    services.round_open(user=town, round_=made)
    for n, key in enumerate(samples):
        tube = open_tube(scr, f"{name}-{n}", capacity=5, round=made, point=None)
        sample(scr, key, tube, at=at_local(day, 8))
        transition(tube, Tube.Status.SEALED, by=town)
        if key in positive:
            mark_positive(tube)
        elif result:
            Sample.objects.filter(tube=tube).update(result=Result.NEGATIVE)
        if result:
            Tube.objects.filter(pk=tube.pk).update(
                result=Result.POSITIVE if key in positive else Result.NEGATIVE
            )
            transition(Tube.objects.get(pk=tube.pk), Tube.Status.RESULTED, by=town)
    if close:
        transition(made, TestRound.Status.CLOSED, by=town)
    return made


def build(scr):
    xz, ls = scr.xiangzhang, scr.lishuiyuan
    days = {n: D - dt.timedelta(days=n) for n in (10, 6, 3, 2, 1)}
    make_round(scr, "A", days[10], [xz, ls], ["wang", "chen"], positive=("chen",))
    make_round(scr, "B", days[6], [xz, ls], ["wang", "chen"])
    make_round(scr, "C", days[3], [xz], ["wang"], close=False)
    make_round(scr, "E", days[1], [xz, ls], ["wang"], close=False, result=False)
    Case.objects.create(
        town=scr.town, resident=scr.residents["chen"], building=scr.lb1, positive_on=days[10]
    )
    Case.objects.create(
        town=scr.town,
        resident=scr.residents["wang"],
        building=scr.b2,
        positive_on=days[2],
        status=Case.Status.CLEARED,
    )
    site = Compound.objects.create(
        town=scr.town, committee=scr.kaiwu, name="一号工地", kind=Compound.Kind.WORKSITE
    )
    Building.objects.create(town=scr.town, compound=site, name="1号宿舍")
    for zone, start, release in [
        (Zone.SEALED, days[10], days[3]),
        (Zone.CONTROLLED, days[3], D + dt.timedelta(days=4)),
        (Zone.PRECAUTION, D + dt.timedelta(days=4), None),
    ]:
        ZoneAssignment.objects.create(
            town=scr.town,
            compound=ls,
            zone=zone,
            effective_from=start,
            release_on=release,
            last_positive_on=days[10],
            ruleset="2022-v9",
        )
    return site


def test_streaks_count_days_and_all_negative_rounds_by_hand(scr):
    site = build(scr)
    lines = {line["name"]: line for line in streaks(scr.town, today=D)}
    xz, ls, ws = lines["香樟苑"], lines["丽水苑"], lines[site.name]
    assert (xz["days_since_last_positive"], xz["negative_rounds"]) == (None, 3)
    assert (ls["days_since_last_positive"], ls["negative_rounds"]) == (10, 1)
    assert (ws["days_since_last_positive"], ws["negative_rounds"]) == (None, 0)
    assert (ls["zone"], ls["release_on"]) == (Zone.CONTROLLED, D + dt.timedelta(days=4))
    assert xz["zone"] is None and xz["release_on"] is None


def test_the_clock_moves_the_figures(scr):
    build(scr)
    # Four days on: 14 days since, and LS's precaution assignment is in force.
    later = {line["name"]: line for line in streaks(scr.town, today=D + dt.timedelta(days=4))}
    assert later["丽水苑"]["days_since_last_positive"] == 14
    assert (later["丽水苑"]["zone"], later["丽水苑"]["release_on"]) == (Zone.PRECAUTION, None)
    # Before round A's day its positive does not exist yet.
    before = {line["name"]: line for line in streaks(scr.town, today=D - dt.timedelta(days=11))}
    assert before["丽水苑"]["days_since_last_positive"] is None
    assert before["丽水苑"]["negative_rounds"] == 0
    assert before["丽水苑"]["zone"] is None


def test_committee_staff_see_their_compounds_only(scr):
    build(scr)
    names = {line["name"] for line in streaks(scr.town, scr.users["lishui"], today=D)}
    assert names == {"丽水苑"}


def test_the_zone_board_page(scr, client_for):
    today = timezone.localdate()
    ZoneAssignment.objects.create(
        town=scr.town,
        compound=scr.lishuiyuan,
        zone=Zone.SEALED,
        effective_from=today,
        release_on=today + dt.timedelta(days=7),
        ruleset="2022-v9",
    )
    page = client_for("town").get("/screening/coverage/zones/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "封控区" in html and str(today + dt.timedelta(days=7)) in html
    lishui = client_for("lishui").get("/screening/coverage/zones/")
    assert lishui.status_code == 200
    assert "香樟苑" not in lishui.content.decode()
    assert client_for("erin").get("/screening/coverage/zones/").status_code == 403
    assert client_for("charlie").get("/screening/coverage/zones/").status_code == 403
