"""Issue 10: Media moves from `collection` to `media`, keeping its table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("collection", "0008_tombstone_key"),
    ]

    # State only: the tables stay where they are (db_table keeps their `collection_` names),
    # so no row is copied or lost; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Media",
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
                        ("name", models.CharField(max_length=255, verbose_name="file name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("image", "Image"),
                                    ("audio", "Audio"),
                                    ("video", "Video"),
                                    ("file", "Other file"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "content_type",
                            models.CharField(max_length=100, verbose_name="content type"),
                        ),
                        ("size", models.PositiveBigIntegerField(verbose_name="size in bytes")),
                        (
                            "sha256",
                            models.CharField(max_length=64, verbose_name="SHA-256 of the original"),
                        ),
                        (
                            "original",
                            models.FileField(
                                upload_to="observations/original/%Y/%m/", verbose_name="original"
                            ),
                        ),
                        (
                            "public_file",
                            models.FileField(
                                blank=True,
                                upload_to="observations/public/%Y/%m/",
                                verbose_name="public copy",
                            ),
                        ),
                        (
                            "thumbnail",
                            models.FileField(
                                blank=True,
                                upload_to="observations/thumbs/%Y/%m/",
                                verbose_name="thumbnail",
                            ),
                        ),
                        (
                            "width",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="width"
                            ),
                        ),
                        (
                            "height",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="height"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                    ],
                    options={
                        "verbose_name": "media file",
                        "verbose_name_plural": "media files",
                        "db_table": "collection_media",
                        "ordering": ["observation", "name"],
                    },
                ),
            ],
        ),
    ]
