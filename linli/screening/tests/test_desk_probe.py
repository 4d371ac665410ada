"""The scope probe (linli.testing.probe) over a round with samples, exemptions and a
door-to-door list: no page shows a role a person outside its scope in full (a volunteer at a
desk sees the round's people only as masked names, never an ID or phone number), and no page
answers a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.core.masking import mask_number
from linli.duty.tests.test_access_matrix import RESIDENTS
from linli.places.models import CareTag
from linli.screening import desk, services
from linli.testing.probe import probe
from linli.testing.screening import open_tube, sample

STAFF = {"town", "kaiwu", "lishui"}


@pytest.mark.parametrize("role", ["erin", "alice", "kaiwu", "lishui", "charlie", "anonymous"])
def test_no_screening_page_shows_a_role_anybody_out_of_its_scope(scr, role):
    tube = open_tube(scr, "T0001")
    for key in ("wang", "chen", "zhao"):
        sample(scr, key, tube)
    desk.tube_seal(user=scr.users["town"], tube=tube)
    box, _ = desk.box_open(user=scr.users["town"], point=scr.point, code="BOX-1")
    desk.box_add(user=scr.users["town"], box=box, barcode="T0001")
    services.exemption_add(
        user=scr.users["town"], round_=scr.round, resident=scr.residents["liu"], reason="住院"
    )
    scr.residents["li"].care_tags.add(CareTag.objects.get(town=None, code="disabled"))
    hidden = [r for k, r in scr.residents.items() if k not in RESIDENTS[role]]
    forbidden = [text for p in hidden for text in (p.name, p.phone, mask_number(p.phone))]
    if role not in STAFF:
        forbidden += [r.id_number for r in scr.residents.values()]
    client = Client()
    if role != "anonymous":
        client.force_login(scr.users[role])
    report = probe(client, forbidden, api=False, label=role)
    assert report.requests > 100
    assert report.server_errors == []
    assert report.leaks == []
