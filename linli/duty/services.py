"""Writes to the responsibility grid: volunteers, teams, duties and pairings.

Keyword-only, typed, transactional and audited. Domain errors are raised as `Problem` (Chinese
and English); views and the API turn them into a 4xx with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.pinyin import initials
from linli.core.validators import Problem, normalise_phone, parse_id_number
from linli.core.workflow import Conflict, transition
from linli.duty.models import Claim, Duty, Pairing, Team, Volunteer
from linli.places.models import (
    Building,
    Committee,
    Compound,
    Household,
    Resident,
    TransferRequest,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

Place = Committee | Compound | Building | Household

# Which places a duty of each kind may be for.
DUTY_PLACES: dict[str, tuple[type, ...]] = {
    Duty.Kind.SECOND_SECRETARY: (Committee, Compound),
    Duty.Kind.BUILDING_LEADER: (Building,),
    Duty.Kind.BUILDING_TEAM_MEMBER: (Building,),
    Duty.Kind.NEIGHBOUR_KEEPER: (Household,),
}


def place_path(place: Place) -> dict[str, int | None]:
    """The committee/compound/building/household ids from the top down to this place."""
    path: dict[str, int | None] = {
        "committee_id": None,
        "compound_id": None,
        "building_id": None,
        "household_id": None,
    }
    if isinstance(place, Household):
        path["household_id"] = place.pk
        place = place.building
    if isinstance(place, Building):
        path["building_id"] = place.pk
        place = place.compound
    if isinstance(place, Compound):
        path["compound_id"] = place.pk
        path["committee_id"] = place.committee_id
    else:
        path["committee_id"] = place.pk
    return path


def find_resident(*, town_id: int, name: str, phone: str, id_number: str | None) -> Resident | None:
    """The registry record of a volunteer who lives in the town: by ID number, else name+phone."""
    if id_number:
        found = Resident.objects.filter(town_id=town_id, id_number=id_number).first()
        if found is not None:
            return found
    if phone:
        return Resident.objects.filter(town_id=town_id, name=name, phone=phone).first()
    return None


def clean_skills(skills: Iterable[str]) -> list[str]:
    result = []
    for skill in skills:
        if skill not in Volunteer.Skill.values:
            raise Problem(f"未知技能：{skill}", f"unknown skill {skill!r}")
        if skill not in result:
            result.append(skill)
    return result


@transaction.atomic
def volunteer_create(
    *,
    user: User | None,
    committee: Committee,
    name: str,
    phone: str,
    source: str,
    gender: str = "",
    id_number: str | None = None,
    is_party_member: bool = False,
    skills: Iterable[str] = (),
    status: str = Volunteer.Status.ACTIVE,
    team: Team | None = None,
    post: str = "",
    request: HttpRequest | None = None,
) -> Volunteer:
    """Register a volunteer; the phone number is their identity within the town."""
    name = name.strip()
    if not name:
        raise Problem("姓名不能为空", "the name is empty")
    phone = normalise_phone(phone)
    if id_number:
        info = parse_id_number(id_number)
        id_number, gender = info.number, gender or info.gender
    if source not in Volunteer.Source.values:
        raise Problem(f"未知来源：{source}", f"unknown source {source!r}")
    if team is not None and team.committee_id != committee.pk:
        raise Problem("服务小组属于其他居委", "the team belongs to another committee")
    if Volunteer.objects.filter(town_id=committee.town_id, phone=phone).exists():
        raise Problem("该手机号已登记为志愿者", "a volunteer with this phone number exists")
    volunteer = Volunteer.objects.create(
        town_id=committee.town_id,
        committee=committee,
        resident=find_resident(
            town_id=committee.town_id, name=name, phone=phone, id_number=id_number
        ),
        team=team,
        name=name,
        name_initials=initials(name),
        gender=gender,
        phone=phone,
        id_number=id_number or None,
        is_party_member=is_party_member,
        source=source,
        post=post,
        skills=clean_skills(skills),
        status=status,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=volunteer,
        summary=f"volunteer {name}",
        request=request,
    )
    return volunteer


@transaction.atomic
def volunteer_move_committee(
    *,
    user: User | None,
    volunteer: Volunteer,
    committee: Committee,
    request: HttpRequest | None = None,
) -> Volunteer:
    """Register a volunteer with another committee of the town (a transfer the town confirmed).
    Teams belong to a committee, so the old one is left (and led no more); duties in force stay
    until ended on the pages, as history is never rewritten."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if committee.town_id != locked.town_id:
        raise Problem("居委属于其他镇/街道", "the committee belongs to another town")
    before = locked.committee_id
    Team.objects.filter(leader=locked).update(leader=None)
    locked.committee, locked.team = committee, None
    locked.save(update_fields=["committee", "team", "updated_at"])
    volunteer.committee, volunteer.team = committee, None
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="volunteer committee",
        detail={"from_committee": before, "to_committee": committee.pk},
        request=request,
    )
    return locked


