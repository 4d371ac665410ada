"""Coverage: the figures and gaps from the data, the same from the command, API and page."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from linli.accounts.models import ApiToken
from linli.duty.coverage import duty_coverage_report

pytestmark = pytest.mark.django_db

KEYS = [
    "town",
    "committees",
    "committees_with_second_secretary",
    "second_secretaries",
    "volunteers_by_source",
    "buildings",
    "buildings_with_leader",
    "building_leaders",
    "special_residents",
    "special_residents_paired",
    "pairing_volunteers",
    "committees_without_second_secretary",
    "buildings_without_leader",
    "special_residents_unpaired",
    "volunteers_without_duty",
]


def test_figures_of_the_whole_town(grid):
    report = duty_coverage_report(town=grid.town)
    assert list(report) == KEYS
    assert report["committees"] == 2 and report["committees_with_second_secretary"] == 1
    assert report["second_secretaries"] == 1
    assert report["volunteers_by_source"] == {
        "reported_party_member": 2,
        "dispatched_cadre": 1,
        "resident_volunteer": 1,
        "staff": 0,
    }
    assert (report["buildings"], report["buildings_with_leader"], report["building_leaders"]) == (
        3,
        1,
        1,
    )
    # 张三丰, 李秀英, 赵丽华, 陈国强 have care tags; 陈国强 is paired with dave.
    assert (report["special_residents"], report["special_residents_paired"]) == (4, 1)
    assert report["pairing_volunteers"] == 1
    assert report["committees_without_second_secretary"] == ["丽水"]
    assert report["buildings_without_leader"] == ["丽水 丽水苑 1号楼", "新凯五村 香樟苑 2号楼"]
    assert [r.split("（")[0] for r in report["special_residents_unpaired"]] == [
        "张三丰",
        "李秀英",
        "赵丽华",
    ]
    assert report["volunteers_without_duty"] == []


def test_volunteers_without_duty_are_listed_with_masked_phones(grid):
    from linli.duty import services

    services.volunteer_create(
        user=None, committee=grid.kaiwu, name="闲置", phone="13700001111", source="staff"
    )
    assert duty_coverage_report(town=grid.town)["volunteers_without_duty"] == [
        "闲置 137****1111（新凯五村）"
    ]


def test_committee_staff_get_the_figures_of_their_committee(grid):
    report = duty_coverage_report(town=grid.town, user=grid.users["lishui"])
    assert report["committees"] == 1 and report["buildings"] == 1
    assert report["special_residents"] == 1 and report["special_residents_paired"] == 1
    assert report["volunteers_by_source"]["reported_party_member"] == 1


def test_the_command_prints_json_text_and_writes_xlsx(grid, capsys, tmp_path):
    call_command("report", "duty-coverage", town="泗泾镇", format="json")
    printed = json.loads(capsys.readouterr().out)
    assert printed == duty_coverage_report(town=grid.town)
    call_command("report", "duty-coverage", town="泗泾镇", format="text")
    assert "buildings_with_leader: 1" in capsys.readouterr().out
    target = tmp_path / "coverage.xlsx"
    call_command("report", "duty-coverage", town="泗泾镇", format="xlsx", output=str(target))
    rows = [tuple(r) for r in load_workbook(target).active.iter_rows(values_only=True)]
    assert ("buildings_with_leader", "1") in rows
    assert ("buildings_without_leader", "丽水 丽水苑 1号楼") in rows


def test_the_api_serves_the_report_to_town_staff(grid):
    from django.test import Client

    key = ApiToken.issue(grid.users["town"])
    response = Client().get(
        "/api/v1/reports/duty-coverage/?town=泗泾镇", headers={"authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert (
        response.json()["buildings_without_leader"]
        == duty_coverage_report(town=grid.town)["buildings_without_leader"]
    )


def test_the_api_refuses_the_anonymous(grid, client):
    assert client.get("/api/v1/reports/duty-coverage/?town=泗泾镇").status_code == 401


def test_the_page_shows_each_gap_with_its_action(grid, client_for):
    from linli.duty import services
    from linli.duty.claims import claim_create

    helper = services.volunteer_create(
        user=None, committee=grid.kaiwu, name="认领人", phone="13700002222", source="staff"
    )
    claim_create(user=None, volunteer=helper, place=grid.b2)
    body = client_for("town").get(reverse("duty:coverage")).content.decode()
    assert reverse("duty:assign", args=[grid.lishui.pk]) + "?kind=second_secretary" in body
    assert f"?building={grid.lb1.pk}&amp;kind=building_leader" in body
    assert reverse("duty:committee", args=[grid.kaiwu.pk]) + "#claims" in body  # approve a claim
    assert reverse("duty:suggestions", args=[grid.kaiwu.pk]) in body  # accept a suggestion


def test_the_page_refuses_a_login_with_no_scope(grid, client_for, client):
    assert client_for("charlie").get(reverse("duty:coverage")).status_code == 403
    assert client.get(reverse("duty:coverage")).status_code == 302


def test_the_page_runs_a_bounded_number_of_queries(grid, client_for, django_assert_max_num_queries):
    client = client_for("town")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("duty:coverage")).status_code == 200
