"""Reads of observation media, filtered by what the viewer may see.

Whoever may see an observation (`selectors.observation_get_for_viewing`) may see its public
copies: the re-encoded photo without metadata, its thumbnail, and recordings and documents
with their known metadata removed. The file as received, which may carry the true location
in EXIF GPS, goes only to people allowed to see the true location
("observation.view_true_location").
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.db.models.fields.files import FieldFile

from cslab.collection import selectors
from cslab.collection.models import Media, Observation
from cslab.core import permissions
from cslab.core.errors import NotFoundError

PUBLIC = "public"
THUMBNAIL = "thumb"
ORIGINAL = "original"
SIZES = (PUBLIC, THUMBNAIL, ORIGINAL)
# Kinds a browser may show in the page; anything else is downloaded.
INLINE_KINDS = frozenset({Media.Kind.IMAGE, Media.Kind.AUDIO, Media.Kind.VIDEO})
UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ServedFile:
    """A stored file with the headers it is served with."""

    file: FieldFile
    content_type: str
    filename: str
    inline: bool
    private: bool


def observation_get_for_media(*, user: Any, observation_id: int) -> Observation:
    """Return an observation by its ID alone; NotFoundError if unknown or not visible."""
    found = Observation.objects.select_related("project").filter(pk=observation_id).first()
    if found is None:
        raise NotFoundError()
    return selectors.observation_get_for_viewing(
        user=user, project=found.project, observation_id=observation_id
    )


def media_get_for_serving(
    *, user: Any, observation_id: int, name: str, size: str = PUBLIC
) -> ServedFile:
    """Return the file to serve for one media of an observation in one size.

    `size` is "public" (the copy without metadata), "thumb" (photos only) or "original"
    (the file as received; only for people allowed to see the true location, others get
    NotFoundError as if it did not exist).
    """
    if size not in SIZES:
        raise NotFoundError()
    observation = observation_get_for_media(user=user, observation_id=observation_id)
    # The name the viewer was shown: the opaque one for an obscured or private observation
    # seen without its truth (the name sent may be the moment the photo was taken).
    media = selectors.media_get_by_shown_name(user=user, observation=observation, name=name)
    if size == ORIGINAL:
        permissions.require(user, "observation.view_true_location", observation)
        return ServedFile(
            file=media.original,
            content_type=media.content_type,
            filename=safe_filename(media.name, _extension(media.original)),
            inline=media.kind in INLINE_KINDS,
            private=True,
        )
    chosen = media.thumbnail if size == THUMBNAIL else media.public_file
    if not chosen and (size == THUMBNAIL or media.kind == Media.Kind.IMAGE):
        # A photo is public only as its re-encoded copy, never as received.
        raise NotFoundError()
    file = chosen or media.original
    return ServedFile(
        file=file,
        content_type=public_content_type(media),
        filename=safe_filename(name, _extension(file)),
        inline=media.kind in INLINE_KINDS,
        private=False,
    )


def public_content_type(media: Media) -> str:
    """Return the content type of the public copy (photos are re-encoded to JPEG or WebP)."""
    if media.kind == Media.Kind.IMAGE:
        return "image/webp" if _extension(media.public_file) == "webp" else "image/jpeg"
    return media.content_type


def safe_filename(name: str, extension: str) -> str:
    """Return an ASCII file name for Content-Disposition, with the served type's extension."""
    stem = PurePosixPath(name).stem or "file"
    cleaned = UNSAFE_FILENAME_CHARACTERS.sub("_", stem).strip("._") or "file"
    return f"{cleaned[:100]}.{extension}" if extension else cleaned[:100]


def _extension(file: FieldFile) -> str:
    return PurePosixPath(file.name or "").suffix.lstrip(".").lower()
