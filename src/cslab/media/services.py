"""Attaching files (photos, recordings, documents) to observations.

`media_attach` is the one way a file becomes an observation's media, for the web form (through
the media API), the OpenRosa server (each multipart attachment of a submission) and scripts.
An attachment is known by its observation and its file name, unique together in the database:
sending the same file again under the same name stores nothing twice (safe for an offline queue
to retry), a different file under a name already used is a conflict.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.media import checks as media_checks
from cslab.media.checks import ContentRefusedError, FileType
from cslab.media.models import Media
from cslab.observations.models import Observation

MEGABYTE = 1024 * 1024
# Defaults of the settings MEDIA_MAX_IMAGE_BYTES, ... (environment: see .env.example).
DEFAULT_MAX_BYTES = {
    Media.Kind.IMAGE: 20 * MEGABYTE,
    Media.Kind.AUDIO: 50 * MEGABYTE,
    Media.Kind.VIDEO: 100 * MEGABYTE,
    Media.Kind.FILE: 10 * MEGABYTE,
}
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
MAX_MEDIA_PER_OBSERVATION = 50
SPOOL_BYTES = 8 * MEGABYTE
MAX_NAME_LENGTH = 255
# A file name, not a path: no separators, no control characters, not "." or "..".
UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


def max_bytes(kind: str) -> int:
    """Return the size limit in bytes for files of a kind (image, audio, video, file)."""
    return int(getattr(settings, f"MEDIA_MAX_{kind.upper()}_BYTES", DEFAULT_MAX_BYTES[kind]))  # type: ignore[index]


def max_image_pixels() -> int:
    """Return the largest pixel count of a photo that is decoded at all."""
    return int(getattr(settings, "MEDIA_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def media_attach(
    *,
    # Any: None only together with `trusted` (the OpenRosa path); no type ties the two.
    actor: Any,
    observation: Observation,
    name: str,
    uploaded_file: File[Any],
    trusted: bool = False,
) -> tuple[Media, bool]:
    """Store a file as media of the observation once; return (media, created).

    - Permission: the actor must see the project and hold "observation.attach" (the observer
      who may still submit to the project, the project's owners and researchers, Lab staff).
      A caller that has already authorised the whole submission by other means passes
      `trusted=True` (the OpenRosa server for app users, whose actor is None): no permission
      is checked then, so only pass it after checking.
    - `name` is the file name the answers use (ODK Collect: "1714550000000.jpg"); it must be
      a plain file name. The type is decided by the content, never by the name.
    - The same bytes under a stored name return the stored media with created False; other
      bytes raise ConflictError `media_conflict` and change nothing.
    - A refused type raises InvalidInputError `media_refused`, a file over its kind's size
      limit `media_too_large`, a bad name `invalid_media_name`, more than 50 files on one
      observation `too_many_media`.
    - Photos are re-encoded into `public_file` and `thumbnail` without metadata; the file as
      received is kept in `original`, which only people allowed to see the true location
      may download.

    Precondition: the caller must not hold an open transaction that already saw a failed
    insert; after losing a race the service reads the winning row in the same transaction.
    Files written for a row whose insert fails are deleted again.
    """
    if not trusted:
        permissions.require(actor, "project.view", observation.project)
        permissions.require(actor, "observation.attach", observation)
    name = _clean_name(name)
    largest = max(max_bytes(kind) for kind in Media.Kind.values)
    if uploaded_file.size is None or uploaded_file.size > largest:
        raise _too_large(name, largest)
    digest = _sha256(uploaded_file)
    stored = Media.objects.filter(observation=observation, name=name).first()
    if stored is not None:
        return _same_or_conflict(stored, digest), False
    if Media.objects.filter(observation=observation).count() >= MAX_MEDIA_PER_OBSERVATION:
        raise InvalidInputError(
            _("An observation may have at most %(count)d files.")
            % {"count": MAX_MEDIA_PER_OBSERVATION},
            code=ProblemCode.TOO_MANY_MEDIA,
        )
    source: IO[bytes] = uploaded_file
    file_type = _detect(source, name)
    if uploaded_file.size > max_bytes(file_type.kind):
        raise _too_large(name, max_bytes(file_type.kind), file_type)
    media = Media(
        observation=observation,
        name=name,
        kind=file_type.kind,
        content_type=file_type.content_type,
        size=uploaded_file.size,
        sha256=digest,
    )
    derived = _public_copies(source, name, file_type)
    written = _write_files(media, source, file_type, derived)
    try:
        media.full_clean(validate_constraints=False)
        with transaction.atomic():
            media.save()
    except IntegrityError:
        _delete_files(media.original.storage, written)
        stored = Media.objects.filter(observation=observation, name=name).first()
        if stored is None:  # the constraint that failed was not ours
            raise
        return _same_or_conflict(stored, digest), False
    except BaseException:
        _delete_files(media.original.storage, written)
        raise
    return media, True


@dataclass(frozen=True)
class PublicCopies:
    """What the public may be served of a file, when that differs from the original."""

    public: File[Any] | None = None
    public_extension: str = ""
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _public_copies(source: IO[bytes], name: str, file_type: FileType) -> PublicCopies:
    if file_type.kind == Media.Kind.IMAGE:
        try:
            image = media_checks.derive_image(
                source, max_pixels=max_image_pixels(), content_type=file_type.content_type
            )
        except ContentRefusedError as error:
            raise _refused(name, error) from error
        return PublicCopies(
            public=ContentFile(image.public),
            public_extension=image.extension,
            thumbnail=image.thumbnail,
            width=image.width,
            height=image.height,
        )
    stripper = _METADATA_STRIPPERS.get(file_type.content_type)
    if stripper is None:
        return PublicCopies()
    # Recordings and videos can be large: the copy spills to a temporary file on disk.
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by File)
    stripper(source, copy)
    return PublicCopies(public=File(copy), public_extension=file_type.extension)


def _strip_iso_media(source: IO[bytes], target: IO[bytes]) -> None:
    media_checks.copy_with_boxes_blanked(
        source, target, media_checks.iso_media_metadata_boxes(source)
    )


_METADATA_STRIPPERS: dict[str, Callable[[IO[bytes], IO[bytes]], None]] = {
    "video/mp4": _strip_iso_media,
    "video/quicktime": _strip_iso_media,
    "video/3gpp": _strip_iso_media,
    "audio/mp4": _strip_iso_media,
    "audio/3gpp": _strip_iso_media,
    "audio/mpeg": media_checks.copy_mp3_without_tags,
    "audio/wav": media_checks.copy_wav_without_metadata,
}


def _write_files(
    media: Media, source: IO[bytes], file_type: FileType, copies: PublicCopies
) -> list[str]:
    """Save the files under random names (the sender's name never becomes a storage path).

    Each file gets its own random name: the public copy's name, which subjects and pages may
    show, says nothing about the original's (which may carry the true location).
    """
    written: list[str] = []
    try:
        source.seek(0)
        media.original.save(original_name(file_type.extension), File(source), save=False)
        written.append(media.original.name or "")
        if copies.public is not None:
            public_name = f"{uuid.uuid4().hex}.{copies.public_extension}"
            with copies.public:
                media.public_file.save(public_name, copies.public, save=False)
            written.append(media.public_file.name or "")
        if copies.thumbnail is not None:
            thumbnail_name = f"{uuid.uuid4().hex}.{copies.public_extension}"
            media.thumbnail.save(thumbnail_name, ContentFile(copies.thumbnail), save=False)
            written.append(media.thumbnail.name or "")
    except BaseException:
        _delete_files(media.original.storage, written)
        raise
    media.width = copies.width
    media.height = copies.height
    return written


def original_name(extension: str) -> str:
    """Return a new unguessable file name for an original (256 random bits)."""
    return f"{secrets.token_urlsafe(32)}.{extension}" if extension else secrets.token_urlsafe(32)


def _delete_files(storage: Storage, names: list[str]) -> None:
    for stored_name in names:
        if stored_name:
            storage.delete(stored_name)


def _detect(source: IO[bytes], name: str) -> FileType:
    try:
        return media_checks.detect_type(source, name=name)
    except ContentRefusedError as error:
        raise _refused(name, error) from error


def _refused(name: str, error: ContentRefusedError) -> InvalidInputError:
    return InvalidInputError(
        _("“%(name)s” was refused: it is %(what)s, which is not accepted.")
        % {"name": name, "what": error.what},
        code=ProblemCode.MEDIA_REFUSED,
        details={"file": [error.what], "reason": error.reason},
    )


def _too_large(name: str, limit: int, file_type: FileType | None = None) -> InvalidInputError:
    limit_text = f"{limit / MEGABYTE:g} MB"
    if file_type is None:
        message = _("“%(name)s” is too large: files may be at most %(limit)s.") % {
            "name": name,
            "limit": limit_text,
        }
    else:
        message = _("“%(name)s” is too large: %(what)s may be at most %(limit)s.") % {
            "name": name,
            "what": file_type.description,
            "limit": limit_text,
        }
    return InvalidInputError(message, code=ProblemCode.MEDIA_TOO_LARGE, details={"limit": limit})


def _clean_name(name: Any) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME_LENGTH or text in {".", ".."} or UNSAFE_NAME.search(text):
        raise InvalidInputError(
            _("Give the file a plain name of at most 255 characters, without folders."),
            code=ProblemCode.INVALID_MEDIA_NAME,
            details={"name": [_("Give a file name such as photo.jpg.")]},
        )
    return text


def _sha256(uploaded_file: File[Any]) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _same_or_conflict(stored: Media, digest: str) -> Media:
    if stored.sha256 == digest:
        return stored
    raise ConflictError(
        _("Another file named “%(name)s” is already attached to this observation.")
        % {"name": stored.name},
        code=ProblemCode.MEDIA_CONFLICT,
    )


def media_files_erase(*, observation: Observation) -> list[str]:
    """Delete the stored files of an observation's media once the transaction commits.

    The rows go with the observation (a cascade); the files in storage do not, so the erasing
    service calls this before deleting the observation. Return the storage names scheduled.
    Precondition: the caller has checked that the actor may erase the observation.
    """
    names: list[str] = []
    storage: Storage | None = None
    for media in Media.objects.filter(observation=observation):
        storage = media.original.storage
        names.extend(
            field.name for field in (media.original, media.public_file, media.thumbnail) if field
        )
    if storage is not None and names:
        chosen = storage
        transaction.on_commit(lambda: _delete_files(chosen, names))
    return names
