"""Staff logins for `linli user add USERNAME --role town_staff|committee_staff`: the town or
committee a login belongs to, named by the command's options (registered with
`linli.accounts.roles.register_login_role` from PlacesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from linli.places.models import Committee, Town


def _town(name: str | None) -> Town:
    if not name:
        raise CommandError("需要 --town 镇/街道名称 (--town NAME is required for this role)")
    town = Town.objects.filter(name=name).first()
    if town is None:
        raise CommandError(f"找不到镇/街道 {name!r} (no such town)")
    return town


def town_staff_places(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("committee"):
        raise CommandError("镇/街道工作人员不属于居委 (town staff take no --committee)")
    return {"town": _town(options.get("town"))}


def committee_staff_places(options: dict[str, Any]) -> dict[str, Any]:
    name = options.get("committee")
    if not name:
        raise CommandError(
            "居委工作人员需要 --committee 居委名称 (committee staff need --committee)"
        )
    committees = Committee.objects.filter(name=name).select_related("town")
    if options.get("town"):
        committees = committees.filter(town=_town(options["town"]))
    found = list(committees[:2])
    if not found:
        raise CommandError(f"找不到居委 {name!r} (no such committee)")
    if len(found) > 1:
        raise CommandError(
            f"多个镇/街道都有居委 {name!r}，请加 --town (several towns have it; add --town)"
        )
    return {"town": found[0].town, "committee": found[0]}