def volunteer_transfer_apply(
    user: User, transfer: TransferRequest, request: HttpRequest | None
) -> None:
    """A confirmed transfer request of kind "volunteer" (linli.places.transfers)."""
    volunteer = Volunteer.objects.filter(pk=transfer.subject_id, town_id=transfer.town_id).first()
    if volunteer is None:
        raise Problem("该志愿者已不在登记中", "the volunteer is no longer registered")
    volunteer_move_committee(
        user=user, volunteer=volunteer, committee=transfer.to_committee, request=request
    )


@transaction.atomic
def volunteer_link_user(*, user: User | None, volunteer: Volunteer, login: User) -> Volunteer:
    """Give a volunteer a login; its scope follows their duties and pairings."""
    if login.town_id not in (None, volunteer.town_id):
        raise Problem("账号属于其他镇/街道", "the login belongs to another town")
    if volunteer.user_id not in (None, login.pk):
        raise Problem("该志愿者已有账号", "this volunteer already has a login")
    Volunteer.objects.filter(pk=volunteer.pk).update(user=login)
    volunteer.user = login
    audit(user=user, action=AuditEntry.Action.UPDATE, target=volunteer, summary="link login")
    return volunteer


@transaction.atomic
def team_ensure(*, user: User | None, committee: Committee, function: str) -> Team:
    """The committee's team for this function (created when new)."""
    if function not in Team.Function.values:
        raise Problem(f"未知服务小组：{function}", f"unknown team function {function!r}")
    team, created = Team.objects.get_or_create(
        committee=committee, function=function, defaults={"town_id": committee.town_id}
    )
    if created:
        audit(user=user, action=AuditEntry.Action.CREATE, target=team, summary=f"team {function}")
    return team


