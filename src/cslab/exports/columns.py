"""The flat tables of a form's observations (pure: a form definition and answers in, rows out).

What spreadsheet users of the anchors ask for, and what this builds:

* one column per question, never JSON inside a cell;
* a select_multiple gives its own column (the chosen names, space-separated, as ODK stores
  them) and one 0/1 column per choice, named ``question/choice``;
* a geopoint answer gives four number columns: ``question-latitude``, ``-longitude``,
  ``-altitude`` and ``-accuracy``;
* a repeat is its own table, one row per repetition, linked to its parent row by
  ``parent_key`` (the parent's ``key``), as ODK Central's CSV export links them. Repeats inside
  repeats nest the same way. Groups are see-through: their questions are columns of the level
  they are answered at.

The layout is the union of every version's questions (the latest version's order first), so an
export of a form that changed keeps the answers given to questions that were later removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from cslab.forms.answers import parse_geopoint
from cslab.forms.form_definition import FormDefinition, Question, QuestionKind, answered_questions

# Frictionless field types; Parquet and XLSX derive theirs from these.
ColumnType = Literal["string", "integer", "number", "boolean", "date", "datetime"]

GEOPOINT_PARTS = ("latitude", "longitude", "altitude", "accuracy")
INTEGER_KINDS = frozenset({QuestionKind.INTEGER})
NUMBER_KINDS = frozenset({QuestionKind.DECIMAL, QuestionKind.RANGE})
DATE_TIME_KINDS = frozenset({QuestionKind.DATETIME, QuestionKind.START, QuestionKind.END})
# Exports are read by machines and researchers: choice labels are taken in English if the form
# has them, else the default label.
CHOICE_LABEL_LANGUAGE = "en"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    question: str = ""  # the answer key this column reads ("" for the export's own columns)
    # "value": the answer itself; "choice": 0/1 for the choice `part`; "geopoint": its `part`.
    reads: Literal["value", "choice", "geopoint"] = "value"
    part: str = ""
    # A select_one's (choice name, English or default label) pairs, so that a writer can print
    # a label (Darwin Core's scientificName) without the form definitions.
    choice_labels: tuple[tuple[str, str], ...] = ()


@dataclass
class Table:
    """One flat table: the observations (`path` empty) or one repeat (`path` its names)."""

    name: str
    path: tuple[str, ...]
    columns: list[Column] = field(default_factory=list)
    children: list[Table] = field(default_factory=list)

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def every_table(self) -> Iterator[Table]:
        yield self
        for child in self.children:
            yield from child.every_table()


def _label(question: Question, language: str | None) -> str:
    texts = question.label or {}
    if not texts:
        return question.name
    if language:
        for key, text in texts.items():
            if key.endswith(f"({language})") and text:
                return text
    return texts.get("default") or next((text for text in texts.values() if text), question.name)


def _choice_label(choice: Any, language: str | None) -> str:
    texts = choice.label or {}
    if language:
        for key, text in texts.items():
            if key.endswith(f"({language})") and text:
                return str(text)
    return str(texts.get("default") or next((text for text in texts.values() if text), choice.name))


def _question_columns(
    question: Question, definition: FormDefinition, language: str | None
) -> list[Column]:
    label = _label(question, language)
    kind = question.kind
    if kind is QuestionKind.SELECT_MULTIPLE:
        columns = [
            Column(
                question.name, "string", f"{label} (chosen names, space-separated)", question.name
            )
        ]
        columns.extend(
            Column(
                f"{question.name}/{choice.name}",
                "integer",
                f"{label}: {_choice_label(choice, language)} (1 chosen, 0 not)",
                question.name,
                "choice",
                choice.name,
            )
            for choice in definition.choices.get(question.list_name, ())
        )
        return columns
    if kind is QuestionKind.GEOPOINT:
        return [
            Column(
                f"{question.name}-{part}",
                "number",
                f"{label}: {part}",
                question.name,
                "geopoint",
                part,
            )
            for part in GEOPOINT_PARTS
        ]
    if kind in INTEGER_KINDS:
        column_type: ColumnType = "integer"
    elif kind in NUMBER_KINDS:
        column_type = "number"
    elif kind is QuestionKind.DATE:
        column_type = "date"
    elif kind in DATE_TIME_KINDS:
        column_type = "datetime"
    else:
        column_type = "string"
    choice_labels: tuple[tuple[str, str], ...] = ()
    if kind is QuestionKind.SELECT_ONE:
        choice_labels = tuple(
            (choice.name, _choice_label(choice, CHOICE_LABEL_LANGUAGE))
            for choice in definition.choices.get(question.list_name, ())
        )
    return [Column(question.name, column_type, label, question.name, choice_labels=choice_labels)]


def _merge(existing: list[Column], new: Iterable[Column]) -> None:
    names = {column.name for column in existing}
    for column in new:
        if column.name not in names:
            existing.append(column)
            names.add(column.name)


def _fill(
    table: Table,
    questions: Iterable[Question],
    definition: FormDefinition,
    language: str | None,
) -> None:
    for question in answered_questions(tuple(questions)):
        if question.is_repeat:
            path = (*table.path, question.name)
            child = next((item for item in table.children if item.path == path), None)
            if child is None:
                child = Table(
                    name=f"{table.name}-{question.name}", path=path, columns=repeat_key_columns()
                )
                table.children.append(child)
            _fill(child, question.children, definition, language)
        else:
            _merge(table.columns, _question_columns(question, definition, language))


def repeat_key_columns() -> list[Column]:
    return [
        Column(
            "key", "string", "This repetition's key: its parent's key, the repeat and its number"
        ),
        Column("parent_key", "string", "The key of the row this repetition belongs to"),
    ]


def table_layout(
    definitions: Iterable[FormDefinition],
    *,
    leading_columns: list[Column],
    name: str,
    language: str | None = None,
) -> Table:
    """The tables of a form: `definitions` newest first; `leading_columns` are the export's own
    (key, time, place, status …) and come before the answers."""
    root = Table(name=name, path=(), columns=list(leading_columns))
    for definition in definitions:
        _fill(root, definition.questions, definition, language)
    return root


def _chosen(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def _typed(column: Column, value: Any) -> Any:
    """The answer as the column's type; a value that does not fit stays as given (text), so an
    export never loses what was stored."""
    if value is None or value == "":
        return None
    try:
        if column.type == "integer" and not isinstance(value, bool):
            return int(value)
        if column.type == "number" and not isinstance(value, bool):
            return float(value)
    except (TypeError, ValueError):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        # Never JSON in a cell: a list of plain values is joined as ODK joins choices.
        return " ".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return value


def answer_cells(table: Table, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answer columns of one row of `table` (the leading columns are the caller's)."""
    return AnswerReaders(table).cells(table, answers)


