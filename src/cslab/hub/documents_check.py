"""Office documents a hub resource may carry, recognised by their content (pure: no ORM).

Word, Excel and PowerPoint files (.docx, .xlsx, .pptx: Office Open XML) and LibreOffice files
(.odt, .ods, .odp: OpenDocument) are ZIP archives, which `media.checks.detect_type` refuses as
archives. `detect_office_document` looks inside a ZIP without extracting it: it reads only the
central directory and, at most, the two small members that say what the document is.

* Office Open XML: `[Content_Types].xml` and one main part, `word/document.xml`,
  `xl/workbook.xml` or `ppt/presentation.xml`.
* OpenDocument: the first member is an uncompressed `mimetype` whose content is
  `application/vnd.oasis.opendocument.text`, `.spreadsheet` or `.presentation`.

The type follows what was found, never the file's name (a .docx renamed .pdf is a .docx); a ZIP
of anything else is still refused as an archive. Refused too: documents with macros
(`vbaProject.bin` anywhere, a macro-enabled content type, OpenDocument `Basic/` or `Scripts/`
members), password-protected documents, old binary Office files (.doc, .xls, .ppt: they may hide
macros and cannot be checked cheaply), damaged ZIPs and hostile ones: more than MAX_MEMBERS
members, more than `max_total_bytes` uncompressed in all, a member that claims to expand more
than MAX_COMPRESSION_RATIO times, absolute or `..` member names, encrypted members.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cslab.media.checks import FILE, ContentRefusedError, FileType

MAX_MEMBERS: Final = 2000
# A member larger than this that expands more than MAX_COMPRESSION_RATIO times is a bomb (real
# Office XML parts compress 5 to 50 times; deflate cannot exceed about 1,030).
MAX_COMPRESSION_RATIO: Final = 200
RATIO_CHECKED_ABOVE_BYTES: Final = 64 * 1024
# The central directory of MAX_MEMBERS members with long names, and the small members read.
MAX_CENTRAL_DIRECTORY_BYTES: Final = MAX_MEMBERS * 1024
MAX_CONTENT_TYPES_BYTES: Final = 1024 * 1024
MAX_MANIFEST_BYTES: Final = 1024 * 1024

ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CENTRAL_DIRECTORY: Final = b"PK\x05\x06"
END_RECORD_SIZE: Final = 22
ZIP64_LOCATOR: Final = b"PK\x06\x07"
ZIP64_LOCATOR_SIZE: Final = 20
ZIP64_END_RECORD: Final = b"PK\x06\x06"
ZIP64_END_RECORD_SIZE: Final = 56
ENCRYPTED_FLAG: Final = 0x1

# Office Open XML main parts, and what each makes the document.
OOXML_MAIN_PARTS: Final = (
    (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        _("a Word document"),
    ),
    (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        _("an Excel spreadsheet"),
    ),
    (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        _("a PowerPoint presentation"),
    ),
)
# Words in [Content_Types].xml that only documents with macros have (.docm/.xlsm/.pptm, their
# templates and add-ins, the VBA project itself, Excel 4.0 macro sheets).
OOXML_MACRO_MARKERS: Final = (b"macroenabled", b"vbaproject", b"macrosheet")
ODF_TYPES: Final = {
    b"application/vnd.oasis.opendocument.text": ("odt", _("an OpenDocument text")),
    b"application/vnd.oasis.opendocument.spreadsheet": ("ods", _("an OpenDocument spreadsheet")),
    b"application/vnd.oasis.opendocument.presentation": (
        "odp",
        _("an OpenDocument presentation"),
    ),
}
ODF_MACRO_FOLDERS: Final = ("basic/", "scripts/")

MACROS_MESSAGE: Final = _("documents with macros cannot be shared; save it without macros")


class DocumentRefusedError(ContentRefusedError):
    """A refusal whose `what` is a whole clause ("documents with macros cannot be shared…"),
    not the name of what the file is."""


@dataclass(frozen=True)
class _Found:
    content_type: str
    extension: str
    description: str | Promise


def detect_office_document(file: IO[bytes], *, max_total_bytes: int) -> FileType | None:
    """Return the type of an Office or OpenDocument file, or None when the file is not a ZIP
    (nor an old Office file) at all; raise ContentRefusedError when it is one but not accepted.

    The file must be seekable; its position is left at the start.
    """
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    if head.startswith(OLE_MAGIC):
        raise ContentRefusedError(
            "legacy_office",
            _(
                "an old Word, Excel or PowerPoint file (.doc, .xls, .ppt), which may hide macros; "
                "save it as .docx, .xlsx or .pptx, or as PDF"
            ),
        )
    if not head.startswith(ZIP_MAGIC):
        return None
    try:
        _check_end_record(file)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_members(members, max_total_bytes=max_total_bytes)
            found = _ooxml_type(archive, members) or _odf_type(archive, members, head)
    except ContentRefusedError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as error:
        raise ContentRefusedError("corrupt", _("a damaged ZIP file")) from error
    except (ValueError, OSError, EOFError, struct.error, zlib.error, lzma.LZMAError) as error:
        raise ContentRefusedError("corrupt", _("a damaged ZIP file")) from error
    finally:
        file.seek(0)
    if found is None:
        raise ContentRefusedError(
            "archive", _("a ZIP archive, not a Word, Excel, PowerPoint or OpenDocument file")
        )
    return FileType(FILE, found.content_type, found.extension, str(found.description))


def _check_end_record(file: IO[bytes]) -> None:
    """Refuse, before `zipfile` reads it, a central directory of too many members or bytes.

    The end record is found as `zipfile` finds it: at the very end, else the last signature in
    the file's tail. A ZIP64 end record (which `zipfile` prefers when a locator points to it) is
    held to the same limits, wherever `zipfile` might look for it.
    """
    file.seek(0, 2)
    size = file.tell()
    tail_size = min(size, END_RECORD_SIZE + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    start = len(tail) - END_RECORD_SIZE
    if not (tail[start : start + 4] == END_OF_CENTRAL_DIRECTORY and tail.endswith(b"\0\0")):
        start = tail.rfind(END_OF_CENTRAL_DIRECTORY)
    if start < 0 or len(tail) - start < END_RECORD_SIZE:
        raise ContentRefusedError("corrupt", _("a damaged ZIP file"))
    record = struct.unpack("<4s4H2LH", tail[start : start + END_RECORD_SIZE])
    counts = [(record[4], record[5])]
    end_record_at = size - tail_size + start
    counts.extend(_zip64_counts(file, end_record_at))
    for total, directory_bytes in counts:
        if total > MAX_MEMBERS:
            raise _too_many_members()
        if directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
            raise ContentRefusedError(
                "zip_bomb", _("a ZIP file with an oversized table of contents")
            )


def _zip64_counts(file: IO[bytes], end_record_at: int) -> list[tuple[int, int]]:
    """The (members, directory bytes) of the ZIP64 end records a locator before the end record
    may lead `zipfile` to: the one just before the locator and the one it names."""
    locator_at = end_record_at - ZIP64_LOCATOR_SIZE
    if locator_at < 0:
        return []
    file.seek(locator_at)
    locator = file.read(ZIP64_LOCATOR_SIZE)
    if len(locator) < ZIP64_LOCATOR_SIZE or not locator.startswith(ZIP64_LOCATOR):
        return []
    named_at = struct.unpack("<4sLQL", locator)[2]
    counts = []
    for record_at in {locator_at - ZIP64_END_RECORD_SIZE, named_at}:
        if record_at < 0:
            continue
        file.seek(record_at)
        record = file.read(ZIP64_END_RECORD_SIZE)
        if len(record) == ZIP64_END_RECORD_SIZE and record.startswith(ZIP64_END_RECORD):
            fields = struct.unpack("<4sQ2H2L4Q", record)
            counts.append((fields[7], fields[8]))
    return counts


def _too_many_members() -> ContentRefusedError:
    return ContentRefusedError(
        "zip_bomb",
        _("a ZIP file of more than %(count)d files") % {"count": MAX_MEMBERS},
    )


def _check_members(members: list[zipfile.ZipInfo], *, max_total_bytes: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise _too_many_members()
    total = 0
    names: set[str] = set()
    for member in members:
        if member.flag_bits & ENCRYPTED_FLAG:
            raise ContentRefusedError(
                "encrypted", _("an encrypted ZIP file or a password-protected document")
            )
        if not _is_safe_name(member.filename):
            raise ContentRefusedError("unsafe_names", _("a ZIP file with unsafe file names"))
        lowered = member.filename.lower()
        if lowered in names:
            raise ContentRefusedError("unsafe_names", _("a ZIP file with unsafe file names"))
        names.add(lowered)
        total += member.file_size
        if total > max_total_bytes:
            raise ContentRefusedError(
                "zip_bomb",
                _("a ZIP file that unpacks to more than %(megabytes)d MB")
                % {"megabytes": max_total_bytes // (1024 * 1024)},
            )
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and (
            member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            raise ContentRefusedError(
                "zip_bomb", _("a ZIP file with a part compressed suspiciously well (a ZIP bomb)")
            )


def _is_safe_name(name: str) -> bool:
    """A relative name without `..`, drive letters, control characters or backslashes."""
    if not name or "\\" in name or any(ord(character) < 32 for character in name):
        return False
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    return ".." not in PurePosixPath(name).parts


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """Return a member's content; refuse it when it really holds more than `limit` bytes
    (whatever its header declared)."""
    if member.file_size > limit:
        raise ContentRefusedError("zip_bomb", _("a ZIP file with an oversized part"))
    with archive.open(member) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ContentRefusedError("zip_bomb", _("a ZIP file with an oversized part"))
    return data


def _ooxml_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> _Found | None:
    by_name = {member.filename.lower(): member for member in members}
    content_types = by_name.get("[content_types].xml")
    if content_types is None:
        return None
    found = [
        _Found(content_type, extension, description)
        for part, content_type, extension, description in OOXML_MAIN_PARTS
        if part in by_name
    ]
    if len(found) != 1:
        return None
    if any(PurePosixPath(name).name == "vbaproject.bin" for name in by_name):
        raise DocumentRefusedError("macros", MACROS_MESSAGE)
    declared = _read_member(archive, content_types, MAX_CONTENT_TYPES_BYTES).lower()
    if any(marker in declared for marker in OOXML_MACRO_MARKERS):
        raise DocumentRefusedError("macros", MACROS_MESSAGE)
    return found[0]


def _odf_type(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], head: bytes
) -> _Found | None:
    """The OpenDocument signature: `mimetype`, stored, first in the directory and in the file."""
    first = members[0] if members else None
    if (
        first is None
        or first.filename != "mimetype"
        or first.compress_type != zipfile.ZIP_STORED
        or first.header_offset != 0
        or head[30:38] != b"mimetype"
    ):
        return None
    mime = _read_member(archive, first, 100).strip()
    kind = ODF_TYPES.get(mime)
    if kind is None:
        return None
    names = [member.filename.lower() for member in members]
    if any(name.startswith(ODF_MACRO_FOLDERS) for name in names):
        raise DocumentRefusedError("macros", MACROS_MESSAGE)
    manifest = next(
        (member for member in members if member.filename == "META-INF/manifest.xml"), None
    )
    if manifest is not None and b"encryption-data" in _read_member(
        archive, manifest, MAX_MANIFEST_BYTES
    ):
        raise ContentRefusedError(
            "encrypted", _("an encrypted ZIP file or a password-protected document")
        )
    extension, description = kind
    return _Found(mime.decode("ascii"), extension, description)
