"""Rules of the medicine team: who works the desk (内场), who runs (外场), who answers for a
request's place.

Scope (what a user may read) is the access gate's (`MedicineOrder.objects.visible_to`); these
predicates say what a user may do with a request they already reached. A volunteer's powers
come from their post on the medicine team (`TeamMember`), never from a flag on the login.
"""

from __future__ import annotations

from typing import Any, cast

import rules

from linli.accounts.rules import is_staff, is_town_staff
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of, leads_building
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


# --- Printing: bag labels, run sheets, hand-over lists, the bag's page (reports) ---


def _coordinates_town(user: Any, town_id: int) -> bool:
    """The user coordinates this town's medicine work: town staff of it, or its desk."""
    if is_town_staff(user):
        return scope_for(user).all_towns or town_id in scope_for(user).ids["town"]
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.DESK and post.town_id == town_id


@rules.predicate
def prints_day(user: Any) -> bool:
    """The user may print a whole day of their town (labels, run sheets, hand-over lists)."""
    return bool(is_town_staff(user) or is_desk(user))


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
rules.add_perm("medicine.print_day", prints_day)
rules.add_perm("medicine.print_medicinerun", works_desk_of_run | is_runner_of)
rules.add_perm("medicine.print_handover", receives_for_committee)
# The bag's QR: whoever moves the request from the hospital to the door.
rules.add_perm("medicine.scan_medicineorder", hands_over)
