"""Buildings sort as people number them: 1号楼, 2号楼 … 19号楼, 20号楼, wherever listed."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.core.bulk import insert_rows
from linli.core.natural import natural_key
from linli.places.models import Building
from linli.testing.rosters import write_roster_xlsx

# Shuffled on purpose: an order by text would give 10号楼, 12号楼, 1号楼, 2号楼, 3号楼 …
NAMES = [
    "综合楼",
    "12号楼",
    "甲1号",
    "3号楼",
    "10号楼",
    "2号楼",
    "20号楼",
    "19号楼",
    "甲10号",
    "甲2号",
]
NATURAL = [
    "2号楼",
    "3号楼",
    "10号楼",
    "12号楼",
    "19号楼",
    "20号楼",
    "甲1号",
    "甲2号",
    "甲10号",
    "综合楼",
]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2号", "10号"),
        ("3号楼", "12号楼"),
        ("9号楼", "10号楼"),
        ("1号楼", "1号楼2单元"),
        ("2号楼", "10号楼"),
        ("10号楼", "甲1号"),  # a name starting with a number before one starting with a word
        ("甲2号", "甲10号"),  # numbers inside words sort naturally too
        ("1-2号", "1-10号"),
        ("20号楼", "综合楼"),  # names without a number come last
    ],
)
def test_natural_key_orders_names_as_people_number_them(before, after):
    assert natural_key(before) < natural_key(after)


def test_building_names_in_a_list_go_in_natural_order():
    assert sorted(NAMES, key=natural_key) == NATURAL


def _names_on(html: str, names: list[str]) -> list[str]:
    """The names of `names` in the order the page shows them (their first link each)."""
    pattern = "|".join(re.escape(f">{n}<") for n in sorted(names, key=len, reverse=True))
    seen: list[str] = []
    for match in re.finditer(pattern, html):
        name = match.group()[1:-1]
        if name not in seen:
            seen.append(name)
    return seen


@pytest.fixture
def imported(scenario, tmp_path):
    """Buildings named in shuffled order, imported by a clerk's roster (bulk inserts)."""
    rows = [["新凯五村", "樱花苑", name, 101, "住宅小区"] for name in NAMES]
    path = write_roster_xlsx(
        tmp_path / "places.xlsx", rows, headers=["村居委", "小区名称", "楼栋", "室号", "类型"]
    )
    call_command("import", "places", str(path), "--town", "泗泾镇", stdout=StringIO())
    return scenario


@pytest.mark.django_db
def test_imported_buildings_list_in_natural_order(imported, client_for):
    compound = Building.objects.get(name="甲1号").compound_id
    page = client_for("kaiwu").get(reverse("places:buildings"), {"compound": compound})
    assert _names_on(page.content.decode(), NAMES) == NATURAL


@pytest.mark.django_db
def test_a_compound_page_lists_its_buildings_in_natural_order(imported, client_for):
    building = Building.objects.get(name="甲1号")
    page = client_for("kaiwu").get(reverse("places:compound", args=[building.compound_id]))
    assert _names_on(page.content.decode(), NAMES) == NATURAL


@pytest.mark.django_db
def test_sorting_the_buildings_column_keeps_natural_order(imported, client_for):
    client = client_for("kaiwu")
    compound = Building.objects.get(name="甲1号").compound_id
    url = reverse("places:buildings")
    up = client.get(url, {"compound": compound, "sort": "name"}).content.decode()
    down = client.get(url, {"compound": compound, "sort": "-name"}).content.decode()
    assert _names_on(up, NAMES) == NATURAL
    assert _names_on(down, NAMES) == NATURAL[::-1]


@pytest.mark.django_db
def test_building_choices_of_a_filter_go_in_natural_order(imported, client_for):
    compound = Building.objects.get(name="甲1号").compound_id
    page = client_for("kaiwu").get(reverse("places:residents"), {"compound": compound})
    options = re.findall(
        r"<option value=\"\d+\"[^>]*>樱花苑 ([^<]+)</option>", page.content.decode()
    )
    assert options == NATURAL


@pytest.mark.django_db
def test_rows_inserted_in_bulk_get_their_sort_key(scenario):
    insert_rows(
        Building,
        ["town_id", "compound_id", "name"],
        [(scenario.town.pk, scenario.xiangzhang.pk, "11号楼")],
    )
    assert Building.objects.get(name="11号楼").sort_key == natural_key("11号楼")
    names = list(
        Building.objects.filter(compound=scenario.xiangzhang).values_list("name", flat=True)
    )
    assert names == ["1号楼", "2号楼", "11号楼"]
