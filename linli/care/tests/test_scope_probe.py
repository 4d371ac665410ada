"""Every page and API path (linli.testing.probe), read by every role of the grid with every id
of the right kind in its path and the search box asked for people out of scope: no answer holds
a person outside the role's scope, an ID number the role may not see in full, or a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.care.tests.conftest import make_request
from linli.core.masking import mask_number
from linli.duty.tests.test_access_matrix import RESIDENTS, VOLUNTEERS
from linli.testing.probe import probe

STAFF = {"town", "kaiwu", "lishui"}


@pytest.mark.parametrize("role", sorted(RESIDENTS))
def test_no_path_shows_a_role_anybody_out_of_its_scope(grid, role):
    make_request(grid, "zhang")
    make_request(grid, "chen", by="lishui")
    hidden = [r for k, r in grid.residents.items() if k not in RESIDENTS[role]]
    hidden += [v for k, v in grid.volunteers.items() if k not in VOLUNTEERS[role] | {"frank"}]
    forbidden = [text for p in hidden for text in (p.name, p.phone, mask_number(p.phone))]
    if role not in STAFF:
        forbidden += [r.id_number for r in grid.residents.values()]
    # The search box, asked for someone out of scope by name, whole number, tail and part.
    queries = [q for r in hidden[:1] for q in (r.name, r.phone, r.phone[-4:], r.phone[-7:])]
    page, api = Client(), Client()
    if role != "anonymous":
        page.force_login(grid.users[role])
        api = Client(headers={"authorization": f"Bearer {ApiToken.issue(grid.users[role])}"})

    pages = probe(page, forbidden, api=False, queries=queries, label=role)
    answers = probe(api, forbidden, api=True, queries=queries, label=f"{role} api")

    print(f"scope probe, {role}: {pages.requests} pages, {answers.requests} API requests")
    assert pages.requests > 100 and answers.requests > 50
    assert pages.server_errors + answers.server_errors == []
    assert pages.leaks + answers.leaks == []
