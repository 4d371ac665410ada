"""What the apps register from their AppConfig.ready(): the top bar, pages and API routers, the
roles of `linli user add`. Nothing below an app lists it, and users see what they saw before."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from linli.testing.scenario import build_grid_scenario

TOP_BAR = {
    "town": [
        "home",
        "dashboards:daily",
        "places:committees",
        "places:residents",
        "places:import",
        "core:audit_log",
        "places:transfers",
        "duty:index",
        "duty:coverage",
        "care:index",
        "care:visits",
        "medicine:desk",
        "medicine:print",  # 配药单据: the desk's prints, committees' hand-over lists
        "medicine:gate",
        "supplies:suppliers",
        "supplies:worksites",
        "supplies:group_buys",
        "supplies:rounds",
        "worksites:list",
        "screening:rounds",
        "notices:list",
    ],
    "kaiwu": [
        "home",
        "places:committees",
        "places:residents",
        "places:import",
        "duty:index",
        "duty:coverage",
        "care:index",
        "care:visits",
        "medicine:print",
        "medicine:gate",
        "supplies:suppliers",
        "supplies:worksites",
        "supplies:group_buys",
        "supplies:rounds",
        "worksites:list",
        "screening:rounds",
        "notices:list",
    ],
    # A volunteer's bar: their work only, one row on a phone (no 首页, 居民 or 诉求).
    "alice": ["duty:mine", "duty:claim", "care:tasks", "care:visits"],
    "charlie": ["home", "places:residents", "care:index", "care:visits"],
}


@pytest.fixture
def grid(scenario):
    return build_grid_scenario(scenario)


@pytest.mark.parametrize("username", sorted(TOP_BAR))
def test_the_top_bar_lists_each_roles_pages_from_every_app_in_order(grid, client_for, username):
    html = client_for(username).get(reverse("care:visits")).content.decode()
    nav = html[html.index('<nav class="nav">') : html.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', nav) == [reverse(name) for name in TOP_BAR[username]]


def test_every_apps_pages_and_api_are_served_under_their_prefixes(scenario, client_for):
    client = client_for("town")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/auth/tokens", "/committees/", "/duties/", "/visits/"]:
        assert f"/api/v1{path}" in paths
    for page in ["/", "/accounts/tokens/", "/places/committees/", "/duty/", "/care/", "/audit/"]:
        assert client.get(page).status_code == 200, page
