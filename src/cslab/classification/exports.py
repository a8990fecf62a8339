"""Exports of a workflow: flat classification CSV, markings CSV, results as CSV and JSON.

Flat means one column per task answer and never JSON inside a cell (see
`tasks.flatten_answers`); markings go to their own CSV, one row per mark. Results come from the
stored aggregation (`cslab.consensus`) and carry the probability of every class (`p_<class>`
columns, and `probabilities.csv` with one row per subject and class), not only the winner.
Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a
quote.
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


def result_classes(workflow: Workflow, results: list[SubjectResult]) -> list[str]:
    """The classes of the `p_<class>` columns: a choice task's classes in its order, then any
    other class a stored result names; none for a transcription task (its classes are each
    subject's own transcriptions: see `probabilities.csv` and the JSON)."""
    from cslab.consensus.labels import aggregation_task, is_transcription, task_classes

    task = aggregation_task(workflow.tasks)
    if task is None or is_transcription(task):
        return []
    return task_classes(task, {label for result in results for label in result.votes.probabilities})


def _method(results: list[SubjectResult]) -> str:
    return next((result.method for result in results if result.method), "")


RESULT_COLUMNS = [
    "subject_id", "subject_external_id", "label", "confidence", "answers", "agreeing",
    "retired_at", "retirement_reason", "gold_label", "expert_label", "disputed", "method",
    "computed_at",
]  # fmt: skip


def _result_cells(result: SubjectResult) -> list[Any]:
    return [
        result.subject_id, result.external_id, result.label or "", f"{result.confidence:.6f}",
        result.votes.total, result.votes.agreeing,
        result.retired_at.isoformat() if result.retired_at else "", result.retirement_reason,
        result.gold_label, result.expert_label or "", int(result.is_disputed), result.method,
        result.computed_at.isoformat() if result.computed_at else "",
    ]  # fmt: skip


def results_csv(workflow: Workflow, results: list[SubjectResult]) -> Iterator[str]:
    """Yield one row per subject from the stored aggregation: its label, confidence and a
    `p_<class>` column per class (every class, not only the winner)."""
    classes = result_classes(workflow, results)

    def rows() -> Iterator[list[Any]]:
        for result in results:
            probabilities = result.votes.probabilities
            yield [
                *_result_cells(result),
                *(f"{probabilities.get(label, 0.0):.6f}" if result.has_result else ""
                  for label in classes),
            ]  # fmt: skip

    return _lines(RESULT_COLUMNS + [f"p_{label}" for label in classes], rows())


def probabilities_csv(workflow: Workflow, results: list[SubjectResult]) -> Iterator[str]:
    """Yield one row per subject and class (long format): flat for any number of classes,
    and for transcriptions, whose classes differ per subject."""

    def rows() -> Iterator[list[Any]]:
        for result in results:
            for label, probability in result.votes.probabilities.items():
                yield [result.subject_id, result.external_id, label, f"{probability:.6f}",
                       int(label == result.label)]  # fmt: skip

    return _lines(["subject_id", "subject_external_id", "class", "probability", "chosen"], rows())


def results_json(workflow: Workflow, results: list[SubjectResult]) -> str:
    """Return the stored results as a JSON document with every class's probability per
    subject (`null` for a subject not aggregated yet)."""
    from cslab.consensus.labels import aggregation_task

    task = aggregation_task(workflow.tasks)
    document = {
        "workflow": workflow.slug,
        "task": task["key"] if task else None,
        "method": _method(results) or None,
        "classes": result_classes(workflow, results),
        "subjects": [
            {
                "subject_id": result.subject_id,
                "subject_external_id": result.external_id,
                "label": result.label,
                "confidence": result.confidence,
                "answers": result.votes.total,
                "agreeing": result.votes.agreeing,
                "probabilities": dict(result.votes.probabilities) if result.has_result else None,
                "retired_at": result.retired_at.isoformat() if result.retired_at else None,
                "retirement_reason": result.retirement_reason,
                "gold_label": result.gold_label or None,
                "expert_label": result.expert_label,
                "disputed": result.is_disputed,
                "method": result.method or None,
                "computed_at": result.computed_at.isoformat() if result.computed_at else None,
            }
            for result in results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
