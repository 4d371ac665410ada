"""Let a lab's results update tubes and samples in place.

A result changes a tube's status, result and time and its samples' result and time. On
PostgreSQL an UPDATE that changes no indexed column, with room on the row's page, is a HOT
update: no new entry in any index. So no index holds those columns (the tube's (round, status)
index goes), duplicate indexes go (the sample's second index on tube, the FK indexes a unique
constraint already leads with), and the two tables leave half of each page free. A lab
result loses its town (its tube's) and its import job (never set): two foreign keys fewer to
check for each of a file's 100,000 rows.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("screening_tube", "screening_sample")


def fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0007_compound_coordinates_committee_gate"),
        ("screening", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="sample",
            name="screening_s_tube_id_26eed4_idx",
        ),
        migrations.RemoveIndex(
            model_name="tube",
            name="screening_t_round_i_8eacce_idx",
        ),
        migrations.AlterField(
            model_name="sample",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="samples",
                to="screening.testround",
            ),
        ),
        migrations.AlterField(
            model_name="tube",
            name="town",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.town",
            ),
        ),
        migrations.RemoveField(model_name="labresult", name="town"),
        migrations.RemoveField(model_name="labresult", name="job"),
        migrations.AlterField(
            model_name="labresult",
            name="tube",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lab_results",
                to="screening.tube",
            ),
        ),
        migrations.RunPython(fillfactor(50), fillfactor(100)),
    ]
