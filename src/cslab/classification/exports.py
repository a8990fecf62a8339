"""Exports of a workflow: flat classification CSV and markings CSV.

Its results are exported by `cslab.consensus.exports`, which writes cells with `csv_lines`.

Flat means one column per task answer and never JSON inside a cell (see
`task_definitions.flatten_answers`); markings go to their own CSV, one row per mark.
Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a
quote.
Every export is a generator of CSV lines, so a large workflow streams.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from typing import Any

from cslab.classification.models import Classification, Workflow
from cslab.classification.task_definitions import export_columns, flatten_answers, marks_of

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def with_licence_column(lines: Iterable[str], licence: str) -> Iterator[str]:
    """Add a `license` column (an SPDX identifier, as Darwin Core's `license` term) to CSV
    lines from `csv_lines`: each chunk it yields is exactly one row ending in a newline."""
    first = True
    for line in lines:
        yield line[:-1] + ("," + ("license" if first else licence)) + "\n"
        first = False


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(cell) for cell in row])
        yield buffer.getvalue()


def _who(classification: Classification) -> tuple[str, str]:
    """The volunteer's id, or a one-way code of an anonymous session (never the token)."""
    if classification.volunteer_id is not None:
        return str(classification.volunteer_id), ""
    digest = hashlib.sha256(classification.session_identity.encode()).hexdigest()[:12]
    return "", f"anonymous-{digest}"


CLASSIFICATION_COLUMNS = [
    "classification_id",
    "subject_id",
    "subject_external_id",
    "volunteer_id",
    "anonymous_session",
    "created_at",
    "counted",
    "gold_matched",
]


def classifications_csv(
    workflow: Workflow, classifications: Iterable[Classification]
) -> Iterator[str]:
    """Yield the flat CSV of the classifications (one row each)."""
    columns = export_columns(workflow.tasks)

    def rows() -> Iterator[list[Any]]:
        for classification in classifications:
            volunteer, session = _who(classification)
            flat = flatten_answers(workflow.tasks, classification.answers)
            gold = "" if classification.gold_matched is None else int(classification.gold_matched)
            yield [
                classification.pk,
                classification.subject_id,
                classification.subject.external_id,
                volunteer,
                session,
                classification.created_at.isoformat(),
                int(classification.counted),
                gold,
                *(flat.get(column, "") for column in columns),
            ]

    return csv_lines(CLASSIFICATION_COLUMNS + columns, rows())


def marks_csv(workflow: Workflow, classifications: Iterable[Classification]) -> Iterator[str]:
    """Yield one CSV row per point or rectangle (coordinates as fractions of the image)."""

    def rows() -> Iterator[list[Any]]:
        for classification in classifications:
            for mark in marks_of(workflow.tasks, classification.answers):
                yield [
                    classification.pk,
                    classification.subject_id,
                    mark["task"],
                    mark["index"],
                    mark["tool"],
                    mark["x"],
                    mark["y"],
                    mark.get("width", ""),
                    mark.get("height", ""),
                ]

    header = [
        "classification_id",
        "subject_id",
        "task",
        "mark",
        "tool",
        "x",
        "y",
        "width",
        "height",
    ]
    return csv_lines(header, rows())