@transaction.atomic
def team_set_leader(*, user: User | None, team: Team, leader: Volunteer | None) -> Team:
    if leader is not None and leader.committee_id != team.committee_id:
        raise Problem("组长应为本居委志愿者", "the leader must be a volunteer of the committee")
    if leader is not None and leader.team_id != team.pk:
        Volunteer.objects.filter(pk=leader.pk).update(team=team)
    team.leader = leader
    team.save(update_fields=["leader"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=team,
        summary="team leader",
        detail={"leader": leader.pk if leader else None},
    )
    return team


@transaction.atomic
def volunteer_set_team(
    *, user: User | None, volunteer: Volunteer, team: Team | None, post: str = ""
) -> Volunteer:
    if team is not None and team.committee_id != volunteer.committee_id:
        raise Problem("服务小组属于其他居委", "the team belongs to another committee")
    if post and post not in Volunteer.Post.values:
        raise Problem(f"未知岗位：{post}", f"unknown post {post!r}")
    Volunteer.objects.filter(pk=volunteer.pk).update(team=team, post=post)
    volunteer.team, volunteer.post = team, post
    audit(user=user, action=AuditEntry.Action.UPDATE, target=volunteer, summary="team")
    return volunteer


@transaction.atomic
def duty_assign(
    *,
    user: User | None,
    volunteer: Volunteer,
    kind: str,
    place: Place,
    title: str = "",
    starts_at: dt.datetime | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Duty:
    """Make a volunteer answer for a place. Assigning a duty they already hold returns it."""
    allowed = DUTY_PLACES.get(kind)
    if allowed is None:
        raise Problem(f"未知职责：{kind}", f"unknown duty kind {kind!r}")
    if not isinstance(place, allowed):
        raise Problem(
            "该职责不能对应这一级地点", f"a {kind} duty cannot be for a {type(place).__name__}"
        )
    if place.town_id != volunteer.town_id:
        raise Problem("地点属于其他镇/街道", "the place is in another town")
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise Conflict("志愿者不在岗（待审核或已退出）", "the volunteer is not active")
    path = place_path(place)
    existing = Duty.objects.active().filter(volunteer=volunteer, kind=kind, **path).first()
    if existing is not None:
        return existing
    duty = Duty.objects.create(
        town_id=volunteer.town_id,
        volunteer=volunteer,
        kind=kind,
        title=title[:30],
        starts_at=starts_at or timezone.now(),
        assigned_by=user,
        note=note[:200],
        **path,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=duty,
        summary=f"duty {kind}",
        detail={"volunteer": volunteer.pk, **path},
        request=request,
    )
    return duty


@transaction.atomic
def duty_end(
    *,
    user: User | None,
    duty: Duty,
    ends_at: dt.datetime | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Duty:
    """End a duty: it stays in the history with its end; a claim that created it is ended too."""
    locked = Duty.objects.select_for_update().get(pk=duty.pk)
    now = timezone.now()
    if locked.ends_at is not None and locked.ends_at <= now:
        raise Problem("该职责已结束", "the duty has already ended")
    locked.ends_at = max(ends_at or now, locked.starts_at)
    locked.ended_by = user
    if note:
        locked.note = note[:200]
    locked.save(update_fields=["ends_at", "ended_by", "note"])
    duty.ends_at = locked.ends_at
    claim = Claim.objects.filter(duty=locked, status=Claim.Status.APPROVED).first()
    if claim is not None:
        transition(claim, Claim.Status.ENDED, by=user, reason="duty ended", system=True)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"duty end {locked.kind}",
        request=request,
    )
    return locked


@transaction.atomic
def duty_hand_over(
    *,
    user: User | None,
    duty: Duty,
    to_volunteer: Volunteer,
    request: HttpRequest | None = None,
) -> Duty:
    """Pass a duty to another volunteer: the old one ends now, the new one starts now."""
    place = duty.household or duty.building or duty.compound or duty.committee
    assert place is not None
    new = duty_assign(
        user=user,
        volunteer=to_volunteer,
        kind=duty.kind,
        place=place,
        title=duty.title,
        note=f"handed over from duty {duty.pk}",
        request=request,
    )
    duty_end(user=user, duty=duty, note=f"handed over to duty {new.pk}", request=request)
    return new


def is_special_care(resident: Resident) -> bool:
    return resident.care_tags.exists()


@transaction.atomic
def pairing_create(
    *,
    user: User | None,
    volunteer: Volunteer,
    resident: Resident,
    source: str = Pairing.Source.MANUAL,
    request: HttpRequest | None = None,
) -> Pairing:
    """Pair a volunteer with a special-care resident; pairing them again returns the pairing."""
    if resident.town_id != volunteer.town_id:
        raise Problem("居民属于其他镇/街道", "the resident is in another town")
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise Conflict("志愿者不在岗（待审核或已退出）", "the volunteer is not active")
    if not is_special_care(resident):
        raise Problem("该居民不在特殊人群名单中", "the resident has no care tag")
    existing = Pairing.objects.active().filter(volunteer=volunteer, resident=resident).first()
    if existing is not None:
        return existing
    pairing = Pairing.objects.create(
        town_id=volunteer.town_id,
        volunteer=volunteer,
        resident=resident,
        source=source,
        created_by=user,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=pairing,
        summary="pairing",
        detail={"volunteer": volunteer.pk, "resident": resident.pk, "source": source},
        request=request,
    )
    return pairing


@transaction.atomic
def pairing_end(
    *,
    user: User | None,
    pairing: Pairing,
    ends_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Pairing:
    locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if locked.ends_at is not None:
        raise Problem("该结对已结束", "the pairing has already ended")
    locked.ends_at = max(ends_at or timezone.now(), locked.starts_at)
    locked.save(update_fields=["ends_at"])
    pairing.ends_at = locked.ends_at
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="pairing end",
        request=request,
    )
    return locked
