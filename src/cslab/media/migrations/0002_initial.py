"""Issue 10: Media's link to its observation, in the `observations` app now (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("media", "0001_initial"),
        ("observations", "0001_initial"),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="media",
                    name="observation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="media",
                        to="observations.observation",
                        verbose_name="observation",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="media",
                    constraint=models.UniqueConstraint(
                        fields=("observation", "name"), name="media_unique_name"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="media",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("kind__in", ["image", "audio", "video", "file"])),
                        name="media_kind_valid",
                    ),
                ),
            ],
        ),
    ]
