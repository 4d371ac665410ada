"""The building's self-service poster is the residents' one door: the other apps' pages behind
it (a medicine request, group buys, the shared basket) are buttons on its page, each carrying
the poster's token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.care.selfservice import self_service_link

pytestmark = pytest.mark.django_db


def test_the_poster_page_leads_to_every_registered_door_with_its_token(scenario):
    token = self_service_link(user=None, building=scenario.b1).token
    page = Client().get(reverse("care:ask", args=[token])).content.decode()
    wanted = [
        reverse("medicine:ask", args=[token]),
        reverse("supplies:group_buy_door", args=[token]),
        reverse("supplies:basket", args=[token]),
    ]
    positions = [page.find(f'href="{url}"') for url in wanted]
    assert -1 not in positions and positions == sorted(positions)
    for url in wanted:
        assert Client().get(url).status_code == 200
