"""Issue 10: the observation models move from `collection` to `observations`, keeping their tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("collection", "0008_tombstone_key"),
        ("forms", "0001_initial"),
        ("projects", "0002_project_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Observation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "instance_id",
                            models.CharField(max_length=200, verbose_name="instance ID"),
                        ),
                        (
                            "answers",
                            models.JSONField(blank=True, default=dict, verbose_name="answers"),
                        ),
                        (
                            "content_hash",
                            models.CharField(max_length=64, verbose_name="content hash"),
                        ),
                        (
                            "latitude",
                            models.FloatField(blank=True, null=True, verbose_name="latitude"),
                        ),
                        (
                            "longitude",
                            models.FloatField(blank=True, null=True, verbose_name="longitude"),
                        ),
                        (
                            "accuracy",
                            models.FloatField(blank=True, null=True, verbose_name="accuracy (m)"),
                        ),
                        ("h3_res3", models.CharField(blank=True, db_index=True, max_length=16)),
                        ("h3_res5", models.CharField(blank=True, db_index=True, max_length=16)),
                        ("h3_res7", models.CharField(blank=True, db_index=True, max_length=16)),
                        ("h3_res9", models.CharField(blank=True, db_index=True, max_length=16)),
                        (
                            "observed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="observed at"),
                        ),
                        (
                            "geoprivacy",
                            models.CharField(
                                choices=[
                                    ("open", "Open: the exact location is public"),
                                    ("obscured", "Obscured: only an area of about 20 km is public"),
                                    ("private", "Private: no location is public"),
                                ],
                                default="open",
                                max_length=10,
                                verbose_name="geoprivacy",
                            ),
                        ),
                        (
                            "geoprivacy_forced",
                            models.BooleanField(
                                default=False, verbose_name="obscured because sensitive"
                            ),
                        ),
                        (
                            "public_latitude",
                            models.FloatField(
                                blank=True, null=True, verbose_name="public latitude"
                            ),
                        ),
                        (
                            "public_longitude",
                            models.FloatField(
                                blank=True, null=True, verbose_name="public longitude"
                            ),
                        ),
                        ("public_h3_res3", models.CharField(blank=True, max_length=16)),
                        ("public_h3_res5", models.CharField(blank=True, max_length=16)),
                        ("public_h3_res7", models.CharField(blank=True, max_length=16)),
                        ("public_h3_res9", models.CharField(blank=True, max_length=16)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("accepted", "Accepted"),
                                    ("flagged", "Flagged"),
                                    ("rejected", "Rejected"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "status_reason",
                            models.TextField(blank=True, verbose_name="reason for the status"),
                        ),
                        (
                            "moderated_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="moderated at"
                            ),
                        ),
                        (
                            "warnings",
                            models.JSONField(
                                blank=True, default=list, verbose_name="plausibility warnings"
                            ),
                        ),
                        (
                            "warning_count",
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="number of warnings"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "deprecates",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="deprecated_by",
                                to="observations.observation",
                                verbose_name="edit of",
                            ),
                        ),
                        (
                            "form",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="observations",
                                to="forms.form",
                                verbose_name="form",
                            ),
                        ),
                        (
                            "form_version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="observations",
                                to="forms.formversion",
                                verbose_name="form version",
                            ),
                        ),
                        (
                            "moderated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="moderated by",
                            ),
                        ),
                        (
                            "observer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="observations",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="observer",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="observations",
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "observation",
                        "verbose_name_plural": "observations",
                        "db_table": "collection_observation",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ModerationEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "from_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("accepted", "Accepted"),
                                    ("flagged", "Flagged"),
                                    ("rejected", "Rejected"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "to_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("accepted", "Accepted"),
                                    ("flagged", "Flagged"),
                                    ("rejected", "Rejected"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "observation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="moderation_events",
                                to="observations.observation",
                                verbose_name="observation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "moderation event",
                        "verbose_name_plural": "moderation events",
                        "db_table": "collection_moderationevent",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="ObservationFlag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reason", models.TextField(verbose_name="reason")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "resolved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="resolved at"),
                        ),
                        (
                            "flagged_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="flagged by",
                            ),
                        ),
                        (
                            "observation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="flags",
                                to="observations.observation",
                                verbose_name="observation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "observation flag",
                        "verbose_name_plural": "observation flags",
                        "db_table": "collection_observationflag",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="SensitiveCategory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "question",
                            models.CharField(max_length=100, verbose_name="question name"),
                        ),
                        (
                            "values",
                            models.JSONField(
                                blank=True, default=list, verbose_name="sensitive answers"
                            ),
                        ),
                        (
                            "label",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="description"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sensitive_categories",
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "sensitive category",
                        "verbose_name_plural": "sensitive categories",
                        "db_table": "collection_sensitivecategory",
                        "ordering": ["project", "question"],
                    },
                ),
                migrations.CreateModel(
                    name="Tombstone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "instance_hash",
                            models.CharField(
                                max_length=64, verbose_name="keyed hash of the instance ID"
                            ),
                        ),
                        (
                            "erased_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="erased at"),
                        ),
                        (
                            "form",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tombstones",
                                to="forms.form",
                                verbose_name="form",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "tombstone",
                        "verbose_name_plural": "tombstones",
                        "db_table": "collection_tombstone",
                    },
                ),
                migrations.CreateModel(
                    name="TombstoneKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=64, verbose_name="key (hex)")),
                        (
                            "legacy_states",
                            models.JSONField(
                                blank=True, default=list, verbose_name="states of earlier keys"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                    ],
                    options={
                        "verbose_name": "tombstone key",
                        "verbose_name_plural": "tombstone keys",
                        "db_table": "collection_tombstonekey",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("id", 1)), name="tombstone_key_single"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CollectionSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "default_geoprivacy",
                            models.CharField(
                                choices=[
                                    ("open", "Open: the exact location is public"),
                                    ("obscured", "Obscured: only an area of about 20 km is public"),
                                    ("private", "Private: no location is public"),
                                ],
                                default="open",
                                max_length=10,
                                verbose_name="default geoprivacy",
                            ),
                        ),
                        (
                            "accept_without_review",
                            models.BooleanField(
                                default=False, verbose_name="accept without review"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "project",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="collection_settings",
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "collection settings",
                        "verbose_name_plural": "collection settings",
                        "db_table": "collection_collectionsettings",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("default_geoprivacy__in", ["open", "obscured", "private"])
                                ),
                                name="collection_settings_geoprivacy_valid",
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["form", "-created_at"], name="observation_form_recent"
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "-created_at"], name="observation_project_recent"
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "status"], name="observation_project_status"
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "observed_at"], name="observation_project_time"
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "public_h3_res3"],
                        include=("status", "geoprivacy", "public_latitude", "id"),
                        name="observation_map_res3",
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "public_h3_res5"],
                        include=("status", "geoprivacy", "public_latitude", "id"),
                        name="observation_map_res5",
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "public_h3_res7"],
                        include=("status", "geoprivacy", "public_latitude", "id"),
                        name="observation_map_res7",
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "public_h3_res9"],
                        include=("status", "geoprivacy", "public_latitude", "id"),
                        name="observation_map_res9",
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["observer", "-created_at"], name="observation_observer_recent"
                    ),
                ),
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(
                        fields=["project", "status", "-warning_count", "id"],
                        name="observation_moderation_queue",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="observation",
                    constraint=models.UniqueConstraint(
                        fields=("form", "instance_id"), name="observation_unique_instance_per_form"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="observation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["pending", "accepted", "flagged", "rejected"])
                        ),
                        name="observation_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="observation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("geoprivacy__in", ["open", "obscured", "private"])),
                        name="observation_geoprivacy_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="observation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("latitude__isnull", True), ("longitude__isnull", True)),
                            models.Q(("latitude__isnull", False), ("longitude__isnull", False)),
                            _connector="OR",
                        ),
                        name="observation_location_whole",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="observationflag",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("resolved_at__isnull", True)),
                        fields=("observation", "flagged_by"),
                        name="observation_flag_one_open_per_person",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="sensitivecategory",
                    constraint=models.UniqueConstraint(
                        fields=("project", "question"), name="sensitive_category_one_per_question"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="tombstone",
                    constraint=models.UniqueConstraint(
                        fields=("form", "instance_hash"), name="tombstone_unique_per_form"
                    ),
                ),
            ],
        ),
    ]
