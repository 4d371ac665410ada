"""Every `next` a request supplies leads only to this site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.testing.scenario import PASSWORD, build_grid_scenario

pytestmark = pytest.mark.django_db

ELSEWHERE = ["https://evil.example/", "//evil.example/x", "https:/\\evil.example", "javascript:x"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_login_goes_home_instead_of_elsewhere(client, scenario, target):
    answer = client.post(
        reverse("login") + f"?next={target}", {"username": "kaiwu", "password": PASSWORD}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("home")


def test_login_follows_a_next_on_this_site(client, scenario):
    answer = client.post(
        reverse("login"), {"username": "kaiwu", "password": PASSWORD, "next": "/care/"}
    )
    assert answer["Location"] == "/care/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_stays_on_this_site(client, target):
    answer = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert answer.status_code == 302 and "evil" not in answer["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_volunteers_status_change_stays_on_this_site(scenario, client_for, target):
    grid = build_grid_scenario(scenario)
    volunteer = grid.volunteers["alice"]
    answer = client_for("kaiwu").post(
        reverse("duty:volunteer_status", args=[volunteer.pk]),
        {"status": "active", "next": target},
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("duty:volunteer", args=[volunteer.pk])


def test_a_volunteers_status_change_follows_a_next_on_this_site(scenario, client_for):
    grid = build_grid_scenario(scenario)
    back = reverse("duty:committee", args=[grid.kaiwu.pk])
    answer = client_for("kaiwu").post(
        reverse("duty:volunteer_status", args=[grid.volunteers["alice"].pk]),
        {"status": "active", "next": back},
    )
    assert answer["Location"] == back
