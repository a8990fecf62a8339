"""What each area holds about a person, for the personal-data export (GDPR Art. 15 and 20).

Each area registers a section when its app loads; the export job collects every section in
registration order and reports progress per section. A section is a function of the user that
returns JSON-serialisable data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
