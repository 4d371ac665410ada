"""Buildings sort naturally (1号楼, 2号楼 … 10号楼): a stored key beside the name."""

from django.db import migrations

import linli.core.natural


def fill_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    Building = apps.get_model("places", "Building")
    rows = list(Building.objects.only("pk", "name"))
    for building in rows:
        building.sort_key = linli.core.natural.natural_key(building.name)
    Building.objects.bulk_update(rows, ["sort_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("places", "0005_committee_hotline")]

    operations = [
        migrations.AddField(
            model_name="building",
            name="sort_key",
            field=linli.core.natural.NaturalKeyField(
                db_index=True, default="", editable=False, max_length=255, source="name"
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="building",
            options={
                "ordering": ["compound_id", "sort_key"],
                "verbose_name": "楼栋",
                "verbose_name_plural": "楼栋",
            },
        ),
    ]
