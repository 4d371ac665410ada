"""Dashboards per level on the day of linli/testing/daily.py, counted by hand: the town's and a
committee's staff on the home page, a building leader and a second secretary on 我的楼栋 (and
its card on 我的任务)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def figures(response) -> dict[str, dict[str, object]]:
    """part → figure key → the tile's value, as the page was given them."""
    return {s.part.key: {t.key: t.value for t in s.tiles} for s in response.context["sections"]}


def test_town_staff_see_every_part_of_the_whole_town(day, client_for):
    response = client_for("town").get(reverse("home"))
    found = figures(response)
    assert list(found) == ["grid", "care", "medicine", "supplies", "screening", "worksites"]
    care = found["care"]
    assert (care["open"], care["overdue"], care["opened"], care["closed"]) == (2, 1, 2, 2)
    assert (care["special_residents"], care["visits_due"], care["visits_done"]) == (4, 3, 1)
    grid = found["grid"]
    assert (grid["buildings"], grid["buildings_with_leader"], grid["second_secretaries"]) == (
        3,
        1,
        1,
    )
    assert grid["buildings_without_leader"] == 2  # a list of names, shown as how many
    assert (found["medicine"]["requests"], found["medicine"]["delivered"]) == (2, 1)
    supplies = found["supplies"]
    assert (supplies["rounds_households"], supplies["rounds_missing"]) == (6, 3)
    page = response.content.decode()
    # Each figure is a link to the list behind it.
    for key, url in [
        ("open", reverse("care:index")),
        ("visits_due", reverse("care:coverage")),
        ("buildings", reverse("duty:coverage")),
        ("group_buys_open", reverse("supplies:group_buys")),
        ("requests", reverse("medicine:desk")),
        ("hospitals", reverse("medicine:hospitals")),
    ]:
        assert re.search(rf'<a class="figure dash-tile" href="{url}" data-figure="{key}"', page)
    assert reverse("dashboards:daily") in page


def test_committee_staff_see_their_committees_figures(day, client_for):
    found = figures(client_for("kaiwu").get(reverse("home")))
    care = found["care"]
    # 新凯五村: hr_open and hr_late open (one overdue), hr_open and hr_gone opened, hr_gone
    # closed; 张三丰, 李秀英, 赵丽华 special, two of them due, 张三丰 seen; 陈国强's pairing is
    # 丽水's.
    assert (care["open"], care["overdue"], care["opened"], care["closed"]) == (2, 1, 2, 1)
    assert (care["special_residents"], care["visits_due"], care["visits_done"]) == (3, 2, 1)
    assert care["pairings"] == 0
    assert (found["grid"]["committees"], found["grid"]["buildings"]) == (1, 2)
    supplies = found["supplies"]
    # 香樟苑's 4 households: 2 delivered, 1 absent, 1 pending.
    assert (supplies["rounds_households"], supplies["rounds_delivered"]) == (4, 2)
    assert supplies["rounds_missing"] == 1
    lishui = figures(client_for("lishui").get(reverse("home")))["care"]
    assert (lishui["open"], lishui["closed"], lishui["special_residents"]) == (0, 1, 1)
    assert lishui["pairings"] == 1


def test_the_committee_chart_counts_open_and_overdue_requests(day, client_for):
    chart = client_for("town").get(reverse("home")).context["chart"]
    by_committee = dict(
        zip(
            chart["queue_committees"],
            zip(chart["queue_open"], chart["queue_overdue"], strict=True),
            strict=True,
        )
    )
    assert by_committee == {"丽水": (0, 0), "新凯五村": (2, 1)}


def test_a_building_leader_sees_their_building(day, client_for):
    response = client_for("alice").get(reverse("my_buildings"))
    found = figures(response)
    assert list(found) == ["grid", "care", "supplies"]  # no medicine desk figures
    care = found["care"]
    # 香樟苑 1号楼: hr_open and hr_late (overdue); 张三丰 and 李秀英, both due, 张三丰 seen.
    assert (care["open"], care["overdue"], care["opened"], care["closed"]) == (2, 1, 1, 0)
    assert (care["special_residents"], care["visits_due"], care["visits_done"]) == (2, 2, 1)
    supplies = found["supplies"]
    assert (supplies["rounds_households"], supplies["rounds_delivered"]) == (2, 2)
    assert supplies["rounds_missing"] == 0
    # Levels above their buildings are not counted for them.
    assert "committees" not in found["grid"] and "second_secretaries" not in found["grid"]
    assert "worksite_orders" not in supplies
    assert found["grid"]["buildings"] == 1
    page = response.content.decode()
    assert f'href="{reverse("care:buildings")}" data-figure="open"' in page
    assert reverse("duty:coverage") not in page  # staff's pages are not linked


def test_a_second_secretary_sees_their_compound(day, client_for):
    found = figures(client_for("bob").get(reverse("my_buildings")))
    care = found["care"]
    assert (care["open"], care["special_residents"], care["visits_due"]) == (2, 3, 2)
    assert (found["supplies"]["rounds_households"], found["supplies"]["rounds_missing"]) == (4, 1)
    # A compound's second secretary: themself counted, the committees not.
    assert found["grid"]["second_secretaries"] == 1 and "committees" not in found["grid"]


@pytest.mark.parametrize(
    ("username", "status"), [("dave", 404), ("erin", 404), ("charlie", 404), ("kaiwu", 403)]
)
def test_my_buildings_is_for_who_answers_for_buildings(day, client_for, username, status):
    assert client_for(username).get(reverse("my_buildings")).status_code == status


def test_my_buildings_waits_on_my_tasks(day, client_for):
    page = client_for("alice").get(reverse("care:tasks")).content.decode()
    # Open requests 2 + special-care residents due 2 + packages unreported 0; 1 overdue.
    assert f'href="{reverse("my_buildings")}"' in page
    card = page[page.index(f'href="{reverse("my_buildings")}"') :][:400]
    assert "我的楼栋：4 条待处理" in card and "1 件超时" in card
    bob = client_for("bob").get(reverse("care:tasks")).content.decode()
    assert "我的楼栋：5 条待处理" in bob  # 2 + 2 + 1 package unreported
    dave = client_for("dave").get(reverse("care:tasks")).content.decode()
    assert f'href="{reverse("my_buildings")}"' not in dave
