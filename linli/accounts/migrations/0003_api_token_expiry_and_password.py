"""API tokens expire and carry their owner's password mark. Tokens issued before this
migration have neither: they get an empty mark and stop working (ask for a new one)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_mark",
            field=models.CharField(default="", max_length=128),
            preserve_default=False,
        ),
    ]
