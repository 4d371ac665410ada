"""The one workflow engine: a status field, a declared table of allowed moves with who may make
each, and `transition()`, the only way a status changes.

An app declares its workflow once, next to its services:

    CLAIM_WORKFLOW = Workflow(
        name="claim",
        model=Claim,
        history=ClaimChange,            # a linli.core.models.TransitionRecord
        subject="claim",                # the history row's foreign key to the row
        moves=[
            *moves([S.PENDING], [S.APPROVED, S.REFUSED], decides_claim, refusal=(zh, en)),
            *moves([S.PENDING], [S.WITHDRAWN], is_claimant, refusal=(zh, en)),
        ],
        apply=approve,                  # optional: the move's own effects, before the save
    )

and every caller moves a row with `transition(obj, to, by=user, reason=..., request=...)`:
the row is locked (SELECT … FOR UPDATE), so of concurrent moves from one status exactly one
wins; a move not in the table, or from a status the row has already left, is a `Conflict`
(HTTP 409); an actor the move's predicate refuses gets `NotAllowed` (HTTP 403: the caller has
already fetched the row through `visible_to`, so a row out of scope was a 404 before the
engine was reached). Each move writes one history row (from, to, by, at, reason) and one
audit entry. `linli.testing.workflows.check_workflow_table` checks any workflow's table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from rules import Predicate

from linli.core.audit import audit
from linli.core.models import AuditEntry, TransitionRecord
from linli.core.validators import Problem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from linli.accounts.models import User

M = TypeVar("M", bound=models.Model)
# Who may make a move: a predicate of (user, row), the same `rules` predicates the app's rules
# are made of (linli/<app>/rules.py); a plain function is wrapped in one.
Who = Predicate | Callable[[Any, Any], bool]


class Conflict(Problem):
    """The move is not in the table from the row's current status: illegal, or the row moved
    meanwhile (HTTP 409)."""


class NotAllowed(Problem, PermissionDenied):
    """This user may not make this move on a row they may see (HTTP 403). A `PermissionDenied`
    too, so a page that does not catch it answers Django's 403."""


@dataclass(frozen=True)
class Move:
    """One allowed move: from a status to another, and who may make it."""

    source: str
    target: str
    who: Predicate
    refusal: tuple[str, str] = ("无权进行此操作", "you may not make this move")

    def allows(self, user: Any, obj: Any) -> bool:
        return bool(self.who.test(user, obj))


def moves(
    sources: Iterable[str], targets: Iterable[str], who: Who, *, refusal: tuple[str, str]
) -> list[Move]:
    """Every move from each of `sources` to each of `targets`, made by `who`."""
    targets = list(targets)
    predicate = who if isinstance(who, Predicate) else Predicate(who)
    return [Move(s, t, predicate, refusal) for s in sources for t in targets]


@dataclass(frozen=True)
class Change(Generic[M]):
    """A move being made: what the workflow's hooks are given."""

    obj: M  # the locked row, its status still the old one while `apply` runs
    source: str
    target: str
    by: Any
    reason: str
    at: dt.datetime
    request: HttpRequest | None


