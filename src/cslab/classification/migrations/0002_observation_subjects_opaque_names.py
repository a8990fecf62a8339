"""Subjects made from observation photos are named by the photo's opaque public name.

Their external ID was "observation-<id>-<name as sent>", and ODK Collect names a photo by the
moment it was taken, which volunteers could read off an obscured or private observation. They
become "observation-<id>-media-<media id>.<extension>", the name
`cslab.observations.selectors.public_media_name` gives (kept as a copy here: a migration must not
change when that code does). Reversible: the old names are rebuilt from the media rows.
"""

import re
from pathlib import PurePosixPath
from typing import Any

from django.db import migrations

_SAFE_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def _public_media_name(media_id: int, name: str) -> str:
    extension = PurePosixPath(name).suffix
    return f"media-{media_id}{extension.lower() if _SAFE_EXTENSION.match(extension) else ''}"


def _rename(apps: Any, *, opaque: bool) -> None:
    subject_model = apps.get_model("classification", "Subject")
    subjects = subject_model.objects.filter(
        kind="observation", observation_media__isnull=False
    ).select_related("observation_media")
    for subject in subjects.iterator():
        media = subject.observation_media
        name = _public_media_name(media.pk, media.name) if opaque else media.name
        wanted = f"observation-{media.observation_id}-{name}"[:200]
        if subject.external_id != wanted:
            subject.external_id = wanted
            subject.save(update_fields=["external_id"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, opaque=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, opaque=False)


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0001_subjects_workflows_classifications"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
