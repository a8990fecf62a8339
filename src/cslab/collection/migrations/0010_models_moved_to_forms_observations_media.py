"""Issue 10: `collection` was split into the `forms`, `observations` and `media` apps.

The models leave this app's migration state (their new apps create them in theirs, state only);
the tables keep their names (`db_table`), so no row moves. The content types (which auth's
permissions point at) follow the models to their new app labels.
"""

from typing import Any

from django.db import migrations

MOVED = {
    "form": "forms",
    "formversion": "forms",
    "media": "media",
    "observation": "observations",
    "observationflag": "observations",
    "moderationevent": "observations",
    "tombstone": "observations",
    "tombstonekey": "observations",
    "collectionsettings": "observations",
    "sensitivecategory": "observations",
}


def _relabel(apps: Any, *, old: dict[str, str], new: dict[str, str]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        taken = content_type.objects.filter(app_label=new[model], model=model).exists()
        if not taken:
            content_type.objects.filter(app_label=old[model], model=model).update(
                app_label=new[model]
            )


def content_types_forward(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, old=dict.fromkeys(MOVED, "collection"), new=MOVED)


def content_types_backward(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, old=MOVED, new=dict.fromkeys(MOVED, "collection"))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("collection", "0009_form_version_definition"),
        ("forms", "0001_initial"),
        ("observations", "0001_initial"),
        ("media", "0002_initial"),
        ("classification", "0003_observation_models_moved"),
        ("openrosa", "0004_observation_model_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="collectionsettings",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="form",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="form",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="form",
                ),
                migrations.RemoveField(
                    model_name="tombstone",
                    name="form",
                ),
                migrations.RemoveField(
                    model_name="formversion",
                    name="form",
                ),
                migrations.RemoveField(
                    model_name="formversion",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="form_version",
                ),
                migrations.RemoveField(
                    model_name="media",
                    name="observation",
                ),
                migrations.RemoveField(
                    model_name="moderationevent",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="moderationevent",
                    name="observation",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="deprecates",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="moderated_by",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="observer",
                ),
                migrations.RemoveField(
                    model_name="observation",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="observationflag",
                    name="observation",
                ),
                migrations.RemoveField(
                    model_name="observationflag",
                    name="flagged_by",
                ),
                migrations.RemoveField(
                    model_name="sensitivecategory",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="sensitivecategory",
                    name="project",
                ),
                migrations.DeleteModel(
                    name="TombstoneKey",
                ),
                migrations.DeleteModel(
                    name="CollectionSettings",
                ),
                migrations.DeleteModel(
                    name="Tombstone",
                ),
                migrations.DeleteModel(
                    name="Form",
                ),
                migrations.DeleteModel(
                    name="FormVersion",
                ),
                migrations.DeleteModel(
                    name="Media",
                ),
                migrations.DeleteModel(
                    name="ModerationEvent",
                ),
                migrations.DeleteModel(
                    name="Observation",
                ),
                migrations.DeleteModel(
                    name="ObservationFlag",
                ),
                migrations.DeleteModel(
                    name="SensitiveCategory",
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
