"""Every page path read with every id of the runner's part (requests, lines, cards, disputes)
by roles outside a patient's scope: no answer names the patient, none is a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.medicine.custody import card_register
from linli.medicine.money import dispute_raise, float_issue, payment_record
from linli.testing.medicine import make_order, make_run
from linli.testing.probe import probe

# Who must not see whom: zhang lives in 新凯五村 1号楼, chen in 丽水; runner carries zhang only.
HIDDEN = {"runner": ["chen"], "runner2": ["zhang", "chen"], "lishui": ["zhang"], "alice": ["chen"]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(HIDDEN))
def test_no_page_of_the_runners_part_shows_a_patient_out_of_scope(med, role):
    zhang, chen = make_order(med, "zhang"), make_order(med, "chen")
    make_run(med, [zhang])
    make_run(med, [chen], runner="desk")  # a run not of runner nor runner2
    for key, order in (("zhang", zhang), ("chen", chen)):
        card_register(user=med.users["desk"], resident=med.residents[key], last4="4321")
        dispute_raise(user=med.users["desk"], order=order, reason="金额")
    float_issue(user=med.users["desk"], runner=med.volunteers["runner"].medicine_post, amount_fen=9)
    payment_record(user=med.users["runner"], order=zhang, amount_fen=5)
    client = Client()
    client.force_login(med.users[role])
    forbidden = [med.residents[key].name for key in HIDDEN[role]]
    pages = probe(client, forbidden, api=False, label=role)
    assert pages.server_errors == []
    assert pages.leaks == []
