"""Package rounds (物资发放): the command, the pages, the report and the workflows, through the
users' doors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from linli.places.models import Household
from linli.supplies.models import (
    PackageDelivery,
    PackageDeliveryChange,
    PackageRound,
    RoundBuilding,
    RoundTeam,
)
from linli.supplies.services_rounds import DELIVERY_WORKFLOW, ROUND_WORKFLOW, delivery_mark
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_rounds import build_rounds_scenario, delivery, round_of
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db
D = PackageDelivery.Status
NAMES = ["张三丰", "李秀英", "王建国", "赵丽华", "陈国强", "刘小红"]


@pytest.fixture
def world(scenario):
    s = build_grid_scenario(scenario)
    return s, build_rounds_scenario(s)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# -- linli package-round add -------------------------------------------------------------------


def test_the_command_adds_a_round_for_every_household_of_the_town_workers_included(world):
    s, x = world
    out = run("package-round", "add", "--town", "泗泾镇", "--round", "大礼包", "--contents", "大米")
    made = PackageRound.objects.get(name="大礼包")
    # 6 households of the base scenario + 2 dormitory rooms on the worksite (no resident in them).
    assert made.deliveries.count() == 8
    assert made.deliveries.filter(household=s.households["dorm_101"]).exists()
    assert "8" in out
    packed = dict(RoundBuilding.objects.filter(round=made).values_list("building_id", "packages"))
    assert packed == {s.b1.pk: 2, s.b2.pk: 2, s.lb1.pk: 2, x.dorm.pk: 2}


def test_the_command_limits_a_round_to_the_committees_named(world):
    s, _x = world
    run("package-round", "add", "--town", "泗泾镇", "--round", "丽水专场", "--committee", "丽水")
    made = PackageRound.objects.get(name="丽水专场")
    assert set(made.deliveries.values_list("building_id", flat=True)) == {s.lb1.pk}


def test_the_command_refuses_an_unknown_committee_a_town_or_a_second_round_of_the_name(world):
    with pytest.raises(CommandError, match="找不到居委"):
        run("package-round", "add", "--town", "泗泾镇", "--round", "x", "--committee", "无此村")
    with pytest.raises(CommandError, match="no such town"):
        run("package-round", "add", "--town", "无此镇", "--round", "x")
    run("package-round", "add", "--town", "泗泾镇", "--round", "x")
    with pytest.raises(CommandError, match="exists"):
        run("package-round", "add", "--town", "泗泾镇", "--round", "x")


# -- linli report package-round ------------------------------------------------------------------


def _marked_round(world):
    s, x = world
    made = round_of(s, x)
    town = s.users["town"]
    delivery_mark(
        user=town, delivery=delivery(made, s.households["b1_101"]), status=D.DELIVERED, signer="张"
    )
    delivery_mark(user=town, delivery=delivery(made, s.households["b2_201"]), status=D.ABSENT)
    delivery_mark(user=town, delivery=delivery(made, s.households["dorm_102"]), status=D.VACANT)
    return made


def test_the_report_gives_the_issues_keys_and_lists_the_missing_without_names(world):
    _marked_round(world)
    out = run(
        "report", "package-round", "--town", "泗泾镇", "--round", "第一轮大礼包", "--format", "json"
    )
    figures = json.loads(out)
    assert figures["households"] == 8
    assert figures["delivered"] == 1
    assert figures["exceptions"] == 2
    assert figures["missing"] == 5
    assert len(figures["missing_list"]) == 5
    assert figures["missing_list"][0] == {
        "committee": "丽水",
        "compound": "丽水苑",
        "building": "1号楼",
        "room": "101",
    }
    rooms = {(m["compound"], m["building"], m["room"]) for m in figures["missing_list"]}
    assert ("香樟苑", "1号楼", "101") not in rooms  # delivered
    assert ("香樟苑", "2号楼", "201") not in rooms  # an exception, not missing
    assert not any(name in out for name in [*NAMES, "张"])


def test_the_report_as_text_and_as_xlsx_read_back(world, tmp_path):
    _marked_round(world)
    text = run("report", "package-round", "--town", "泗泾镇", "--round", "第一轮大礼包")
    assert "households: 8" in text and "missing: 5" in text
    target = tmp_path / "round.xlsx"
    run(
        "report", "package-round", "--town", "泗泾镇", "--round", "第一轮大礼包",
        "--format", "xlsx", "--output", str(target),
    )  # fmt: skip
    rows = [[c for c in r] for r in load_workbook(target).active.iter_rows(values_only=True)]
    figures = {r[0]: r[1] for r in rows[1:10]}
    assert figures["delivered"] in (1, "1") and figures["missing"] in (5, "5")
    assert ["丽水", "丽水苑", "1号楼", "101"] in [list(r) for r in rows]


def test_the_report_refuses_a_missing_or_unknown_round(world):
    with pytest.raises(CommandError, match="--round"):
        run("report", "package-round", "--town", "泗泾镇")
    with pytest.raises(CommandError, match="找不到发放轮次"):
        run("report", "package-round", "--town", "泗泾镇", "--round", "无")


# -- pages ---------------------------------------------------------------------------------------


def test_town_staff_create_a_round_on_its_page(world, client_for):
    s, x = world
    client = client_for("town")
    page = client.get(reverse("supplies:round_new"))
    assert page.status_code == 200 and "城建工地" in page.content.decode()
    answer = client.post(
        reverse("supplies:round_new"),
        {"name": "第二轮", "contents": "蔬菜包", "compounds": [s.xiangzhang.pk, x.site.pk]},
    )
    made = PackageRound.objects.get(name="第二轮")
    assert answer.status_code == 302 and answer["Location"] == made.get_absolute_url()
    assert made.deliveries.count() == 6


def test_committee_staff_may_not_choose_another_committees_compound(world, client_for):
    s, _x = world
    answer = client_for("kaiwu").post(
        reverse("supplies:round_new"), {"name": "越界", "compounds": [s.lishuiyuan.pk]}
    )
    assert answer.status_code == 400
    assert not PackageRound.objects.filter(name="越界").exists()


def test_a_volunteer_cannot_open_the_new_round_page_and_the_anonymous_must_sign_in(
    world, client_for
):
    assert client_for("alice").get(reverse("supplies:round_new")).status_code == 403
    from django.test import Client

    assert Client().get(reverse("supplies:rounds")).status_code == 302


def test_the_coverage_page_counts_per_building_in_the_viewers_scope(world, client_for):
    s, _x = world
    made = _marked_round(world)
    page = client_for("town").get(made.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-building="{s.lb1.pk}"' in html
    assert "1/8" in html  # delivered of households
    lishui = client_for("lishui").get(made.get_absolute_url()).content.decode()
    assert f'data-building="{s.lb1.pk}"' in lishui
    assert f'data-building="{s.b1.pk}"' not in lishui
    assert "0/2" in lishui  # 丽水's two households, none delivered


def test_the_coverage_page_reads_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    made = _marked_round(world)
    client = client_for("town")
    client.get(made.get_absolute_url())
    with django_assert_max_num_queries(16):
        assert client.get(made.get_absolute_url()).status_code == 200


def test_the_missing_page_lists_rooms_without_names(world, client_for):
    made = _marked_round(world)
    html = (
        client_for("kaiwu").get(reverse("supplies:round_missing", args=[made.pk])).content.decode()
    )
    assert "宿舍1号楼" in html and "丽水苑" not in html
    assert not any(name in html for name in NAMES)


def test_the_building_leader_marks_a_delivery_from_the_building_page(world, client_for):
    s, x = world
    made = round_of(s, x)
    client = client_for("alice")
    page = client.get(reverse("supplies:round_building", args=[made.pk, s.b1.pk]))
    assert page.status_code == 200 and "已签收" in page.content.decode()
    target = delivery(made, s.households["b1_102"])
    answer = client.post(
        reverse("supplies:delivery_mark", args=[target.pk]),
        {"status": "delivered", "signer": "李"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    target.refresh_from_db()
    assert target.status == D.DELIVERED and target.signer == "李"
    assert target.marked_by == s.users["alice"] and target.delivered_at is not None
    # The building's team is recorded as who delivered.
    assert target.team is not None and target.team.team_id == x.delivery_team.pk
    change = PackageDeliveryChange.objects.filter(delivery=target).last()
    assert (change.from_status, change.to_status, change.by) == (
        "pending",
        "delivered",
        s.users["alice"],
    )


def test_the_leader_cannot_reach_another_building_of_the_round(world, client_for):
    s, x = world
    made = round_of(s, x)
    other = delivery(made, s.households["lb1_101"])
    client = client_for("alice")
    assert (
        client.get(reverse("supplies:round_building", args=[made.pk, s.lb1.pk])).status_code == 404
    )
    answer = client.post(
        reverse("supplies:delivery_mark", args=[other.pk]), {"status": "delivered"}
    )
    assert answer.status_code == 404
    other.refresh_from_db()
    assert other.status == D.PENDING


def test_the_delivery_teams_volunteer_sees_and_marks_the_building_assigned_to_the_team(
    world, client_for
):
    s, x = world
    made = round_of(s, x)
    client = client_for("gina")
    assert (
        client.get(reverse("supplies:round_building", args=[made.pk, s.b1.pk])).status_code == 200
    )
    assert (
        client.get(reverse("supplies:round_building", args=[made.pk, s.b2.pk])).status_code == 404
    )
    target = delivery(made, s.households["b1_101"])
    answer = client.post(reverse("supplies:delivery_mark", args=[target.pk]), {"status": "absent"})
    assert answer.status_code == 302
    target.refresh_from_db()
    assert target.status == D.ABSENT


def test_marking_twice_is_a_conflict_and_a_leader_may_not_resolve_an_exception(world, client_for):
    s, x = world
    made = round_of(s, x)
    target = delivery(made, s.households["b1_101"])
    client = client_for("alice")
    url = reverse("supplies:delivery_mark", args=[target.pk])
    assert client.post(url, {"status": "vacant"}).status_code == 302
    assert client.post(url, {"status": "absent"}).status_code == 409
    assert client.post(url, {"status": "resolved"}).status_code == 403
    assert client.post(url, {"status": "bogus"}).status_code == 400
    assert (
        client_for("kaiwu").post(url, {"status": "resolved", "note": "确认空置"}).status_code == 302
    )
    target.refresh_from_db()
    assert target.status == D.RESOLVED


def test_nothing_is_marked_before_the_round_starts_delivering(world, client_for):
    s, x = world
    made = round_of(s, x, delivering=False)
    target = delivery(made, s.households["b1_101"])
    answer = client_for("kaiwu").post(
        reverse("supplies:delivery_mark", args=[target.pk]), {"status": "delivered", "signer": "张"}
    )
    assert answer.status_code == 400
    assert "不在配送中" in answer.content.decode()


def test_a_room_not_on_the_roster_is_recorded_and_resolved_by_the_committee(world, client_for):
    s, x = world
    made = round_of(s, x)
    answer = client_for("gina").post(
        reverse("supplies:round_building_room", args=[made.pk, s.b1.pk]),
        {"room": "103", "note": "租户"},
    )
    assert answer.status_code == 302
    found = made.deliveries.get(building=s.b1, room="103")
    assert found.status == D.NOT_ON_ROSTER and found.household is None
    again = client_for("gina").post(
        reverse("supplies:round_building_room", args=[made.pk, s.b1.pk]), {"room": "103"}
    )
    assert again.status_code == 400
    page = client_for("kaiwu").get(reverse("supplies:round_exceptions", args=[made.pk]))
    assert "103" in page.content.decode()
    done = client_for("kaiwu").post(
        reverse("supplies:delivery_mark", args=[found.pk]),
        {"status": "delivered", "signer": "租户"},
    )
    assert done.status_code == 302
    found.refresh_from_db()
    assert found.status == D.DELIVERED
    figures = json.loads(
        run("report", "package-round", "--town", "泗泾镇", "--round", made.name, "--format", "json")
    )
    assert figures["households"] == 8 and figures["not_on_roster"] == 1


def test_staff_add_teams_assign_them_and_pack_a_building(world, client_for):
    s, x = world
    made = round_of(s, x, delivering=False)
    client = client_for("town")
    crew = client.post(
        reverse("supplies:round_team_add", args=[made.pk]),
        {"kind": "worksite_crew", "worksite": x.site.pk, "headcount": "12"},
    )
    assert crew.status_code == 302
    lent = RoundTeam.objects.get(round=made, kind="worksite_crew")
    assert lent.name == "城建工地支援队" and lent.headcount == 12
    elderly = client.post(
        reverse("supplies:round_team_add", args=[made.pk]),
        {
            "kind": "transport",
            "team": x.transport_team.pk,
            "name": "老年物资运输队",
            "headcount": "8",
        },
    )
    assert elderly.status_code == 302
    transport = RoundTeam.objects.get(round=made, name="老年物资运输队")
    assert transport.to_door
    not_a_site = client.post(
        reverse("supplies:round_team_add", args=[made.pk]),
        {"kind": "worksite_crew", "worksite": s.xiangzhang.pk, "headcount": "3"},
    )
    assert not_a_site.status_code == 400
    pack = reverse("supplies:round_building_pack", args=[made.pk, s.b2.pk])
    assert client_for("kaiwu").post(pack, {"team": str(transport.pk)}).status_code == 302
    assert client_for("kaiwu").post(pack).status_code == 302
    rb = RoundBuilding.objects.get(round=made, building=s.b2)
    assert rb.team == transport and rb.packed_at is not None
    assert client_for("alice").post(pack).status_code == 404  # not her building
    own = reverse("supplies:round_building_pack", args=[made.pk, s.b1.pk])
    assert client_for("alice").post(own).status_code == 403  # her building: staff pack it
    page = client.get(made.get_absolute_url()).content.decode()
    assert "老年物资运输队" in page and "城建工地支援队" in page


def test_a_committee_clerk_cannot_run_the_towns_round(world, client_for):
    s, x = world
    made = round_of(s, x, delivering=False)
    url = reverse("supplies:round_transition", args=[made.pk])
    assert client_for("kaiwu").post(url, {"to": "delivering"}).status_code == 403
    assert client_for("town").post(url, {"to": "closed"}).status_code == 409
    assert client_for("town").post(url, {"to": "delivering"}).status_code == 302
    made.refresh_from_db()
    assert made.status == PackageRound.Status.DELIVERING


def test_households_registered_after_the_round_began_are_added_once(world, client_for):
    s, x = world
    made = round_of(s, x)
    renter = Household.objects.create(town=s.town, building=s.b2, room="301")
    url = reverse("supplies:round_sync", args=[made.pk])
    assert client_for("town").post(url).status_code == 302
    assert client_for("town").post(url).status_code == 302
    assert made.deliveries.filter(household=renter).count() == 1
    assert RoundBuilding.objects.get(round=made, building=s.b2).packages == 3


def test_the_rounds_download_has_every_household_without_names(world, client_for):
    made = _marked_round(world)
    answer = client_for("town").get(reverse("supplies:round_export", args=[made.pk]))
    assert answer.status_code == 200
    from io import BytesIO

    book = load_workbook(BytesIO(b"".join(answer.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 8
    assert not any(name in str(rows) for name in NAMES)


# -- the workflows' tables -------------------------------------------------------------------


def test_every_move_of_a_households_package_and_who_may_make_it(world):
    s, x = world
    made = round_of(s, x)
    household = s.households["b1_101"]

    def in_status(status):
        def make():
            row = made.deliveries.get(household=household)
            PackageDelivery.objects.filter(pk=row.pk).update(status=status)
            row.refresh_from_db()
            return row

        return make

    actors = {k: s.users[k] for k in ("town", "kaiwu", "lishui", "alice", "gina", "bob", "dave")}
    markers = {"town", "kaiwu", "alice", "gina"}
    staff = {"town", "kaiwu"}
    check_workflow_table(
        DELIVERY_WORKFLOW,
        {status: in_status(status) for status in D.values},
        actors,
        {
            "delivered": markers,
            ("not_on_roster", "delivered"): staff,
            "absent": markers,
            "vacant": markers,
            "resolved": staff,
            "pending": staff,
        },
    )


def test_every_move_of_a_round_and_who_may_make_it(world):
    s, x = world
    made = round_of(s, x, delivering=False)

    def in_status(status):
        def make():
            PackageRound.objects.filter(pk=made.pk).update(status=status)
            return PackageRound.objects.get(pk=made.pk)

        return make

    actors = {k: s.users[k] for k in ("town", "kaiwu", "alice", "gina")}
    check_workflow_table(
        ROUND_WORKFLOW,
        {status: in_status(status) for status in PackageRound.Status.values},
        actors,
        {"delivering": {"town"}, "closed": {"town"}, "cancelled": {"town"}},
    )


# -- the API: the same report ----------------------------------------------------------------


def _api(user):
    from django.test import Client

    from linli.accounts.models import ApiToken

    return Client(headers={"authorization": f"Bearer {ApiToken.issue(user)}"})


def test_the_api_serves_the_same_report_through_the_callers_scope(world):
    s, _x = world
    made = _marked_round(world)
    url = reverse("api:report", args=["package-round"]) + f"?round={made.name}"
    town = _api(s.users["town"]).get(url)
    assert town.status_code == 200
    assert town.json()["households"] == 8 and town.json()["missing"] == 5
    lishui = _api(s.users["lishui"]).get(url).json()
    assert lishui["households"] == 2 and lishui["delivered"] == 0
    assert {m["committee"] for m in lishui["missing_list"]} == {"丽水"}
    assert _api(s.users["town"]).get(url.split("?")[0]).status_code == 422
    assert _api(s.users["charlie"]).get(url).status_code in (404, 422)


def test_a_committee_clerk_runs_a_round_of_their_own_committee(world, client_for):
    s, _x = world
    client = client_for("kaiwu")
    client.post(
        reverse("supplies:round_new"), {"name": "香樟苑蔬菜包", "compounds": [s.xiangzhang.pk]}
    )
    made = PackageRound.objects.get(name="香樟苑蔬菜包")
    url = reverse("supplies:round_transition", args=[made.pk])
    assert client_for("lishui").post(url, {"to": "delivering"}).status_code == 404
    assert client.post(url, {"to": "delivering"}).status_code == 302
    made.refresh_from_db()
    assert made.status == PackageRound.Status.DELIVERING
