"""Every page of the site (linli.testing.probe) read with worksites, transport requests and
permits in place: no answer shows a worker of a site outside the role's scope, an ID number a
volunteer may not see in full, or a 5xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from linli.core.masking import mask_number
from linli.testing.probe import probe
from linli.worksites import services
from linli.worksites.models import Permit

pytestmark = pytest.mark.django_db

# role → the workers of ws it may see
SEES = {
    "kaiwu": {"zhou", "wu", "zheng"},
    "lishui": {"sun"},
    "foreman": {"zhou", "wu", "zheng"},
}


def _rows(ws) -> None:
    now = timezone.now()
    for site, worker in ((ws.site, ws.workers["zhou"]), (ws.other_site, ws.workers["sun"])):
        services.transport_request_create(
            user=ws.users["town"],
            compound=site,
            kind="people",
            plate="沪A12345",
            route="A→B",
            headcount=2,
            window_from=now,
            window_to=now + dt.timedelta(hours=2),
        )
        services.permit_issue(
            user=ws.users["town"],
            compound=site,
            kind=Permit.Kind.PERSON,
            worker=worker,
            valid_from=now,
            valid_until=now + dt.timedelta(days=1),
        )


@pytest.mark.parametrize("role", sorted(SEES))
def test_no_page_shows_a_worker_of_a_site_out_of_scope(ws, role):
    _rows(ws)
    hidden = [w for k, w in ws.workers.items() if k not in SEES[role]]
    forbidden = [text for p in hidden for text in (p.name, p.phone, mask_number(p.phone))]
    forbidden += [p.id_number for p in hidden]
    if role == "foreman":  # a volunteer: no ID number in full, even of their own workers
        forbidden += [w.id_number for w in ws.workers.values()]
    client = Client()
    client.force_login(ws.users[role])
    report = probe(client, forbidden, api=False, label=role)
    assert report.requests > 100
    assert report.server_errors == []
    assert report.leaks == []
