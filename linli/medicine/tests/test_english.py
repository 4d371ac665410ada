"""The runner's, the desk's and the gate's pages read in English with no Chinese left but the
data (names of people, places, hospitals and drugs)."""

from __future__ import annotations

import pytest

from linli.core.tests.test_i18n import english_client_for, get_english, leftover_chinese
from linli.medicine.custody import card_register
from linli.medicine.models import Department, Hospital, MedicineLine
from linli.medicine.money import float_issue, payment_record
from linli.testing.medicine import make_order, make_run

pytestmark = pytest.mark.django_db


def _left(html: str) -> list[str]:
    for value in [
        *Hospital.objects.values_list("name", flat=True),
        *Hospital.objects.values_list("address", flat=True),
        *Department.objects.values_list("name", flat=True),
        *MedicineLine.objects.values_list("generic_name", flat=True),
        *MedicineLine.objects.values_list("strength", flat=True),
        *MedicineLine.objects.values_list("maker", flat=True),
    ]:
        html = html.replace(value, "")
    return leftover_chinese(html)


def test_the_runners_part_reads_in_english(med):
    order = make_order(
        med,
        "zhang",
        form_number="E-1",
        lines=[{"generic_name": "胰岛素", "strength": "300单位", "boxes": 2, "cold_chain": True}],
    )
    make_run(med, [order])
    card = card_register(user=med.users["desk"], resident=med.residents["zhang"], last4="1234")
    float_issue(user=med.users["desk"], runner=med.volunteers["runner"].medicine_post, amount_fen=1)
    payment_record(user=med.users["runner"], order=order, amount_fen=500, out_of_pocket=True)
    for who, url, words in [
        ("runner", "/medicine/runner/", ["Today's run", "Register", "Out of stock", "Cold chain"]),
        ("runner", f"/medicine/cards/{card.pk}/", ["Insurance card", "Record hand-over"]),
        ("runner", "/medicine/money/", ["Advances", "Runners' float balances"]),
        ("desk", "/medicine/money/", ["Issue a float", "Advances to repay"]),
        ("desk", "/medicine/reconcile/", ["Evening check", "Insurance cards not back"]),
        ("kaiwu", "/medicine/gate/", ["Bag hand-over", "Bags to receive"]),
    ]:
        html = get_english(english_client_for(med, who), url)
        missing = [w for w in words if w not in html]
        assert not missing, f"{url} lacks {missing}"
        assert not _left(html), f"{who} {url}: {_left(html)}"
