"""A group buy covers one or more compounds of its committee: the `compound` foreign key becomes
the many-to-many `compounds`, each row's compound copied into it (and back, on reversal, the
first of its compounds)."""

import django.db.models.deletion
from django.db import migrations, models


def compound_into_compounds(apps, schema_editor):
    GroupBuy = apps.get_model("supplies", "GroupBuy")
    Through = GroupBuy.compounds.through
    rows = GroupBuy.objects.filter(compound__isnull=False).values_list("pk", "compound_id")
    Through.objects.bulk_create(
        [Through(groupbuy_id=pk, compound_id=compound_id) for pk, compound_id in rows.iterator()],
        batch_size=2000,
        ignore_conflicts=True,
    )
    _checks_now(schema_editor)


def compounds_into_compound(apps, schema_editor):
    GroupBuy = apps.get_model("supplies", "GroupBuy")
    Through = GroupBuy.compounds.through
    first: dict[int, int] = {}
    for gb_id, compound_id in Through.objects.order_by("groupbuy_id", "compound_id").values_list(
        "groupbuy_id", "compound_id"
    ):
        first.setdefault(gb_id, compound_id)
    for gb_id, compound_id in first.items():
        GroupBuy.objects.filter(pk=gb_id).update(compound_id=compound_id)
    _checks_now(schema_editor)


def _checks_now(schema_editor):
    # PostgreSQL defers foreign-key checks to the commit; the ALTER TABLE that follows in the
    # same transaction refuses a table with checks pending, so run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0007_compound_coordinates_committee_gate"),
        ("supplies", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="groupbuy",
            name="compound",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.compound",
            ),
        ),
        migrations.AddField(
            model_name="groupbuy",
            name="compounds",
            field=models.ManyToManyField(
                related_name="group_buys", to="places.compound", verbose_name="小区"
            ),
        ),
        migrations.RunPython(compound_into_compounds, compounds_into_compound),
        migrations.RemoveField(model_name="groupbuy", name="compound"),
    ]
