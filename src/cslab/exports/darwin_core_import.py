"""Reading a Darwin Core Archive's occurrence core for an import.

The archive is an upload from anyone on a project's team, so it is read as hostile input:

* it must be a zip whose central directory declares at most `MAX_MEMBERS` files, at most
  `MAX_UNPACKED_BYTES` unpacked in all, no encrypted member and no member name that climbs out
  of the archive (``../``, an absolute path, a drive, a backslash);
* ``meta.xml`` (the descriptor GBIF requires: an archive without one is refused) is at most
  `MAX_DESCRIPTOR_BYTES` and parsed with defusedxml: no DTD entities, no external resources;
* the core file is never unpacked whole: each call of the table's `rows()` streams it from the
  zip member again, and a line longer than `MAX_LINE_CHARACTERS` is refused before it is
  held in memory.

Only the core is read, and only an occurrence core: extensions (multimedia, measurements …)
are left out, and an event core is refused (its occurrences are an extension).

Headers are the terms' local names (`occurrenceID`, `eventDate`, …, the last segment of the
term URI); a constant (`<field term=… default=…>` without an index) is a column of its own, and
the `<id>` column is called ``id`` when no field names its index.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.zip_archives import declared_member_count
from cslab.exports import darwin_core
from cslab.exports.columns import table_layout
from cslab.exports.darwin_core_mapping import darwin_core_mapping_effective
from cslab.exports.import_tables import ImportTable
from cslab.forms.models import FormVersion

DESCRIPTOR = "meta.xml"
MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_DESCRIPTOR_BYTES = 1024 * 1024
# A record of a few hundred terms is a few kilobytes; a megabyte is room for long remarks.
MAX_LINE_CHARACTERS = 1_000_000
MAX_FIELD_INDEX = 10_000
ID_HEADER = "id"
LATITUDE, LONGITUDE, UNCERTAINTY = (
    "decimalLatitude",
    "decimalLongitude",
    "coordinateUncertaintyInMeters",
)
EVENT_DATE = "eventDate"
OCCURRENCE_ID = "occurrenceID"
# The special keys of a suggested mapping (the import engine reads them).
OBSERVED_AT_KEY = "_observed_at"
ID_COLUMN_KEY = "_id_column"
# The separators the text guide writes as escapes in meta.xml ("\t"), and what they stand for.
ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\\\": "\\"}
LINE_ENDINGS = frozenset({"\n", "\r\n", "\r"})
READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
CAMEL_CASE_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class CoreLayout:
    """How the core file is written, as meta.xml says: where each header's cell is."""

    locations: tuple[str, ...]  # member names in the zip
    encoding: str
    delimiter: str
    quote: str  # "" when fields are not enclosed
    header_lines: int
    headers: tuple[str, ...]
    indexes: tuple[int | None, ...]  # None: a constant
    defaults: tuple[str, ...]


def _invalid(message: str, **details: Any) -> InvalidInputError:
    return InvalidInputError(
        message, code=ProblemCode.INVALID_DARWIN_CORE_ARCHIVE, details=details or None
    )


def _not_a_zip() -> InvalidInputError:
    return InvalidInputError(
        _("The file is not a zip archive: a Darwin Core Archive is a zip with a meta.xml."),
        code=ProblemCode.INVALID_ARCHIVE,
    )


