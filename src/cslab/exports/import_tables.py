"""Tables read from an uploaded file for an import: a header row and rows of text cells.

Every source format (CSV, XLSX, Darwin Core Archive) is read into the same `ImportTable`, so
the checks and the import itself do not care where the rows came from.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _

from cslab.core import csv_fields
from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.zip_archives import declared_member_count


@dataclass(frozen=True)
class ImportTable:
    """`headers` as the file names them; `rows()` yields each data row as a list of text cells
    aligned with the headers (missing cells are ""), and may be called again to read the file
    again from its first row (the dry run and the import each read it once)."""

    headers: list[str]
    rows: Callable[[], Iterator[list[str]]]


# Limits of what an import reads: the upload's size is checked before it is stored; these
# guard the readers against a small file that unpacks into a huge one (an XLSX is a zip).
MAX_XLSX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit of a cell
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")
# A CSV export is a README and a CSV per table; the limits are those of Darwin Core Archives.
MAX_ARCHIVE_MEMBERS = 1_000
MAX_ARCHIVE_UNPACKED_BYTES = 500 * 1024 * 1024


def _headers(cells: list[str]) -> list[str]:
    """The header row as names: trimmed, trailing empty cells dropped; InvalidInputError for
    an empty header row, a nameless column between named ones, or a name given twice."""
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise InvalidInputError(_("The first row of the file must name the columns."))
    for number, name in enumerate(names, start=1):
        if not name:
            raise InvalidInputError(
                _("Column %(number)d has no name in the first row.") % {"number": number}
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInputError(
                _("Two columns are named “%(name)s”; give each column its own name.")
                % {"name": name}
            )
        seen.add(name)
    return names


def _first(records: Iterator[list[str]]) -> list[str]:
    """The first record, closing the reader (and the file or workbook it holds) at once."""
    try:
        return next(records, [])
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()


def _aligned(cells: list[str], width: int) -> list[str]:
    row = [cell[:MAX_CELL_CHARACTERS] for cell in cells[:width]]
    return row + [""] * (width - len(row))


def _csv_encoding(start: bytes) -> str:
    """The encoding of a CSV by its first `SNIFF_BYTES` (`start`)."""
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut at the end of the sample is not a wrong encoding.
        if len(start) < SNIFF_BYTES or error.start < len(start) - 4:
            raise InvalidInputError(
                _("The file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.")
            ) from error
    return "utf-8"


def _csv_delimiter(first_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line (comma on a tie):
    spreadsheets in many European languages write semicolons."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda delimiter: (counts[delimiter], delimiter == ","))


def read_csv_table(path: Path) -> ImportTable:
    """A CSV file (UTF-8, with or without BOM; comma, semicolon or tab separated) as a table.

    InvalidInputError for text that is not UTF-8, and for a header row without names or with
    a name twice. Rows are read lazily; a row with an undecodable byte further on raises
    InvalidInputError when it is reached.
    """
    return _csv_table(lambda: path.open("rb"))


def _csv_table(opened: Callable[[], AbstractContextManager[IO[bytes]]]) -> ImportTable:
    """The CSV that `opened` gives as bytes (a file, or a member of a zip) as a table."""
    with opened() as handle:
        encoding = _csv_encoding(handle.read(SNIFF_BYTES))
    with opened() as handle, io.TextIOWrapper(handle, encoding=encoding, newline="") as text:
        first_line = text.readline()
    delimiter = _csv_delimiter(first_line)
    # A field may be at most four times Excel's cell limit (`csv_fields.FIELD_LIMIT`); a longer
    # one is a csv.Error, refused below.

    def records() -> Iterator[list[str]]:
        try:
            with (
                opened() as handle,
                io.TextIOWrapper(handle, encoding=encoding, newline="") as text,
            ):
                yield from csv_fields.limited_rows(csv.reader(text, delimiter=delimiter))
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                _("The file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.")
            ) from error
        except csv.Error as error:
            raise InvalidInputError(
                _("The file is not a readable CSV file: %(error)s") % {"error": error}
            ) from error

    headers = _headers(_first(records()))

    def rows() -> Iterator[list[str]]:
        reader = records()
        next(reader, None)
        for cells in reader:
            yield _aligned(cells, len(headers))

    return ImportTable(headers=headers, rows=rows)


@dataclass(frozen=True)
class CsvArchive:
    """A zip of CSV files as cslab's CSV export writes it: the main table (`main`, the one
    member without a ``parent_key`` column) and the tables of repeats (`linked`, members with
    ``key`` and ``parent_key``), each read by `table(member)`."""

    path: Path
    main: str
    linked: tuple[str, ...]

    def table(self, member: str) -> ImportTable:
        def opened() -> AbstractContextManager[IO[bytes]]:
            return _archive_member(self.path, member)

        return _csv_table(opened)


@contextmanager
def _archive_member(path: Path, member: str) -> Iterator[IO[bytes]]:
    """One member of a zip as a binary stream, the archive closed with it."""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        yield stream


def _is_unsafe_name(name: str) -> bool:
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def _archive_refused(message: str, **details: Any) -> InvalidInputError:
    return InvalidInputError(message, code=ProblemCode.INVALID_ARCHIVE, details=details or None)


def read_csv_archive(path: Path) -> CsvArchive:
    """A zip of CSV files (cslab's CSV export) read as its main table and its repeat tables.

    Refused unread (InvalidInputError) beyond `MAX_ARCHIVE_MEMBERS` members or
    `MAX_ARCHIVE_UNPACKED_BYTES` unpacked, with a member name that climbs out of the archive
    or an encrypted member; refused for no CSV member, or for not exactly one main table.
    Members that are not CSV (the README) are left alone.
    """
    try:
        with path.open("rb") as source:
            declared = declared_member_count(source)
        if declared > MAX_ARCHIVE_MEMBERS:
            raise _too_many_members()
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise _archive_refused(_("The file is not a readable zip archive.")) from error
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise _too_many_members()
    for member in members:
        if _is_unsafe_name(member.filename):
            raise _archive_refused(
                _(
                    "The archive holds a file named “%(name)s”, which points outside the "
                    "archive; such archives are refused."
                )
                % {"name": member.filename},
                entry=member.filename,
            )
        if member.flag_bits & 0x1:
            raise _archive_refused(
                _("“%(entry)s” in the archive is encrypted; make the zip without a password.")
                % {"entry": member.filename},
                entry=member.filename,
            )
    if sum(member.file_size for member in members) > MAX_ARCHIVE_UNPACKED_BYTES:
        raise InvalidInputError(
            _("The archive is too large: its files may come to at most %(limit)s unpacked.")
            % {"limit": f"{MAX_ARCHIVE_UNPACKED_BYTES // (1024 * 1024)} MB"},
            code=ProblemCode.ARCHIVE_TOO_LARGE,
        )
    names = [
        member.filename
        for member in members
        if not member.is_dir() and member.filename.lower().endswith(".csv")
    ]
    if not names:
        raise _archive_refused(_("The archive holds no CSV file."))
    main: list[str] = []
    linked: list[str] = []
    for name in names:
        headers = CsvArchive(path=path, main="", linked=()).table(name).headers
        (linked if "parent_key" in headers else main).append(name)
    if len(main) != 1:
        raise _archive_refused(
            _(
                "The archive must hold one main table (a CSV without a “parent_key” column); "
                "it holds %(count)d."
            )
            % {"count": len(main)}
        )
    return CsvArchive(path=path, main=main[0], linked=tuple(linked))


def _too_many_members() -> InvalidInputError:
    return InvalidInputError(
        _("The archive holds more than %(count)d files.") % {"count": MAX_ARCHIVE_MEMBERS},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
    )


def _cell_text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without ".0", dates in ISO 8601, true
    and false as 1 and 0 (as the 0/1 choice columns of our exports)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _check_xlsx_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InvalidInputError(_("The file is not a readable Excel workbook (XLSX).")) from error
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_XLSX_UNPACKED_BYTES or unpacked / packed > MAX_XLSX_RATIO:
        raise InvalidInputError(
            _("The workbook unpacks to far more than its size; it was not read.")
        )


def read_xlsx_table(path: Path) -> ImportTable:
    """The first sheet of an Excel workbook as a table (cached values of formula cells: a
    formula is never evaluated here, and one never calculated reads as empty).

    InvalidInputError for a file that is not a workbook, one that unpacks to more than 500 MB
    or 200 times its size (a zip bomb), and for a header row without names or with a name twice.
    """
    _check_xlsx_archive(path)

    def records() -> Iterator[list[str]]:
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise InvalidInputError(
                _("The file is not a readable Excel workbook (XLSX).")
            ) from error
        try:
            sheet = workbook.worksheets[0]
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        finally:
            workbook.close()

    headers = _headers(_first(records()))

    def rows() -> Iterator[list[str]]:
        reader = records()
        next(reader, None)
        for cells in reader:
            yield _aligned(cells, len(headers))

    return ImportTable(headers=headers, rows=rows)
