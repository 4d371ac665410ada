"""Checking a workflow's table (linli.core.workflow) against what the test says it should be.

    check_workflow_table(
        HELP_REQUEST_WORKFLOW,
        {"new": make_new, "accepted": make_accepted, ...},   # a maker of a row in each status
        {"kaiwu": grid.users["kaiwu"], "charlie": ..., ...},  # the actors tried
        {"cancelled": {"kaiwu", "town", "alice"}, ...},       # who may move a row into a status
    )

For every status, every status it could go to and every actor, on a fresh row:

- a move in the table made by an actor `allowed` names succeeds: the row has the new status,
  and exactly one history row (from, to, by, reason) and one audit entry are written;
- the same move by any other actor is `NotAllowed`, and nothing is written;
- a move not in the table is a `Conflict` for every actor, and nothing is written.

`allowed` is keyed by the target status, or by a (from, to) pair where moves into one status
differ. Each attempt runs in a savepoint that is rolled back, so the makers may build on the
test's data without the attempts seeing each other's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from linli.core.models import AuditEntry
from linli.core.workflow import Conflict, NotAllowed, Workflow

if TYPE_CHECKING:
    from linli.accounts.models import User

REASON = "核对流程表 (checking the table)"


class _Rollback(Exception):
    pass


def check_workflow_table(
    workflow: Workflow[Any],
    objects_by_state: Mapping[str, Callable[[], models.Model]],
    actors: Mapping[str, User],
    allowed: Mapping[str | tuple[str, str], Collection[str]],
) -> None:
    sources = {source for source, _target in workflow.table}
    missing = sources - set(objects_by_state)
    assert not missing, f"no maker of a row in {sorted(missing)}: those moves go untried"
    unknown = {name for names in allowed.values() for name in names} - set(actors)
    assert not unknown, f"allowed names actors not tried: {sorted(unknown)}"
    for (source, target), _move in workflow.table.items():
        names = allowed.get((source, target), allowed.get(target))
        assert names, f"{source} → {target}: the test names nobody who may make it"
    for source, make in objects_by_state.items():
        for target in workflow.statuses:
            in_table = (source, target) in workflow.table
            names = allowed.get((source, target), allowed.get(target, ()))
            for name, actor in actors.items():
                expected = "ok" if in_table and name in names else "refused"
                _attempt(workflow, make, source, target, name, actor, in_table, expected)


def _attempt(
    workflow: Workflow[Any],
    make: Callable[[], models.Model],
    source: str,
    target: str,
    name: str,
    actor: User,
    in_table: bool,
    expected: str,
) -> None:
    where = f"{workflow.name} {source} → {target} by {name}"
    try:
        with transaction.atomic():
            obj = make()
            assert getattr(obj, workflow.field) == source, f"{where}: the maker made a wrong row"
            history = workflow.history._default_manager.filter(**{workflow.subject: obj.pk})
            audits = AuditEntry.objects.filter(
                target_type=obj._meta.label_lower, target_id=str(obj.pk)
            )
            before = (history.count(), audits.count())
            # A fresh actor and a bare row: nothing memoised by an earlier attempt leaks in.
            by = type(actor)._default_manager.get(pk=actor.pk)
            bare = type(obj)(pk=obj.pk)
            if expected == "ok":
                moved = workflow.transition(bare, target, by=by, reason=REASON)
                assert getattr(moved, workflow.field) == target, where
                stored = type(obj)._default_manager.get(pk=obj.pk)
                assert getattr(stored, workflow.field) == target, where
                written = history.filter(from_status=source, to_status=target, by=by)
                assert written.filter(reason=REASON).count() == 1, f"{where}: no history row"
                summary = f"{workflow.name} {source} → {target}"
                assert audits.filter(summary=summary, user=by).count() == 1, f"{where}: no audit"
            else:
                refusal = NotAllowed if in_table else Conflict
                try:
                    workflow.transition(bare, target, by=by, reason=REASON)
                except refusal:
                    pass
                else:
                    raise AssertionError(f"{where}: allowed, expected {refusal.__name__}")
                stored = type(obj)._default_manager.get(pk=obj.pk)
                assert getattr(stored, workflow.field) == source, f"{where}: the status moved"
                assert (history.count(), audits.count()) == before, f"{where}: rows written"
            raise _Rollback
    except _Rollback:
        pass
