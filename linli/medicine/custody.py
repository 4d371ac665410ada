"""Custody of insurance cards and bags: registering a card, handing a card or a bag over,
flagging one lost, and the evening's reads (cards out, cards not back).

Every hand-over locks the item's row, checks that the event's from-holder is the holder the
row names, writes the event with the next sequence number (unique per item in the database)
and moves the holder, in one transaction: one holder at a time, nothing lost in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.medicine.models import Bag, CustodyEvent, HolderKind, Hospital, InsuranceCard, TeamMember
from linli.places.models import Committee, Resident, Town

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.medicine.models import MedicineOrder

Item = InsuranceCard | Bag


@dataclass(frozen=True)
class Holder:
    """Who holds an item: a kind, and which one (None for the desk)."""

    kind: str
    ref: int | None = None

    @classmethod
    def of(cls, item: Item) -> Holder:
        return cls(item.holder_kind, item.holder_ref)

    @classmethod
    def parse(cls, text: str) -> Holder:
        """ "runner:12", "gate:3", "desk" (a form's choice value) → a Holder."""
        kind, _sep, ref = (text or "").partition(":")
        if kind not in HolderKind.values or (kind != HolderKind.DESK and not ref.isdigit()):
            raise Problem("交接对象无效", "invalid holder")
        return cls(kind, int(ref) if kind != HolderKind.DESK else None)

    @property
    def value(self) -> str:
        return self.kind if self.ref is None else f"{self.kind}:{self.ref}"


def _gate(committee: str) -> str:
    return _("%(committee)s交接点") % {"committee": committee}


def holder_label(holder: Holder) -> str:
    """The holder as people name them: 内场, 外场 冉娜, 松江区中心医院, 新凯五村交接点, 患者家中."""
    kind_label = str(HolderKind(holder.kind).label)
    if holder.kind == HolderKind.RUNNER:
        post = TeamMember.objects.filter(pk=holder.ref or 0).select_related("volunteer").first()
        return f"{kind_label} {post.volunteer.name}" if post else kind_label
    if holder.kind == HolderKind.HOSPITAL:
        hospital = Hospital.objects.filter(pk=holder.ref or 0).first()
        return hospital.name if hospital else kind_label
    if holder.kind == HolderKind.GATE:
        committee = Committee.objects.filter(pk=holder.ref or 0).first()
        return _gate(committee.name) if committee else kind_label
    return kind_label


def holder_choices(town_id: int, household_id: int) -> list[tuple[str, str]]:
    """Every holder an item of this household may go to, as (value, label)."""
    choices = [
        (Holder(HolderKind.PATIENT, household_id).value, str(HolderKind.PATIENT.label)),
        (Holder(HolderKind.DESK).value, str(HolderKind.DESK.label)),
    ]
    runners = TeamMember.objects.filter(
        town_id=town_id, post=TeamMember.Post.RUNNER, on_duty=True
    ).select_related("volunteer")
    choices += [
        (Holder(HolderKind.RUNNER, r.pk).value, f"{HolderKind.RUNNER.label} {r.volunteer.name}")
        for r in runners
    ]
    choices += [
        (Holder(HolderKind.HOSPITAL, h.pk).value, h.name)
        for h in Hospital.objects.filter(town_id=town_id)
    ]
    choices += [
        (Holder(HolderKind.GATE, c.pk).value, _gate(c.name))
        for c in Committee.objects.filter(town_id=town_id)
    ]
    return choices


def _check_holder(holder: Holder, *, town_id: int, household_id: int) -> None:
    """The holder exists in the item's town (and a patient is the item's own household)."""
    ok = {
        HolderKind.DESK: lambda: holder.ref is None,
        HolderKind.PATIENT: lambda: holder.ref == household_id,
        HolderKind.RUNNER: lambda: TeamMember.objects.filter(
            pk=holder.ref or 0, town_id=town_id, post=TeamMember.Post.RUNNER
        ).exists(),
        HolderKind.HOSPITAL: lambda: (
            Hospital.objects.filter(pk=holder.ref or 0, town_id=town_id).only("pk").exists()
        ),
        HolderKind.GATE: lambda: Committee.objects.filter(
            pk=holder.ref or 0, town_id=town_id
        ).exists(),
    }[HolderKind(holder.kind)]()
    if not ok:
        raise Problem("交接对象不属于本镇或不是该患者", "the holder is not of this town or patient")


@transaction.atomic
def card_register(
    *,
    user: User,
    resident: Resident,
    last4: str = "",
    request: HttpRequest | None = None,
) -> InsuranceCard:
    """Take a patient's insurance card into the ledger, held at home by the patient. Only the
    last digits of its number are kept (at most 4)."""
    last4 = (last4 or "").strip()
    if not (last4.isascii() and last4.isdigit() and len(last4) <= 4) and last4:
        raise Problem(
            "卡号只需填写后四位数字（不要填写完整卡号）",
            "give only the card number's last 4 digits, never the whole number",
        )
    household = resident.household
    card = InsuranceCard.objects.create(
        town_id=household.town_id,
        committee_id=household.building.compound.committee_id,
        household=household,
        resident=resident,
        last4=last4,
        holder_kind=HolderKind.PATIENT,
        holder_ref=household.pk,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=card,
        summary="insurance card registered",
        request=request,
    )
    return card


def _place_of(item: Item) -> tuple[int, int, int, int]:
    """(town, committee, household, resident) ids of the item's patient."""
    if isinstance(item, InsuranceCard):
        return (item.town_id, item.committee_id, item.household_id, item.resident_id)
    order = item.order
    return (order.town_id, order.committee_id, order.household_id, order.resident_id)


def _record(
    item: Item,
    *,
    user: User,
    kind: str,
    from_holder: Holder,
    to_holder: Holder,
    place: str,
    at: dt.datetime | None,
    idempotency_key: str | None,
    request: HttpRequest | None,
) -> CustodyEvent:
    """Lock the item, check the from-holder, append the event, move the holder."""
    model = type(item)
    subject = "card" if isinstance(item, InsuranceCard) else "bag"
    town_id, committee_id, household_id, resident_id = _place_of(item)
    if idempotency_key:
        found = CustodyEvent.objects.filter(town_id=town_id, idempotency_key=idempotency_key)
        if (done := found.first()) is not None:
            return done
    locked = model.objects.select_for_update().get(pk=item.pk)  # type: ignore[attr-defined]
    if Holder.of(locked) != from_holder:
        raise Problem(
            f"交出方不是当前持有方（当前：{holder_label(Holder.of(locked))}）",
            "the giver is not the item's current holder; it moved meanwhile",
        )
    if kind == CustodyEvent.Kind.HAND_OVER:
        if to_holder == from_holder:
            raise Problem("交出方与接收方相同", "giver and receiver are the same")
        _check_holder(to_holder, town_id=town_id, household_id=household_id)
    now = at or timezone.now()
    last = CustodyEvent.objects.filter(**{subject: locked}).order_by("-seq").first()
    if last is not None and now < last.at:
        raise Problem("交接时间早于上一次交接", "a hand-over cannot precede the previous one")
    event = CustodyEvent(
        town_id=town_id,
        committee_id=committee_id,
        household_id=household_id,
        resident_id=resident_id,
        seq=locked.seq + 1,
        kind=kind,
        from_kind=from_holder.kind,
        from_ref=from_holder.ref,
        to_kind=to_holder.kind,
        to_ref=to_holder.ref,
        at=now,
        place=place.strip()[:100],
        by=user,
        idempotency_key=idempotency_key or None,
        **{subject: locked},
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as exc:
        raise Problem("已被他人交接，请刷新", "someone else recorded a hand-over first") from exc
    locked.seq = event.seq
    locked.holder_kind, locked.holder_ref = to_holder.kind, to_holder.ref
    locked.lost_at = now if kind == CustodyEvent.Kind.LOST else None
    locked.save(update_fields=["seq", "holder_kind", "holder_ref", "lost_at"])
    item.seq, item.holder_kind, item.holder_ref = locked.seq, locked.holder_kind, locked.holder_ref
    item.lost_at = locked.lost_at
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=(
            f"{subject} lost at {from_holder.value}"
            if kind == CustodyEvent.Kind.LOST
            else f"{subject} {from_holder.value} → {to_holder.value}"
        ),
        request=request,
    )
    return event


@transaction.atomic
def card_hand_over(
    *,
    user: User,
    card: InsuranceCard,
    from_holder: Holder,
    to_holder: Holder,
    place: str = "",
    at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> CustodyEvent:
    """Hand a card from its holder to another (a lost card handed on is found again)."""
    return _record(
        card,
        user=user,
        kind=CustodyEvent.Kind.HAND_OVER,
        from_holder=from_holder,
        to_holder=to_holder,
        place=place,
        at=at,
        idempotency_key=idempotency_key,
        request=request,
    )


@transaction.atomic
def card_flag_lost(
    *,
    user: User,
    card: InsuranceCard,
    at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> CustodyEvent:
    """Flag a card lost at its last holder, who stays its holder (answerable) until found."""
    holder = Holder.of(card)
    if card.lost_at is not None:
        raise Problem("该卡已报失", "the card is already flagged lost")
    return _record(
        card,
        user=user,
        kind=CustodyEvent.Kind.LOST,
        from_holder=holder,
        to_holder=holder,
        place="",
        at=at,
        idempotency_key=None,
        request=request,
    )


def bag_make(*, order: MedicineOrder, holder: Holder) -> Bag:
    """The request's bag, made when it is bagged (inside the bagging's transaction)."""
    bag, _made = Bag.objects.get_or_create(
        order=order, defaults={"holder_kind": holder.kind, "holder_ref": holder.ref}
    )
    return bag


@transaction.atomic
def bag_hand_over(
    *,
    user: User,
    bag: Bag,
    to_holder: Holder,
    place: str = "",
    request: HttpRequest | None = None,
) -> CustodyEvent:
    """Hand a bag from its holder to the next (runner → gate → patient)."""
    return _record(
        bag,
        user=user,
        kind=CustodyEvent.Kind.HAND_OVER,
        from_holder=Holder.of(bag),
        to_holder=to_holder,
        place=place,
        at=None,
        idempotency_key=None,
        request=request,
    )


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def cards_out(town: Town, day: dt.date) -> int:
    """Cards out at the end of `day`: the town's cards that moved that day (at least one
    custody event in the day, local time) and whose last event up to the day's end left them
    away from their patient's home, or flagged them lost (lost cards included)."""
    start, end = _day_bounds(day)
    before_end = CustodyEvent.objects.filter(card=OuterRef("pk"), at__lt=end).order_by("-seq")
    moved = CustodyEvent.objects.filter(
        town=town, card__isnull=False, at__gte=start, at__lt=end
    ).values("card_id")
    return (
        InsuranceCard.objects.filter(pk__in=moved)
        .annotate(
            last_to=Subquery(before_end.values("to_kind")[:1]),
            last_kind=Subquery(before_end.values("kind")[:1]),
        )
        .filter(~Q(last_to=HolderKind.PATIENT) | Q(last_kind=CustodyEvent.Kind.LOST))
        .count()
    )
