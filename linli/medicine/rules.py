"""Rules of the medicine team: who works the desk (内场), who runs (外场), who answers for a
request's place.

Scope (what a user may read) is the access gate's (`MedicineOrder.objects.visible_to`); these
predicates say what a user may do with a request they already reached. A volunteer's powers
come from their post on the medicine team (`TeamMember`), never from a flag on the login.
"""

from __future__ import annotations

from typing import Any, cast

import rules

from linli.accounts.rules import is_staff, is_town_staff, is_volunteer
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of, leads_building, manages_committee
from linli.medicine.models import MedicineOrder, MedicineRun, TeamMember
from linli.places.models import Committee


def team_post_of(user: Any) -> TeamMember | None:
    """The login's post on the medicine team, if they serve on it and are on duty (memoised
    on the user object, which lives one request)."""
    volunteer = active_volunteer_of(user)
    if volunteer is None:
        return None
    if not hasattr(user, "_medicine_post"):
        found = TeamMember.objects.filter(volunteer=volunteer, on_duty=True).first()
        setattr(user, "_medicine_post", found)  # noqa: B010
    return cast("TeamMember | None", user._medicine_post)


@rules.predicate
def is_desk(user: Any) -> bool:
    """The login works the medicine desk (内场) of their town."""
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.DESK


@rules.predicate
def is_runner(user: Any) -> bool:
    """The login runs to hospitals (外场) for the medicine team."""
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.RUNNER


@rules.predicate
def works_desk_of(user: Any, order: MedicineOrder | None) -> bool:
    """The user coordinates the request's town: its desk (内场) or town staff."""
    if order is None:
        return False
    if is_town_staff(user):
        return scope_for(user).all_towns or order.town_id in scope_for(user).ids["town"]
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.DESK and post.town_id == order.town_id


@rules.predicate
def runs_order(user: Any, order: MedicineOrder | None) -> bool:
    """The user is the runner whose run carries the request."""
    if order is None or order.run_id is None:
        return False
    post = team_post_of(user)
    return post is not None and order.run is not None and order.run.runner_id == post.pk


@rules.predicate
def answers_for_place(user: Any, order: MedicineOrder | None) -> bool:
    """The user answers for the patient's place: committee staff or second secretary of the
    committee or compound, or the building's leader (they take bags from the gate to doors)."""
    if order is None:
        return False
    scope = scope_for(user)
    if scope.all_towns:
        return True
    building = order.household.building
    if (
        order.committee_id in scope.ids["committee"]
        or building.compound_id in scope.ids["compound"]
    ):
        return True
    return building.pk in scope.ids["building"] and bool(leads_building(user, building))


# The desk and town staff coordinate; the runner moves what their run carries; the patient's
# committee and building leader take over at the gate.
coordinates = works_desk_of
fetches = works_desk_of | runs_order
hands_over = works_desk_of | runs_order | answers_for_place
delivers = works_desk_of | answers_for_place


# -- the desk (med-desk): requests, lines, posts, gates, plans --------------------------------


def _town_id(obj: Any) -> int | None:
    """The town of a town, or of any row that has one."""
    from linli.places.models import Town

    if obj is None:
        return None
    return obj.pk if isinstance(obj, Town) else getattr(obj, "town_id", None)


@rules.predicate
def works_desk(user: Any) -> bool:
    """The login coordinates a town's medicine requests: its desk (内场) or town staff. Only a
    volunteer's login is looked up for a post (the top bar asks this on every page)."""
    return bool(is_town_staff(user) or (is_volunteer(user) and is_desk(user)))


@rules.predicate
def plans_for(user: Any, town: Any) -> bool:
    """The user plans the town's runs: its desk or its town staff (no town: any of theirs)."""
    if is_town_staff(user):
        town_id = _town_id(town)
        return (
            town_id is None or scope_for(user).all_towns or town_id in scope_for(user).ids["town"]
        )
    post = team_post_of(user) if is_volunteer(user) else None
    if post is None or post.post != TeamMember.Post.DESK:
        return False
    return _town_id(town) in (None, post.town_id)


@rules.predicate
def is_staff_of_town(user: Any, town: Any) -> bool:
    """Town staff of that town (no town: of any): they set the team's posts."""
    if not is_town_staff(user):
        return False
    town_id = _town_id(town)
    return town_id is None or scope_for(user).all_towns or town_id in scope_for(user).ids["town"]


