"""What a hub resource may carry as files and as its cover image, checked by content.

A file is accepted when `media.checks.detect_type` finds it to be a document (PDF, CSV, plain
text), a picture or a recording, or when `documents_check.detect_office_document` finds it to
be a Word, Excel or PowerPoint document (.docx, .xlsx, .pptx) or an OpenDocument one (.odt,
.ods, .odp) without macros: those are ZIP archives, looked into without being extracted, and
stored with the type and extension their content shows. Programs, other archives, old binary
Office files (.doc, .xls, .ppt), documents with macros, damaged or hostile ZIPs (bombs, `..`
names, encryption), markup that may run scripts and videos are refused with a message that says
what the file is (400); a file over HUB_MAX_FILE_BYTES is refused as too large (413). Pictures,
the cover included, are re-encoded without any metadata (a photo's EXIF may hold where it was
taken and by whose camera). Office documents are served as downloads, never shown inline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from cslab.core.errors import InvalidInputError, PayloadTooLargeError
from cslab.core.problems import ProblemCode
from cslab.hub import documents_check
from cslab.media import checks
from cslab.media.services import max_image_pixels

# Pictures attached as files keep more pixels than covers: they may be posters or diagrams.
FILE_IMAGE_MAX_SIDE = 4096
COVER_MAX_SIDE = 1600
ACCEPTED_KINDS = frozenset({checks.IMAGE, checks.AUDIO, checks.FILE})
# An Office document may unpack to at most this many times the largest file accepted.
MAX_UNPACKED_FACTOR = 10


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload, ready to store: its bytes (re-encoded for pictures) and facts."""

    content: File[Any]
    content_type: str
    extension: str
    size: int
    sha256: str
    description: str


def max_file_bytes() -> int:
    return int(getattr(settings, "HUB_MAX_FILE_BYTES", 20 * 1024 * 1024))


def max_files_per_resource() -> int:
    return int(getattr(settings, "HUB_MAX_FILES_PER_RESOURCE", 10))


def original_name(upload: Any) -> str:
    """Return the plain file name of an upload (no folders), at most 255 characters."""
    name = PurePosixPath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
    if len(name) > 255:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[: 254 - len(suffix)]}.{suffix}" if dot and len(suffix) < 20 else name[:255]
    return name or "file"


def _refused(name: str, error: checks.ContentRefusedError, field: str) -> InvalidInputError:
    if isinstance(error, documents_check.DocumentRefusedError):
        message = _("The file “%(name)s” was refused: %(reason)s.") % {
            "name": name,
            "reason": error.what,
        }
    else:
        message = _("The file “%(name)s” was refused: it is %(what)s.") % {
            "name": name,
            "what": error.what,
        }
    return InvalidInputError(message, code=ProblemCode.MEDIA_REFUSED, details={field: [message]})


def _too_large(name: str, field: str) -> PayloadTooLargeError:
    megabytes = max_file_bytes() // (1024 * 1024)
    message = _("The file “%(name)s” is larger than %(megabytes)d MB.") % {
        "name": name,
        "megabytes": megabytes,
    }
    return PayloadTooLargeError(
        message, code=ProblemCode.PAYLOAD_TOO_LARGE, details={field: [message]}
    )


def check_resource_file(upload: Any, *, field: str = "files") -> CheckedFile:
    """Return the checked file; raise InvalidInputError (or PayloadTooLargeError) if refused."""
    name = original_name(upload)
    if int(getattr(upload, "size", 0) or 0) > max_file_bytes():
        raise _too_large(name, field)
    source: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    try:
        found = documents_check.detect_office_document(
            source, max_total_bytes=MAX_UNPACKED_FACTOR * max_file_bytes()
        ) or checks.detect_type(source, name=name)
        if found.kind not in ACCEPTED_KINDS:
            raise checks.ContentRefusedError(
                "not_accepted",
                _("%(what)s; link to it instead") % {"what": found.description},
            )
        if found.kind == checks.IMAGE:
            image = checks.derive_image(
                source,
                max_pixels=max_image_pixels(),
                content_type=found.content_type,
                public_max_side=FILE_IMAGE_MAX_SIDE,
            )
            data = image.public
            content_type, extension = image.content_type, image.extension
        else:
            source.seek(0)
            data = source.read(max_file_bytes() + 1)
            content_type, extension = found.content_type, found.extension
    except checks.ContentRefusedError as error:
        raise _refused(name, error, field) from error
    if len(data) > max_file_bytes():
        raise _too_large(name, field)
    return CheckedFile(
        content=ContentFile(data),
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=found.description,
    )


@dataclass(frozen=True)
class CheckedCover:
    content: ContentFile[bytes]
    extension: str


def check_cover_image(upload: Any, *, field: str = "cover_image") -> CheckedCover:
    """Return the cover re-encoded without metadata; raise InvalidInputError if not a picture."""
    name = original_name(upload)
    if int(getattr(upload, "size", 0) or 0) > max_file_bytes():
        raise _too_large(name, field)
    source: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    try:
        found = checks.detect_type(source, name=name)
        if found.kind != checks.IMAGE:
            raise checks.ContentRefusedError(
                "not_an_image", _("%(what)s, not a picture") % {"what": found.description}
            )
        image = checks.derive_image(
            source,
            max_pixels=max_image_pixels(),
            content_type=found.content_type,
            public_max_side=COVER_MAX_SIDE,
        )
    except checks.ContentRefusedError as error:
        raise _refused(name, error, field) from error
    return CheckedCover(content=ContentFile(image.public), extension=image.extension)


def stored_content_type(extension: str) -> str:
    """Return the content type a cover stored with this extension is served with."""
    return {"jpg": "image/jpeg", "webp": "image/webp"}.get(extension, "application/octet-stream")


# Pillow's format names of the covers `check_cover_image` stores, with their content types.
COVER_CONTENT_TYPES = {"JPEG": "image/jpeg", "WEBP": "image/webp", "PNG": "image/png"}


def stored_cover_content_type(image: FieldFile) -> str:
    """The content type of a stored cover, read from the file (a download if unreadable)."""
    try:
        with image.open("rb") as handle, Image.open(handle) as picture:
            return COVER_CONTENT_TYPES.get(picture.format or "", "application/octet-stream")
    except (OSError, UnidentifiedImageError, ValueError):
        return "application/octet-stream"
