"""Exports of a workflow: flat classification CSV, markings CSV, results as CSV and JSON.

Flat means one column per task answer and never JSON inside a cell (see
`tasks.flatten_answers`); markings go to their own CSV, one row per mark. Results carry the
probability of every class (`p_<class>` columns), not only the winning label. Cells that a
spreadsheet would run as a formula (starting with = + - @) are prefixed with a quote.
Every export is a generator of CSV lines, so a large workflow streams.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from cslab.classification.models import Classification, Workflow
from cslab.classification.selectors import SubjectResult
from cslab.classification.tasks import (
    class_values,
    consensus_task,
    export_columns,
    flatten_answers,
    marks_of,
)

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


def _lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
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
    "classification_id", "subject_id", "subject_external_id", "volunteer_id", "anonymous_session",
    "created_at", "counted", "gold_matched",
]  # fmt: skip


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
                classification.pk, classification.subject_id, classification.subject.external_id,
                volunteer, session, classification.created_at.isoformat(),
                int(classification.counted), gold, *(flat.get(column, "") for column in columns),
            ]  # fmt: skip

    return _lines(CLASSIFICATION_COLUMNS + columns, rows())


def marks_csv(workflow: Workflow, classifications: Iterable[Classification]) -> Iterator[str]:
    """Yield one CSV row per point or rectangle (coordinates as fractions of the image)."""

    def rows() -> Iterator[list[Any]]:
        for classification in classifications:
            for mark in marks_of(workflow.tasks, classification.answers):
                yield [
                    classification.pk, classification.subject_id, mark["task"], mark["index"],
                    mark["tool"], mark["x"], mark["y"], mark.get("width", ""),
                    mark.get("height", ""),
                ]  # fmt: skip

    header = ["classification_id", "subject_id", "task", "mark", "tool", "x", "y", "width",
              "height"]  # fmt: skip
    return _lines(header, rows())


def _classes(workflow: Workflow, results: list[SubjectResult]) -> list[str]:
    task = consensus_task(workflow.tasks)
    classes = class_values(task) if task else []
    extra = {label for result in results for label in result.votes.probabilities} - set(classes)
    return classes + sorted(extra)


RESULT_COLUMNS = [
    "subject_id", "subject_external_id", "label", "confidence", "answers", "agreeing",
    "retired_at", "retirement_reason", "expert_label", "disputed",
]  # fmt: skip


def results_csv(workflow: Workflow, results: list[SubjectResult]) -> Iterator[str]:
    """Yield one row per subject: its label, confidence and a `p_<class>` per class."""
    classes = _classes(workflow, results)

    def rows() -> Iterator[list[Any]]:
        for result in results:
            yield [
                result.subject_id, result.external_id, result.label or "",
                f"{result.confidence:.4f}", result.votes.total, result.votes.agreeing,
                result.retired_at.isoformat() if result.retired_at else "",
                result.retirement_reason, result.expert_label or "", int(result.is_disputed),
                *(f"{result.votes.probabilities.get(label, 0.0):.4f}" for label in classes),
            ]  # fmt: skip

    return _lines(RESULT_COLUMNS + [f"p_{label}" for label in classes], rows())


def results_json(workflow: Workflow, results: list[SubjectResult]) -> str:
    """Return the results as a JSON document with every class's probability per subject."""
    classes = _classes(workflow, results)
    document = {
        "workflow": workflow.slug,
        "method": "majority_vote",
        "classes": classes,
        "subjects": [
            {
                "subject_id": result.subject_id,
                "subject_external_id": result.external_id,
                "label": result.label,
                "confidence": result.confidence,
                "answers": result.votes.total,
                "agreeing": result.votes.agreeing,
                "probabilities": {
                    label: result.votes.probabilities.get(label, 0.0) for label in classes
                },
                "retired_at": result.retired_at.isoformat() if result.retired_at else None,
                "retirement_reason": result.retirement_reason,
                "expert_label": result.expert_label,
                "disputed": result.is_disputed,
            }
            for result in results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
