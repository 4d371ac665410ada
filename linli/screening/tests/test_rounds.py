"""Round pages through the test client: the list by role, a new round, status buttons, points,
slots (by hand and by the generator, against hand-worked times), exemptions and the
door-to-door list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.places.models import Building, CareTag, Resident
from linli.screening import desk, services
from linli.screening.models import (
    CoverageCount,
    Exemption,
    PoolFollowUp,
    PoolMember,
    SamplingPoint,
    TestRound,
    TimeSlot,
)
from linli.testing.screening import at_local, open_tube, sample

pytestmark = pytest.mark.django_db


def planned(scr, name="第2轮核酸", compounds=None):
    return services.round_create(
        user=scr.users["town"],
        town=scr.town,
        name=name,
        kind=TestRound.Kind.PCR,
        date=timezone.localdate(),
        compounds=compounds or [scr.xiangzhang],
    )


def hhmm(slot):
    return (
        timezone.localtime(slot.starts_at).strftime("%H:%M"),
        timezone.localtime(slot.ends_at).strftime("%H:%M"),
    )


# -- the list ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(scr, client):
    for url in (reverse("screening:rounds"), scr.round.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_each_login_lists_the_rounds_it_sees_once(scr, client_for):
    lishui_only = planned(scr, "丽水专轮", [scr.lishuiyuan])
    url = reverse("screening:rounds")
    town = client_for("town").get(url).content.decode()
    # The first round covers two compounds: listed once, not once per compound.
    assert town.count("第1轮核酸") == 1 and "丽水专轮" in town
    kaiwu = client_for("kaiwu").get(url).content.decode()
    assert "第1轮核酸" in kaiwu and "丽水专轮" not in kaiwu
    # erin is posted at the round's point; charlie has no scope at all.
    assert "第1轮核酸" in client_for("erin").get(url).content.decode()
    assert "第1轮核酸" not in client_for("charlie").get(url).content.decode()
    assert client_for("kaiwu").get(lishui_only.get_absolute_url()).status_code == 404
    assert client_for("lishui").get(lishui_only.get_absolute_url()).status_code == 200


def test_the_list_is_newest_first(scr, client_for):
    older = planned(scr, "旧轮次")
    TestRound.objects.filter(pk=older.pk).update(date=timezone.localdate() - dt.timedelta(days=3))
    html = client_for("town").get(reverse("screening:rounds")).content.decode()
    assert html.index("第1轮核酸") < html.index("旧轮次")


def test_the_nav_shows_screening_to_staff_only(scr, client_for):
    link = f'href="{reverse("screening:rounds")}"'
    assert link in client_for("town").get(reverse("screening:rounds")).content.decode()
    assert link in client_for("kaiwu").get(reverse("screening:rounds")).content.decode()
    assert link not in client_for("erin").get(reverse("care:tasks")).content.decode()


# -- a new round -------------------------------------------------------------------------------


def test_town_staff_create_a_round_over_chosen_compounds(scr, client_for):
    client = client_for("town")
    page = client.get(reverse("screening:round_new")).content.decode()
    # Compounds grouped under their committee (丽水 sorts before 新凯五村).
    form = page[page.index("<form") :]
    heads = [form.index('scr-committee">丽水<'), form.index('scr-committee">新凯五村<')]
    assert heads[0] < form.index("丽水苑") < heads[1] < form.index("香樟苑")
    tag = CareTag.objects.get(town=None, name="独居老人")
    response = client.post(
        reverse("screening:round_new"),
        {
            "name": "第3轮抗原",
            "kind": "antigen",
            "date": "2026-12-08",
            "compounds": [scr.lishuiyuan.pk],
            "single_tube_tags": [tag.pk],
        },
    )
    made = TestRound.objects.get(name="第3轮抗原")
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.kind == "antigen" and made.date == dt.date(2026, 12, 8)
    assert list(made.compounds.all()) == [scr.lishuiyuan]
    assert list(made.single_tube_tags.all()) == [tag]
    assert made.status == TestRound.Status.PLANNED


def test_a_round_without_compounds_or_with_a_taken_name_is_refused(scr, client_for):
    client = client_for("town")
    url = reverse("screening:round_new")
    data = {"name": "x", "kind": "pcr", "date": "2026-12-08"}
    assert client.post(url, data).status_code == 400
    taken = {**data, "name": "第1轮核酸", "compounds": [scr.xiangzhang.pk]}
    response = client.post(url, taken)
    assert response.status_code == 400 and "已有同名轮次" in response.content.decode()
    assert TestRound.objects.count() == 1


def test_only_town_staff_create_rounds(scr, client_for):
    for who in ("kaiwu", "erin", "charlie"):
        assert client_for(who).get(reverse("screening:round_new")).status_code == 403


# -- status ------------------------------------------------------------------------------------


def test_opening_a_round_seeds_its_counters_and_closing_ends_it(scr, client_for):
    made = planned(scr)
    client = client_for("town")
    url = reverse("screening:round_transition", args=[made.pk])
    assert client.post(url, {"to": "open"}).status_code == 302
    made.refresh_from_db()
    assert made.status == TestRound.Status.OPEN
    # 香樟苑: 1号楼 and 2号楼, two present residents each.
    assert {(c.building_id, c.expected) for c in CoverageCount.objects.filter(round=made)} == {
        (scr.b1.pk, 2),
        (scr.b2.pk, 2),
    }
    assert client.post(url, {"to": "closed"}).status_code == 302
    made.refresh_from_db()
    assert made.status == TestRound.Status.CLOSED
    # A closed round does not reopen: 409 with the reason.
    response = client.post(url, {"to": "open"})
    assert response.status_code == 409 and "care-error" in response.content.decode()


def test_committee_staff_cannot_move_a_round(scr, client_for):
    made = planned(scr)
    url = reverse("screening:round_transition", args=[made.pk])
    assert client_for("kaiwu").post(url, {"to": "cancelled"}).status_code == 403
    assert client_for("lishui").post(url, {"to": "cancelled"}).status_code == 404
    response = client_for("town").post(url, {"to": "nonsense"})
    assert response.status_code == 400
    made.refresh_from_db()
    assert made.status == TestRound.Status.PLANNED


# -- points and slots --------------------------------------------------------------------------


def test_town_staff_add_a_point_with_its_volunteers(scr, client_for):
    made = planned(scr)
    url = reverse("screening:point_new", args=[made.pk])
    client = client_for("town")
    page = client.get(url).content.decode()
    # The committee's volunteers are offered; 丽水's dave is not (丽水苑 is not in this round).
    assert "艾琳" in page and "戴维" not in page
    response = client.post(
        url,
        {
            "name": "东门",
            "location": "小区东门",
            "compound": scr.xiangzhang.pk,
            "desks": 3,
            "volunteers": [scr.volunteers["erin"].pk, scr.volunteers["alice"].pk],
        },
    )
    assert response.status_code == 302
    point = SamplingPoint.objects.get(round=made, name="东门")
    assert point.desks == 3 and point.compound == scr.xiangzhang
    assert set(point.volunteers.all()) == {scr.volunteers["erin"], scr.volunteers["alice"]}
    refused = client.post(url, {"name": "x", "desks": 1, "volunteers": [scr.volunteers["dave"].pk]})
    assert refused.status_code == 400
    taken = client.post(url, {"name": "东门", "desks": 1})
    assert taken.status_code == 400 and "已有采样点" in taken.content.decode()


def test_only_the_town_office_plans_points(scr, client_for):
    url = reverse("screening:point_new", args=[scr.round.pk])
    assert client_for("kaiwu").get(url).status_code == 403
    assert client_for("erin").get(url).status_code == 403
    assert client_for("charlie").get(url).status_code == 404


def test_the_generator_gives_one_building_a_slot_in_natural_order():
    # Hand-worked: 07:00–08:30 in 30-minute slots is three slots, one per building, in the
    # order given.
    day = dt.date(2026, 12, 7)
    names = ["1号楼", "2号楼", "10号楼"]
    plan = desk.spread(names, at_local(day, 7), at_local(day, 8, 30), 30)  # type: ignore[arg-type]
    assert [(b, hhmm_pair(s, e)) for b, s, e in plan] == [
        ("1号楼", ("07:00", "07:30")),
        ("2号楼", ("07:30", "08:00")),
        ("10号楼", ("08:00", "08:30")),
    ]


def test_the_generator_shares_slots_when_buildings_outnumber_them():
    # Five buildings in 08:00–09:00 by 20 minutes: three slots; building i goes to slot
    # i × 3 ÷ 5 rounded down: 0, 0, 1, 1, 2.
    day = dt.date(2026, 12, 7)
    plan = desk.spread(list("ABCDE"), at_local(day, 8), at_local(day, 9), 20)  # type: ignore[arg-type]
    assert [(b, hhmm_pair(s, e)[0]) for b, s, e in plan] == [
        ("A", "08:00"),
        ("B", "08:00"),
        ("C", "08:20"),
        ("D", "08:20"),
        ("E", "08:40"),
    ]


def hhmm_pair(start, end):
    return (timezone.localtime(start).strftime("%H:%M"), timezone.localtime(end).strftime("%H:%M"))


def test_the_slot_generator_page_spreads_the_points_buildings(scr, client_for):
    Building.objects.create(town=scr.town, compound=scr.xiangzhang, name="10号楼")
    made = planned(scr)
    point = desk.point_add(
        user=scr.users["town"], round_=made, name="东门", compound=scr.xiangzhang
    )
    response = client_for("town").post(
        reverse("screening:slots_spread", args=[made.pk]),
        {"point": point.pk, "starts": "07:00", "ends": "08:30", "minutes": 30},
    )
    assert response.status_code == 302
    slots = TimeSlot.objects.filter(round=made).select_related("building").order_by("starts_at")
    assert [(s.building.name, hhmm(s)) for s in slots] == [
        ("1号楼", ("07:00", "07:30")),
        ("2号楼", ("07:30", "08:00")),
        ("10号楼", ("08:00", "08:30")),
    ]
    page = client_for("town").get(made.get_absolute_url()).content.decode()
    assert "08:00–08:30" in page


def test_a_window_shorter_than_a_slot_is_refused(scr, client_for):
    made = planned(scr)
    point = desk.point_add(user=scr.users["town"], round_=made, name="东门")
    response = client_for("town").post(
        reverse("screening:slots_spread", args=[made.pk]),
        {"point": point.pk, "starts": "07:00", "ends": "07:10", "minutes": 30},
    )
    assert response.status_code == 400 and "时间窗口短于一个时段" in response.content.decode()
    assert not TimeSlot.objects.filter(round=made).exists()


def test_a_slot_by_floors_and_its_refusals(scr, client_for):
    made = planned(scr)
    point = desk.point_add(user=scr.users["town"], round_=made, name="东门")
    url = reverse("screening:slot_add", args=[made.pk])
    client = client_for("town")
    data = {"point": point.pk, "building": scr.b2.pk, "starts": "09:00", "ends": "09:20"}
    assert client.post(url, {**data, "floor_from": 1, "floor_to": 3}).status_code == 302
    slot = TimeSlot.objects.get(round=made)
    assert (slot.floor_from, slot.floor_to, hhmm(slot)) == (1, 3, ("09:00", "09:20"))
    assert client.post(url, {**data, "floor_from": 2}).status_code == 400
    assert client.post(url, {**data, "ends": "08:00"}).status_code == 400
    # 丽水苑's building is not in this round (offered nowhere, refused if sent).
    assert client.post(url, {**data, "building": scr.lb1.pk}).status_code == 400
    assert TimeSlot.objects.filter(round=made).count() == 1


# -- exemptions --------------------------------------------------------------------------------


def test_town_staff_exempt_a_resident_found_by_id_tail(scr, client_for):
    client = client_for("town")
    url = reverse("screening:exemptions", args=[scr.round.pk])
    li = scr.residents["li"]
    page = client.get(url, {"q": li.id_number[-4:]}).content.decode()
    assert "李秀英" in page and "王建国" not in page
    response = client.post(url, {"resident": li.pk, "reason": "住院"})
    assert response.status_code == 302
    assert Exemption.objects.get(round=scr.round).reason == "住院"
    assert CoverageCount.objects.get(round=scr.round, building=scr.b1).exempt == 1
    again = client.post(url, {"resident": li.pk, "reason": "住院"})
    assert again.status_code == 400 and "已免检" in again.content.decode()
    assert (
        client.post(url, {"resident": scr.residents["wang"].pk, "reason": " "}).status_code == 400
    )
    assert Exemption.objects.count() == 1


def test_exemptions_are_the_town_offices(scr, client_for):
    url = reverse("screening:exemptions", args=[scr.round.pk])
    li = scr.residents["li"]
    assert client_for("kaiwu").post(url, {"resident": li.pk, "reason": "住院"}).status_code == 403
    assert client_for("erin").get(url).status_code == 403
    assert not Exemption.objects.exists()


# -- the door-to-door list ---------------------------------------------------------------------


def door_scenario(scr):
    """王建国 (2号楼 101) is disabled; 张三丰's pool (1号楼 101) is positive and awaits his
    retest, with 张小宝 living with him; 刘小红 (丽水苑) is disabled too."""
    disabled = CareTag.objects.get(town=None, code="disabled")
    scr.residents["wang"].care_tags.add(disabled)
    scr.residents["liu"].care_tags.add(disabled)
    kid = Resident.objects.create(
        town=scr.town, household=scr.households["b1_101"], name="张小宝", status="present"
    )
    tube = open_tube(scr, "P0001", capacity=1)
    first = sample(scr, "zhang", tube)
    follow_up = PoolFollowUp.objects.create(
        tube=tube, round=scr.round, town=scr.town, flagged_at=timezone.now()
    )
    PoolMember.objects.create(
        follow_up=follow_up, sample=first, resident=scr.residents["zhang"], building=scr.b1
    )
    return kid


def test_the_door_list_names_the_housebound_the_retests_and_their_co_residents(scr, client_for):
    door_scenario(scr)
    html = client_for("kaiwu").get(reverse("screening:door_list", args=[scr.round.pk]))
    assert html.status_code == 200
    text = html.content.decode()
    # Staff see names in full, in building order: 1号楼 (张三丰 retest, 张小宝 co-resident),
    # then 2号楼 (王建国); 丽水's 刘小红 is outside 新凯五村's scope; 赵丽华 is on no list.
    assert text.index("张三丰") < text.index("张小宝") < text.index("王建国")
    assert "混管待复核" in text and "同住人员" in text and "行动不便" in text
    assert "刘小红" not in text and "赵丽华" not in text
    assert (
        "刘小红"
        in client_for("town")
        .get(reverse("screening:door_list", args=[scr.round.pk]))
        .content.decode()
    )


def test_the_door_list_is_refused_outside_the_round(scr, client_for):
    url = reverse("screening:door_list", args=[scr.round.pk])
    assert client_for("charlie").get(url).status_code == 404
    lishui_only = planned(scr, "丽水专轮", [scr.lishuiyuan])
    assert (
        client_for("kaiwu").get(reverse("screening:door_list", args=[lishui_only.pk])).status_code
        == 404
    )


def test_the_round_list_and_page_take_a_bounded_number_of_queries(
    scr, client_for, django_assert_max_num_queries
):
    for i in range(5):
        planned(scr, f"轮次{i}")
    client = client_for("kaiwu")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("screening:rounds")).status_code == 200
    for i in range(5):
        desk.point_add(user=scr.users["town"], round_=scr.round, name=f"点{i}")
    town = client_for("town")
    with django_assert_max_num_queries(30):
        assert town.get(scr.round.get_absolute_url()).status_code == 200
