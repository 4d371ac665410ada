"""A resident's own medicine request (居民自助配药) from the building's QR poster (the care
app's `SelfServiceLink`): a public page, so one neutral refusal for anything that does not
match the registry, and limits per phone and per poster and address (linli/medicine/views.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linli.core.validators import Problem
from linli.medicine.models import Hospital, MedicineOrder
from linli.medicine.services import Created, LineData, order_create

if TYPE_CHECKING:
    from django.http import HttpRequest

Source = MedicineOrder.Source

# One answer for every refused submission: it must not tell which rooms or residents exist.
REFUSED_ZH = "未能提交，请核对室号、姓名和手机号（须与居委登记一致），或联系楼组长"
REFUSED_EN = "could not submit: check the room, name and phone (as registered) or ask the leader"


def self_service_order(
    *,
    link: Any,
    room: str,
    name: str,
    phone: str,
    hospital: Hospital,
    line: LineData,
    urgency: str,
    form_token: str,
    request: HttpRequest | None = None,
) -> Created:
    """A resident's request from the building's poster (居民自助配药): the patient must be
    registered in that room with that name and phone; it waits for the desk to verify it."""
    from linli.places.models import Household, Resident

    household = Household.objects.filter(building_id=link.building_id, room=room.strip()).first()
    living = (Resident.Status.PRESENT, Resident.Status.AWAY)
    resident = (
        Resident.objects.filter(
            household=household, name=name.strip(), phone=phone, status__in=living
        ).first()
        if household is not None
        else None
    )
    if resident is None or hospital.town_id != link.building.town_id:
        raise Problem(REFUSED_ZH, REFUSED_EN)
    made = order_create(
        user=None,
        resident=resident,
        hospital=hospital,
        lines=[line],
        source=Source.SELF_SERVICE,
        urgency=urgency,
        idempotency_key=f"self-service:{form_token}",
        request=request,
    )
    if not made.created and made.order.resident_id != resident.pk:
        raise Problem(REFUSED_ZH, REFUSED_EN)
    return made
