"""The worksites pages in English: no Chinese left but the data (names of places, people)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.tests.test_i18n import english, english_client_for, get_english, leftover_chinese
from linli.worksites import services
from linli.worksites.models import Permit

pytestmark = pytest.mark.django_db


def test_the_worksites_pages_are_in_english(ws):
    now = timezone.now()
    transport = services.transport_request_create(
        user=ws.users["kaiwu"],
        compound=ws.site,
        kind="goods",
        plate="沪A12345",
        route="A→B",
        window_from=now,
        window_to=now + dt.timedelta(hours=2),
    )
    permit = services.permit_issue(
        user=ws.users["town"],
        compound=ws.site,
        kind=Permit.Kind.VEHICLE,
        plate="沪A12345",
        route="A→B",
        valid_from=now - dt.timedelta(hours=1),
        valid_until=now + dt.timedelta(days=1),
    )
    client = english_client_for(ws, "town")
    pages = [
        (reverse("worksites:list"), ["Workers"]),
        (reverse("worksites:board", args=[ws.site.pk]), ["Workers under observation", "Needs"]),
        (reverse("worksites:profile", args=[ws.site.pk]), ["Contractor"]),
        (reverse("worksites:transport_new", args=[ws.site.pk]), ["Escort"]),
        (reverse("worksites:crew_new", args=[ws.site.pk]), ["Hours"]),
        (reverse("worksites:permit_new", args=[ws.site.pk]), ["Valid from"]),
        (reverse("worksites:transport", args=[transport.pk]), ["Approval history"]),
        (reverse("worksites:permit", args=[permit.pk]), ["Revoke the permit"]),
    ]
    for url, words in pages:
        html = get_english(client, url).replace("沪A12345", "")
        assert not leftover_chinese(html), (url, leftover_chinese(html))
        for word in words:
            assert word in html, (url, word)
    checkpoint = english(Client())
    html = get_english(checkpoint, reverse("worksites:verify", args=[permit.token]))
    html = html.replace("沪A12345", "")
    assert not leftover_chinese(html) and "Permit check" in html
