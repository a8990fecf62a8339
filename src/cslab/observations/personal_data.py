"""The collection area's part of a person's data export: the observations they submitted, the
files attached to them, and the observations they flagged.

It is the person's own data, so the export holds all of it: every answer, the true location
(not only the public one), the moderation status, the consent version in force, and the files
as they were sent (the originals, which may carry EXIF data; the public copies are derived).
Who moderated is another person: only that the team did, and when.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import ExportFile, register_files, register_section
from cslab.media.models import Media
from cslab.observations.models import Observation, ObservationFlag

CHUNK = 500


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def media_archive_name(media: Media) -> str:
    """Where an original goes in the zip, under `media/`: one folder per observation."""
    return f"observations/{media.observation_id}/{media.name}"


def _observation_rows(user: User) -> Iterator[dict[str, Any]]:
    observations = (
        Observation.objects.filter(observer=user)
        .select_related("project", "form", "form_version", "consent_version")
        .prefetch_related(Prefetch("media", queryset=Media.objects.order_by("name")))
        .order_by("created_at", "id")
    )
    for observation in observations.iterator(chunk_size=CHUNK):
        yield {
            "id": observation.pk,
            "project": observation.project.slug,
            "form": observation.form.form_id,
            "form_version": observation.form_version.version,
            "instance_id": observation.instance_id,
            "answers": observation.answers,
            "latitude": observation.latitude,
            "longitude": observation.longitude,
            "accuracy": observation.accuracy,
            "geoprivacy": observation.geoprivacy,
            "geoprivacy_forced": observation.geoprivacy_forced,
            "public_latitude": observation.public_latitude,
            "public_longitude": observation.public_longitude,
            "observed_at": _iso(observation.observed_at),
            "observed_day_only": observation.observed_day_only,
            "submitted_at": _iso(observation.created_at),
            "status": observation.status,
            "status_reason": observation.status_reason,
            "moderated_at": _iso(observation.moderated_at),
            "warnings": observation.warnings,
            "consent_version": (
                observation.consent_version.number if observation.consent_version else None
            ),
            "replaces_observation": observation.deprecates_id,
            "media": [media.name for media in observation.media.all()],
            "media_files": [
                f"media/{media_archive_name(media)}" for media in observation.media.all()
            ],
        }


@register_section("observations", gettext_noop("Your observations"))
def _observations(user: User) -> Iterator[dict[str, Any]]:
    return _observation_rows(user)


def _your_media(user: User) -> Any:
    return Media.objects.filter(observation__observer=user).order_by("observation_id", "name")


@register_section("observation_media", gettext_noop("The files of your observations"))
def _observation_media(user: User) -> Iterator[dict[str, Any]]:
    for media in _your_media(user).iterator(chunk_size=CHUNK):
        yield {
            "observation": media.observation_id,
            "name": media.name,
            "kind": media.kind,
            "content_type": media.content_type,
            "size": media.size,
            "sha256": media.sha256,
            "width": media.width,
            "height": media.height,
            "file": f"media/{media_archive_name(media)}",
            "received_at": _iso(media.created_at),
        }


@register_section("observation_flags", gettext_noop("Observations you flagged"))
def _observation_flags(user: User) -> Iterator[dict[str, Any]]:
    flags = ObservationFlag.objects.filter(flagged_by=user).select_related("observation__project")
    for flag in flags.order_by("created_at", "id").iterator(chunk_size=CHUNK):
        yield {
            "project": flag.observation.project.slug,
            "observation": flag.observation_id,
            "reason": flag.reason,
            "created_at": _iso(flag.created_at),
            "resolved_at": _iso(flag.resolved_at),
        }


@register_files("observation_media")
def _media_originals(user: User) -> Iterator[ExportFile]:
    for media in (
        _your_media(user).only("observation_id", "name", "original").iterator(chunk_size=CHUNK)
    ):
        if not media.original:
            continue
        storage, stored_name = media.original.storage, media.original.name

        def open_original(storage: Any = storage, stored_name: str = stored_name) -> Any:
            return storage.open(stored_name, "rb")

        yield ExportFile(archive_name=media_archive_name(media), open=open_original)
