"""Notice templates filled from the data: each text against a string worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from linli.notices import fill
from linli.notices.models import Notice
from linli.screening.models import SamplingPoint, TestRound, TimeSlot, ZoneAssignment
from linli.supplies.models import DistributionSlot, RoundBuilding
from linli.testing.screening import at_local
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy
from linli.testing.supplies_rounds import round_of

pytestmark = pytest.mark.django_db


def _tomorrows_round(s):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # Made directly: screening's round_create audits an action too long for PostgreSQL's
    # column on main today (a skeleton bug reported to the integrator).
    round_ = TestRound.objects.create(
        town=s.town, name="第2轮核酸", kind=TestRound.Kind.PCR, date=tomorrow
    )
    round_.compounds.set([s.xiangzhang])
    point = SamplingPoint.objects.create(
        round=round_, town=s.town, compound=s.xiangzhang, name="南门"
    )
    for building, start, end in [(s.b2, (7, 20), (7, 40)), (s.b1, (7, 0), (7, 20))]:
        TimeSlot.objects.create(
            round=round_,
            point=point,
            building=building,
            starts_at=at_local(tomorrow, *start),
            ends_at=at_local(tomorrow, *end),
        )
    return round_


def test_sampling_tomorrow_by_building_order(world):
    round_ = _tomorrows_round(world)
    filled = fill.fill(world.users["kaiwu"], "sampling", round_.pk)
    assert filled.title == "明天核酸安排（第2轮核酸）"
    assert filled.body == (
        "明天 7:00 起按楼栋顺序核酸：香樟苑1号楼 7:00–7:20；香樟苑2号楼 7:20–7:40。"
        "请按时下楼，戴好口罩，保持一米间距，带好手机健康码。"
    )
    assert (filled.scope, filled.place_id) == (Notice.Scope.COMPOUND, world.xiangzhang.pk)


def test_sampling_slots_of_floors(world):
    round_ = _tomorrows_round(world)
    TimeSlot.objects.filter(round=round_, building=world.b1).update(floor_from=1, floor_to=6)
    body = fill.fill(world.users["town"], "sampling", round_.pk).body
    assert "香樟苑1号楼1–6层 7:00–7:20；" in body


def test_package_round(world):
    package_round = round_of(world, world.extras)
    for building, packages in [(world.b1, 2), (world.b2, 2), (world.lb1, 2)]:
        RoundBuilding.objects.filter(round=package_round, building=building).update(
            packages=packages
        )
    RoundBuilding.objects.filter(round=package_round, building=world.extras.dorm).update(packages=1)
    filled = fill.fill(world.users["town"], "package_round", package_round.pk)
    assert filled.title == "物资发放：第一轮大礼包"
    assert filled.body == (
        "第一轮大礼包（大米5公斤、食用油1桶）共 4 栋楼、7 包，"
        "由志愿者按楼栋送到门口，请在家等候，无需下楼领取。"
    )


def test_group_buy_arrival_with_slots_by_building(world):
    gb = make_group_buy(group_buy_world(world))
    day = dt.date(2026, 12, 8)
    gb.arrived_at = at_local(day, 10, 30)
    gb.disinfected_at = at_local(day, 10, 45)
    gb.save(update_fields=["arrived_at", "disinfected_at"])
    DistributionSlot.objects.create(
        group_buy=gb, building=world.b2, starts_at=at_local(day, 14, 30), ends_at=at_local(day, 15)
    )
    DistributionSlot.objects.create(
        group_buy=gb, building=world.b1, starts_at=at_local(day, 14), ends_at=at_local(day, 14, 30)
    )
    filled = fill.fill(world.users["kaiwu"], "group_buy", gb.pk)
    assert filled.title == "团购到货：香樟苑蔬菜团"
    assert filled.body == (
        "香樟苑「香樟苑蔬菜团」已于 12月8日 10:30 到达小区门口，已消杀。"
        "请按楼栋分时段领取：1号楼 14:00–14:30；2号楼 14:30–15:00。领取时戴好口罩，不聚集。"
    )


def test_group_buy_not_yet_arrived(world):
    gb = make_group_buy(group_buy_world(world))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = fill.fill(world.users["kaiwu"], "group_buy", gb.pk).body
    assert body == (
        f"香樟苑「香樟苑蔬菜团」预计 {tomorrow.month}月{tomorrow.day}日 送达。"
        "领取时戴好口罩，不聚集。"
    )


def test_zone_change(world):
    zone = ZoneAssignment.objects.create(
        town=world.town,
        compound=world.xiangzhang,
        zone="controlled",
        effective_from=dt.date(2026, 12, 7),
        release_on=dt.date(2026, 12, 14),
        ruleset="2022-4",
    )
    # The notice is Chinese whatever language the sender's page is in.
    with translation.override("en"):
        filled = fill.fill(world.users["kaiwu"], "zone", zone.pk)
    assert filled.title == "分区调整：香樟苑为管控区"
    assert filled.body == (
        "香樟苑自12月7日起为管控区，如无新增阳性，预计12月14日解除。管控区内人不出小区，严禁聚集。"
    )


def test_the_page_fills_the_form_from_a_template(world, client_for):
    round_ = _tomorrows_round(world)
    page = client_for("kaiwu").get(f"/notices/new/?template=sampling&object={round_.pk}")
    assert page.status_code == 200
    assert "明天 7:00 起按楼栋顺序核酸：香樟苑1号楼 7:00–7:20；" in page.content.decode()


def test_another_committees_object_is_not_found(world, client_for):
    zone = ZoneAssignment.objects.create(
        town=world.town,
        compound=world.xiangzhang,
        zone="sealed",
        effective_from=dt.date(2026, 12, 7),
        ruleset="2022-4",
    )
    page = client_for("lishui").get(f"/notices/new/?template=zone&object={zone.pk}")
    assert page.status_code == 400
    assert "香樟苑自" not in page.content.decode()
