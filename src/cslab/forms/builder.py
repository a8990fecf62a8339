"""The in-app form builder's model: XLSForm rows in, the builder's fields out, and back.

The builder edits the same structure an uploaded XLSForm becomes (a workbook dict of survey,
choices and settings rows), so a form made in the builder and one uploaded are published,
stored, served and exported alike, and a form can move between the two: upload a spreadsheet,
then touch it up in the builder, or the other way round. Labels, hints and constraint messages
are kept in English and Dutch columns (`label::English (en)`, `label::Nederlands (nl)`).

Pure: no ORM, no settings.
"""

from dataclasses import dataclass, field
from typing import Any

from cslab.forms.form_definition import QuestionKind

ENGLISH = "English (en)"
DUTCH = "Nederlands (nl)"
LANGUAGES = (("en", ENGLISH), ("nl", DUTCH))
# The question types the builder offers (XLSForm names); select types also name a choice list.
QUESTION_TYPES: tuple[str, ...] = (
    "text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "date",
    "time",
    "datetime",
    "geopoint",
    "image",
    "audio",
    "note",
    "range",
    "acknowledge",
    "calculate",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
)
SELECT_TYPES = frozenset({"select_one", "select_multiple"})
# Translated columns: the builder field prefix → the XLSForm column.
TRANSLATED = (("label", "label"), ("hint", "hint"), ("constraint_message", "constraint_message"))
PLAIN = ("required", "constraint", "relevant", "default", "calculation", "parameters", "appearance")


@dataclass
class BuilderQuestion:
    """One survey row as the builder shows it."""

    type: str
    name: str = ""
    list_name: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # e.g. {"label_en": ..., "hint_nl": ...}
    required: bool = False
    constraint: str = ""
    relevant: str = ""
    default: str = ""
    calculation: str = ""
    parameters: str = ""
    appearance: str = ""


@dataclass
class BuilderChoice:
    list_name: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)  # {"en": ..., "nl": ...}


def _text(row: dict[str, Any], column: str, language_code: str, language: str) -> str:
    """A translated cell, falling back to the untranslated column for English."""
    value = row.get(f"{column}::{language}")
    if value is None and language_code == "en":
        value = row.get(column)
    if value is None:
        # Other spellings of the language, e.g. "label::English" or "label::en".
        for key, cell in row.items():
            if key.startswith(f"{column}::") and language_code in key.lower():
                value = cell
                break
    return str(value or "")


def split_type(type_text: str) -> tuple[str, str]:
    """("select_one", "plants") from "select_one plants"; spaces in group types become _.

    Another spelling pyxform accepts of a type the builder offers gives that type's name
    ("dateTime" → "datetime", "int" → "integer"), so the builder shows the question as that
    type. Selects and types the builder does not offer keep their own words, so saving writes
    them back as they were (`select_one_from_file trees.csv` stays one).
    """
    parts = str(type_text or "").split()
    if not parts:
        return ("", "")
    kind, _list_name = QuestionKind.of_type(str(type_text))
    if kind.value in QUESTION_TYPES and kind.value not in SELECT_TYPES:
        return (kind.value, "")
    if parts[0] in ("begin", "end") and len(parts) > 1:
        return (f"{parts[0]}_{parts[1]}", "")
    return (parts[0], parts[1] if len(parts) > 1 else "")


def questions_from_workbook(workbook: dict[str, Any]) -> list[BuilderQuestion]:
    questions: list[BuilderQuestion] = []
    for row in workbook.get("survey") or []:
        kind, list_name = split_type(row.get("type", ""))
        if not kind:
            continue
        texts = {
            f"{prefix}_{code}": _text(row, column, code, language)
            for prefix, column in TRANSLATED
            for code, language in LANGUAGES
        }
        questions.append(
            BuilderQuestion(
                type=kind,
                name=str(row.get("name") or ""),
                list_name=list_name,
                texts=texts,
                required=str(row.get("required") or "").strip().lower() in ("yes", "true", "1"),
                **{name: str(row.get(name) or "") for name in PLAIN if name != "required"},
            )
        )
    return questions


def choices_from_workbook(workbook: dict[str, Any]) -> list[BuilderChoice]:
    return [
        BuilderChoice(
            list_name=str(row.get("list_name") or ""),
            name=str(row.get("name") or ""),
            labels={code: _text(row, "label", code, language) for code, language in LANGUAGES},
        )
        for row in workbook.get("choices") or []
        if row.get("list_name") or row.get("name")
    ]


def workbook_from_builder(
    *,
    form_id: str,
    title: str,
    version: str,
    questions: list[BuilderQuestion],
    choices: list[BuilderChoice],
) -> dict[str, Any]:
    """Return the XLSForm rows of what the builder holds (empty cells left out)."""
    survey: list[dict[str, str]] = []
    for question in questions:
        row: dict[str, str] = {"type": _type_text(question), "name": question.name}
        for prefix, column in TRANSLATED:
            for code, language in LANGUAGES:
                value = question.texts.get(f"{prefix}_{code}", "").strip()
                if value:
                    row[f"{column}::{language}"] = value
        if question.required:
            row["required"] = "yes"
        for name in PLAIN:
            value = str(getattr(question, name, "") or "").strip() if name != "required" else ""
            if value:
                row[name] = value
        survey.append({key: value for key, value in row.items() if value != ""})
    choice_rows = []
    for choice in choices:
        choice_row = {"list_name": choice.list_name, "name": choice.name}
        for code, language in LANGUAGES:
            label = choice.labels.get(code, "").strip()
            if label:
                choice_row[f"label::{language}"] = label
        choice_rows.append(choice_row)
    settings = {
        "form_id": form_id,
        "form_title": title,
        "version": version,
        "default_language": ENGLISH,
    }
    workbook: dict[str, Any] = {"survey": survey, "settings": [settings]}
    if choice_rows:
        workbook["choices"] = choice_rows
    return workbook


def _type_text(question: BuilderQuestion) -> str:
    if question.type in SELECT_TYPES:
        return f"{question.type} {question.list_name}".strip()
    if question.type.startswith(("begin_", "end_")):
        return question.type.replace("_", " ", 1)
    return question.type
