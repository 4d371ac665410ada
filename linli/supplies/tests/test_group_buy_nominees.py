"""The committee's nominated organisers, set with its rules (`group_buy_rules_save(nominated=…)`,
as the demo does): a nominee may then organise where it does not live; a volunteer of another
committee is refused and nothing changes; saving the rules without `nominated` keeps them."""

from __future__ import annotations

import pytest

from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.supplies import services_group_buys as services
from linli.supplies.models import GroupBuyRules
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import RULES_TEXT, group_buy_world

pytestmark = pytest.mark.django_db


def _save(w, **extra):
    return services.group_buy_rules_save(
        user=w.s.users["kaiwu"],
        committee=w.s.kaiwu,
        text=RULES_TEXT,
        organisers=GroupBuyRules.Organisers.RESIDENT_OR_NOMINATED,
        max_markup_bp=1000,
        max_fee_fen=200,
        max_window_hours=48,
        min_orders=1,
        disinfection_required=True,
        suspended=False,
        **extra,
    )


def test_the_committee_nominates_its_own_volunteers_only(scenario):
    w = group_buy_world(build_grid_scenario(scenario))
    s = w.s
    erin = s.volunteers["erin"]  # 新凯五村's, living nowhere registered
    assert services.organiser_problems(erin, [s.xiangzhang]) != ""
    rules = _save(w, nominated=[erin])
    assert list(rules.nominated.all()) == [erin]
    assert services.organiser_problems(erin, [s.xiangzhang]) == ""
    entry = AuditEntry.objects.filter(summary="group buy rules saved").latest("pk")
    assert entry.detail["nominated"] == [erin.pk]
    with pytest.raises(Problem):
        _save(w, nominated=[erin, s.volunteers["dave"]])  # dave is 丽水's
    assert list(rules.nominated.all()) == [erin]
    _save(w)  # without `nominated`: the nominees stay
    assert list(GroupBuyRules.objects.get(pk=rules.pk).nominated.all()) == [erin]
    _save(w, nominated=[])
    assert not GroupBuyRules.objects.get(pk=rules.pk).nominated.exists()
