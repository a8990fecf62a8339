"""Issue 10: subjects point at `observations.Observation` and `media.Media` (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0002_observation_subjects_opaque_names"),
        ("media", "0001_initial"),
        ("observations", "0001_initial"),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="subject",
                    name="observation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subjects",
                        to="observations.observation",
                        verbose_name="observation",
                    ),
                ),
                migrations.AlterField(
                    model_name="subject",
                    name="observation_media",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="media.media",
                        verbose_name="observation photo",
                    ),
                ),
            ],
        ),
    ]
