"""The history row of help requests takes the one shape of linli.core.models.TransitionRecord:
`note` is `reason`; the data is kept."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="helprequesttransition", old_name="note", new_name="reason"),
        migrations.AlterField(
            model_name="helprequesttransition",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
