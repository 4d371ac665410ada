"""Every page and API path read with medicine requests in two committees: a building leader,
committee staff and a runner without a run see no patient outside their reach, no confidential
drug name, and no path answers a 5xx (linli.testing.probe)."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.core.masking import mask_number
from linli.testing.medicine import make_order
from linli.testing.probe import probe

SEES = {
    "alice": {"zhang", "li"},  # building leader of 香樟苑 1号楼
    "lishui": {"chen", "liu"},
    "runner": set(),  # a runner with no run today
}
SECRET = "奥氮平"


@pytest.mark.parametrize("role", sorted(SEES))
def test_no_medicine_path_shows_a_patient_or_a_secret_drug_out_of_reach(med, role):
    for key in ("zhang", "li", "chen", "liu"):
        make_order(med, key, lines=[{"generic_name": SECRET, "confidential": True}])
    hidden = [r for k, r in med.residents.items() if k not in SEES[role]]
    forbidden = [t for p in hidden for t in (p.name, p.phone, mask_number(p.phone))]
    forbidden += [SECRET] + [r.id_number for r in med.residents.values()]
    page = Client()
    page.force_login(med.users[role])
    api = Client(headers={"authorization": f"Bearer {ApiToken.issue(med.users[role])}"})
    pages = probe(page, forbidden, api=False, label=role)
    answers = probe(api, forbidden, api=True, label=f"{role} api")
    assert pages.server_errors + answers.server_errors == []
    assert pages.leaks + answers.leaks == []
