"""The desk's requests and lines through its doors: the line rules, the list (red first, with
age), a request's page with its history and moves, the new-request form, the masking of
confidential lines, the team's posts and a committee's gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.medicine import services
from linli.medicine.lines import line_fetch_problem
from linli.medicine.models import MedicineLine, MedicineOrder, MedicineOrderChange, TeamMember
from linli.medicine.services import LineData, check_line
from linli.testing.medicine import make_order

pytestmark = pytest.mark.django_db

Status = MedicineOrder.Status


# -- the line rules ---------------------------------------------------------------------------


def test_a_long_prescription_is_capped_at_84_days():
    assert check_line(LineData("二甲双胍", days=84)).days == 84
    with pytest.raises(Problem, match="84"):
        check_line(LineData("二甲双胍", days=85))


def test_an_excluded_class_is_refused_a_long_prescription_but_not_a_short_one():
    assert check_line(LineData("盐酸吗啡缓释片", days=7)).days == 7
    assert check_line(LineData("盐酸吗啡缓释片", days=30)).days == 30
    with pytest.raises(Problem, match="长处方"):
        check_line(LineData("盐酸吗啡缓释片", days=31))


@pytest.mark.parametrize("boxes", [0, 100])
def test_boxes_out_of_range_are_refused(boxes):
    with pytest.raises(Problem):
        check_line(LineData("二甲双胍", boxes=boxes))


def _refusal(line: MedicineLine, substitute: str = "") -> str:
    problem = line_fetch_problem(line, substitute=substitute)
    return "" if problem is None else str(problem)


def test_a_line_without_maker_or_strength_cannot_count_as_fetched():
    line = MedicineLine(generic_name="氨氯地平", strength="5mg×7片", maker="")
    assert "厂家" in _refusal(line)
    line.any_maker = True
    assert _refusal(line) == ""  # an explicit "any maker" will do
    assert "规格" in _refusal(MedicineLine(generic_name="氨氯地平", maker="辉瑞", strength=""))
    assert _refusal(MedicineLine(generic_name="氨氯地平", maker="辉瑞", strength="5mg")) == ""


def test_a_substitute_needs_the_patients_recorded_consent():
    line = MedicineLine(generic_name="氨氯地平", maker="辉瑞", strength="5mg")
    assert "不允许替换" in _refusal(line, substitute="苯磺酸氨氯地平（国产）")
    line.substitution_allowed = True
    assert "同意" in _refusal(line, substitute="苯磺酸氨氯地平（国产）")
    line.substitution_consent = "本人电话同意 4月20日"
    assert _refusal(line, substitute="苯磺酸氨氯地平（国产）") == ""


# -- creating requests ------------------------------------------------------------------------


def _create(med, user="desk", **extra):
    return services.order_create(
        user=med.users[user],
        resident=med.residents["zhang"],
        hospital=med.hospitals["central"],
        lines=[LineData("二甲双胍", strength="0.5g", boxes=2)],
        source=MedicineOrder.Source.DESK,
        **extra,
    )


def test_the_desk_enters_a_verified_request_and_the_same_form_number_is_one_request(med):
    made = _create(med, form_number="SJ-1")
    assert made.created and made.order.status == Status.VERIFIED
    assert made.order.committee == med.kaiwu
    again = _create(med, form_number="SJ-1")
    assert not again.created and again.order.pk == made.order.pk
    assert MedicineOrder.objects.count() == 1
    assert list(made.order.changes.values_list("from_status", "to_status")) == [("", "verified")]


def test_a_building_leader_may_not_enter_a_request(med):
    with pytest.raises(Problem):
        _create(med, user="alice")
    assert not MedicineOrder.objects.exists()


def test_the_new_request_form_finds_the_patient_by_address_and_name(med, client_for):
    url = reverse("medicine:order_new")
    page = client_for("desk").get(url)
    assert page.status_code == 200
    token = page.context["form"].initial["form_token"]
    data = {
        "committee": med.kaiwu.pk,
        "compound": "香樟苑",
        "building": "1",  # "1" is the registry's 1号楼
        "room": "101室",
        "name": "张三丰",
        "hospital": med.hospitals["central"].pk,
        "department": med.departments["central_endo"].pk,
        "urgency": "red",
        "form_number": "SJ-7",
        "form_token": token,
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-generic_name": "门冬胰岛素",
        "lines-0-maker": "诺和诺德",
        "lines-0-strength": "3ml:300单位",
        "lines-0-boxes": "2",
        "lines-0-days": "28",
        "lines-0-cold_chain": "on",
    }
    answer = client_for("desk").post(url, data)
    order = MedicineOrder.objects.get(form_number="SJ-7")
    assert answer.status_code == 302 and answer["Location"] == order.get_absolute_url()
    assert order.resident == med.residents["zhang"] and order.urgency == "red"
    assert order.status == Status.VERIFIED and order.cold_chain
    # The double tap: one request.
    assert client_for("desk").post(url, data).status_code == 302
    assert MedicineOrder.objects.count() == 1
    # A name not registered at that address is refused with a reason, nothing created.
    data.update(name="张三", form_token=token + "x", form_number="SJ-8")
    refused = client_for("desk").post(url, data)
    assert refused.status_code == 400 and "找不到该居民" in refused.content.decode()
    data.update(name="张三丰", **{"lines-0-days": "90"})
    refused = client_for("desk").post(url, data)
    assert refused.status_code == 400 and "84" in refused.content.decode()
    assert MedicineOrder.objects.count() == 1


def test_a_plain_volunteer_and_a_building_leader_cannot_open_the_new_request_form(med, client_for):
    assert client_for("alice").get(reverse("medicine:order_new")).status_code == 403
    assert client_for("runner").get(reverse("medicine:order_new")).status_code == 403


# -- the list and a request's page --------------------------------------------------------------


def test_the_desk_list_shows_red_first_with_age(med, client_for):
    green = make_order(med, "zhang", urgency="green", form_number="G-1")
    red = make_order(med, "chen", urgency="red", form_number="R-1")
    yellow = make_order(med, "li", urgency="yellow", form_number="Y-1")
    MedicineOrder.objects.filter(pk=green.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=5)
    )
    page = client_for("desk").get(reverse("medicine:desk"))
    assert page.status_code == 200
    assert [o.pk for o, _ in page.context["items"]] == [red.pk, yellow.pk, green.pk]
    text = page.content.decode()
    assert text.index("R-1") < text.index("Y-1") < text.index("G-1")
    assert "5" in text.split("G-1")[1].split("前")[0]  # "5 小时前"


def test_the_desk_list_reads_no_more_queries_with_more_requests(
    med, client_for, django_assert_max_num_queries
):
    for key in ("zhang", "li", "wang", "chen", "liu"):
        make_order(med, key, lines=[{"generic_name": "a"}, {"generic_name": "b"}])
    client = client_for("desk")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("medicine:desk")).status_code == 200


def test_committee_staff_see_only_their_committees_requests(med, client_for):
    mine = make_order(med, "zhang")
    other = make_order(med, "chen")
    page = client_for("kaiwu").get(reverse("medicine:desk"))
    assert [o.pk for o, _ in page.context["items"]] == [mine.pk]
    assert client_for("kaiwu").get(reverse("medicine:order", args=[other.pk])).status_code == 404
    assert client_for("charlie").get(reverse("medicine:order", args=[mine.pk])).status_code == 404
    assert client_for("kaiwu").get(reverse("medicine:order", args=[mine.pk])).status_code == 200


def test_the_desk_verifies_a_submitted_request_and_the_history_shows_it(med, client_for):
    order = make_order(med, status=Status.SUBMITTED)
    url = reverse("medicine:order_transition", args=[order.pk])
    answer = client_for("desk").post(url, {"to": "verified"})
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.VERIFIED
    page = client_for("desk").get(reverse("medicine:order", args=[order.pk])).content.decode()
    assert "待核实 → <strong" in page and "已核实" in page
    # Stale: the same move again is a 409 with the reason.
    again = client_for("desk").post(url, {"to": "verified"})
    assert again.status_code == 409 and "不能改为" in again.content.decode()


def test_a_building_leader_may_not_cancel_and_sees_no_cancel_button(med, client_for):
    order = make_order(med)
    url = reverse("medicine:order_transition", args=[order.pk])
    page = client_for("alice").get(reverse("medicine:order", args=[order.pk]))
    assert page.status_code == 200 and page.context["moves"] == []
    assert client_for("alice").post(url, {"to": "cancelled"}).status_code == 403
    assert (
        client_for("desk").post(url, {"to": "referred", "reason": "转互联网医院"}).status_code
        == 302
    )
    order.refresh_from_db()
    assert order.status == Status.REFERRED
    assert MedicineOrderChange.objects.filter(order=order, reason="转互联网医院").exists()


def test_confidential_lines_are_hidden_from_the_building_leader_but_not_the_desk(med, client_for):
    order = make_order(
        med,
        lines=[
            {"generic_name": "二甲双胍", "strength": "0.5g"},
            {"generic_name": "奥氮平", "strength": "5mg", "confidential": True},
        ],
    )
    url = reverse("medicine:order", args=[order.pk])
    leader = client_for("alice").get(url).content.decode()
    assert "二甲双胍" in leader and "奥氮平" not in leader and "保密药品" in leader
    staff = client_for("kaiwu").get(url).content.decode()
    assert "奥氮平" not in staff
    assert "奥氮平" in client_for("desk").get(url).content.decode()
    assert "奥氮平" in client_for("town").get(url).content.decode()
    listing = client_for("alice").get(reverse("medicine:desk")).content.decode()
    assert "奥氮平" not in listing and "保密药品" in listing
    hub = client_for("alice").get(reverse("places:building", args=[med.b1.pk])).content.decode()
    assert "hub-medicine" in hub and "张三丰" in hub and "奥氮平" not in hub


def test_the_desk_edits_a_line_and_may_not_after_fetching(med, client_for):
    order = make_order(med)
    line = order.lines.get()
    url = reverse("medicine:line_edit", args=[order.pk, line.pk])
    prefix = f"l{line.pk}-"
    data = {
        prefix + "generic_name": "二甲双胍缓释片",
        prefix + "maker": "中美上海施贵宝",
        prefix + "strength": "0.5g×30片",
        prefix + "boxes": "3",
        prefix + "days": "90",
    }
    refused = client_for("desk").post(url, data)
    assert refused.status_code == 400 and "84" in refused.content.decode()
    data[prefix + "days"] = "84"
    assert client_for("desk").post(url, data).status_code == 302
    line.refresh_from_db()
    assert (line.generic_name, line.boxes, line.days) == ("二甲双胍缓释片", 3, 84)
    assert client_for("alice").post(url, data).status_code == 403
    MedicineOrder.objects.filter(pk=order.pk).update(status=Status.FETCHED)
    assert client_for("desk").post(url, data).status_code == 409


# -- posts and gates ---------------------------------------------------------------------------


def test_town_staff_give_a_medicine_volunteer_a_post_with_capacity_and_home(med, client_for):
    volunteer = med.volunteers["runner2"]
    url = reverse("medicine:post_set", args=[volunteer.pk])
    p = f"v{volunteer.pk}-"
    data = {
        p + "post": "desk",
        p + "capacity": "25",
        p + "home_lat": "31.1",
        p + "home_lon": "121.2",
    }
    assert client_for("desk").post(url, data).status_code == 403
    assert client_for("town").post(url, {**data, p + "on_duty": "on"}).status_code == 302
    member = TeamMember.objects.get(volunteer=volunteer)
    assert (member.post, member.capacity, member.home_lat) == ("desk", 25, Decimal("31.1"))
    # Only a 就医配药 team's volunteers hold a post: alice is not on it (a 404 from the list).
    alice = med.volunteers["alice"]
    other = reverse("medicine:post_set", args=[alice.pk])
    assert client_for("town").post(other, {f"v{alice.pk}-post": "runner"}).status_code == 404
    page = client_for("town").get(reverse("medicine:team")).content.decode()
    assert "冉二" in page and "戴思" in page


def test_the_post_command_sets_a_post_as_town_staff(med):
    from django.core.management import call_command

    call_command(
        "medicine",
        "post",
        "13900000013",
        "--town",
        "泗泾镇",
        "--post",
        "desk",
        "--capacity",
        "12",
        "--home",
        "31.2,121.3",
        "--user",
        "town",
    )
    member = TeamMember.objects.get(volunteer=med.volunteers["runner2"])
    assert (member.post, member.capacity, member.home_lon) == ("desk", 12, Decimal("121.3"))


def test_a_committee_sets_its_gate_and_the_default_is_its_first_compound(med, client_for):
    url = reverse("medicine:committee_gate", args=[med.kaiwu.pk])
    assert med.kaiwu.gate_point() == (Decimal("31.123400"), Decimal("121.265000"))
    assert (
        client_for("lishui").post(url, {"gate_lat": "31.2", "gate_lon": "121.3"}).status_code == 404
    )
    assert client_for("kaiwu").post(url, {"gate_lat": "31.2"}).status_code == 400
    assert client_for("kaiwu").post(url, {"gate_lat": "91", "gate_lon": "121.3"}).status_code == 400
    assert (
        client_for("kaiwu").post(url, {"gate_lat": "31.2", "gate_lon": "121.3"}).status_code == 302
    )
    med.kaiwu.refresh_from_db()
    assert med.kaiwu.gate_point() == (Decimal("31.2"), Decimal("121.3"))


def test_a_line_edit_after_the_request_left_the_desk_is_a_conflict(med):
    order = make_order(med, status=Status.BAGGED)
    with pytest.raises(Conflict):
        services.line_add(user=med.users["desk"], order=order, data=LineData("阿司匹林"))
