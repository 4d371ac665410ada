"""A lab's negative tube no longer rewrites its samples (their result is the tube's), so the
samples table needs no free room on its pages for in-place updates: its fillfactor goes back
to PostgreSQL's default. The tubes keep theirs (a result still updates each tube in place).
Only pages written from now on are filled; existing pages are left as they are.
"""

from django.db import migrations


def fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE screening_sample SET (fillfactor = {value})")

    return run


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_lab_updates_in_place")]

    operations = [migrations.RunPython(fillfactor(100), fillfactor(50), elidable=True)]
