"""The rule book, walked whole: every registered rule x every role x an object in and out of
the role's scope, against the expected answer. A rule added without a row here fails the test.

Roles (the grid scenario plus two): town staff `town`, committee staff `kaiwu` (新凯五村),
second secretary `bob` (香樟苑), building leader `alice` (香樟苑 1号楼), team member `gina`
(1+1+X on 1号楼, and in 新凯五村's medicine team), paired volunteer `dave` (丽水), plain
volunteer `hank` (新凯五村, no duty), a login without a role `charlie`, and the anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from linli.accounts.models import User
from linli.care.services import help_request_create
from linli.core.pinyin import initials
from linli.dashboards.tests.rules_rows import ROWS as DASHBOARDS_ROWS
from linli.duty.models import Claim, Duty, Team, Volunteer
from linli.notices.tests.rules_rows import ROWS as NOTICES_ROWS
from linli.places.models import TransferRequest
from linli.screening.tests.rules_rows import ROWS as SCREENING_ROWS
from linli.supplies.tests.rules_rows import ROWS as SUPPLIES_ROWS
from linli.testing.scenario import PASSWORD, Scenario, build_grid_scenario
from linli.worksites.tests.rules_rows import ROWS as WORKSITES_ROWS

pytestmark = pytest.mark.django_db

ROLES = ["town", "kaiwu", "bob", "alice", "gina", "dave", "hank", "charlie", "anonymous"]
STAFF = {"town", "kaiwu"}


def _volunteer(s: Scenario, key: str, name: str, phone: str, team: Team | None = None) -> Any:
    user = User.objects.create_user(
        username=key, password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    s.users[key] = user
    s.volunteers[key] = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        team=team,
        name=name,
        name_initials=initials(name),
        phone=phone,
        source=Volunteer.Source.RESIDENT_VOLUNTEER,
    )
    return s.volunteers[key]


@pytest.fixture
def world(scenario) -> Scenario:
    s = build_grid_scenario(scenario)
    team = Team.objects.create(town=s.town, committee=s.kaiwu, function=Team.Function.MEDICINE)
    gina = _volunteer(s, "gina", "吉娜", "13900000007", team)
    Duty.objects.create(
        volunteer=gina,
        kind=Duty.Kind.BUILDING_TEAM_MEMBER,
        town=s.town,
        committee=s.kaiwu,
        compound=s.xiangzhang,
        building=s.b1,
    )
    _volunteer(s, "hank", "汉克", "13900000008")
    return s


def _help_request(s: Scenario, household: str) -> Any:
    made = help_request_create(
        user=s.users["kaiwu" if household.startswith("b") else "lishui"],
        household=s.households[household],
        resident=None,
        category="supplies",
        urgency="normal",
        source="phone",
        description="买菜",
    )
    return made.help_request


def _claim(s: Scenario, key: str, building: Any) -> Claim:
    volunteer = s.volunteers[key]
    return Claim.objects.create(
        town=s.town, committee=volunteer.committee, volunteer=volunteer, building=building
    )


def _transfer(s: Scenario) -> TransferRequest:
    return TransferRequest.objects.create(
        town=s.town,
        kind="resident",
        subject_id=s.residents["chen"].pk,
        name="陈国强",
        from_committee=s.lishui,
        to_committee=s.kaiwu,
        to_household=s.households["b1_102"],
        requested_by=s.users["kaiwu"],
    )


# rule → (maker of the object in scope, maker of one out of scope (None: the rule takes no
# object, or every object of it is in everyone's reach), who may in scope, who may out of scope)
Maker = Callable[[Scenario], Any] | None
EXPECTED: dict[str, tuple[Maker, Maker, set[str], set[str]]] = {
    "core.view_auditentry": (None, None, {"town"}, set()),
    "places.list_committee": (None, None, STAFF, set()),
    "places.change_resident": (
        lambda s: s.residents["zhang"],
        lambda s: s.residents["chen"],
        STAFF,
        STAFF,  # a role rule: the row was already out of reach at visible_to (a 404)
    ),
    "places.change_committee": (
        lambda s: s.kaiwu,
        lambda s: s.lishui,
        STAFF,
        STAFF,  # a role rule: the committee was already out of reach at visible_to (a 404)
    ),
    "places.export_full_resident": (None, None, STAFF, set()),
    "places.view_transferrequest": (None, None, {"town"}, set()),
    "places.decide_transferrequest": (_transfer, None, {"town"}, set()),
    "duty.manage_committee": (lambda s: s.kaiwu, lambda s: s.lishui, STAFF, {"town"}),
    "duty.decide_claim": (
        lambda s: _claim(s, "hank", s.b2),
        lambda s: _claim(s, "dave", s.lb1),
        STAFF,
        {"town"},
    ),
    "duty.withdraw_claim": (
        lambda s: _claim(s, "hank", s.b2),
        lambda s: _claim(s, "dave", s.lb1),
        {"hank"},
        {"dave"},
    ),
    "duty.add_claim": (None, None, {"bob", "alice", "gina", "dave", "hank"}, set()),
    "duty.change_volunteer": (
        lambda s: s.volunteers["alice"],
        lambda s: s.volunteers["dave"],
        STAFF,
        STAFF,
    ),
    "duty.end_duty": (None, None, STAFF, set()),
    "duty.add_pairing": (None, None, STAFF, set()),
    # Help requests: b1 is alice's building (gina on its team), b2's 201 is erin's; lb1 is 丽水.
    "care.take_helprequest": (
        lambda s: _help_request(s, "b1_101"),
        lambda s: _help_request(s, "lb1_301"),
        {"town", "kaiwu", "bob", "alice", "gina", "dave", "hank"},
        {"town", "bob", "alice", "gina", "dave", "hank"},
    ),
    "care.work_helprequest": (
        lambda s: _help_request(s, "b1_101"),
        lambda s: _help_request(s, "lb1_301"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "care.cancel_helprequest": (
        lambda s: _help_request(s, "b1_101"),
        lambda s: _help_request(s, "lb1_301"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "care.assign_helprequest": (
        lambda s: _help_request(s, "b1_101"),
        lambda s: _help_request(s, "lb1_301"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "care.link_helprequest": (
        lambda s: _help_request(s, "b1_101"),
        lambda s: _help_request(s, "lb1_301"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "care.view_town_queue": (None, None, {"town"}, set()),
    "care.print_selfservicelink": (lambda s: s.kaiwu, lambda s: s.lishui, STAFF, STAFF),
    # The medicine desk (med-desk): the desk (内场) is a team post no role here holds; town
    # staff coordinate every request of their town, wherever it is.
    "medicine.work_desk": (None, None, {"town"}, set()),
    "medicine.add_medicineorder": (None, None, {"town"}, set()),
    "medicine.change_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "liu"),
        {"town"},
        {"town"},
    ),
    "medicine.view_confidential_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "liu"),
        {"town"},
        {"town"},
    ),
    "medicine.plan_dayplan": (lambda s: s.town, None, {"town"}, set()),
    "medicine.manage_teammember": (lambda s: s.town, None, {"town"}, set()),
    "medicine.set_gate_committee": (lambda s: s.kaiwu, lambda s: s.lishui, STAFF, {"town"}),
    # --- Medicine: the runner's day, custody and money (zhang is 新凯五村 1号楼, chen 丽水).
    # No role here holds a medicine post: the desk and runners are tested in
    # linli/medicine/tests/test_rules.py.
    "medicine.fetch_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town"},
        {"town"},
    ),
    "medicine.receive_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "medicine.deliver_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "medicine.repay_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "medicine.dispute_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
    "medicine.add_insurancecard": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town"},
        {"town"},
    ),
    "medicine.hand_over_insurancecard": (
        lambda s: _med_card(s, "zhang"),
        lambda s: _med_card(s, "chen"),
        STAFF,
        {"town"},
    ),
    "medicine.resolve_moneydispute": (
        lambda s: _med_dispute(s, "zhang"),
        lambda s: _med_dispute(s, "chen"),
        {"town"},
        {"town"},
    ),
    "medicine.flag_lost_insurancecard": (None, None, {"town"}, set()),
    "medicine.issue_float": (None, None, {"town"}, set()),
    "medicine.view_money": (None, None, {"town"}, set()),
    "medicine.reconcile_day": (None, None, {"town"}, set()),
    "medicine.view_gate": (None, None, STAFF, set()),
    # --- Medicine prints: the desk (none in this world) and town staff print a day and any run
    # of their town (a run's runner their own); a committee its hand-over list; the bag's QR
    # opens for whoever moves the bag (staff, second secretary, building leader, desk, runner).
    "medicine.print_day": (None, None, {"town"}, set()),
    "medicine.print_medicinerun": (
        lambda s: _med_run(s, "泗泾镇"),
        lambda s: _med_run(s, "九亭镇"),
        {"town"},
        set(),
    ),
    "medicine.print_handover": (lambda s: s.kaiwu, lambda s: s.lishui, STAFF, {"town"}),
    "medicine.scan_medicineorder": (
        lambda s: _med_order(s, "zhang"),
        lambda s: _med_order(s, "chen"),
        {"town", "kaiwu", "bob", "alice"},
        {"town"},
    ),
}


def _med_order(s: Scenario, resident: str) -> Any:
    from decimal import Decimal

    from linli.medicine.models import Department, Hospital
    from linli.testing.medicine import make_order

    if not hasattr(s, "hospitals"):  # the world has its medicine team already: only hospitals
        central = Hospital.objects.create(
            town=s.town, name="松江区中心医院", lat=Decimal("31.018"), lon=Decimal("121.225")
        )
        s.hospitals = {"central": central}  # type: ignore[attr-defined]
        s.departments = {  # type: ignore[attr-defined]
            "central_internal": Department.objects.create(hospital=central, name="内科")
        }
    return make_order(s, resident)


def _med_card(s: Scenario, resident: str) -> Any:
    from linli.medicine.custody import card_register

    _med_order(s, resident)
    return card_register(user=s.users["town"], resident=s.residents[resident])


def _med_dispute(s: Scenario, resident: str) -> Any:
    from linli.medicine.money import dispute_raise

    order = _med_order(s, resident)
    return dispute_raise(user=s.users["town"], order=order, reason="金额不符")


def _fresh(s: Scenario, role: str) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    return User.objects.get(pk=s.users[role].pk)  # no scope memoised from another question


def test_every_rule_has_expectations():
    ours = {name for name in rules.permissions.permissions if name.split(".")[0] in APPS}
    assert ours == set(EXPECTED), "give every rule a row in EXPECTED"


def _med_run(s: Scenario, town_name: str) -> Any:
    """A run of a runner of `town_name` (made if missing) today."""
    from decimal import Decimal

    from django.utils import timezone

    from linli.medicine.models import DayPlan, MedicineRun, TeamMember
    from linli.places.models import Committee, Town

    town, _ = Town.objects.get_or_create(name=town_name)
    committee, _ = Committee.objects.get_or_create(town=town, name="跑腿居委")
    volunteer = Volunteer.objects.create(
        town=town, committee=committee, name="冉某", name_initials="rm", phone="13900000099"
    )
    runner = TeamMember.objects.create(town=town, volunteer=volunteer, post="runner")
    day = timezone.localdate()
    plan = DayPlan.objects.create(town=town, date=day, total_km=Decimal("1"))
    return MedicineRun.objects.create(
        town=town, plan=plan, date=day, runner=runner, km=Decimal("1")
    )


APPS = {
    "core",
    "accounts",
    "places",
    "duty",
    "care",
    "dashboards",
    "medicine",
    "supplies",
    "screening",
    "worksites",
    "notices",
}
# The newer apps keep their rows beside their tests.
EXPECTED.update(SUPPLIES_ROWS)
EXPECTED.update(SCREENING_ROWS)
EXPECTED.update(WORKSITES_ROWS)
EXPECTED.update(NOTICES_ROWS)
EXPECTED.update(DASHBOARDS_ROWS)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_answers_every_role_in_and_out_of_scope(world, rule):
    make_in, make_out, allowed_in, allowed_out = EXPECTED[rule]
    wrong = []
    for where, make, allowed in (("in", make_in, allowed_in), ("out", make_out, allowed_out)):
        if where == "out" and make is None:
            continue  # a rule of the role alone, or an object always in reach
        obj = make(world) if make is not None else None
        for role in ROLES:
            answer = _fresh(world, role).has_perm(rule, obj)
            if answer != (role in allowed):
                wrong.append(f"{role} {where}: {answer}")
    assert not wrong, f"{rule}: {wrong}"


def test_a_superuser_may_do_anything(world):
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    assert all(root.has_perm(rule) for rule in EXPECTED)


# The same through the pages and the API: out of scope a 404, in scope but not allowed a 403.


def _client(s: Scenario, role: str) -> Client:
    client = Client()
    client.force_login(s.users[role])
    return client


def test_a_volunteer_managing_a_volunteer_they_see_is_refused_not_hidden(world):
    url = reverse("duty:volunteer_status", args=[world.volunteers["alice"].pk])
    assert _client(world, "alice").post(url, {"status": "stood_down"}).status_code == 403
    other = reverse("duty:volunteer_status", args=[world.volunteers["dave"].pk])
    assert _client(world, "alice").post(other, {"status": "stood_down"}).status_code == 404


def test_a_committee_grid_is_hidden_out_of_scope(world):
    assert (
        _client(world, "kaiwu").get(reverse("duty:committee", args=[world.lishui.pk])).status_code
        == 404
    )
    assert (
        _client(world, "kaiwu").get(reverse("duty:committee", args=[world.kaiwu.pk])).status_code
        == 200
    )


def test_a_team_member_may_not_assign_a_request_of_their_building(world):
    hr = _help_request(world, "b1_101")
    url = reverse("care:assign", args=[hr.pk])
    data = {"volunteer": world.volunteers["hank"].pk}
    assert _client(world, "gina").post(url, data).status_code == 403
    assert _client(world, "dave").post(url, data).status_code == 404
    assert _client(world, "alice").post(url, data).status_code == 302


def test_pairing_suggestions_out_of_scope_are_not_found_through_the_api(world):
    from linli.accounts.models import ApiToken

    key = ApiToken.issue(world.users["kaiwu"])
    api = Client(headers={"authorization": f"Bearer {key}"})
    url = "/api/v1/pairing-suggestions/?committee_id="
    assert api.get(url + str(world.lishui.pk)).status_code == 404
    assert api.get(url + str(world.kaiwu.pk)).status_code == 200