def _is_unsafe_name(name: str) -> bool:
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def _check_members(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _too_many_members()
    for member in members:
        if _is_unsafe_name(member.filename):
            raise InvalidInputError(
                _(
                    "The archive holds a file named “%(name)s”, which points outside the "
                    "archive; such archives are refused."
                )
                % {"name": member.filename},
                code=ProblemCode.INVALID_ARCHIVE,
                details={"entry": member.filename},
            )
        if member.flag_bits & 0x1 or member.compress_type not in READABLE_METHODS:
            raise InvalidInputError(
                _(
                    "“%(entry)s” in the archive is encrypted or packed with a method that is not "
                    "supported; make the zip without a password and with ordinary compression."
                )
                % {"entry": member.filename},
                code=ProblemCode.INVALID_ARCHIVE,
                details={"entry": member.filename},
            )
    # The declared sizes bound what is unpacked: zipfile stops reading a member at its
    # declared size (and a checksum that does not match is an error).
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise InvalidInputError(
            _("The archive is too large: its files may come to at most %(limit)s unpacked.")
            % {"limit": f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB"},
            code=ProblemCode.ARCHIVE_TOO_LARGE,
            details={"limit": MAX_UNPACKED_BYTES},
        )


def _too_many_members() -> InvalidInputError:
    return InvalidInputError(
        _("The archive holds more than %(count)d files.") % {"count": MAX_MEMBERS},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
    )


def _open_archive(path: Path) -> zipfile.ZipFile:
    """The archive, its central directory checked before any member is read."""
    try:
        with path.open("rb") as source:
            declared = declared_member_count(source)
        if declared > MAX_MEMBERS:
            raise _too_many_members()
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise _not_a_zip() from error
    try:
        _check_members(archive)
    except BaseException:
        archive.close()
        raise
    return archive


def _local_name(term: str) -> str:
    return re.split(r"[/#:]", term.rstrip("/#"))[-1]


def _tag(element: Any) -> str:
    """An element's name without its namespace (archives written without the text guide's
    namespace exist, and are read alike)."""
    return str(element.tag).rsplit("}", 1)[-1]


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _tag(child) == name]


def _separator(value: str) -> str:
    for escape, character in ESCAPES.items():
        value = value.replace(escape, character)
    return value


def _index(element: Any) -> int | None:
    text = element.get("index")
    if text is None or text.strip() == "":
        return None
    if not text.strip().isdigit() or int(text) > MAX_FIELD_INDEX:
        raise _invalid(
            _("meta.xml gives a column index “%(index)s”, which is not a column number.")
            % {"index": text},
            index=text,
        )
    return int(text)


def _descriptor(archive: zipfile.ZipFile) -> tuple[Any, str]:
    """The parsed meta.xml and the folder it is in ("" at the top, or the one folder every
    file is in, as some tools zip a folder)."""
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    candidates = [name for name in names if PurePosixPath(name).name == DESCRIPTOR]
    top = [name for name in candidates if "/" not in name]
    chosen = top[0] if top else (candidates[0] if len(candidates) == 1 else None)
    if chosen is None:
        raise _invalid(
            _(
                "The archive has no meta.xml. A Darwin Core Archive describes its files in a "
                "meta.xml, as GBIF requires; export the archive again with its descriptor."
            )
        )
    info = archive.getinfo(chosen)
    if info.file_size > MAX_DESCRIPTOR_BYTES:
        raise _invalid(
            _("meta.xml is too large: at most %(limit)d KB.")
            % {"limit": MAX_DESCRIPTOR_BYTES // 1024}
        )
    try:
        with archive.open(info) as source:
            content = source.read(MAX_DESCRIPTOR_BYTES + 1)
        root = fromstring(content, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError) as error:
        raise _invalid(
            _("meta.xml is not well-formed XML, or declares a DTD or entities, which are refused.")
        ) from error
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _damaged(chosen) from error
    folder = str(PurePosixPath(chosen).parent)
    return root, "" if folder == "." else f"{folder}/"


def _damaged(name: str) -> InvalidInputError:
    return InvalidInputError(
        _("“%(entry)s” in the archive is damaged (its data or checksum is wrong).")
        % {"entry": name},
        code=ProblemCode.INVALID_ARCHIVE,
        details={"entry": name},
    )


def _core_layout(archive: zipfile.ZipFile) -> CoreLayout:
    root, folder = _descriptor(archive)
    if _tag(root) != "archive":
        raise _invalid(_("meta.xml is not a Darwin Core Archive descriptor (no <archive>)."))
    cores = _children(root, "core")
    if len(cores) != 1:
        raise _invalid(_("meta.xml must describe exactly one core file."))
    core = cores[0]
    row_type = core.get("rowType", "")
    if row_type != darwin_core.OCCURRENCE:
        raise _invalid(
            _(
                "The archive's core holds %(row_type)s records; only an archive with an "
                "occurrence core (%(occurrence)s) can be imported as observations."
            )
            % {"row_type": row_type or "unnamed", "occurrence": darwin_core.OCCURRENCE},
            rowType=row_type,
        )
    encoding = core.get("encoding") or "UTF-8"
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise _invalid(
            _("meta.xml names an encoding “%(encoding)s” that is not known.")
            % {"encoding": encoding}
        ) from error
    delimiter = _separator(core.get("fieldsTerminatedBy", ","))
    lines = _separator(core.get("linesTerminatedBy", "\\n"))
    quote = _separator(core.get("fieldsEnclosedBy", '"'))
    if len(delimiter) != 1 or delimiter in LINE_ENDINGS or lines not in LINE_ENDINGS:
        raise _invalid(
            _(
                "The core's separators are not supported: fields must end with one character "
                "(a TAB, a comma …) and lines with a line break."
            )
        )
    if len(quote) > 1 or quote == delimiter:
        raise _invalid(_("The core's fields must be enclosed by one character or none."))
    header_lines = core.get("ignoreHeaderLines", "0").strip() or "0"
    if not header_lines.isdigit() or int(header_lines) > 100:
        raise _invalid(_("meta.xml gives an ignoreHeaderLines that is not a small number."))
    members = {info.filename for info in archive.infolist()}
    locations = []
    for files in _children(core, "files"):
        for location in _children(files, "location"):
            name = f"{folder}{(location.text or '').strip()}"
            if name == folder or _is_unsafe_name(name) or name not in members:
                raise _invalid(
                    _("meta.xml names a core file “%(name)s” that the archive does not hold.")
                    % {"name": (location.text or "").strip()},
                    location=location.text,
                )
            locations.append(name)
    if not locations:
        raise _invalid(_("meta.xml names no core file."))
    headers: list[str] = []
    indexes: list[int | None] = []
    defaults: list[str] = []
    constants: list[tuple[str, str]] = []
    for field in _children(core, "field"):
        term = (field.get("term") or "").strip()
        if not term:
            raise _invalid(_("A field of meta.xml has no term."))
        name = _local_name(term)
        if name in headers or name in (header for header, _value in constants):
            name = term  # two namespaces' terms of one name: the second keeps its URI
        index = _index(field)
        default = field.get("default") or ""
        if index is None:
            constants.append((name, default))
        else:
            headers.append(name)
            indexes.append(index)
            defaults.append(default)
    order = sorted(range(len(headers)), key=lambda position: indexes[position] or 0)
    headers = [headers[position] for position in order]
    defaults = [defaults[position] for position in order]
    indexes = [indexes[position] for position in order]
    identifiers = _children(core, "id")
    if identifiers:
        id_index = _index(identifiers[0])
        if id_index is not None and id_index not in indexes and ID_HEADER not in headers:
            headers.insert(0, ID_HEADER)
            indexes.insert(0, id_index)
            defaults.insert(0, "")
    for name, default in constants:
        headers.append(name)
        indexes.append(None)
        defaults.append(default)
    if not headers:
        raise _invalid(_("meta.xml describes no column of the core."))
    return CoreLayout(
        locations=tuple(locations),
        encoding=encoding,
        delimiter=delimiter,
        quote=quote,
        header_lines=int(header_lines),
        headers=tuple(headers),
        indexes=tuple(indexes),
        defaults=tuple(defaults),
    )


def _bounded_lines(text: IO[str], name: str) -> Iterator[str]:
    """The lines of `text`, refusing one longer than the limit before it is held whole."""
    while line := text.readline(MAX_LINE_CHARACTERS + 1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise _invalid(
                _("A line of %(name)s is longer than %(limit)d characters.")
                % {"name": name, "limit": MAX_LINE_CHARACTERS}
            )
        yield line


def _records(path: Path, layout: CoreLayout) -> Iterator[list[str]]:
    """Each record of the core's files as cells aligned with the headers, streamed."""
    # "utf-8-sig" reads UTF-8 and drops a byte-order mark some spreadsheets write first.
    encoding = "utf-8-sig" if codecs.lookup(layout.encoding).name == "utf-8" else layout.encoding
    dialect: dict[str, Any] = {"delimiter": layout.delimiter, "strict": False}
    if layout.quote:
        dialect.update(quotechar=layout.quote, quoting=csv.QUOTE_MINIMAL, doublequote=True)
    else:
        dialect.update(quotechar=None, quoting=csv.QUOTE_NONE)
    with _open_archive(path) as archive:
        for location in layout.locations:
            try:
                with (
                    archive.open(location) as raw,
                    io.TextIOWrapper(raw, encoding=encoding, newline="") as text,
                ):
                    reader = csv.reader(_bounded_lines(text, location), **dialect)
                    for number, row in enumerate(reader):
                        if number < layout.header_lines or not any(row):
                            continue
                        yield _aligned(row, layout)
            except UnicodeDecodeError as error:
                raise _invalid(
                    _("%(name)s is not written in %(encoding)s, as meta.xml says.")
                    % {"name": location, "encoding": layout.encoding}
                ) from error
            except csv.Error as error:
                raise _invalid(
                    _("%(name)s cannot be read as the table meta.xml describes: %(error)s")
                    % {"name": location, "error": error}
                ) from error
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise _damaged(location) from error


def _aligned(row: list[str], layout: CoreLayout) -> list[str]:
    cells = []
    for index, default in zip(layout.indexes, layout.defaults, strict=True):
        cell = row[index] if index is not None and index < len(row) else ""
        cells.append(cell or default)
    return cells


def read_occurrence_table(path: Path) -> ImportTable:
    """The archive's occurrence core as a table whose headers are Darwin Core term names
    (`occurrenceID`, `eventDate`, `decimalLatitude`, …); raises InvalidInputError for an
    archive that is not a readable Darwin Core Archive with an occurrence core.

    The descriptor is checked, and the first record read, now; a later record that cannot be
    read raises InvalidInputError from `rows()`.
    """
    with _open_archive(path) as archive:
        layout = _core_layout(archive)

    def rows() -> Iterator[list[str]]:
        return _records(path, layout)

    next(rows(), None)
    return ImportTable(headers=list(layout.headers), rows=rows)


def _snake_case(term: str) -> str:
    return CAMEL_CASE_BOUNDARY.sub("_", term).lower()


def suggested_mapping(form_version: FormVersion, headers: list[str]) -> dict[str, str]:
    """question name -> header: the inverse of the form's Darwin Core export mapping, so an
    archive exported from a form maps back onto a form like it.

    * Each term the form's export writes from a question (its stored mapping, else the
      defaults: `scientificName` from ``species`` …) maps back to that question; a header named
      as a plain question is, or as its snake_case (``vernacularName`` → ``vernacular_name``),
      maps to that question too.
    * The form's first geopoint question (outside repeats) takes the point from several
      columns: its value is the space-separated headers ``"decimalLatitude decimalLongitude"``
      followed by ``coordinateUncertaintyInMeters`` when the archive has it (latitude,
      longitude, accuracy: the import engine builds the geopoint from them).
    * ``"_observed_at"`` names the column of the observation time (``eventDate``).
    * ``"_id_column"`` names the natural ID column (``occurrenceID``, else the core's ``id``).

    Only headers the archive has are suggested.
    """
    present = set(headers)
    tables = table_layout(
        [form_version.form_definition], leading_columns=[], name=form_version.form.form_id
    )
    mapping = darwin_core.darwin_core_mapping(
        tables, darwin_core_mapping_effective(tables=tables, form=form_version.form)
    )
    suggestion: dict[str, str] = {}
    for term, question in mapping.questions.items():
        if term in present and question not in suggestion:
            suggestion[question] = term
    taken = set(suggestion.values())
    plain = {
        column.name
        for column in tables.columns
        if column.question == column.name and column.reads == "value"
    }
    for header in headers:
        if header in taken:
            continue
        for name in (header, _snake_case(header)):
            if name in plain and name not in suggestion:
                suggestion[name] = header
                taken.add(header)
                break
    geopoint = next(
        (column.question for column in tables.columns if column.reads == "geopoint"), None
    )
    if geopoint is not None and LATITUDE in present and LONGITUDE in present:
        parts = [LATITUDE, LONGITUDE] + ([UNCERTAINTY] if UNCERTAINTY in present else [])
        suggestion[geopoint] = " ".join(parts)
    if EVENT_DATE in present:
        suggestion[OBSERVED_AT_KEY] = EVENT_DATE
    if OCCURRENCE_ID in present:
        suggestion[ID_COLUMN_KEY] = OCCURRENCE_ID
    elif ID_HEADER in present:
        suggestion[ID_COLUMN_KEY] = ID_HEADER
    return suggestion
