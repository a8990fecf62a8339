"""What each area holds about a person, for the personal-data export (GDPR Art. 15 and 20).

Each area registers a section when its app loads; the export job collects every section in
registration order and reports progress per section. A section is a function of the user that
returns JSON-serialisable data: a dict, or a list (or a generator, to stream many rows) of flat
dicts, or a dict of such lists. Each list becomes a CSV file of the zip export as well.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

SectionFunction = Callable[[Any], Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # untranslated (gettext_noop), shown translated as job progress
    collect: SectionFunction


_sections: dict[str, Section] = {}


def register_section(key: str, title: str) -> Callable[[SectionFunction], SectionFunction]:
    """Register `function(user)` as the export's section `key`."""

    def decorate(function: SectionFunction) -> SectionFunction:
        _sections[key] = Section(key=key, title=title, collect=function)
        return function

    return decorate


def sections() -> list[Section]:
    return list(_sections.values())


# Erasure (GDPR Art. 17) and withdrawal from a project: each area registers an eraser that
# removes or pseudonymises what it holds about one person. `privacy.services.erasure` runs them
# all in one transaction, in registration order, and records the counts they return.


@dataclass(frozen=True)
class ErasureScope:
    """What to erase: a whole account (project None) or one project's part of it.

    `pseudonym_user` is the account the kept contributions now belong to: for a whole account
    the scrubbed account itself; for a withdrawal from one project a new, inactive account that
    nothing links back to the person. `delete_contributions` deletes them instead (tombstones
    keep offline replays from bringing them back).
    """

    user: Any
    pseudonym_user: Any
    project: Any = None
    delete_contributions: bool = False


EraserFunction = Callable[[ErasureScope], int]


@dataclass(frozen=True)
class Eraser:
    key: str
    erase: EraserFunction


_erasers: dict[str, Eraser] = {}


def register_eraser(key: str) -> Callable[[EraserFunction], EraserFunction]:
    """Register `function(scope) -> number of rows changed or removed` as eraser `key`."""

    def decorate(function: EraserFunction) -> EraserFunction:
        _erasers[key] = Eraser(key=key, erase=function)
        return function

    return decorate


def erasers() -> list[Eraser]:
    return list(_erasers.values())


# Files that belong in the export beside the data (issue 14, export part): the originals of a
# person's observation media, for instance. An area registers a function of the user that
# yields `ExportFile`s; the export writes each under `media/` in the zip, one at a time, so a
# person with thousands of photos never has more than one file's chunk in memory.


@dataclass(frozen=True)
class ExportFile:
    """One stored file for the export: its name inside `media/` and how to open it."""

    archive_name: str
    open: Callable[[], IO[bytes]]


FilesFunction = Callable[[Any], Iterable[ExportFile]]

_file_sources: dict[str, FilesFunction] = {}


def register_files(key: str) -> Callable[[FilesFunction], FilesFunction]:
    """Register `function(user) -> iterable of ExportFile` as the export's file source `key`."""

    def decorate(function: FilesFunction) -> FilesFunction:
        _file_sources[key] = function
        return function

    return decorate


def file_sources() -> dict[str, FilesFunction]:
    return dict(_file_sources)


def materialise(value: Any) -> Any:
    """Return `value` with every iterator a section yields (to stream rows) made a list.

    A section may return a generator of rows, or a dict whose values are generators, so the
    zip export can write thousands of rows without holding them; the JSON-document form of the
    export (`accounts.data_export`) needs plain lists.
    """
    if isinstance(value, dict):
        return {key: materialise(item) for key, item in value.items()}
    if isinstance(value, list | tuple | Iterator):
        return [materialise(item) for item in value]
    return value
