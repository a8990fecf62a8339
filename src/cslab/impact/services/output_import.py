"""Importing outputs from BibTeX and RIS: each entry becomes an output of the project (and is
linked to it when it exists already, by DOI or, without one, by its title and year), so the same
file imported twice adds nothing twice.

An entry with a year but no full date is stored on January 1 of that year (and with a month, on
the first of that month): the date field holds a whole date, and the year is what matters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import bibtexparser
import rispy
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError, PayloadTooLargeError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.impact.models import Output
from cslab.impact.services.outputs import (
    DOI_RESOLVERS,
    OutputInput,
    output_fill,
    output_find_same,
)
from cslab.impact.vocabulary import OutputKind
from cslab.projects.models import Project

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ENTRIES = 500
FORMATS = ("auto", "bibtex", "ris")
# Bounds on one entry's raw fields, checked before LaTeX is converted (which is slow on long
# text): the stored title holds 500 characters, venue 300, authors and summary 5000.
MAX_RAW = {"title": 1000, "venue": 1000, "authors": 10_000, "summary": 20_000, "url": 500}
TITLE_MAX = 500
VENUE_MAX = 300
AUTHORS_MAX = 5000
SUMMARY_MAX = 5000

CREATED = "created"
LINKED = "linked"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportedEntry:
    """One entry that was stored: its key or number, its title and what became of it."""

    label: str
    title: str
    outcome: str  # CREATED, LINKED or UNCHANGED
    output_id: int


@dataclass(frozen=True)
class OutputImportReport:
    created: int = 0
    linked: int = 0  # already known (same DOI or title and year), now linked to the project
    unchanged: int = 0  # already linked to the project
    # (entry number or key, message) for each entry that was refused.
    refused: list[tuple[str, str]] = field(default_factory=list)
    entries: list[ImportedEntry] = field(default_factory=list)


class EntryRefusedError(Exception):
    """One entry cannot become an output; the message says why, for the report."""


@dataclass(frozen=True)
class _Entry:
    label: str
    kind: str
    fields: dict[str, Any]


_latex = LatexNodes2Text()
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def _text_of_latex(value: str) -> str:
    """Return plain text for a BibTeX value ({\\"o} → ö, braces and \\textit dropped)."""
    if not re.search(r"[\\{}$]", value):
        return " ".join(value.split())
    # A bare % starts a LaTeX comment, which would swallow the rest of a "50% fewer" title.
    escaped = re.sub(r"(?<!\\)%", r"\\%", value)
    try:
        text = _latex.latex_to_text(escaped)
    except RecursionError:
        raise EntryRefusedError(_("The entry nests braces too deeply to be read.")) from None
    return " ".join(text.split())


def detect_format(text: str) -> str:
    """Return "ris" when the first non-blank line is an RIS tag line, "bibtex" when the text
    has an @entry, or raise InvalidInputError."""
    for line in text.lstrip("\ufeff").splitlines():
        if not line.strip():
            continue
        if re.match(r"^[A-Z][A-Z0-9]  - ", line + " "):
            return "ris"
        break
    if re.search(r"@\s*[A-Za-z]+\s*[{(]", text):
        return "bibtex"
    message = _("This is neither BibTeX (entries start with @) nor RIS (lines like “TY  - JOUR”).")
    raise InvalidInputError(message, details={"text": [message]})


# --- reading BibTeX ---

_BIBTEX_PUBLICATIONS = {
    "article",
    "inproceedings",
    "conference",
    "proceedings",
    "book",
    "inbook",
    "incollection",
    "booklet",
    "phdthesis",
    "mastersthesis",
    "thesis",
    "unpublished",
    "manual",
}


def _has_word(values: list[str], *words: str) -> bool:
    text = " ".join(values).casefold()
    return any(word in text for word in words)


def _bibtex_kind(entry_type: str, fields: dict[str, str]) -> str:
    entry_type = entry_type.casefold()
    hints = [fields.get(name, "") for name in ("type", "howpublished", "note", "keywords")]
    if entry_type in ("techreport", "report"):
        return (
            OutputKind.POLICY_BRIEF
            if _has_word([*hints, fields.get("title", "")], "policy")
            else OutputKind.PUBLICATION
        )
    if entry_type == "software":
        return OutputKind.SOFTWARE
    if entry_type in ("dataset", "data"):
        return OutputKind.DATASET
    if entry_type in ("misc", "online", "electronic", "www"):
        if _has_word(hints, "dataset", "data set"):
            return OutputKind.DATASET
        if _has_word(hints, "software", "source code"):
            return OutputKind.SOFTWARE
        if entry_type == "misc" and (fields.get("journal") or fields.get("eprint")):
            return OutputKind.PUBLICATION
        return OutputKind.MEDIA_ITEM
    return OutputKind.PUBLICATION


def _bibtex_entries(text: str) -> Iterator[_Entry | tuple[str, str]]:
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        yield (
            _("line %(line)d") % {"line": line},
            _("This entry could not be read as BibTeX (a key used twice, or a syntax error)."),
        )
    for number, entry in enumerate(library.entries, start=1):
        fields = {name.casefold(): str(item.value) for name, item in entry.fields_dict.items()}
        yield _Entry(
            label=entry.key or str(number),
            kind=_bibtex_kind(entry.entry_type, fields),
            fields=fields,
        )


def _bibtex_person(name: str) -> str:
    """Return "First Last" for "Last, First" (and "First Last Jr" for "Last, Jr, First")."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}".strip()
    if len(parts) >= 3:
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return name.strip()


def _split_authors(value: str) -> list[str]:
    """Split a BibTeX author list at the "and"s outside braces."""
    names, depth, start = [], 0, 0
    index = 0
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and value[index : index + 5].casefold() == " and ":
            names.append(value[start:index])
            start = index + 5
            index += 4
        index += 1
    names.append(value[start:])
    return [name for name in (name.strip() for name in names) if name]


def _bibtex_date(fields: dict[str, str]) -> date | None:
    if fields.get("date"):
        found = _date_from_text(fields["date"])
        if found:
            return found
    year = _year(fields.get("year", ""))
    if year is None:
        return None
    month_text = fields.get("month", "").strip().casefold().rstrip(".")
    month = _MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 1)
    return date(year, month if 1 <= month <= 12 else 1, 1)


def _from_bibtex(entry: _Entry) -> OutputInput:
    fields = entry.fields
    _check_raw(
        {
            "title": fields.get("title", ""),
            "authors": fields.get("author", ""),
            "summary": fields.get("abstract", ""),
            "url": fields.get("url", ""),
            "venue": fields.get("journal") or fields.get("booktitle") or "",
        }
    )
    authors = [
        _text_of_latex(_bibtex_person(name)) for name in _split_authors(fields.get("author", ""))
    ]
    venue = (
        fields.get("journal")
        or fields.get("journaltitle")
        or fields.get("booktitle")
        or fields.get("publisher")
        or fields.get("institution")
        or fields.get("organization")
        or ""
    )
    return _input(
        kind=entry.kind,
        title=_text_of_latex(fields.get("title", "")),
        authors=[_("et al.") if author.casefold() == "others" else author for author in authors],
        published_on=_bibtex_date(fields),
        doi=fields.get("doi", ""),
        url=fields.get("url", ""),
        venue=_text_of_latex(venue[: MAX_RAW["venue"]]),
        summary=_text_of_latex(fields.get("abstract", "")),
    )


# --- reading RIS ---

_RIS_KINDS = {
    **dict.fromkeys(
        ["JOUR", "JFULL", "EJOUR", "ABST", "CONF", "CPAPER", "BOOK", "EBOOK", "CHAP", "ECHAP"],
        OutputKind.PUBLICATION,
    ),
    **dict.fromkeys(["THES", "SER", "GEN", "UNPB", "MANSCPT", "INPR"], OutputKind.PUBLICATION),
    **dict.fromkeys(["DATA", "DBASE", "AGGR"], OutputKind.DATASET),
    **dict.fromkeys(["COMP"], OutputKind.SOFTWARE),
    **dict.fromkeys(["GOVDOC", "LEGAL", "BILL", "STAT"], OutputKind.POLICY_BRIEF),
    **dict.fromkeys(
        ["ELEC", "BLOG", "NEWS", "MGZN", "VIDEO", "MPCT", "SOUND", "ADVS", "PCOMM", "WEB"],
        OutputKind.MEDIA_ITEM,
    ),
}


def _ris_records(text: str) -> Iterator[tuple[int, str]]:
    """Yield (number, text) of each record: from a TY line to its ER line."""
    record: list[str] = []
    number = 0
    for line in text.lstrip("\ufeff").splitlines():
        if line.startswith("TY  -"):
            if record:
                number += 1
                yield number, "\n".join([*record, "ER  - "])
            record = [line]
        elif line.startswith("ER  -"):
            if record:
                number += 1
                yield number, "\n".join([*record, "ER  - "])
            record = []
        elif record:
            record.append(line)
    if record:
        number += 1
        yield number, "\n".join([*record, "ER  - "])


def _ris_entries(text: str) -> Iterator[_Entry | tuple[str, str]]:
    for number, record in _ris_records(text):
        label = _("entry %(number)d") % {"number": number}
        try:
            parsed = rispy.loads(record)
        except (ValueError, KeyError, IndexError, TypeError) as error:
            logger.info("RIS record %s not read: %s", number, error)
            yield label, _("This entry could not be read as RIS.")
            continue
        if len(parsed) != 1:
            yield label, _("This entry could not be read as RIS.")
            continue
        fields: dict[str, Any] = parsed[0]
        reference_type = str(fields.get("type_of_reference", "")).strip().upper()
        kind = _RIS_KINDS.get(reference_type, OutputKind.PUBLICATION)
        if reference_type == "RPRT":
            hints = [str(fields.get(name, "")) for name in ("title", "primary_title")]
            hints += [str(keyword) for keyword in fields.get("keywords", [])]
            kind = OutputKind.POLICY_BRIEF if _has_word(hints, "policy") else kind
        identifier = str(fields.get("id", "")).strip()
        flat: dict[str, Any] = {
            name: "; ".join(str(item) for item in value) if isinstance(value, list) else str(value)
            for name, value in fields.items()
        }
        flat["_authors"] = fields.get("authors") or fields.get("first_authors") or []
        yield _Entry(label=identifier[:100] or label, kind=kind, fields=flat)


def _ris_person(name: str) -> str:
    parts = [part.strip() for part in name.split(",")]
    if len(parts) >= 2 and parts[1]:
        return f"{parts[1]} {parts[0]}"
    return name.strip()


def _from_ris(entry: _Entry) -> OutputInput:
    fields: dict[str, Any] = entry.fields
    authors = [str(name) for name in fields.get("_authors", [])]
    title = fields.get("title") or fields.get("primary_title") or ""
    venue = (
        fields.get("journal_name")
        or fields.get("secondary_title")
        or fields.get("alternate_title3")
        or fields.get("publisher")
        or ""
    )
    summary = fields.get("abstract") or fields.get("notes_abstract") or ""
    urls = [url.strip() for url in str(fields.get("urls", "")).split(";") if url.strip()]
    _check_raw(
        {
            "title": title,
            "authors": "; ".join(authors),
            "summary": summary,
            "venue": venue,
            "url": urls[0] if urls else "",
        }
    )
    published_on = _date_from_text(fields.get("date", ""))
    for name in ("year", "publication_year"):
        if published_on is None and fields.get(name):
            published_on = _date_from_text(fields[name])
    return _input(
        kind=entry.kind,
        title=" ".join(title.split()),
        authors=[_ris_person(name) for name in authors],
        published_on=published_on,
        doi=fields.get("doi", ""),
        url=urls[0] if urls else "",
        venue=" ".join(venue.split()),
        summary=" ".join(summary.split()),
    )


# --- shared ---


def _year(text: str) -> int | None:
    found = re.search(r"\b(\d{4})\b", text)
    if not found:
        return None
    year = int(found.group(1))
    return year if 1000 <= year <= 2999 else None


def _date_from_text(text: str) -> date | None:
    """Read "2021-03-15", "2021/03/15/", "2021/03//" or "2021" (the missing parts as 1)."""
    text = str(text).strip()
    found = re.match(r"^(\d{4})(?:[-/](\d{1,2})?(?:[-/](\d{1,2})?)?)?", text)
    if not found:
        return None
    year = _year(found.group(1))
    if year is None:
        return None
    month = int(found.group(2) or 1)
    day = int(found.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 1, 1)


def _check_raw(values: dict[str, str]) -> None:
    for name, value in values.items():
        if len(value) > MAX_RAW[name]:
            raise EntryRefusedError(
                _("The %(field)s is too long (at most %(count)d characters).")
                % {"field": _field_name(name), "count": MAX_RAW[name]}
            )


def _field_name(name: str) -> str:
    names = {
        "title": _("title"),
        "authors": _("author list"),
        "summary": _("abstract"),
        "venue": _("journal or publisher"),
        "url": _("link"),
    }
    return str(names.get(name, name))


def _input(
    *,
    kind: str,
    title: str,
    authors: list[str],
    published_on: date | None,
    doi: str,
    url: str,
    venue: str,
    summary: str,
) -> OutputInput:
    doi = doi.strip()
    url = url.strip()
    # A DOI given only as its resolver address in the link is still the DOI.
    if not doi and url.lower().startswith(DOI_RESOLVERS):
        doi, url = url, ""
    author_text = "; ".join(author for author in authors if author)
    if not title:
        raise EntryRefusedError(_("The entry has no title."))
    if len(title) > TITLE_MAX:
        raise EntryRefusedError(
            _("The title is too long (at most %(count)d characters).") % {"count": TITLE_MAX}
        )
    if len(author_text) > AUTHORS_MAX:
        raise EntryRefusedError(
            _("The author list is too long (at most %(count)d characters).")
            % {"count": AUTHORS_MAX}
        )
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
    return OutputInput(
        kind=kind,
        title=title,
        authors=author_text,
        published_on=published_on,
        doi=doi,
        url=url,
        summary=summary,
        venue=venue[:VENUE_MAX],
    )


def _reason(error: InvalidInputError) -> str:
    details = error.details if isinstance(error.details, dict) else {}
    messages = [str(message) for problems in details.values() for message in problems]
    return " ".join(messages) or error.message


def _store(*, actor: Actor, project: Project, data: OutputInput) -> tuple[Output, str]:
    """Create the output, or link the one with the same DOI (or title and year) to the project.

    The insert comes first and the unique constraints decide: two imports of the same file at
    once cannot both create the output."""
    output = Output(created_by=person_or_none(actor))
    output_fill(output, data)
    try:
        with transaction.atomic():
            output.save()
    except IntegrityError:
        existing = output_find_same(output)
        if existing is None:
            raise EntryRefusedError(_("The entry clashes with a stored output.")) from None
        if existing.projects.filter(pk=project.pk).exists():
            return existing, UNCHANGED
        existing.projects.add(project)
        return existing, LINKED
    output.projects.add(project)
    return output, CREATED


def _entries_of(text: str, format: str) -> list[_Entry | tuple[str, str]]:
    reader = _ris_entries if format == "ris" else _bibtex_entries
    entries: list[_Entry | tuple[str, str]] = []
    for entry in reader(text):
        entries.append(entry)
        if len(entries) > MAX_IMPORT_ENTRIES:
            message = _(
                "The file has more than %(count)d entries: import it in parts of at most %(count)d."
            ) % {"count": MAX_IMPORT_ENTRIES}
            raise InvalidInputError(message, details={"text": [message]})
    return entries


@transaction.atomic
def outputs_import(*, actor: Actor, project: Project, text: str, format: str) -> OutputImportReport:
    """Import the BibTeX (`format="bibtex"`), RIS (`"ris"`) or either (`"auto"`) text into the
    project's outputs.

    Each entry is created, or linked when an output with its DOI (or without one, its title and
    year) exists; a bad entry is refused with its reason and the others are still imported.
    Raises PayloadTooLargeError over MAX_IMPORT_BYTES and InvalidInputError over
    MAX_IMPORT_ENTRIES entries or for text of neither format."""
    permissions.require(actor, "impact.output.manage", project)
    if len(text) > MAX_IMPORT_BYTES or len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
        message = _("The file is larger than %(size)d MB.") % {
            "size": MAX_IMPORT_BYTES // (1024 * 1024)
        }
        raise PayloadTooLargeError(
            message, code=ProblemCode.PAYLOAD_TOO_LARGE, details={"text": [message]}
        )
    if format not in FORMATS:
        message = _("Choose BibTeX or RIS.")
        raise InvalidInputError(message, details={"format": [message]})
    if format == "auto":
        format = detect_format(text)
    counts = {CREATED: 0, LINKED: 0, UNCHANGED: 0}
    refused: list[tuple[str, str]] = []
    stored: list[ImportedEntry] = []
    convert = _from_ris if format == "ris" else _from_bibtex
    for entry in _entries_of(text, format):
        if isinstance(entry, tuple):
            refused.append(entry)
            continue
        try:
            output, outcome = _store(actor=actor, project=project, data=convert(entry))
        except EntryRefusedError as error:
            refused.append((entry.label, str(error)))
            continue
        except InvalidInputError as error:
            refused.append((entry.label, _reason(error)))
            continue
        counts[outcome] += 1
        stored.append(ImportedEntry(entry.label, output.title, outcome, output.pk))
    if not stored and not refused:
        message = _("No entries were found in the text.")
        raise InvalidInputError(message, details={"text": [message]})
    audit_record(
        actor=actor,
        action="impact.outputs_imported",
        target=project,
        details={"format": format, **counts, "refused": len(refused)},
    )
    return OutputImportReport(
        created=counts[CREATED],
        linked=counts[LINKED],
        unchanged=counts[UNCHANGED],
        refused=refused,
        entries=stored,
    )
