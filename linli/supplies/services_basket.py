"""The shared basket (共享菜篮子): writes and the two workflows (a post's, a claim's).

Residents reach the basket through their building's self-service link (the 求助二维码 poster,
`linli.care.selfservice`): no login. A giver posts surplus and gets a private link (only its
SHA-256 is kept) to see the claims, masked, and to mark pick-ups, no-shows and close the post;
a neighbour claims in a pickup slot and gets a link of their own to see or cancel it. The
token is the resident's authority: the service checks it and makes the move with
`system=True` (recorded, by nobody); the building's leader and staff make the same moves
through the rule book.

Crowding and races: a slot holds at most the building's capacity of claims (all posts
together); a claim locks the building's row first and the post's next, so concurrent claims in
a building are served one at a time: of two claims on the last item exactly one wins, and a
slot never takes more than its capacity. A claim not picked up by the end of its slot plus
`GRACE` no longer holds the item (a no-show frees it) even before anyone marks it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from linli.accounts.models import hash_token
from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem, normalise_phone
from linli.core.workflow import Conflict, Workflow, moves, transition
from linli.places.models import Building, Household
from linli.supplies.models import (
    BasketClaim,
    BasketClaimChange,
    BasketPost,
    BasketPostChange,
    BasketSlots,
)
from linli.supplies.rules import keeps_basket

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

P = BasketPost.Status
C = BasketClaim.Status
GRACE = dt.timedelta(minutes=15)
MAX_DAYS = 7
MAX_QUANTITY = 99
# One answer for a room that is not in the building, so the page does not list its rooms.
NO_ROOM_ZH = "未能提交，请核对室号后重试，或联系楼组长"
NO_ROOM_EN = "could not submit: check the room and try again, or ask the building leader"

_KEEP = ("只有楼组长或工作人员可以操作", "only the building's leader or staff")
POST_WORKFLOW = Workflow(
    name="basket post",
    model=BasketPost,
    history=BasketPostChange,
    subject="post",
    moves=moves([P.OPEN], [P.CLOSED], keeps_basket, refusal=_KEEP),
    related=("building__compound",),
)
CLAIM_WORKFLOW = Workflow(
    name="basket claim",
    model=BasketClaim,
    history=BasketClaimChange,
    subject="claim",
    moves=[
        *moves([C.CLAIMED], [C.PICKED_UP, C.NO_SHOW], keeps_basket, refusal=_KEEP),
        # A no-show who comes late after all: the giver (or leader) records the pick-up.
        *moves([C.NO_SHOW], [C.PICKED_UP], keeps_basket, refusal=_KEEP),
        # Cancelling is the claimer's, through their link (a system move).
        *moves([C.CLAIMED], [C.CANCELLED], keeps_basket, refusal=_KEEP),
    ],
    related=("post__building__compound",),
)


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    taken: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity

    @property
    def key(self) -> str:
        return self.start.isoformat()


def slots_of(building: Building) -> BasketSlots:
    """The building's slot settings, or the defaults (unsaved) when none were set."""
    found = BasketSlots.objects.filter(building=building).first()
    return found or BasketSlots(town_id=building.town_id, building=building)


def slots_for(post: BasketPost, *, now: dt.datetime | None = None, days: int = 2) -> list[Slot]:
    """The post's pickup slots from now until the post's end (at most `days` days), with how
    many claims of the building each holds already."""
    now = now or timezone.now()
    settings = slots_of(post.building)
    step = dt.timedelta(minutes=settings.minutes)
    local = timezone.localtime(now)
    starts: list[dt.datetime] = []
    for offset in range(days):
        day = local.date() + dt.timedelta(days=offset)
        start = timezone.make_aware(dt.datetime.combine(day, settings.opens_at))
        close = timezone.make_aware(dt.datetime.combine(day, settings.closes_at))
        while start + step <= close:
            if start + step > now and start < post.until:
                starts.append(start)
            start += step
    counts = _claims_per_slot(post.building_id, starts)
    return [Slot(s, s + step, counts.get(s, 0), settings.capacity) for s in starts]


