"""Reads of the notices app: a sender's list, who has not read by building, a volunteer's
notices and what waits on 我的任务, the notices a building's households see at the door."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.masking import mask_name
from linli.notices.models import Delivery, Notice, Receipt

if TYPE_CHECKING:
    from linli.accounts.models import User


def notices_for_sender(user: User) -> Any:
    """The notices of the user's town or committee, newest first, with their read counts."""
    from linli.accounts.rules import is_staff

    if not is_staff(user):
        return Notice.objects.none()
    return (
        Notice.objects.visible_to(user)
        .annotate(
            total=Count("receipts"),
            read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


def my_receipts(user: User) -> Any:
    """A volunteer's notices (their receipts), unread first, newest first."""
    return (
        Receipt.objects.filter(user_id=user.pk, notice__status=Notice.Status.SENT)
        .select_related("notice")
        .order_by(F("read_at").asc(nulls_first=True), "-notice__sent_at", "-id")
    )


def waiting(user: Any) -> list[tuple[str, str, Any]]:
    """通知 on 我的任务: a volunteer's unread notices still in force; those reminded or
    特急 count as overdue. A login that is not a volunteer costs no query."""
    from linli.accounts.rules import is_volunteer
    from linli.care.selectors import QueueCount

    if not is_volunteer(user):
        return []
    counts = Receipt.objects.filter(
        user_id=user.pk,
        read_at__isnull=True,
        notice__status=Notice.Status.SENT,
        notice__expires_at__gt=timezone.now(),
    ).aggregate(
        open=Count("pk"),
        overdue=Count(
            "pk",
            filter=Q(reminders__gt=0) | Q(notice__urgency=Notice.Urgency.CRITICAL),
        ),
    )
    if not counts["open"]:
        return []
    return [
        (
            _("通知：待确认已读"),
            reverse("notices:mine"),
            QueueCount(counts["open"], counts["overdue"]),
        )
    ]


@dataclass
class BuildingRow:
    """One building's line on the sender's page: counts and who has not read."""

    label: str
    total: int = 0
    read: int = 0
    unread_people: list[str] = field(default_factory=list)
    unread_rooms: list[str] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return self.total - self.read


def receipts_by_building(user: User, notice: Notice) -> list[BuildingRow]:
    """Read and unread per building (natural order; the recipients of no one building last).
    Volunteers' names are shown to a sender whose scope reaches the volunteer, masked (张*丰)
    otherwise; households by room only, never a name."""
    from linli.duty.models import Volunteer

    seen = set(Volunteer.objects.visible_to(user).values_list("pk", flat=True))
    rows: dict[int | None, BuildingRow] = {}
    receipts = (
        Receipt.objects.filter(notice=notice)
        .select_related("building__compound", "volunteer", "household")
        .order_by("building__compound_id", "building__sort_key", "household__room", "id")
    )
    for r in receipts:
        key = r.building_id
        if key not in rows:
            label = f"{r.building.compound} {r.building}" if r.building else _("不分楼栋")
            rows[key] = BuildingRow(str(label))
        row = rows[key]
        row.total += 1
        if r.read_at is not None:
            row.read += 1
        elif r.volunteer is not None:
            name = r.volunteer.name
            row.unread_people.append(name if r.volunteer_id in seen else mask_name(name))
        elif r.household is not None:
            row.unread_rooms.append(r.household.room)
    ordered = [row for key, row in rows.items() if key is not None]
    if None in rows:
        ordered.append(rows[None])
    return ordered


def deliveries_of(notice: Notice) -> Any:
    return (
        Delivery.objects.filter(notice=notice)
        .select_related("channel")
        .prefetch_related("tries")
        .order_by("created_at", "id")
    )


def door_notices(building_id: int) -> Any:
    """The notices in force for the households of a building (the self-service door)."""
    return (
        Notice.objects.filter(
            status=Notice.Status.SENT,
            expires_at__gt=timezone.now(),
            for_residents=True,
            receipts__household__building_id=building_id,
        )
        .distinct()
        .order_by("-sent_at", "-id")
    )
