"""Volunteers' logins for `linli user add USERNAME --password P --volunteer PHONE`.

The login's scope is not stored: the access gate derives it on every request from the
volunteer's duties and pairings in force, so it follows them as they change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError

from linli.core.validators import Problem, normalise_phone
from linli.duty.models import Volunteer
from linli.duty.services import volunteer_link_user

if TYPE_CHECKING:
    from linli.accounts.models import User


def volunteer_for_options(options: dict[str, Any]) -> Volunteer:
    """The volunteer named by --volunteer PHONE (and --town when several towns know the phone)."""
    raw = options.get("volunteer")
    if not raw:
        raise CommandError("志愿者账号需要 --volunteer 手机号 (volunteers need --volunteer PHONE)")
    try:
        phone = normalise_phone(raw)
    except Problem as exc:
        raise CommandError(str(exc)) from None
    found = Volunteer.objects.filter(phone=phone).select_related("town")
    if options.get("town"):
        found = found.filter(town__name=options["town"])
    matches = list(found[:2])
    if not matches:
        raise CommandError(f"找不到手机号为 {phone} 的志愿者 (no volunteer with this phone)")
    if len(matches) > 1:
        raise CommandError(
            "多个镇/街道都有该志愿者，请加 --town (several towns have it; add --town)"
        )
    volunteer = matches[0]
    if volunteer.user_id is not None:
        raise CommandError(f"志愿者 {volunteer.name} 已有账号 (this volunteer already has a login)")
    if volunteer.status == Volunteer.Status.STOOD_DOWN:
        raise CommandError(f"志愿者 {volunteer.name} 已退出 (this volunteer has stood down)")
    return volunteer


def volunteer_places(options: dict[str, Any]) -> dict[str, Any]:
    """`ROLE_PLACES` entry of the user command: a volunteer's login belongs to their town."""
    if options.get("committee"):
        raise CommandError("志愿者账号不属于居委 (volunteers take no --committee)")
    return {"town": volunteer_for_options(options).town}


def link_volunteer_login(options: dict[str, Any], login: User) -> Volunteer:
    volunteer = volunteer_for_options(options)
    try:
        return volunteer_link_user(user=None, volunteer=volunteer, login=login)
    except Problem as exc:
        raise CommandError(str(exc)) from None