def _claims_per_slot(building_id: int, starts: list[dt.datetime]) -> dict[dt.datetime, int]:
    """How many claims (people coming down) each slot of the building holds."""
    counts: dict[dt.datetime, int] = {}
    rows = BasketClaim.objects.filter(
        post__building_id=building_id, slot_start__in=starts, status__in=BasketClaim.HOLDING
    ).values_list("slot_start", flat=True)
    for start in rows:
        counts[start] = counts.get(start, 0) + 1
    return counts


def holding_q(now: dt.datetime) -> Q:
    """Claims that hold part of a post now: picked up, or claimed and not yet a no-show."""
    return Q(status=C.PICKED_UP) | Q(status=C.CLAIMED, slot_end__gt=now - GRACE)


def remaining(post: BasketPost, *, now: dt.datetime | None = None) -> int:
    """How much of the post is left to claim."""
    held = post.claims.filter(holding_q(now or timezone.now())).aggregate(n=Sum("quantity"))["n"]
    return max(post.quantity - (held or 0), 0)


def _household(building: Building, room: str) -> Household:
    found = Household.objects.filter(building=building, room=room.strip()).first()
    if found is None:
        raise Problem(NO_ROOM_ZH, NO_ROOM_EN)
    return found


@dataclass(frozen=True)
class Posted:
    post: BasketPost
    token: str  # the giver's link token, shown once


@transaction.atomic
def basket_post_create(
    *,
    building: Building,
    room: str,
    item: str,
    quantity: int,
    unit: str,
    perishable: bool,
    until: dt.datetime,
    note: str = "",
    request: HttpRequest | None = None,
) -> Posted:
    """A resident of the building puts surplus in the basket; returns the giver's link."""
    household = _household(building, room)
    item = item.strip()
    if not item or len(item) > 60:
        raise Problem("请填写物品（不超过60字）", "say what you offer (up to 60 characters)")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Problem(f"份数应在1到{MAX_QUANTITY}之间", f"the quantity must be 1 to {MAX_QUANTITY}")
    now = timezone.now()
    if until <= now:
        raise Problem("截止时间应晚于现在", "the end time must be in the future")
    if until > now + dt.timedelta(days=MAX_DAYS):
        raise Problem(
            f"截止时间不超过{MAX_DAYS}天", f"the end time is at most {MAX_DAYS} days away"
        )
    token = secrets.token_urlsafe(32)
    post = BasketPost.objects.create(
        town_id=building.town_id,
        building=building,
        household=household,
        item=item,
        quantity=quantity,
        unit=(unit.strip() or "份")[:10],
        perishable=perishable,
        until=until,
        note=note.strip()[:200],
        giver_token_hash=hash_token(token),
    )
    BasketPostChange.objects.create(post=post, to_status=P.OPEN, reason="self-service")
    audit(
        user=None,
        action=AuditEntry.Action.CREATE,
        target=post,
        summary=f"basket post {post.pk}",
        detail={"building": building.pk, "quantity": quantity},
        request=request,
    )
    return Posted(post, token)


@dataclass(frozen=True)
class Claimed:
    claim: BasketClaim
    token: str  # the claimer's link token, shown once


