"""Rules of the registry: who may change residents, export full numbers, decide transfers.

Every rule here is asked of a row the user already reached through `visible_to` (a row out of
scope is a 404 before any rule is asked); a rule refused is a 403.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_staff, is_town_staff
from linli.core.access import FieldAccess
from linli.core.masking import SENSITIVE_FIELDS, field_access
from linli.places.models import TransferRequest


@rules.predicate
def reveals_numbers(user: Any) -> bool:
    """The user's scope lets them reveal a masked ID or phone number (audited)."""
    return any(field_access(user, f) >= FieldAccess.REVEALABLE for f in SENSITIVE_FIELDS)


@rules.predicate
def sees_transfer(user: Any, transfer: TransferRequest | None) -> bool:
    """The transfer request is in the user's scope (its town)."""
    if transfer is None:
        return False
    return TransferRequest.objects.visible_to(user).filter(pk=transfer.pk).exists()


# The town office confirms or refuses what committees' imports held (TRANSFER_WORKFLOW).
decides_transfers = is_town_staff & sees_transfer

# The registry's pages of committees, compounds and buildings, and the roster uploads.
rules.add_perm("places.list_committee", is_staff)
rules.add_perm("places.change_resident", is_staff)
rules.add_perm("places.change_committee", is_staff)  # its hotline, printed on its posters
rules.add_perm("places.export_full_resident", is_staff)
rules.add_perm("places.view_transferrequest", is_town_staff)
rules.add_perm("places.decide_transferrequest", decides_transfers)
