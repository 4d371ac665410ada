"""Phone search finds a resident by the tail everyone sees (4 digits) or by the whole number
(11), nothing in between: growing tails would spell out a masked number without the audited
reveal. A whole number typed by a login that sees numbers masked is audited as a reveal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts.models import ApiToken
from linli.core.models import AuditEntry
from linli.testing.scenario import build_grid_scenario

pytestmark = pytest.mark.django_db
PHONE = "13812345678"  # 张三丰, 新凯五村 香樟苑 1号楼 101


def names(client, q):
    response = client.get(reverse("places:residents"), {"q": q})
    assert response.status_code == 200
    return [r.name for r in response.context["table"].data]


def api_names(scenario, username, q):
    token = ApiToken.issue(scenario.users[username])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/residents/", {"q": q})
    assert response.status_code == 200
    return [r["name"] for r in response.json()["items"]]


def reveals():
    return AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL)


@pytest.mark.parametrize("username", ["kaiwu", "town", "bob"])
def test_tails_of_five_to_ten_digits_match_no_phone(scenario, client_for, username):
    build_grid_scenario(scenario)  # bob: second secretary of 香樟苑, numbers revealable
    client = client_for(username)
    for length in range(5, 11):
        assert "张三丰" not in names(client, PHONE[-length:]), length
        assert "张三丰" not in api_names(scenario, username, PHONE[-length:]), length


@pytest.mark.parametrize("username", ["kaiwu", "town", "bob"])
def test_the_last_four_digits_or_the_whole_number_match(scenario, client_for, username):
    build_grid_scenario(scenario)
    client = client_for(username)
    assert names(client, PHONE[-4:]) == ["张三丰"]
    assert not reveals().exists()
    assert names(client, PHONE) == ["张三丰"]
    assert api_names(scenario, username, PHONE) == ["张三丰"]


def test_a_whole_number_search_is_audited_like_a_reveal(scenario, client_for):
    names(client_for("kaiwu"), PHONE)
    entry = reveals().get()
    assert entry.user == scenario.users["kaiwu"] and entry.summary == "phone search"
    assert entry.detail["residents"] == [scenario.residents["zhang"].pk]
    assert PHONE not in str(entry.detail) and entry.detail["search"] == "138****5678"
    # A number nobody has is a probe all the same.
    names(client_for("kaiwu"), "13999999999")
    assert reveals().count() == 2 and reveals().first().detail["residents"] == []


def test_a_login_that_sees_numbers_in_full_is_not_audited_for_searching_them(scenario, client_for):
    build_grid_scenario(scenario)  # alice leads 1号楼: she calls its residents
    assert names(client_for("alice"), PHONE) == ["张三丰"]
    assert not reveals().exists()