@transaction.atomic
def basket_claim(
    *,
    post: BasketPost,
    room: str,
    phone: str,
    quantity: int,
    slot_start: dt.datetime,
    request: HttpRequest | None = None,
) -> Claimed:
    """A neighbour claims part of a post, to pick up in one slot. Of concurrent claims on the
    last of it exactly one wins (the others get a Conflict, HTTP 409), and a full slot takes
    nobody more."""
    # The building's row first, then the post's: every claim of a building queues here.
    Building.objects.select_for_update().filter(pk=post.building_id).get()
    locked = BasketPost.objects.select_for_update().select_related("building").get(pk=post.pk)
    building = locked.building
    household = _household(building, room)
    phone = normalise_phone(phone)
    now = timezone.now()
    if locked.status != P.OPEN or locked.until <= now:
        raise Conflict("该物品已结束领取", "the post is closed")
    if household.pk == locked.household_id:
        raise Problem("不能领取自己发布的物品", "you cannot claim your own post")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Problem(f"份数应在1到{MAX_QUANTITY}之间", f"the quantity must be 1 to {MAX_QUANTITY}")
    if locked.claims.filter(holding_q(now), household=household).exists():
        raise Conflict("您家已领取过该物品", "your household has claimed this post already")
    left = remaining(locked, now=now)
    if quantity > left:
        if left == 0:
            raise Conflict("已被领完", "nothing is left")
        raise Conflict(f"只剩{left}{locked.unit}", f"only {left} left")
    slot = next((s for s in slots_for(locked, now=now) if s.start == slot_start), None)
    if slot is None:
        raise Problem("请选择有效的取件时段", "choose one of the pickup slots")
    if slot.full:
        raise Conflict("该时段人数已满，请选其他时段", "the slot is full: choose another")
    token = secrets.token_urlsafe(32)
    claim = BasketClaim.objects.create(
        town_id=locked.town_id,
        post=locked,
        household=household,
        phone=phone,
        quantity=quantity,
        slot_start=slot.start,
        slot_end=slot.end,
        claimer_token_hash=hash_token(token),
    )
    BasketClaimChange.objects.create(claim=claim, to_status=C.CLAIMED, reason="self-service")
    audit(
        user=None,
        action=AuditEntry.Action.CREATE,
        target=claim,
        summary=f"basket claim on post {locked.pk}",
        detail={"quantity": quantity},
        request=request,
    )
    return Claimed(claim, token)


def post_by_token(token: str) -> BasketPost | None:
    if not 20 <= len(token) <= 100:
        return None
    return (
        BasketPost.objects.select_related("building__compound")
        .filter(giver_token_hash=hash_token(token))
        .first()
    )


def claim_by_token(token: str) -> BasketClaim | None:
    if not 20 <= len(token) <= 100:
        return None
    return (
        BasketClaim.objects.select_related("post__building__compound")
        .filter(claimer_token_hash=hash_token(token))
        .first()
    )


def basket_post_close(
    *,
    user: User | None,
    post: BasketPost,
    by_giver: bool = False,
    request: HttpRequest | None = None,
) -> BasketPost:
    """Close a post (the giver through their link, or the building's leader or staff)."""
    reason = "giver" if by_giver else ""
    return transition(post, P.CLOSED, by=user, reason=reason, request=request, system=by_giver)


def basket_claim_mark(
    *,
    user: User | None,
    claim: BasketClaim,
    status: str,
    by_giver: bool = False,
    request: HttpRequest | None = None,
) -> BasketClaim:
    """Picked up or no-show (a no-show frees the item), by the giver or the building's keeper."""
    if status not in (C.PICKED_UP, C.NO_SHOW):
        raise Problem("未知操作", f"unknown mark {status!r}")
    reason = "giver" if by_giver else ""
    return transition(claim, status, by=user, reason=reason, request=request, system=by_giver)


def basket_claim_cancel(*, claim: BasketClaim, request: HttpRequest | None = None) -> BasketClaim:
    """The claimer cancels through their link: the item is free again."""
    return transition(claim, C.CANCELLED, by=None, reason="claimer", request=request, system=True)


@transaction.atomic
def basket_slots_set(
    *,
    user: User | None,
    building: Building,
    minutes: int,
    capacity: int,
    opens_at: dt.time,
    closes_at: dt.time,
    request: HttpRequest | None = None,
) -> BasketSlots:
    """The building's pickup slots: length, people per slot and hours."""
    if not 5 <= minutes <= 240:
        raise Problem("每时段应为5到240分钟", "a slot lasts 5 to 240 minutes")
    if not 1 <= capacity <= 50:
        raise Problem("每时段人数应为1到50", "a slot takes 1 to 50 people")
    if closes_at <= opens_at:
        raise Problem("结束时间应晚于开始时间", "the end must be after the start")
    found, _created = BasketSlots.objects.update_or_create(
        building=building,
        defaults={
            "town_id": building.town_id,
            "minutes": minutes,
            "capacity": capacity,
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
    )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=found,
        summary=f"basket slots of building {building.pk}",
        detail={"minutes": minutes, "capacity": capacity},
        request=request,
    )
    return found
