"""Checking a submission's answers against the XLSForm rows of its form version.

Pure: a form version's `source` (the XLSForm workbook dict) and the answers in, problems out.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cslab.collection import geoprivacy

# Question types that carry no answer of their own in a submission.
NO_ANSWER_TYPES = frozenset({"note", "end_group", "end group", "end_repeat", "end repeat"})
GROUP_TYPES = frozenset({"begin_group", "begin group"})
REPEAT_TYPES = frozenset({"begin_repeat", "begin repeat"})
TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})


@dataclass(frozen=True)
class Location:
    """A location given beside the answers (e.g. a pin on a map), in degrees and metres."""

    latitude: float
    longitude: float
    accuracy: float | None = None


def _is_required(row: dict[str, Any]) -> bool:
    return str(row.get("required") or "").strip().lower() in TRUE_WORDS


def base_type(row: dict[str, Any]) -> tuple[str, str]:
    """Return (type, choice list name) of a survey row: ("select_one", "species")."""
    parts = str(row.get("type") or "").strip().split()
    if not parts:
        return ("", "")
    kind = parts[0]
    if kind in ("select", "select1") or (len(parts) > 1 and parts[1] in ("one", "multiple")):
        kind = f"select_{parts[1]}" if len(parts) > 1 else kind
        parts = [kind, *parts[2:]]
    if kind in ("begin", "end") and len(parts) > 1:
        return (f"{kind}_{parts[1]}", "")
    if kind.endswith("_from_file"):
        kind = kind.removesuffix("_from_file")
    return (kind, parts[1] if len(parts) > 1 else "")


def _choices(source: dict[str, Any]) -> dict[str, set[str]]:
    lists: dict[str, set[str]] = {}
    for row in source.get("choices") or []:
        lists.setdefault(str(row.get("list_name", "")), set()).add(str(row.get("name", "")))
    return lists


def survey_questions(
    rows: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Return the answerable rows at this level, with the rows inside each repeat.

    Groups are flattened (their questions are answered by name at the same level); a repeat is
    answered as a list of objects holding the answers of its rows.
    """
    found: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        kind, _list = base_type(row)
        index += 1
        if kind in REPEAT_TYPES or kind == "begin_repeat":
            depth, start = 1, index
            while index < len(rows) and depth:
                inner = base_type(rows[index])[0]
                depth += inner == "begin_repeat"
                depth -= inner == "end_repeat"
                index += 1
            found.append((row, rows[start : index - 1]))
        elif kind in GROUP_TYPES or kind == "begin_group" or kind in NO_ANSWER_TYPES:
            continue
        elif kind and row.get("name"):
            found.append((row, []))
    return found


def validate_answers(source: dict[str, Any], answers: dict[str, Any]) -> dict[str, list[str]]:
    """Return {question name: [problems]} of answers checked against the XLSForm rows.

    Checks names, types, choices and `required`. A required question with a `relevant`
    expression is not enforced here: relevance needs the XPath evaluation of the form engine.
    """
    problems: dict[str, list[str]] = {}
    _check_level(survey_questions(list(source.get("survey") or [])), _choices(source), answers,
                 problems, prefix="")  # fmt: skip
    return problems


def _check_level(
    questions: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    choices: dict[str, set[str]],
    answers: dict[str, Any],
    problems: dict[str, list[str]],
    *,
    prefix: str,
) -> None:
    known = {str(row["name"]) for row, _inner in questions}
    for name in sorted(set(answers) - known):
        if name == "meta":
            continue
        problems.setdefault(f"{prefix}{name}", []).append(_("This form has no such question."))
    for row, inner in questions:
        name = str(row["name"])
        key = f"{prefix}{name}"
        value = answers.get(name)
        if inner or base_type(row)[0] == "begin_repeat":
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                problems.setdefault(key, []).append(_("Give a list of answer sets."))
                continue
            for position, item in enumerate(value):
                _check_level(survey_questions(inner), choices, item, problems,
                             prefix=f"{key}[{position}].")  # fmt: skip
            continue
        if value is None or value == "" or value == []:
            if _is_required(row) and not row.get("relevant"):
                problems.setdefault(key, []).append(_("This question needs an answer."))
            continue
        message = _type_problem(row, value, choices)
        if message:
            problems.setdefault(key, []).append(message)


def _type_problem(row: dict[str, Any], value: Any, choices: dict[str, set[str]]) -> str | None:
    kind, list_name = base_type(row)
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value))
        ):
            return _("Give a whole number.")
    elif kind in ("decimal", "range"):
        if isinstance(value, bool) or not _is_number(value):
            return _("Give a number.")
    elif kind == "select_one":
        if not isinstance(value, str) or (list_name in choices and value not in choices[list_name]):
            return _("Choose one of the offered answers.")
    elif kind == "select_multiple":
        picked = value.split() if isinstance(value, str) else value
        if not isinstance(picked, list) or not all(isinstance(item, str) for item in picked):
            return _("Choose answers from the offered ones.")
        if list_name in choices and not set(picked) <= choices[list_name]:
            return _("Choose answers from the offered ones.")
    elif kind == "date":
        if not isinstance(value, str) or not _parses(parse_date, value):
            return _("Give a date as YYYY-MM-DD.")
    elif kind in ("datetime", "start", "end"):
        if not isinstance(value, str) or not _parses(parse_datetime, value):
            return _("Give a date and time as YYYY-MM-DDTHH:MM:SS with a timezone.")
    elif kind == "geopoint":
        if parse_geopoint(value) is None:
            return _("Give a location as “latitude longitude altitude accuracy”.")
    elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
        # Text, time, calculate, media file names and the rest are plain values.
        return _("Give text.")
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float)):
        return value == value and value not in (float("inf"), float("-inf"))
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _parses(parser: Any, value: str) -> bool:
    try:
        parsed: date | datetime | None = parser(value)
    except ValueError:
        return False
    return parsed is not None


def parse_geopoint(value: Any) -> Location | None:
    """Read an ODK geopoint "lat lon [alt [accuracy]]"; None if it is not one."""
    if not isinstance(value, str):
        return None
    parts = value.split()
    if not 2 <= len(parts) <= 4:
        return None
    try:
        numbers = [float(part) for part in parts]
        latitude, longitude, accuracy = geoprivacy.validate_location(
            numbers[0], numbers[1], numbers[3] if len(numbers) == 4 else None
        )
    except ValueError:
        return None
    return Location(latitude=latitude, longitude=longitude, accuracy=accuracy)


def first_geopoint(source: dict[str, Any], answers: dict[str, Any]) -> Location | None:
    for row, _inner in survey_questions(list(source.get("survey") or [])):
        if base_type(row)[0] == "geopoint" and answers.get(str(row["name"])):
            return parse_geopoint(answers[str(row["name"])])
    return None
