"""Writing a person's data as a zip: README.txt, data.json, one CSV per list, media originals.

The sections of `cslab.core.personal_data` are written one after the other and their rows
streamed: `data.json` is written as it is read, each list's rows go to a temporary file as well
(a CSV's columns are only known once every row was seen), and the stored files are copied into
the zip in chunks. Memory stays bounded by one row and one chunk, whatever the person holds.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.utils import timezone

from cslab.core.personal_data import file_sources, sections

logger = logging.getLogger(__name__)

ProgressReporter = Callable[[int, str], None]

DATA_FILE = "data.json"
README_FILE = "README.txt"
MEDIA_FOLDER = "media"
COPY_CHUNK_BYTES = 1024 * 1024
# Cells a spreadsheet would run as a formula unless they are plain numbers (a negative
# longitude is a number, "=HYPERLINK(...)" in an answer is not).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
# Answers are the person's own but may nest deeply; below this depth a value goes in one cell.
FLATTEN_DEPTH = 4
LIST_SEPARATOR = "; "
SECTION_SHARE_PERCENT = 80  # sections take 0–80 % of the progress bar, files 80–99 %


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID | Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _is_row_list(value: Any) -> bool:
    return isinstance(value, list | tuple) or (
        isinstance(value, Iterator) and not isinstance(value, str | bytes | Mapping)
    )


def flatten(row: Any, *, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Return a row as flat CSV cells: nested dicts as dotted columns, lists joined by "; "."""
    if not isinstance(row, Mapping):
        return {prefix or "value": _cell(row)}
    cells: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and depth < FLATTEN_DEPTH:
            cells.update(flatten(value, prefix=name, depth=depth + 1))
        else:
            cells[name] = _cell(value)
    return cells


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in value):
            return LIST_SEPARATOR.join(_cell(item) for item in value)
        return _dumps(value)  # a list of records inside a record: no flat form reads better
    if isinstance(value, Mapping):
        return _dumps(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def spreadsheet_safe(text: str) -> str:
    """Return the cell with a leading apostrophe when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.match(text):
        return f"'{text}"
    return text


def safe_archive_path(name: str) -> str:
    """Return a relative path inside the zip with no way out of its folder ("..", "/", "\\")."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in {"", ".", ".."}]
    cleaned = [re.sub(r"[\x00-\x1f]", "_", part)[:150] for part in parts]
    return posixpath.join(*cleaned) if cleaned else "file"


@dataclass
class _RowBuffer:
    """The rows of one list, kept on disk until the CSV can be written with all its columns."""

    csv_name: str
    title: str
    spool: IO[bytes] = field(default_factory=lambda: tempfile.TemporaryFile())  # noqa: SIM115
    columns: dict[str, None] = field(default_factory=dict)
    count: int = 0

    def add(self, row: Any) -> None:
        cells = flatten(row)
        for column in cells:
            self.columns.setdefault(column, None)
        self.spool.write(_dumps(cells).encode("utf-8") + b"\n")
        self.count += 1

    def write_csv(self, archive: zipfile.ZipFile) -> None:
        self.spool.seek(0)
        columns = list(self.columns)
        with (
            archive.open(self.csv_name, "w") as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
        ):
            writer = csv.writer(text)
            writer.writerow(columns)
            for line in self.spool:
                cells = json.loads(line)
                writer.writerow([spreadsheet_safe(cells.get(column, "")) for column in columns])
        self.spool.close()


@dataclass
class ArchiveSummary:
    """What went into the zip: its members in order, and how many rows each CSV holds."""

    members: list[str]
    rows: dict[str, int]
    media_files: int


class _JsonStream:
    """Write `data.json` as the sections are read, sending each list's rows to a buffer."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.buffers: list[_RowBuffer] = []

    def write_rows(self, rows: Iterable[Any], *, csv_name: str, title: str, indent: str) -> None:
        buffer = _RowBuffer(csv_name=csv_name, title=title)
        self.buffers.append(buffer)
        self.text.write("[")
        for number, row in enumerate(rows):
            self.text.write(("," if number else "") + f"\n{indent}  " + _dumps(row))
            buffer.add(row)
        self.text.write(f"\n{indent}]" if buffer.count else "]")

    def write_section(self, key: str, title: str, value: Any) -> None:
        if _is_row_list(value):
            self.write_rows(value, csv_name=f"{key}.csv", title=title, indent="  ")
            return
        if not isinstance(value, Mapping):
            self.text.write(_dumps(value))
            return
        self.text.write("{")
        for number, (name, item) in enumerate(value.items()):
            self.text.write(("," if number else "") + f"\n    {_dumps(str(name))}: ")
            if _is_row_list(item):
                self.write_rows(
                    item, csv_name=f"{key}-{name}.csv", title=f"{title}: {name}", indent="    "
                )
            else:
                self.text.write(_dumps(item))
        self.text.write("\n  }" if value else "}")


def _readme(user_email: str, csv_buffers: list[_RowBuffer], media_files: int) -> str:
    lines = [
        "Your personal data from cslab",
        "=============================",
        "",
        f"Made on {timezone.now().isoformat(timespec='seconds')} for {user_email}.",
        "Everything cslab holds about you, under the GDPR's right of access (Art. 15) and",
        "right to data portability (Art. 20). It holds your own data only: where others took",
        "part (a moderator, a co-author, a team), they are named by their role, not their name.",
        "",
        f"{DATA_FILE}",
        "    All of it in one JSON document, one key per area (see the CSV files for which).",
    ]
    for buffer in csv_buffers:
        lines += [
            buffer.csv_name,
            f"    {buffer.title} ({buffer.count} rows). The same rows as in {DATA_FILE}:",
            "    nested fields as dotted columns, lists joined by '; '.",
        ]
    lines += [
        f"{MEDIA_FOLDER}/",
        f"    The files you attached to your observations, as you sent them ({media_files}"
        " files). Photos may still carry their EXIF data (the place and the camera).",
        "",
        "Times are in UTC (ISO 8601). Locations are the true ones you recorded, also where",
        "the public sees them blurred.",
        "",
    ]
    return "\n".join(lines)


def archive_write(
    *, user: Any, destination: Path, report_progress: ProgressReporter | None = None
) -> ArchiveSummary:
    """Write everything cslab holds about `user` as a zip at `destination`.

    The zip is written next to `destination` under a temporary name and moved there when
    complete, so a half-written export is never served.
    """
    progress = report_progress or (lambda percent, message: None)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    all_sections = sections()
    media_files = 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with (
            archive.open(DATA_FILE, "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8") as text,
        ):
            stream = _JsonStream(text)
            text.write("{")
            for number, section in enumerate(all_sections):
                progress(number * SECTION_SHARE_PERCENT // len(all_sections), section.title)
                text.write(("," if number else "") + f"\n  {_dumps(section.key)}: ")
                stream.write_section(section.key, section.title, section.collect(user))
            text.write("\n}\n")
        for buffer in stream.buffers:
            buffer.write_csv(archive)
        progress(SECTION_SHARE_PERCENT, "Files")
        written: set[str] = set()
        for source in file_sources().values():
            for export_file in source(user):
                name = f"{MEDIA_FOLDER}/{safe_archive_path(export_file.archive_name)}"
                if name in written:
                    continue
                info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
                # Photos and audio are compressed already: storing them saves the CPU.
                info.compress_type = zipfile.ZIP_STORED
                try:
                    with (
                        export_file.open() as source_file,
                        archive.open(info, "w", force_zip64=True) as target,
                    ):
                        while chunk := source_file.read(COPY_CHUNK_BYTES):
                            target.write(chunk)
                except FileNotFoundError:
                    logger.warning("export of user %s: %s is missing from storage", user.pk, name)
                    continue
                written.add(name)
                media_files += 1
        archive.writestr(README_FILE, _readme(user.email, stream.buffers, media_files))
        members = archive.namelist()
    partial.replace(destination)
    progress(99, "Files")
    return ArchiveSummary(
        members=members,
        rows={buffer.csv_name: buffer.count for buffer in stream.buffers},
        media_files=media_files,
    )
