"""Long pages a volunteer scrolls on a phone are paged and searchable (issue 9, part 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.places.models import Building, Compound
from linli.testing.scenario import build_grid_scenario


@pytest.fixture
def many_buildings(scenario):
    """Thirty more buildings nobody leads in 香樟苑 (2号楼 has none yet), and 樱花苑 7号楼."""
    grid = build_grid_scenario(scenario)
    Building.objects.bulk_create(
        Building(town=scenario.town, compound=scenario.xiangzhang, name=f"{n}号楼")
        for n in range(3, 33)
    )
    sakura = Compound.objects.create(town=scenario.town, committee=scenario.kaiwu, name="樱花苑")
    Building.objects.create(town=scenario.town, compound=sakura, name="7号楼")
    return grid


def claimable(html: str) -> int:
    return html.count('name="building"')


@pytest.mark.django_db
def test_claim_page_lists_open_buildings_in_pages_in_natural_order(many_buildings, client_for):
    client = client_for("erin")
    first = client.get(reverse("duty:claim")).content.decode()
    assert claimable(first) == 20
    assert "1/2" in first and "bpage=2" in first
    assert first.index("香樟苑 3号楼") < first.index("香樟苑 10号楼")
    second = client.get(reverse("duty:claim"), {"bpage": 2}).content.decode()
    assert claimable(second) == 32 - 20  # 2号楼 has no leader either
    assert "香樟苑 32号楼" in second and "香樟苑 3号楼<" not in second


@pytest.mark.django_db
def test_claim_page_finds_a_building_by_compound_or_name(many_buildings, client_for):
    client = client_for("erin")
    by_compound = client.get(reverse("duty:claim"), {"q": "樱花"}).content.decode()
    assert claimable(by_compound) == 1 and "樱花苑 7号楼" in by_compound
    by_name = client.get(reverse("duty:claim"), {"q": "32号"}).content.decode()
    assert claimable(by_name) == 1 and "香樟苑 32号楼" in by_name
    nothing = client.get(reverse("duty:claim"), {"q": "无此楼"}).content.decode()
    assert claimable(nothing) == 0 and "没有符合条件的楼栋" in nothing


@pytest.mark.django_db
def test_coverage_figures_read_as_a_percentage_with_a_bar_and_the_count(scenario, client_for):
    build_grid_scenario(scenario)
    page = client_for("kaiwu").get(reverse("duty:coverage")).content.decode()
    # 香樟苑 1号楼 has a leader (alice), 2号楼 none: one building of two.
    label = page.index("楼栋有楼组长")
    figure = page[page.rindex('<span class="ratio">', 0, label) : label]
    assert '<span class="pct">50%</span>' in figure
    assert '<meter min="0" max="2" value="1">' in figure
    assert '<span class="of">1/2</span>' in figure
