"""Issue 10: Form and FormVersion move from `collection` to `forms`, keeping their tables."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("collection", "0009_form_version_definition"),
        ("projects", "0002_project_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Form",
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
                            "form_id",
                            models.CharField(
                                max_length=100,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[A-Za-z_][A-Za-z0-9_.-]*$",
                                        "A form ID starts with a letter or _ and has only letters, digits, _ . and -.",
                                    )
                                ],
                                verbose_name="form ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
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
                                related_name="forms",
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "form",
                        "verbose_name_plural": "forms",
                        "db_table": "collection_form",
                        "ordering": ["project", "form_id"],
                    },
                ),
                migrations.CreateModel(
                    name="FormVersion",
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
                        ("version", models.CharField(max_length=100, verbose_name="version")),
                        ("xform", models.TextField(verbose_name="XForm XML")),
                        ("source", models.JSONField(default=dict, verbose_name="XLSForm rows")),
                        (
                            "definition",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="form definition"
                            ),
                        ),
                        (
                            "source_file_name",
                            models.CharField(
                                blank=True, max_length=255, verbose_name="uploaded file name"
                            ),
                        ),
                        ("md5", models.CharField(max_length=32, verbose_name="MD5 of the XForm")),
                        (
                            "languages",
                            models.JSONField(
                                blank=True, default=list, verbose_name="label languages"
                            ),
                        ),
                        (
                            "warnings",
                            models.JSONField(
                                blank=True, default=list, verbose_name="conversion warnings"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="published at"
                            ),
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
                            "form",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="forms.form",
                                verbose_name="form",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "form version",
                        "verbose_name_plural": "form versions",
                        "db_table": "collection_formversion",
                        "ordering": ["form", "created_at", "id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="form",
                    constraint=models.UniqueConstraint(
                        fields=("project", "form_id"), name="form_unique_per_project"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formversion",
                    constraint=models.UniqueConstraint(
                        fields=("form", "version"), name="form_version_unique"
                    ),
                ),
            ],
        ),
    ]