# Confidential lines show their drug names to the desk, town staff and the run's runner only.
sees_confidential = works_desk_of | runs_order

rules.add_perm("medicine.work_desk", works_desk)
rules.add_perm("medicine.add_medicineorder", works_desk)
rules.add_perm("medicine.change_medicineorder", coordinates)
rules.add_perm("medicine.view_confidential_medicineorder", sees_confidential)
rules.add_perm("medicine.plan_dayplan", plans_for)
rules.add_perm("medicine.manage_teammember", is_staff_of_town)
rules.add_perm("medicine.set_gate_committee", manages_committee)
# --- The runner's day, custody and money (the runner's part of issue 10) ---------------------


@rules.predicate
def handles_item(user: Any, item: Any) -> bool:
    """The user may record a hand-over of a card or bag: the town's desk or staff, the runner
    holding it or carrying its patient's request, or staff answering for its committee (the
    gate)."""
    if item is None:
        return False
    town_id = getattr(item, "town_id", None) or item.order.town_id
    if is_town_staff(user):
        return scope_for(user).all_towns or town_id in scope_for(user).ids["town"]
    post = team_post_of(user)
    if post is not None and post.town_id == town_id:
        if post.post == TeamMember.Post.DESK:
            return True
        if item.holder_kind == "runner" and item.holder_ref == post.pk:
            return True
        resident_id = getattr(item, "resident_id", None) or item.order.resident_id
        return MedicineOrder.objects.filter(resident_id=resident_id, run__runner=post).exists()
    committee_id = getattr(item, "committee_id", None) or item.order.committee_id
    return bool(is_staff(user)) and committee_id in scope_for(user).ids["committee"]


@rules.predicate
def settles_dispute(user: Any, dispute: Any) -> bool:
    """The desk or town staff of the disputed request's town."""
    return dispute is not None and bool(works_desk_of(user, dispute.order))


rules.add_perm("medicine.fetch_medicineorder", fetches)
rules.add_perm("medicine.receive_medicineorder", hands_over)
rules.add_perm("medicine.deliver_medicineorder", delivers)
rules.add_perm("medicine.add_insurancecard", fetches)
rules.add_perm("medicine.hand_over_insurancecard", handles_item)
rules.add_perm("medicine.flag_lost_insurancecard", works_desk)
rules.add_perm("medicine.repay_medicineorder", hands_over)
rules.add_perm("medicine.dispute_medicineorder", hands_over)
rules.add_perm("medicine.resolve_moneydispute", settles_dispute)
rules.add_perm("medicine.issue_float", works_desk)
rules.add_perm("medicine.view_money", works_desk | is_runner)
rules.add_perm("medicine.reconcile_day", works_desk)
rules.add_perm("medicine.view_gate", is_staff)


# --- Printing: bag labels, run sheets, hand-over lists, the bag's page (reports) ---


def _coordinates_town(user: Any, town_id: int) -> bool:
    """The user coordinates this town's medicine work: town staff of it, or its desk."""
    if is_town_staff(user):
        return scope_for(user).all_towns or town_id in scope_for(user).ids["town"]
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.DESK and post.town_id == town_id


@rules.predicate
def works_desk_of_run(user: Any, run: MedicineRun | None) -> bool:
    return run is not None and _coordinates_town(user, run.town_id)


@rules.predicate
def is_runner_of(user: Any, run: MedicineRun | None) -> bool:
    """The user is the runner of this run."""
    post = team_post_of(user)
    return run is not None and post is not None and run.runner_id == post.pk


@rules.predicate
def receives_for_committee(user: Any, committee: Committee | None) -> bool:
    """The user takes bags over at the committee's gate: its staff, or the town's desk or
    staff."""
    if committee is None:
        return False
    if _coordinates_town(user, committee.town_id):
        return True
    return bool(is_staff(user)) and committee.pk in scope_for(user).ids["committee"]


# Labels and run sheets carry the day's confidential lines: the desk and the run's runner only.
rules.add_perm("medicine.print_day", works_desk)
rules.add_perm("medicine.print_medicinerun", works_desk_of_run | is_runner_of)
rules.add_perm("medicine.print_handover", receives_for_committee)
# The bag's QR: whoever moves the request from the hospital to the door.
rules.add_perm("medicine.scan_medicineorder", hands_over)
