"""The one access gate. Every read of people's data goes through `visible_to(user)`.

A user's scope is a set of place ids at each level of the registry (town, committee, compound,
building, household) plus individual residents. Apps give it through providers registered in
their `AppConfig.ready()`: accounts the coarse levels of a role (town staff a town, committee
staff a committee), the duty app the buildings a leader answers for and the residents a
volunteer is paired with. The scope is computed once per request and never cached across
requests, so a change of duty takes effect on the next request.

Each model holding people's data uses `ScopedQuerySet` and declares, in `scope_paths`, how to
reach each level's id from its rows.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User  # types only: core imports no app at run time

LEVELS = ("town", "committee", "compound", "building", "household", "resident")


class FieldAccess(enum.IntEnum):
    """How a sensitive value (ID number, phone number) is shown to a user."""

    MASKED = 0  # masked, cannot be revealed
    REVEALABLE = 1  # masked, one value can be revealed (audited)
    FULL = 2  # shown in full


@dataclass
class Scope:
    """What one user may see: place ids per level, and how sensitive fields are shown."""

    ids: dict[str, set[int]] = field(default_factory=lambda: {lvl: set() for lvl in LEVELS})
    id_number: FieldAccess = FieldAccess.MASKED
    phone: FieldAccess = FieldAccess.MASKED
    all_towns: bool = False

    def add(self, level: str, ids: Iterable[int]) -> None:
        self.ids[level].update(ids)

    @property
    def is_empty(self) -> bool:
        return not self.all_towns and not any(self.ids.values())

    def reaches(self, level: str) -> bool:
        """Whether the scope holds places of `level` or wider ones (a building leader's reaches
        buildings and residents, not compounds): lists above it could only be empty."""
        if self.all_towns:
            return True
        return any(self.ids[lvl] for lvl in LEVELS[: LEVELS.index(level) + 1])

    def widen(
        self, *, id_number: FieldAccess | None = None, phone: FieldAccess | None = None
    ) -> None:
        """Raise field access to at least the given levels (scope providers only widen)."""
        if id_number is not None:
            self.id_number = max(self.id_number, id_number)
        if phone is not None:
            self.phone = max(self.phone, phone)


ScopeProvider = Callable[[Any, Scope], None]  # (the login, its scope so far)
_providers: list[ScopeProvider] = []


def register_scope_provider(provider: ScopeProvider) -> None:
    """Let an app add to users' scopes (called from AppConfig.ready)."""
    if provider not in _providers:
        _providers.append(provider)


def scope_for(user: User | AnonymousUser | None) -> Scope:
    """The user's scope for this request (memoised on the user object, which lives one request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_linli_scope", None)
    if cached is not None:
        return cached
    scope = Scope()
    if user.is_superuser:
        scope.all_towns = True
        scope.widen(id_number=FieldAccess.REVEALABLE, phone=FieldAccess.REVEALABLE)
    for provider in _providers:
        provider(user, scope)
    user._linli_scope = scope  # type: ignore[union-attr,attr-defined]
    return scope


def scope_q(paths: dict[str, str], user: User | AnonymousUser | None) -> Q | None:
    """The gate's condition on rows that reach each level's id by `paths` (level → lookup):
    a row is visible when one of its ids is in the user's scope. None means every row (a
    superuser); querysets that widen it for their own rows (a volunteer's) start from this."""
    scope = scope_for(user)
    if scope.all_towns:
        return None
    condition = Q(pk__in=[])
    for level, ids in scope.ids.items():
        path = paths.get(level)
        if ids and path:
            condition |= Q(**{f"{path}__in": sorted(ids)})
    return condition


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset for a model holding people's data; `scope_paths` maps level → id lookup.

    `visible_to(user)` is the one opening every model shares: nobody signed in sees nothing, a
    superuser everything, anyone else the rows their scope reaches by `scope_paths_for(user)`
    or matched by `also_visible_to(user)` (a volunteer's own rows). A model overrides those
    two hooks, never `visible_to` itself."""

    scope_paths: ClassVar[dict[str, str]] = {}

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated:
            return self.none()
        condition = scope_q(self.scope_paths_for(user), user)
        if condition is None:
            return self.all()
        more = self.also_visible_to(user)
        return self.filter(condition if more is None else condition | more)

    def scope_paths_for(self, user: User | AnonymousUser) -> dict[str, str]:
        """The level → lookup paths by which this user's scope reaches rows."""
        return self.scope_paths

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        """Rows this signed-in user sees besides their scope's (their own), or None."""
        return None


def scoped_queryset(paths: dict[str, str]) -> type[ScopedQuerySet[Any]]:
    """A ScopedQuerySet subclass with the given level → lookup paths."""
    return type("ScopedQuerySet", (ScopedQuerySet,), {"scope_paths": paths})