class AnswerReaders:
    """`answer_cells` and `repeat_rows` for many rows of one layout: what each column reads and
    how is worked out once per table, not once per cell, and an answer read by several columns
    (a geopoint's parts, a select_multiple's choices) is parsed once per row."""

    def __init__(self, tables: Table) -> None:
        self._readers = {
            table.path: [
                (column.name, column.question, self._reader(column))
                for column in table.columns
                if column.question
            ]
            for table in tables.every_table()
        }
        self._geopoint: tuple[Any, dict[str, float]] = (None, {})
        self._chosen: tuple[Any, frozenset[str]] = (None, frozenset())

    def _geopoint_parts(self, value: Any) -> dict[str, float]:
        if self._geopoint[0] is not value:
            self._geopoint = (value, geopoint_parts(value))
        return self._geopoint[1]

    def _chosen_names(self, value: Any) -> frozenset[str]:
        if self._chosen[0] is not value:
            self._chosen = (value, frozenset(_chosen(value)))
        return self._chosen[1]

    def _reader(self, column: Column) -> Callable[[Any], Any]:
        part = column.part
        if column.reads == "geopoint":
            return lambda value: self._geopoint_parts(value).get(part)
        if column.reads == "choice":
            return lambda value: (
                None if value is None or value == "" else int(part in self._chosen_names(value))
            )
        if column.type == "string":
            return lambda value: (
                " ".join(_chosen(value)) if isinstance(value, list) else _typed(column, value)
            )
        return lambda value: _typed(column, value)

    def cells(self, table: Table, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answer columns of one row of `table` (the leading columns are the caller's)."""
        get = answers.get
        return {name: read(get(question)) for name, question, read in self._readers[table.path]}

    def repeat_rows(
        self, table: Table, answers: Mapping[str, Any], parent_key: str
    ) -> Iterator[tuple[Table, dict[str, Any]]]:
        """Every repetition below one row, depth first: (its table, its cells)."""
        for child in table.children:
            items = answers.get(child.path[-1])
            if not isinstance(items, list):
                continue
            for number, item in enumerate(items, start=1):
                if not isinstance(item, Mapping):
                    continue
                key = f"{parent_key}/{child.path[-1]}[{number}]"
                yield child, {"key": key, "parent_key": parent_key, **self.cells(child, item)}
                yield from self.repeat_rows(child, item, key)


def geopoint_parts(value: Any) -> dict[str, float]:
    """An ODK geopoint "lat lon [alt [accuracy]]" as its named parts ({} when not one)."""
    if parse_geopoint(value) is None:
        return {}
    return dict(zip(GEOPOINT_PARTS, (float(part) for part in str(value).split()), strict=False))


def repeat_rows(
    table: Table, answers: Mapping[str, Any], parent_key: str
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Every repetition below one row, depth first: (its table, its cells)."""
    return AnswerReaders(table).repeat_rows(table, answers, parent_key)
