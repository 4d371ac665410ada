"""The rounds' and the basket's pages in English: no Chinese left but the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care.selfservice import self_service_link
from linli.core.tests.test_i18n import english, english_client_for, get_english, leftover_chinese
from linli.supplies.models import PackageDelivery
from linli.supplies.services_basket import basket_post_create
from linli.supplies.services_rounds import delivery_mark
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_rounds import build_rounds_scenario, delivery, round_of

pytestmark = pytest.mark.django_db


def _without(html: str, *data: str) -> list[str]:
    for value in sorted(data, key=len, reverse=True):
        html = html.replace(value, "")
    return leftover_chinese(html)


def test_the_round_pages_are_in_english(scenario):
    s = build_grid_scenario(scenario)
    x = build_rounds_scenario(s)
    made = round_of(s, x)
    target = delivery(made, s.households["b1_101"])
    delivery_mark(user=s.users["town"], delivery=target, status=PackageDelivery.Status.ABSENT)
    client = english_client_for(s, "town")
    data = (made.name, made.contents, "宿舍1号楼", "城建工地", str(x.delivery_team))
    for url in (
        reverse("supplies:rounds"),
        reverse("supplies:round_new"),
        made.get_absolute_url(),
        reverse("supplies:round_building", args=[made.pk, s.b1.pk]),
        reverse("supplies:round_exceptions", args=[made.pk]),
        reverse("supplies:round_missing", args=[made.pk]),
        reverse("supplies:basket_building", args=[s.b1.pk]),
    ):
        assert _without(get_english(client, url), *data) == [], url


def test_the_basket_pages_for_residents_are_in_english(scenario):
    s = build_grid_scenario(scenario)
    token = self_service_link(user=None, building=s.b1).token
    posted = basket_post_create(
        building=s.b1, room="101", item="青菜", quantity=2, unit="把", perishable=True,
        until=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    client = english(Client())
    data = ("青菜", "把")
    for url in (
        reverse("supplies:basket", args=[token]),
        reverse("supplies:basket_giver", args=[posted.token]),
    ):
        assert _without(get_english(client, url), *data) == [], url