@dataclass
class Workflow(Generic[M]):
    """A model's status workflow. Creating one registers it for `transition()`."""

    name: str  # in audit summaries: "claim pending → approved"
    model: type[M]
    history: type[TransitionRecord]
    subject: str  # the history row's foreign key to `model`
    moves: Sequence[Move]
    field: str = "status"
    # select_related of the locked row (what the predicates read); locks only the row itself.
    related: tuple[str, ...] = ()
    # The move's own effects on the locked row (may raise a Problem); returns the extra fields
    # to save.
    apply: Callable[[Change[M]], Iterable[str]] | None = None
    # More columns of the history row (care records the acting volunteer).
    record: Callable[[Change[M]], dict[str, Any]] | None = None
    # More of the audit entry's detail (what a transfer moved, whom).
    detail: Callable[[Change[M]], dict[str, Any]] | None = None
    # What follows the move inside the same transaction (approval refuses the other claims).
    after: Callable[[Change[M]], None] | None = None
    # The reason when the database refuses the save (a constraint another move won).
    clash: tuple[str, str] = ("已被他人处理", "someone else changed it first")
    table: dict[tuple[str, str], Move] = dataclasses.field(init=False, repr=False)
    statuses: list[str] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.table = {(m.source, m.target): m for m in self.moves}
        self.statuses = list(self._labels())
        unknown = {s for pair in self.table for s in pair} - set(self.statuses)
        assert not unknown, f"{self.name}: statuses not among the field's choices: {unknown}"
        _workflows[self.model] = self

    def _labels(self) -> dict[str, Any]:
        status_field = cast("models.Field[Any, Any]", self.model._meta.get_field(self.field))
        return dict(status_field.choices or ())

    def targets(self, status: str) -> list[str]:
        """The statuses a row in `status` may move to, by anyone, in the field's order."""
        return [to for to in self.statuses if (status, to) in self.table]

    def may(self, user: User | AnonymousUser | None, obj: M, to: str) -> bool:
        move = self.table.get((getattr(obj, self.field), to))
        return move is not None and move.allows(user, obj)

    def allowed(self, user: User | AnonymousUser | None, obj: M) -> list[str]:
        """The moves this user may make now (for a page's buttons)."""
        return [to for to in self.targets(getattr(obj, self.field)) if self.may(user, obj, to)]

    def label(self, status: str) -> str:
        return str(self._labels().get(status, status))

    def transition(
        self,
        obj: M,
        to: str,
        *,
        by: User | None,
        reason: str = "",
        request: HttpRequest | None = None,
        at: dt.datetime | None = None,
        system: bool = False,
    ) -> M:
        """Move `obj` to `to` (see the module's docstring). `system` is for moves that follow
        from another audited write (a volunteer stood down withdraws their claims): the actor
        is recorded but not checked."""
        if to not in self.statuses:
            raise Problem(f"未知状态：{to}", f"unknown status {to!r}")
        verbose = self.model._meta.verbose_name
        max_length = self.history._meta.get_field("reason").max_length or 300
        reason = reason.strip()[:max_length]
        at = at or timezone.now()
        with transaction.atomic():
            locked = (
                self.model._default_manager.select_for_update(of=("self",))
                .select_related(*self.related)
                .get(pk=obj.pk)
            )
            source = getattr(locked, self.field)
            move = self.table.get((source, to))
            if move is None:
                with translation.override(settings.LANGUAGE_CODE):  # the Chinese half in Chinese
                    zh = f"{verbose}当前为“{self.label(source)}”，不能改为“{self.label(to)}”"
                raise Conflict(zh, f"the {self.name} is {source}; it cannot move to {to}")
            if not system and not move.allows(by, locked):
                raise NotAllowed(*move.refusal)
            change = Change(locked, source, to, by, reason, at, request)
            fields = list(self.apply(change)) if self.apply else []
            setattr(locked, self.field, to)
            try:
                with transaction.atomic():
                    locked.save(update_fields=[self.field, *fields])
            except IntegrityError:
                raise Conflict(*self.clash) from None
            self.history._default_manager.create(
                **{self.subject: locked},
                from_status=source,
                to_status=to,
                by=by,
                at=at,
                reason=reason,
                **(self.record(change) if self.record else {}),
            )
            audit(
                user=by,
                action=AuditEntry.Action.UPDATE,
                target=locked,
                summary=f"{self.name} {source} → {to}",
                detail={"from": source, "to": to, **(self.detail(change) if self.detail else {})},
                request=request,
            )
            if self.after:
                self.after(change)
        for name in (self.field, *fields):
            setattr(obj, name, getattr(locked, name))
        return locked


_workflows: dict[type[models.Model], Workflow[Any]] = {}


def workflow_for(model: type[models.Model]) -> Workflow[Any]:
    """The workflow declared for a model (its module must have been imported: apps import it
    from their AppConfig.ready)."""
    return _workflows[model]


def transition(
    obj: M,
    to: str,
    *,
    by: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    at: dt.datetime | None = None,
    system: bool = False,
) -> M:
    """Move `obj` to `to` through its model's workflow (`Workflow.transition`)."""
    workflow: Workflow[M] = workflow_for(type(obj))
    return workflow.transition(obj, to, by=by, reason=reason, request=request, at=at, system=system)
