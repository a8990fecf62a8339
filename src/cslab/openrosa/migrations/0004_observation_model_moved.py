"""Issue 10: app-user submissions point at `observations.Observation` (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observations", "0001_initial"),
        ("openrosa", "0003_device_passwords_replace_web_password_digests"),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appusersubmission",
                    name="observation",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="app_user_submission",
                        to="observations.observation",
                        verbose_name="observation",
                    ),
                ),
            ],
        ),
    ]
