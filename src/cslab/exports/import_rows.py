"""Turning the rows of an imported table into answers of a form (pure: no ORM).

A mapping says which column answers each question (question name -> column header):

* most questions read one column;
* a geopoint reads one column ("lat lon [alt [accuracy]]") or two to four columns named in
  order, separated by spaces: latitude, longitude[, accuracy] or latitude, longitude,
  altitude, accuracy (our CSV export's ``where-latitude`` … columns);
* a select_multiple reads one column of names (or labels) separated by spaces, semicolons or
  commas, or, mapped to ``question/*``, one 0/1 column per choice named ``question/choice``,
  as our CSV export writes them;
* the special key ``_observed_at`` names the column of the observation's time.

Dates and times are read in ISO 8601 and in the day-first forms spreadsheets write
(31-12-2025, 31/12/2025 14:05). Numbers may use a decimal comma. A numeric question with a
unit (`units.unit_in_text`) converts a column the person says is in another unit. What cannot
be read is passed on as written, so that the form's own validators report it in their words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

from django.utils.translation import gettext as _

from cslab.exports import units
from cslab.exports.columns import GEOPOINT_PARTS
from cslab.forms.form_definition import FormDefinition, Question, QuestionKind

OBSERVED_AT = "_observed_at"
ID_COLUMN = "_id_column"
EVERY_CHOICE = "/*"
NUMBER_KINDS = frozenset({QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.RANGE})
DATE_TIME_KINDS = frozenset({QuestionKind.DATETIME, QuestionKind.START, QuestionKind.END})
# Questions a spreadsheet cannot answer: structure, notes, and what only a device records.
UNMAPPABLE_KINDS = frozenset(
    {
        QuestionKind.NOTE,
        QuestionKind.CALCULATE,
        QuestionKind.BEGIN_GROUP,
        QuestionKind.END_GROUP,
        QuestionKind.BEGIN_REPEAT,
        QuestionKind.END_REPEAT,
        QuestionKind.AUDIT,
        QuestionKind.BACKGROUND_AUDIO,
        QuestionKind.BACKGROUND_GEOPOINT,
    }
)
TRUE_CELLS = frozenset({"1", "true", "yes", "x", "ja", "waar"})
ID_HEADERS = ("key", "instance_id", "instanceid", "occurrenceid", "id", "record_id")
OBSERVED_AT_HEADERS = ("observed_at", "eventdate", "observed", "datetime", "date_time", "time")
LATITUDE_HEADERS = ("latitude", "decimallatitude", "lat")
LONGITUDE_HEADERS = ("longitude", "decimallongitude", "lon", "lng", "long")
ACCURACY_HEADERS = ("coordinate_uncertainty_m", "coordinateuncertaintyinmeters", "accuracy")
_SEPARATORS = re.compile(r"[\s;,]+")
_DAY_FIRST = re.compile(
    r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _texts(question: Question) -> list[str]:
    return [*question.label.values(), *question.hint.values()]


def question_unit(question: Question) -> str | None:
    """The unit of a numeric question, as its label or hint names it; None for others."""
    if question.kind not in NUMBER_KINDS:
        return None
    return units.unit_in_text(*_texts(question))


def mappable_questions(
    definition: FormDefinition, repeat: Question | None = None
) -> list[Question]:
    """The questions a column can answer at one level, in form order: the top level, or inside
    `repeat` (repeats are left out: a flat table has one row per observation, or per
    repetition)."""
    answered = definition.answered() if repeat is None else repeat.answered()
    return [
        question
        for question in answered
        if not question.is_repeat and question.kind not in UNMAPPABLE_KINDS
    ]


def repeat_paths(
    definition: FormDefinition,
) -> list[tuple[tuple[str, ...], Question]]:
    """Every repeat of the form (nested ones too) with its path of repeat names, outermost
    first: the names of the tables our CSV export writes them to (`form-path-parts.csv`)."""
    found: list[tuple[tuple[str, ...], Question]] = []

    def visit(questions: list[Question], around: tuple[str, ...]) -> None:
        for question in questions:
            if question.is_repeat:
                path = (*around, question.name)
                found.append((path, question))
                visit(question.answered(), path)

    visit(definition.answered(), ())
    return found


def choice_names(definition: FormDefinition, question: Question) -> list[str]:
    return [choice.name for choice in definition.choices.get(question.list_name, ())]


def _choice_lookup(definition: FormDefinition, question: Question) -> dict[str, str]:
    """Lower-cased choice names and labels (every language) -> choice name."""
    lookup: dict[str, str] = {}
    for choice in definition.choices.get(question.list_name, ()):
        for text in (*(choice.label or {}).values(), choice.name):
            if text:
                lookup.setdefault(str(text).strip().lower(), choice.name)
    return lookup


def mapped_columns(value: str, headers: Sequence[str]) -> list[str]:
    """The headers a mapping value names: itself if it is a header (headers may hold
    spaces), else its space-separated parts."""
    if not value:
        return []
    if value in headers:
        return [value]
    return value.split()


def _plain(text: str) -> str:
    """A label without its unit and punctuation, lower-cased, for matching headers."""
    text = re.sub(r"[(\[][^()\[\]]*[)\]]", "", text)
    return re.sub(r"[^\w]+", " ", text).strip().lower()


def suggest_mapping(
    definition: FormDefinition, headers: Sequence[str], repeat: Question | None = None
) -> dict[str, str]:
    """question name -> column, for the columns whose header names a question (by name or
    label, in any case); geopoints also from ``q-latitude``/``q-longitude`` columns or a
    table's latitude and longitude; select_multiples from ``q/choice`` columns. Also
    ``_observed_at`` and ``_id_column`` where a header looks like them. With `repeat`, the
    questions inside that repeat (the table of its repetitions), without those two."""
    by_lower = {header.strip().lower(): header for header in headers}
    by_plain = {_plain(header): header for header in headers}
    mapping: dict[str, str] = {}
    used_plain_point = False
    for question in mappable_questions(definition, repeat):
        name = question.name
        if question.kind is QuestionKind.GEOPOINT:
            parts = [by_lower.get(f"{name.lower()}-{part}") for part in GEOPOINT_PARTS]
            if name.lower() in by_lower:
                mapping[name] = by_lower[name.lower()]
            elif parts[0] and parts[1]:
                mapping[name] = " ".join(part for part in parts if part)
            elif not used_plain_point:
                latitude = next((by_lower[h] for h in LATITUDE_HEADERS if h in by_lower), None)
                longitude = next((by_lower[h] for h in LONGITUDE_HEADERS if h in by_lower), None)
                accuracy = next((by_lower[h] for h in ACCURACY_HEADERS if h in by_lower), None)
                if latitude and longitude:
                    mapping[name] = " ".join(
                        header for header in (latitude, longitude, accuracy) if header
                    )
                    used_plain_point = True
            continue
        found = by_lower.get(name.lower())
        if found is None:
            for label in question.label.values():
                found = by_plain.get(_plain(label)) if _plain(label) else None
                if found:
                    break
        if found is None and question.kind is QuestionKind.SELECT_MULTIPLE:
            prefix = f"{name.lower()}/"
            if any(header.lower().startswith(prefix) for header in headers):
                found = f"{name}{EVERY_CHOICE}"
        if found is not None:
            mapping[name] = found
    if repeat is not None:
        return mapping
    observed = next((by_lower[h] for h in OBSERVED_AT_HEADERS if h in by_lower), None)
    if observed is not None:
        mapping[OBSERVED_AT] = observed
    natural_id = next((by_lower[h] for h in ID_HEADERS if h in by_lower), None)
    if natural_id is not None:
        mapping[ID_COLUMN] = natural_id
    return mapping


def mapping_problems(
    definition: FormDefinition,
    headers: Sequence[str],
    mapping: Mapping[str, str],
    id_column: str,
    chosen_units: Mapping[str, str],
) -> dict[str, list[str]]:
    """{question name (or "id_column", or a unit's question): [problems]} of a mapping."""
    problems: dict[str, list[str]] = {}
    questions = {question.name: question for question in mappable_questions(definition)}
    header_set = set(headers)
    for name, value in mapping.items():
        if not value:
            continue
        question = questions.get(name)
        if name != OBSERVED_AT and question is None:
            problems.setdefault(name, []).append(_("The form has no such question."))
            continue
        if (
            question is not None
            and question.kind is QuestionKind.SELECT_MULTIPLE
            and (value == f"{name}{EVERY_CHOICE}")
        ):
            continue
        columns = mapped_columns(value, headers)
        missing = [column for column in columns if column not in header_set]
        if missing:
            problems.setdefault(name, []).append(
                _("The file has no column “%(column)s”.") % {"column": missing[0]}
            )
        elif len(columns) > 1 and (
            question is None or question.kind is not QuestionKind.GEOPOINT or len(columns) > 4
        ):
            problems.setdefault(name, []).append(_("Choose one column."))
    if id_column and id_column not in header_set:
        problems.setdefault("id_column", []).append(
            _("The file has no column “%(column)s”.") % {"column": id_column}
        )
    for name, chosen in chosen_units.items():
        question = questions.get(name)
        own = question_unit(question) if question is not None else None
        if not chosen:
            continue
        if own is None or chosen not in units.units_like(own):
            problems.setdefault(name, []).append(_("Choose a unit of the same kind."))
    return problems


@dataclass(frozen=True)
class RowPlan:
    """A mapping resolved against a table's headers, ready to read rows."""

    definition: FormDefinition
    headers: tuple[str, ...]
    mapping: dict[str, str]
    id_column: str
    # question -> (the column's unit, the question's unit) where they differ
    conversions: dict[str, tuple[str, str]]
    zone: tzinfo
    questions: dict[str, Question] = field(default_factory=dict)
    choice_lookups: dict[str, dict[str, str]] = field(default_factory=dict)


def row_plan(
    definition: FormDefinition,
    headers: Sequence[str],
    mapping: Mapping[str, str],
    id_column: str,
    chosen_units: Mapping[str, str],
    *,
    zone: tzinfo,
    repeat: Question | None = None,
) -> RowPlan:
    questions = {question.name: question for question in mappable_questions(definition, repeat)}
    conversions: dict[str, tuple[str, str]] = {}
    for name, chosen in chosen_units.items():
        question = questions.get(name)
        own = question_unit(question) if question is not None else None
        if chosen and own and chosen != own:
            conversions[name] = (chosen, own)
    return RowPlan(
        definition=definition,
        headers=tuple(headers),
        mapping={name: value for name, value in mapping.items() if value},
        id_column=id_column,
        conversions=conversions,
        zone=zone,
        questions=questions,
        choice_lookups={
            name: _choice_lookup(definition, question)
            for name, question in questions.items()
            if question.kind in (QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE)
        },
    )


@dataclass
class RowAnswers:
    """One row as a submission: its instance ID, answers and time, and what could not be read
    (column or question -> message)."""

    instance_id: str
    answers: dict[str, Any]
    observed_at: datetime | None
    problems: list[tuple[str, str]] = field(default_factory=list)


def instance_id_for(value: str) -> str:
    """The instance ID of a row with this ID: an ODK ``uuid:…`` is kept, and so is the
    ``urn:uuid:…`` a Darwin Core archive carries (a re-import of our own export finds its
    observations); any other value is prefixed ``import:``."""
    value = value.strip()
    # Darwin Core archives carry our instance IDs as URNs (occurrenceID "urn:uuid:…").
    if value.startswith("urn:uuid:"):
        value = value.removeprefix("urn:")
    return value if value.startswith("uuid:") else f"import:{value}"


def parse_number(text: str) -> float | None:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def parse_moment(text: str, zone: tzinfo) -> date | datetime | None:
    """A date, or an aware date and time (naive ones are in `zone`), from ISO 8601 or a
    day-first spreadsheet form; None when it is neither. Midnight with no zone, as
    spreadsheets write a date, is a date."""
    text = text.strip()
    moment: date | datetime | None = None
    match = _DAY_FIRST.fullmatch(text) or _YEAR_FIRST.fullmatch(text)
    try:
        if match is not None:
            numbers = [int(part) if part else None for part in match.groups()]
            if match.re is _DAY_FIRST:
                day, month, year = numbers[0], numbers[1], numbers[2]
            else:
                year, month, day = numbers[0], numbers[1], numbers[2]
            assert year is not None and month is not None and day is not None  # noqa: S101
            if numbers[3] is None:
                moment = date(year, month, day)
            else:
                moment = datetime(
                    year, month, day, numbers[3], numbers[4] or 0, numbers[5] or 0, tzinfo=zone
                )
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = date.fromisoformat(text)
        elif re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text
        ):
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                if parsed.time() == time(0, 0):
                    return parsed.date()
                parsed = parsed.replace(tzinfo=zone)
            moment = parsed
    except ValueError:
        return None
    return moment


def _number_answer(plan: RowPlan, question: Question, text: str) -> Any:
    number = parse_number(text)
    if number is None:
        return text
    if question.name in plan.conversions:
        source, target = plan.conversions[question.name]
        number = units.convert(number, source, target)
    if question.kind is QuestionKind.INTEGER:
        return int(number) if number.is_integer() else f"{number:g}"
    return int(number) if number.is_integer() and "." not in text and "," not in text else number


def _date_answer(text: str, zone: tzinfo) -> str:
    moment = parse_moment(text, zone)
    if isinstance(moment, datetime):
        return moment.date().isoformat() if moment.time() == time(0, 0) else text
    return moment.isoformat() if moment is not None else text


def _datetime_answer(text: str, zone: tzinfo) -> str:
    moment = parse_moment(text, zone)
    if isinstance(moment, datetime):
        return moment.isoformat()
    return text


def _geopoint_answer(
    plan: RowPlan, question: Question, cells: dict[str, str], columns: list[str]
) -> tuple[str | None, str | None]:
    """(the ODK geopoint text, a problem)."""
    if len(columns) == 1:
        text = cells[columns[0]].strip()
        if text.count(",") == 1 and " " not in text.replace(", ", ","):
            text = text.replace(",", " ")
        return (" ".join(text.replace(", ", " ").split()) or None), None
    values = [cells[column].strip().replace(",", ".") for column in columns]
    if not any(values):
        return None, None
    latitude, longitude = values[0], values[1]
    if not latitude or not longitude:
        return None, _("A location needs both a latitude and a longitude.")
    if len(values) == 2:
        return f"{latitude} {longitude}", None
    if len(values) == 3:
        altitude, accuracy = "0", values[2]
    else:
        altitude, accuracy = values[2] or "0", values[3]
    if not accuracy:
        return f"{latitude} {longitude} {altitude}", None
    return f"{latitude} {longitude} {altitude} {accuracy}", None


def _select_multiple_answer(
    plan: RowPlan, question: Question, value: str, cells: dict[str, str]
) -> str | None:
    lookup = plan.choice_lookups.get(question.name, {})
    if value == f"{question.name}{EVERY_CHOICE}":
        chosen = [
            name
            for name in choice_names(plan.definition, question)
            if cells.get(f"{question.name}/{name}", "").strip().lower() in TRUE_CELLS
        ]
        return " ".join(chosen) or None
    text = cells[value].strip()
    if not text:
        return None
    parts = [lookup.get(part.lower(), part) for part in _SEPARATORS.split(text) if part]
    return " ".join(parts) or None


def row_answers(plan: RowPlan, cells_in_order: Sequence[str]) -> RowAnswers:
    """One row's answers as the form stores them (empty cells give no answer)."""
    cells = dict(zip(plan.headers, cells_in_order, strict=False))
    problems: list[tuple[str, str]] = []
    if plan.id_column:
        natural = cells.get(plan.id_column, "").strip()
        if natural:
            instance_id = instance_id_for(natural)
        else:
            instance_id = ""
            problems.append((plan.id_column, _("The ID column is empty in this row.")))
    else:
        # Without an ID column a row is known by its content: the same row imported again is
        # found again; a changed row is a new observation.
        digest = hashlib.sha256("\x1f".join(cells_in_order).encode("utf-8")).hexdigest()
        instance_id = f"import:{digest[:32]}"
    answers: dict[str, Any] = {}
    for name, value in plan.mapping.items():
        if name == OBSERVED_AT:
            continue
        question = plan.questions.get(name)
        if question is None:
            continue
        kind = question.kind
        if kind is QuestionKind.SELECT_MULTIPLE:
            chosen = _select_multiple_answer(plan, question, value, cells)
            if chosen is not None:
                answers[name] = chosen
            continue
        columns = mapped_columns(value, plan.headers)
        if kind is QuestionKind.GEOPOINT:
            point, problem = _geopoint_answer(plan, question, cells, columns)
            if problem is not None:
                problems.append((name, problem))
            elif point is not None:
                answers[name] = point
            continue
        text = cells.get(columns[0], "").strip() if columns else ""
        if not text:
            continue
        if kind in NUMBER_KINDS:
            answers[name] = _number_answer(plan, question, text)
        elif kind is QuestionKind.DATE:
            answers[name] = _date_answer(text, plan.zone)
        elif kind in DATE_TIME_KINDS:
            answers[name] = _datetime_answer(text, plan.zone)
        elif kind is QuestionKind.SELECT_ONE:
            answers[name] = plan.choice_lookups.get(name, {}).get(text.lower(), text)
        else:
            answers[name] = text
    observed_at: datetime | None = None
    observed_column = plan.mapping.get(OBSERVED_AT, "")
    observed_text = cells.get(observed_column, "").strip() if observed_column else ""
    if observed_text:
        moment = parse_moment(observed_text, plan.zone)
        if isinstance(moment, datetime):
            observed_at = moment
        elif isinstance(moment, date):
            observed_at = datetime.combine(moment, time(12, 0), tzinfo=plan.zone)
        else:
            problems.append(
                (observed_column, _("Give the time as YYYY-MM-DD or YYYY-MM-DDTHH:MM."))
            )
    return RowAnswers(
        instance_id=instance_id, answers=answers, observed_at=observed_at, problems=problems
    )


def column_numbers(plan: RowPlan, question: str, cells_in_order: Sequence[str]) -> float | None:
    """The number a row's cell gives a numeric question before any unit conversion."""
    value = plan.mapping.get(question, "")
    columns = mapped_columns(value, plan.headers)
    if len(columns) != 1 or columns[0] not in plan.headers:
        return None
    return parse_number(cells_in_order[plan.headers.index(columns[0])])
