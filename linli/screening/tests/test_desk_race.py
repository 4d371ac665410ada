"""A weak connection's repeated posts arriving at once (PostgreSQL: threads released together,
each on its own connection; SQLite: one after another, as linli/supplies/tests/
test_basket_race.py explains): the same tube barcode is one tube, the same person scanned into
it is one sample, counted once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.screening.models import CoverageCount, Sample, Tube
from linli.supplies.tests.test_basket_race import run_together
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.screening import build_screening_scenario

THREADS = 8


@pytest.fixture
def scr_tx(transactional_db):
    return build_screening_scenario(build_grid_scenario(build_scenario()))


def erin_clients(s, n):
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(s.users["erin"])
        clients.append(client)
    return clients


def test_the_same_tube_and_scan_sent_at_once_are_one_tube_and_one_sample(scr_tx):
    s = scr_tx
    clients = erin_clients(s, THREADS)
    open_url = reverse("screening:desk_tube", args=[s.point.pk])
    answers = run_together(
        THREADS, lambda i: clients[i].post(open_url, {"barcode": "RACE1", "capacity": 10})
    )
    assert [getattr(a, "status_code", a) for a in answers] == [302] * THREADS
    tube = Tube.objects.get(barcode="RACE1")
    assert Tube.objects.count() == 1
    scan_url = reverse("screening:desk_scan", args=[s.point.pk])
    wang = s.residents["wang"]
    answers = run_together(
        THREADS, lambda i: clients[i].post(scan_url, {"tube": tube.pk, "q": wang.id_number})
    )
    assert [getattr(a, "status_code", a) for a in answers] == [302] * THREADS
    tube.refresh_from_db()
    assert Sample.objects.filter(round=s.round).count() == 1 and tube.filled == 1
    assert CoverageCount.objects.get(round=s.round, building=s.b2).sampled == 1
