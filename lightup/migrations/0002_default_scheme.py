"""The default light-up scheme: the thresholds of DESIGN §3.7, editable in the admin."""

from typing import Any

from django.db import migrations


def create_default(apps: Any, schema_editor: Any) -> None:
    LightScheme = apps.get_model("lightup", "LightScheme")
    if not LightScheme.objects.filter(is_default=True).exists():
        LightScheme.objects.create(name="Default (DESIGN §3.7)", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("lightup", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
