"""Masking of ID and phone numbers, by the viewer's scope."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linli.core.access import FieldAccess, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

SENSITIVE_FIELDS = ("id_number", "phone")


def mask_number(value: str) -> str:
    """The first three and last four characters kept: 310***********1234, 138****5678."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


mask_id_number = mask_phone = mask_number

MASKERS = {"id_number": mask_id_number, "phone": mask_phone}

# A phone or ID number inside free text (a search, a reason, an audit detail).
LONG_NUMBER = re.compile(r"\d{7,}[\dXx]?")


def mask_numbers_in(text: str) -> str:
    """Free text with every phone or ID number in it masked: "找13812345678" → "找138****5678"."""
    return LONG_NUMBER.sub(lambda m: mask_number(m.group()), text)


def field_access(user: User | AnonymousUser | None, field: str) -> FieldAccess:
    scope = scope_for(user)
    return getattr(scope, field)  # type: ignore[no-any-return]


def shown(user: User | AnonymousUser | None, field: str, value: str) -> str:
    """The value as this user may see it in a list, a page, the API or an export."""
    if field_access(user, field) is FieldAccess.FULL:
        return value
    return MASKERS[field](value)


def mask_name(name: str) -> str:
    """A person's name as printed where anyone may read it (a bag's label): the first and last
    characters kept, those between starred: 张三丰 → 张*丰, 李四 → 李*, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
