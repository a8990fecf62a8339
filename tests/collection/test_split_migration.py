"""Issue 10 split `collection` into `forms`, `observations` and `media`: the models changed app
with state-only migrations. A database made before the split keeps every row, its tables keep
their names, and the content types follow the models to their new app labels.

Runs on SQLite and on PostgreSQL (the suite's two runs). The same check on a full demo database
made by the code before the split: see "Moving a model between apps" in docs/architecture.md.
"""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cslab.core.roles import ProjectRole
from cslab.forms.models import Form, FormVersion
from cslab.media.models import Media
from cslab.observations.models import Observation
from cslab.projects.models import Project
from tests.collection.test_media_attach import attach, publish_media_form, submit_with_photo
from tests.collection.test_media_checks import png_with_transparency
from tests.projects.factories import MembershipFactory, ProjectFactory

BEFORE_THE_SPLIT = [
    ("collection", "0009_form_version_definition"),
    ("classification", "0002_observation_subjects_opaque_names"),
    ("openrosa", "0003_device_passwords_replace_web_password_digests"),
    ("forms", None),
    ("observations", None),
    ("media", None),
]
MOVED_TABLES = [
    "collection_form",
    "collection_formversion",
    "collection_observation",
    "collection_media",
    "collection_moderationevent",
]


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in MOVED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  (fixed table names)
            counts[table] = cursor.fetchone()[0]
    return counts


def _labels() -> dict[str, str]:
    moved = ("form", "formversion", "observation", "media")
    return dict(
        ContentType.objects.filter(model__in=moved).values_list("model", "app_label").distinct()
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_every_row_and_its_content_types_follow(
    tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    attach(submit_with_photo(observer, publish_media_form(project)), png_with_transparency())
    ContentType.objects.get_for_models(Form, FormVersion, Observation, Media)
    counts = _row_counts()
    assert counts["collection_observation"] == 1 and counts["collection_media"] == 1

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_SPLIT)
    try:
        assert _labels() == dict.fromkeys(
            ["form", "formversion", "observation", "media"], "collection"
        )
        assert _row_counts() == counts
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert _row_counts() == counts
    assert _labels() == {
        "form": "forms",
        "formversion": "forms",
        "observation": "observations",
        "media": "media",
    }
    assert Observation.objects.get().media.get().name
