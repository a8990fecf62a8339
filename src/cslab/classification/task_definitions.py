"""Task definitions of a workflow and the answers to them: checking, comparing, flattening.

Pure: no ORM, no settings, no clock. A workflow's `tasks` is a list of definitions:

* ``{"key": "T0", "kind": "single", "question": "…", "answers": [{"value", "label"}, …]}``:
  pick one answer; the answer is the value (``"bee"``).
* ``"kind": "multiple"``: pick any number; the answer is a list of values (``["bee", "fly"]``).
* ``"kind": "survey"``: pick one of many ``choices`` (e.g. species: ``{"value", "label",
  "description"}``) and answer its follow-up ``questions`` (``{"key", "question",
  "multiple": bool, "answers": [...]}``); the answer is
  ``{"choice": "bombus", "answers": {"count": "2"}}``.
* ``"kind": "text"``: a free-text transcription (``max_length``, default 2,000 characters).
* ``"kind": "point"`` / ``"rectangle"``: marks on the image with one of the ``tools``
  (``{"value", "label"}``); the answer is a list of marks ``{"tool", "x", "y"}`` (and
  ``"width"``, ``"height"`` for rectangles), coordinates as fractions of the image's width and
  height (0 to 1), so they do not depend on how large the image was shown.

Every task has ``"required"`` (default true). A required task must be answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode

CHOICE_KINDS = ("single", "multiple", "survey")
MARKING_KINDS = ("point", "rectangle")
KINDS = (*CHOICE_KINDS, "text", *MARKING_KINDS)
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
VALUE_PATTERN = re.compile(r"^[A-Za-z0-9_.+-]{1,100}$")
DEFAULT_TEXT_LENGTH = 2000
DEFAULT_MAX_MARKS = 100
MAX_TASKS = 20
MAX_OPTIONS = 5000

Task = dict[str, Any]
Problems = dict[str, list[str]]


# Definitions -------------------------------------------------------------------------------


def _option_problems(options: Any, what: str) -> list[str]:
    if not isinstance(options, list) or not options:
        return [_("Give at least one %(what)s.") % {"what": what}]
    if len(options) > MAX_OPTIONS:
        return [_("Give at most %(count)d options.") % {"count": MAX_OPTIONS}]
    problems: list[str] = []
    seen: set[str] = set()
    for option in options:
        value = option.get("value") if isinstance(option, dict) else None
        if not isinstance(value, str) or not VALUE_PATTERN.match(value):
            problems.append(
                _("Each %(what)s needs a value of letters, digits, _ . + or -.") % {"what": what}
            )
            break
        if value in seen:
            problems.append(_("The value “%(value)s” appears twice.") % {"value": value})
        seen.add(value)
        if not str(option.get("label", "")).strip():
            message = _("The %(what)s “%(value)s” needs a label.")
            problems.append(message % {"what": what, "value": value})
    return problems


def _task_problems(task: Any) -> list[str]:
    if not isinstance(task, dict):
        return [_("A task is an object with a key, a kind and a question.")]
    kind = task.get("kind")
    if kind not in KINDS:
        return [_("The kind must be one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}]
    problems: list[str] = []
    if not str(task.get("question", "")).strip():
        problems.append(_("The task needs a question."))
    if kind in ("single", "multiple"):
        problems += _option_problems(task.get("answers"), _("answer"))
    elif kind == "survey":
        problems += _option_problems(task.get("choices"), _("choice"))
        for question in task.get("questions", []) or []:
            if not isinstance(question, dict) or not KEY_PATTERN.match(str(question.get("key"))):
                problems.append(_("Each follow-up question needs a key."))
                continue
            problems += _option_problems(question.get("answers"), _("answer"))
    elif kind in MARKING_KINDS:
        problems += _option_problems(task.get("tools"), _("tool"))
    return problems


def check_tasks(tasks: Any) -> list[Task]:
    """Return the task definitions if they are well formed; else raise InvalidInputError
    with the problems by task key (or position)."""
    if not isinstance(tasks, list) or not tasks:
        raise InvalidInputError(
            _("A workflow needs at least one task."), code=ProblemCode.INVALID_TASKS
        )
    if len(tasks) > MAX_TASKS:
        raise InvalidInputError(
            _("A workflow has at most %(count)d tasks.") % {"count": MAX_TASKS},
            code=ProblemCode.INVALID_TASKS,
        )
    problems: Problems = {}
    keys: set[str] = set()
    for position, task in enumerate(tasks, start=1):
        key = str(task.get("key", "")) if isinstance(task, dict) else ""
        name = key or f"#{position}"
        task_problems = _task_problems(task)
        if not KEY_PATTERN.match(key):
            task_problems.insert(0, _("The key must start with a letter (e.g. T0)."))
        elif key in keys:
            task_problems.insert(0, _("Two tasks have the key “%(key)s”.") % {"key": key})
        keys.add(key)
        if task_problems:
            problems[name] = task_problems
    if problems:
        raise InvalidInputError(
            _("The tasks are not well formed."), code=ProblemCode.INVALID_TASKS, details=problems
        )
    return tasks


def _values(options: Iterable[dict[str, Any]]) -> set[str]:
    return {str(option["value"]) for option in options}


# Answers -----------------------------------------------------------------------------------


def _is_empty(answer: Any) -> bool:
    return answer is None or answer == "" or answer == [] or answer == {}


def _fraction(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _check_marks(task: Task, answer: Any) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(answer, list):
        return [], [_("Give a list of marks.")]
    if len(answer) > int(task.get("max_marks", DEFAULT_MAX_MARKS)):
        return [], [_("Too many marks.")]
    tools = _values(task["tools"])
    fields = ("x", "y", "width", "height") if task["kind"] == "rectangle" else ("x", "y")
    cleaned: list[dict[str, Any]] = []
    for mark in answer:
        if not isinstance(mark, dict) or mark.get("tool") not in tools:
            return [], [_("Each mark needs one of the task's tools.")]
        if not all(_fraction(mark.get(name)) for name in fields):
            return [], [_("Mark positions are fractions of the image size, from 0 to 1.")]
        cleaned.append({"tool": mark["tool"], **{name: float(mark[name]) for name in fields}})
    return cleaned, []


def _check_survey(task: Task, answer: Any) -> tuple[Any, list[str]]:
    if not isinstance(answer, dict) or answer.get("choice") not in _values(task["choices"]):
        return None, [_("Pick one of the choices.")]
    follow_ups = answer.get("answers") or {}
    if not isinstance(follow_ups, dict):
        return None, [_("Answer the follow-up questions by their key.")]
    cleaned: dict[str, Any] = {}
    for question in task.get("questions", []) or []:
        given = follow_ups.get(question["key"])
        if _is_empty(given):
            continue
        allowed = _values(question["answers"])
        chosen = given if isinstance(given, list) else [given]
        if question.get("multiple"):
            if not all(isinstance(value, str) and value in allowed for value in chosen):
                return None, [_("Pick answers of the follow-up question.")]
            cleaned[question["key"]] = sorted(set(chosen))
        elif len(chosen) != 1 or chosen[0] not in allowed:
            return None, [_("Pick one answer of the follow-up question.")]
        else:
            cleaned[question["key"]] = chosen[0]
    return {"choice": answer["choice"], "answers": cleaned}, []


def _check_answer(task: Task, answer: Any) -> tuple[Any, list[str]]:
    kind = task["kind"]
    if kind == "single":
        if not isinstance(answer, str) or answer not in _values(task["answers"]):
            return None, [_("Pick one of the answers.")]
        return answer, []
    if kind == "multiple":
        allowed = _values(task["answers"])
        chosen = answer if isinstance(answer, list) else [answer]
        if not all(isinstance(value, str) and value in allowed for value in chosen):
            return None, [_("Pick answers from the list.")]
        return sorted(set(chosen)), []
    if kind == "survey":
        return _check_survey(task, answer)
    if kind == "text":
        if not isinstance(answer, str):
            return None, [_("Type the text.")]
        limit = int(task.get("max_length", DEFAULT_TEXT_LENGTH))
        if len(answer) > limit:
            return None, [_("At most %(count)d characters.") % {"count": limit}]
        return answer.strip(), []
    return _check_marks(task, answer)


def clean_answers(tasks: list[Task], answers: Any) -> dict[str, Any]:
    """Return the answers checked against the tasks and normalised (lists sorted, text
    stripped, unknown keys dropped); raise InvalidInputError with problems by task key."""
    if not isinstance(answers, dict):
        raise InvalidInputError(
            _("Answers are given by task key."), code=ProblemCode.INVALID_ANSWERS
        )
    cleaned: dict[str, Any] = {}
    problems: Problems = {}
    for task in tasks:
        key = task["key"]
        answer = answers.get(key)
        if _is_empty(answer):
            if task.get("required", True) and task["kind"] not in MARKING_KINDS:
                problems[key] = [_("This task needs an answer.")]
            continue
        value, task_problems = _check_answer(task, answer)
        if task_problems:
            problems[key] = task_problems
        else:
            cleaned[key] = value
    if problems:
        raise InvalidInputError(
            _("Some answers are missing or not allowed."),
            code=ProblemCode.INVALID_ANSWERS,
            details=problems,
        )
    return cleaned


# Consensus, gold and exports ---------------------------------------------------------------


def consensus_task(tasks: list[Task]) -> Task | None:
    """Return the task whose answers decide consensus: the first single-choice or survey task."""
    return next((task for task in tasks if task["kind"] in ("single", "survey")), None)


def consensus_label(task: Task, answer: Any) -> str | None:
    """Return the label an answer gives in the consensus task (None when unanswered)."""
    if _is_empty(answer):
        return None
    if task["kind"] == "survey" and isinstance(answer, dict):
        choice = answer.get("choice")
        return None if _is_empty(choice) else str(choice)
    return str(answer)


def class_values(task: Task) -> list[str]:
    """Return every class of a consensus task, in the order the task lists them."""
    options = task["choices"] if task["kind"] == "survey" else task["answers"]
    return [str(option["value"]) for option in options]


def _same(task: Task, given: Any, expected: Any) -> bool:
    kind = task["kind"]
    if kind == "multiple":
        return set(given or []) == set(expected or [])
    if kind == "survey":
        return consensus_label(task, given) == consensus_label(task, expected)
    if kind == "text":
        return (
            " ".join(str(given or "").split()).casefold()
            == " ".join(str(expected or "").split()).casefold()
        )
    return bool(given == expected)


def answers_match(tasks: list[Task], answers: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Return whether the answers agree with the expected (gold) answers on every task the
    expected answers cover, markings excepted (a click is never exactly where gold is)."""
    checked = [task for task in tasks if task["key"] in expected]
    return all(
        _same(task, answers.get(task["key"]), expected[task["key"]])
        for task in checked
        if task["kind"] not in MARKING_KINDS
    )


