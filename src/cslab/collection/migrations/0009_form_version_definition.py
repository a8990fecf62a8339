"""Issue 10 item 2: each form version keeps its typed form definition beside its XLSForm rows.

Versions published before this migration get theirs read from their stored rows, exactly as
publishing now does; the rows themselves are left as they are.
"""

from typing import Any

from django.db import migrations, models

from cslab.forms.form_definition import FormDefinition


def fill_definitions(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("collection", "FormVersion")
    for version in version_model.objects.only("pk", "source").iterator(chunk_size=200):
        version.definition = FormDefinition.from_source(version.source).to_json()
        version.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0008_tombstone_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="formversion",
            name="definition",
            field=models.JSONField(blank=True, default=dict, verbose_name="form definition"),
        ),
        migrations.RunPython(fill_definitions, migrations.RunPython.noop, elidable=True),
    ]
