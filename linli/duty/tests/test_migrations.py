"""Volunteer status changes recorded before the workflow kept history become history rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_old_status_changes_in_the_audit_log_become_volunteer_history():
    executor = MigrationExecutor(connection)
    executor.migrate([("duty", "0004_volunteer_change")])
    old = executor.loader.project_state(
        [("duty", "0004_volunteer_change"), ("core", "0004_export_job")]
    ).apps
    Town = old.get_model("places", "Town")
    Committee = old.get_model("places", "Committee")
    Volunteer = old.get_model("duty", "Volunteer")
    AuditEntry = old.get_model("core", "AuditEntry")
    town = Town.objects.create(name="泗泾镇")
    committee = Committee.objects.create(town=town, name="新凯五村")
    volunteer = Volunteer.objects.create(
        town=town, committee=committee, name="艾丽丝", phone="13900000001", status="active"
    )
    for summary, note in (("volunteer approve", ""), ("volunteer stand down", "搬家")):
        AuditEntry.objects.create(
            action="update",
            target_type="duty.volunteer",
            target_id=str(volunteer.pk),
            summary=summary,
            detail={"note": note},
        )
    AuditEntry.objects.create(action="update", target_type="duty.volunteer", summary="other")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from linli.duty.models import VolunteerChange

    rows = VolunteerChange.objects.filter(volunteer_id=volunteer.pk).order_by("at", "id")
    assert [(r.from_status, r.to_status, r.reason) for r in rows] == [
        ("applied", "active", ""),
        ("active", "stood_down", "搬家"),
    ]
