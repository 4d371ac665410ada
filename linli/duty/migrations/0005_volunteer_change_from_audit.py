"""The volunteer status changes made before the workflow wrote history: one VolunteerChange per
audit entry of the old service ("volunteer approve" and so on), so a volunteer's history starts
where the audit log does."""

from django.db import migrations

MOVES = {
    "volunteer approve": ("applied", "active"),
    "volunteer reject": ("applied", "stood_down"),
    "volunteer stand down": ("active", "stood_down"),
    "volunteer return": ("stood_down", "active"),
}


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    Volunteer = apps.get_model("duty", "Volunteer")
    VolunteerChange = apps.get_model("duty", "VolunteerChange")
    entries = AuditEntry.objects.filter(target_type="duty.volunteer", summary__in=MOVES)
    existing = set(Volunteer.objects.values_list("pk", flat=True))
    VolunteerChange.objects.bulk_create(
        VolunteerChange(
            volunteer_id=int(entry.target_id),
            from_status=MOVES[entry.summary][0],
            to_status=MOVES[entry.summary][1],
            by_id=entry.user_id,
            at=entry.created_at,
            reason=str(entry.detail.get("note", ""))[:300],
        )
        for entry in entries.order_by("created_at", "id")
        if entry.target_id.isdigit() and int(entry.target_id) in existing
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_import_job"),
        ("duty", "0004_volunteer_change"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
