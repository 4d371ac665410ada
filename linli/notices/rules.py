"""Who may do what with notices and group robots (docs/architecture.md, "Rules").

Town staff send to anything in their town; committee staff to their committee and what lies in
it (the services refuse a scope outside it). The same predicate answers for a town's or a
committee's robot channels. Reading is the recipients' own: a volunteer whose login got a
receipt when the notice was sent.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_committee_staff, is_staff, is_town_staff
from linli.core.access import scope_for


@rules.predicate
def sends_for(user: Any, obj: Any) -> bool:
    """The user answers for the row's town (town staff) or its committee (committee staff): a
    notice or a robot channel; a town-wide row is the town office's alone."""
    if obj is None:
        return False
    scope = scope_for(user)
    if is_town_staff(user):
        return scope.all_towns or obj.town_id in scope.ids["town"]
    if is_committee_staff(user):
        return obj.committee_id is not None and obj.committee_id in scope.ids["committee"]
    return False


@rules.predicate
def receives(user: Any, notice: Any) -> bool:
    """The login is one of the notice's recipients (a receipt was made for it when sent)."""
    if notice is None or user is None or not user.is_authenticated:
        return False
    from linli.notices.models import Receipt

    return Receipt.objects.filter(notice_id=notice.pk, user_id=user.pk).exists()


rules.add_perm("notices.add_notice", is_staff)
rules.add_perm("notices.change_notice", sends_for)
rules.add_perm("notices.remind_notice", sends_for)
rules.add_perm("notices.view_receipts_notice", sends_for)
rules.add_perm("notices.read_notice", receives)
rules.add_perm("notices.add_robotchannel", is_staff)
rules.add_perm("notices.change_robotchannel", sends_for)
