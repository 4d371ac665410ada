from django.db import migrations

BUILTIN = [
    ("living_alone", "独居老人"),
    ("aged_80_plus", "高龄老人"),
    ("disabled", "残疾人"),
    ("chronic_illness", "慢性病"),
    ("dialysis", "血透"),
    ("pregnant", "孕产妇"),
    ("serious_illness", "重病"),
    ("mental_disorder", "精神障碍"),
    ("low_income", "低保"),
]


def add_tags(apps, schema_editor):
    CareTag = apps.get_model("places", "CareTag")
    for code, name in BUILTIN:
        CareTag.objects.get_or_create(town=None, name=name, defaults={"code": code})


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
