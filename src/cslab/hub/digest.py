"""The weekly digest's content: followed searches with their new items, and other sections.

Pure: plain dataclasses in, plain dataclasses out; no ORM, settings or clock. The service
(`hub.services.digest`) loads what is new, calls `digest_group` and renders the e-mail.

Other areas add a section (e.g. events: upcoming webinars) with `register_digest_section`
from a module named in their app's `registration_modules`. A section function receives the
person and the week (Monday's date and the Monday after it) and returns a `DigestSection`, or
None when it has nothing for this person this week. Sections appear in `order`, then by name.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class DigestItem:
    """One new thing: a resource, a case study, an event. `url` is absolute and unique."""

    title: str
    url: str
    summary: str = ""
    kind: str = ""
    published_at: datetime | None = None


@dataclass(frozen=True)
class FollowedSearch:
    label: str
    search_url: str
    unsubscribe_url: str


@dataclass(frozen=True)
class DigestGroup:
    """A followed search and what is new in it this week (newest first)."""

    search: FollowedSearch
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class DigestSection:
    """A block of the digest besides the followed searches (new case studies, events)."""

    name: str
    title: str
    items: tuple[DigestItem, ...]
    introduction: str = ""
    more_url: str = ""


SectionFunction = Callable[[Any, date, date], DigestSection | None]


@dataclass(frozen=True)
class _RegisteredSection:
    name: str
    function: SectionFunction
    order: int


_sections: dict[str, _RegisteredSection] = {}


def register_digest_section(name: str, function: SectionFunction, *, order: int = 50) -> None:
    """Add a section to every digest; registering the same name again replaces it."""
    _sections[name] = _RegisteredSection(name=name, function=function, order=order)


def digest_registered_sections() -> list[tuple[str, SectionFunction]]:
    """Return the registered section functions in the order the digest shows them."""
    ordered = sorted(_sections.values(), key=lambda section: (section.order, section.name))
    return [(section.name, section.function) for section in ordered]


def digest_group(
    matches: Sequence[tuple[FollowedSearch, Sequence[DigestItem]]],
    *,
    shown_elsewhere: frozenset[str] = frozenset(),
) -> list[DigestGroup]:
    """Group new items under the followed searches they match, each item once.

    `matches` pairs each followed search (in the order the person followed them) with the new
    items matching it. An item matching several searches is listed under the first; items whose
    URL is in `shown_elsewhere` (e.g. case studies, which have their own section) are left out,
    and a search with nothing left is dropped. Items are newest first, then by title.
    """
    seen = set(shown_elsewhere)
    groups: list[DigestGroup] = []
    for search, items in matches:
        fresh: list[DigestItem] = []
        for item in items:
            if item.url in seen:
                continue
            seen.add(item.url)
            fresh.append(item)
        if fresh:
            fresh.sort(key=lambda item: item.title.casefold())
            fresh.sort(key=_newest_first)
            groups.append(DigestGroup(search=search, items=tuple(fresh)))
    return groups


def digest_item_count(groups: Sequence[DigestGroup], sections: Sequence[DigestSection]) -> int:
    """Return how many items a digest holds (0: it is not sent)."""
    return sum(len(group.items) for group in groups) + sum(
        len(section.items) for section in sections
    )


def _newest_first(item: DigestItem) -> float:
    return -item.published_at.timestamp() if item.published_at else 0.0


__all__ = [
    "DigestGroup",
    "DigestItem",
    "DigestSection",
    "FollowedSearch",
    "digest_group",
    "digest_item_count",
    "digest_registered_sections",
    "register_digest_section",
]