def answer_label(task: Task, value: Any) -> str:
    """Return the human label of an answer value of a choice task (the value when unknown)."""
    options = task.get("choices") if task["kind"] == "survey" else task.get("answers")
    for option in options or []:
        if option.get("value") == value:
            return str(option.get("label", value))
    return str(value)


def export_columns(tasks: list[Task]) -> list[str]:
    """Return the flat CSV columns of the answers: one per single-choice or text task, one per
    answer of a multiple-choice task (1 or 0), and a survey's choice plus one per follow-up."""
    columns: list[str] = []
    for task in tasks:
        key, kind = task["key"], task["kind"]
        if kind in ("single", "text"):
            columns.append(key)
        elif kind == "multiple":
            columns += [f"{key}.{value}" for value in class_values_of(task["answers"])]
        elif kind == "survey":
            columns.append(f"{key}.choice")
            columns += [f"{key}.{question['key']}" for question in task.get("questions", [])]
        else:
            columns.append(f"{key}.marks")
    return columns


def class_values_of(options: list[dict[str, Any]]) -> list[str]:
    return [str(option["value"]) for option in options]


def flatten_answers(tasks: list[Task], answers: dict[str, Any]) -> dict[str, str]:
    """Return one classification's answers as flat CSV cells (never JSON): a multiple-choice
    follow-up's values joined by "|", markings as their count (the marks are exported apart)."""
    row: dict[str, str] = {}
    for task in tasks:
        key, kind = task["key"], task["kind"]
        answer = answers.get(key)
        if kind in ("single", "text"):
            row[key] = "" if answer is None else str(answer)
        elif kind == "multiple":
            chosen = set(answer or [])
            for value in class_values_of(task["answers"]):
                row[f"{key}.{value}"] = "1" if value in chosen else "0"
        elif kind == "survey":
            answer = answer or {}
            row[f"{key}.choice"] = str(answer.get("choice", ""))
            follow_ups = answer.get("answers", {})
            for question in task.get("questions", []):
                given = follow_ups.get(question["key"], "")
                row[f"{key}.{question['key']}"] = (
                    "|".join(given) if isinstance(given, list) else str(given)
                )
        else:
            row[f"{key}.marks"] = str(len(answer or []))
    return row


def marks_of(tasks: list[Task], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the marks of one classification, one dict per mark with its task key and index."""
    marks: list[dict[str, Any]] = []
    for task in tasks:
        if task["kind"] not in MARKING_KINDS:
            continue
        for index, mark in enumerate(answers.get(task["key"]) or []):
            marks.append({"task": task["key"], "index": index, **mark})
    return marks
