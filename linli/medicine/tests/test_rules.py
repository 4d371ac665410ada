"""The runner's part of the rule book as the medicine team's own logins see it (the matrix in
linli/tests/test_rules_matrix.py walks the other roles)."""

from __future__ import annotations

import pytest

from linli.accounts.models import User
from linli.medicine.custody import Holder, card_hand_over, card_register
from linli.medicine.models import HolderKind
from linli.medicine.money import dispute_raise
from linli.testing.medicine import make_order, make_run

pytestmark = pytest.mark.django_db


def _may(s, who, rule, obj=None):
    return User.objects.get(pk=s.users[who].pk).has_perm(rule, obj)


def test_the_desk_and_the_runner_of_the_run_may_act_other_runners_not(med):
    order = make_order(med, "chen")  # 丽水: no committee link to the team's 新凯五村
    make_run(med, [order])
    card = card_register(user=med.users["desk"], resident=med.residents["chen"])
    dispute = dispute_raise(user=med.users["desk"], order=order, reason="金额不符")
    expected = {
        ("medicine.fetch_medicineorder", order): {"desk", "runner"},
        ("medicine.receive_medicineorder", order): {"desk", "runner"},
        ("medicine.deliver_medicineorder", order): {"desk"},
        ("medicine.add_insurancecard", order): {"desk", "runner"},
        ("medicine.hand_over_insurancecard", card): {"desk", "runner"},
        ("medicine.resolve_moneydispute", dispute): {"desk"},
        ("medicine.flag_lost_insurancecard", None): {"desk"},
        ("medicine.issue_float", None): {"desk"},
        ("medicine.view_money", None): {"desk", "runner", "runner2"},
        ("medicine.reconcile_day", None): {"desk"},
        ("medicine.view_gate", None): set(),
    }
    wrong = [
        (rule, who)
        for (rule, obj), allowed in expected.items()
        for who in ("desk", "runner", "runner2")
        if _may(med, who, rule, obj) != (who in allowed)
    ]
    assert not wrong


def test_a_runner_holding_a_card_may_hand_it_on_though_off_their_run(med):
    card = card_register(user=med.users["desk"], resident=med.residents["chen"])
    assert not _may(med, "runner2", "medicine.hand_over_insurancecard", card)
    card_hand_over(
        user=med.users["desk"],
        card=card,
        from_holder=Holder(HolderKind.PATIENT, card.household_id),
        to_holder=Holder(HolderKind.RUNNER, med.volunteers["runner2"].medicine_post.pk),
    )
    assert _may(med, "runner2", "medicine.hand_over_insurancecard", card)
