"""The history row of claims takes the one shape of linli.core.models.TransitionRecord:
`changed_at` is `at`, `changed_by` is `by`, `note` is `reason` (as long as care's); the data is
kept."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0002_claim_one_pending"),
    ]

    operations = [
        migrations.RenameField(model_name="claimchange", old_name="changed_at", new_name="at"),
        migrations.RenameField(model_name="claimchange", old_name="changed_by", new_name="by"),
        migrations.RenameField(model_name="claimchange", old_name="note", new_name="reason"),
        migrations.AlterField(
            model_name="claimchange",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="claimchange",
            name="from_status",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name="claimchange",
            name="reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="说明"),
        ),
        migrations.AlterModelOptions(
            name="claimchange",
            options={
                "ordering": ["at", "id"],
                "verbose_name": "认领记录",
                "verbose_name_plural": "认领记录",
            },
        ),
    ]
