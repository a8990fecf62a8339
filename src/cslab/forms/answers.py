"""Checking a submission's answers against the form definition of its form version.

A form version's :class:`~cslab.forms.form_definition.FormDefinition` (or XLSForm rows to
read one from) and the answers in, problems out; no ORM.
The form's own rules (`relevant`, `required`, `constraint`) are evaluated with
:mod:`cslab.forms.xpath`, the same rules ODK Collect and the web form apply on the device,
so that a submission from the JSON API, the web form or ODK Collect meets them all.

Answers are a JSON object: questions by name (groups are see-through), a repeat as a list of
objects. Policy for hidden questions, as in ODK: an answer to a question that is not relevant is
not checked and is dropped (:func:`relevant_answers`); `required` applies only while relevant.
A rule that the server cannot evaluate (`pulldata()`, `instance('…')` lookups in attached
files, a function the server does not know) is skipped and logged once, never blocking a
submission the device accepted. `today()` and `now()` use the time of checking unless the
caller passes `now` (e.g. when the observation was made).
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from cslab.core import coordinates
from cslab.forms import xpath
from cslab.forms.form_definition import FormDefinition, Question, QuestionKind

logger = logging.getLogger(__name__)

TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})


@dataclass(frozen=True)
class Location:
    """A location given beside the answers (e.g. a pin on a map), in degrees and metres."""

    latitude: float
    longitude: float
    accuracy: float | None = None


Form = FormDefinition | Mapping[str, Any]


def _definition(form: Form) -> FormDefinition:
    """The definition itself, or one read from XLSForm rows (a workbook dict)."""
    return form if isinstance(form, FormDefinition) else FormDefinition.from_source(form)


def _compiled(form: Form) -> "_Form":
    """The form's elements and relevance order, built once per definition object.

    Definitions are immutable and a saved version's is shared by a process's requests
    (`FormVersion.form_definition`), so building this tree and ordering the rules happens once
    per version instead of twice per submission. It is kept in the definition's own __dict__
    (a frozen dataclass: not through setattr), so it lives exactly as long as the definition."""
    definition = _definition(form)
    found = definition.__dict__.get("_compiled_form")
    if found is None:
        found = _Form(definition)
        definition.__dict__["_compiled_form"] = found
    return found


def validate_answers(
    form: Form,
    answers: dict[str, Any],
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> dict[str, list[str]]:
    """Return {question name: [problems]} of answers checked against the form's questions.

    Checks names, types and choices, then the form's own rules as ODK Collect applies them:
    `relevant` (of the question and of its groups and repeats), `required` (only while relevant;
    `yes` or an expression) with its `required_message`, and `constraint` (only on a relevant,
    answered question whose type is right) with its `constraint_message`, in `language` (by
    default the active one). Problems inside repeats are keyed `name[i].inner`.

    An answer to a question that is not relevant is not checked: ODK clears such answers, and
    so does :func:`relevant_answers`, which the caller stores instead of the raw answers.
    `today()` and `now()` mean `now` (by default the current time). A rule the server cannot
    evaluate (`pulldata()`, `instance()`, an unknown function) is skipped with a logged warning,
    so that it never blocks a submission that the device accepted.
    """
    checker = _Checker(_compiled(form), answers, now=now, language=language)
    checker.check_level(checker.form.top, answers, where=(), prefix="")
    return checker.problems


def relevant_answers(
    form: Form, answers: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """Return a copy of the answers without those to questions that are not relevant.

    This is what ODK does: a question that the form's `relevant` rules hide (itself, or a group
    or repeat around it) has no value in the submission, even if it was answered before it
    became hidden. Unknown names are left for :func:`validate_answers` to report.
    """
    checker = _Checker(_compiled(form), answers, now=now, language=None)
    return checker.kept_level(checker.form.top, answers, where=())


# Where a question is answered: the (repeat name, 0-based instance) pairs from the outside in.
Where = tuple[tuple[str, int], ...]

FALSE_WORDS = frozenset({"", "no", "false", "false()", "0"})
_warned_expressions: set[str] = set()


def _warn_once(expression: str, error: Exception) -> None:
    if expression in _warned_expressions or len(_warned_expressions) > 10_000:
        return
    _warned_expressions.add(expression)
    logger.warning("Form rule not checked on the server: %s (%s)", expression, error)


@dataclass
class _Element:
    """A question, group or repeat of the form, with what surrounds it."""

    question: Question | None  # None for the form itself
    parent: "_Element | None"
    repeats: tuple[str, ...]  # names of the surrounding repeats, and its own for a repeat
    children: list["_Element"] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.question.name if self.question is not None else ""

    @property
    def kind(self) -> QuestionKind:
        return self.question.kind if self.question is not None else QuestionKind.UNKNOWN

    @property
    def is_repeat(self) -> bool:
        return self.question is not None and self.question.is_repeat

    @property
    def is_group(self) -> bool:
        return self.question is not None and self.question.is_group

    def rule(self, column: str) -> str:
        if self.question is None:
            return ""
        rule: str = getattr(self.question.rules, column)
        return rule.strip()

    def texts(self, column: str) -> dict[str, str]:
        return self.question.texts(column) if self.question is not None else {}

    def answered_here(self) -> list["_Element"]:
        """The questions and repeats answered at this level: groups are see-through."""
        found: list[_Element] = []
        for child in self.children:
            if child.is_group:
                found += child.answered_here()
            elif child.name:
                found.append(child)
        return found


class _Form:
    def __init__(self, definition: FormDefinition) -> None:
        self.top = _Element(question=None, parent=None, repeats=())
        self.by_name: dict[str, _Element] = {}
        self.elements: list[_Element] = []  # in the order of the survey sheet
        self.choices = definition.choice_names()
        self.default_language = definition.default_language
        self._read(definition.questions, self.top)

    def _read(self, questions: tuple[Question, ...], parent: _Element) -> None:
        for question in questions:
            # Notes have no answer; an unnamed row other than a group cannot be answered.
            if not question.kind.has_answer and not question.is_group:
                continue
            if not question.name and not question.is_group:
                continue
            repeats = (*parent.repeats, question.name) if question.is_repeat else parent.repeats
            element = _Element(question, parent, repeats)
            parent.children.append(element)
            self.elements.append(element)
            if element.name:
                self.by_name.setdefault(element.name, element)
            if question.is_group or question.is_repeat:
                self._read(question.children, element)

    @cached_property
    def ordered_by_relevance(self) -> list[_Element]:
        """`relevance_order()`, computed once (the form does not change)."""
        return self.relevance_order()

    def relevance_order(self) -> list[_Element]:
        """The elements, each after those its relevance depends on (its group, the questions its
        `relevant` names); a cycle, which ODK refuses anyway, is cut where it is found."""
        order: list[_Element] = []
        seen: set[int] = set()
        for start in self.elements:
            stack: list[tuple[_Element, bool]] = [(start, False)]
            while stack:
                element, ready = stack.pop()
                if ready:
                    order.append(element)
                    continue
                if id(element) in seen:
                    continue
                seen.add(id(element))
                stack.append((element, True))
                stack.extend((needed, False) for needed in self._needed_by(element))
        return order

    def _needed_by(self, element: _Element) -> list[_Element]:
        needed = [element.parent] if element.parent is not None else []
        expression = element.rule("relevant")
        if expression:
            try:
                names = xpath.references_in(xpath.parse(expression))
            except xpath.XPathError:
                names = set()
            needed += [self.by_name[name] for name in sorted(names) if name in self.by_name]
        return needed


class _Checker:
    """Evaluates one submission's rules with ODK's relevance: hidden questions have no value."""

    def __init__(
        self,
        form: _Form,
        answers: dict[str, Any],
        *,
        now: datetime | None,
        language: str | None,
    ) -> None:
        self.form = form
        self.answers = answers
        moment = now or timezone.now()
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        self.now = timezone.localtime(moment)
        self.language = (language or get_language() or "").lower()
        self.problems: dict[str, list[str]] = {}
        self._relevance: dict[tuple[int, Where], bool] = {}
        self._deciding: set[tuple[int, Where]] = set()
        self._decide_relevance()

    def _decide_relevance(self) -> None:
        # Deciding in dependency order keeps each decision shallow: what it depends on is
        # already known, however long a chain of rules a form has.
        for element in self.form.ordered_by_relevance:
            around = element.repeats[:-1] if element.is_repeat else element.repeats
            for _level, where in self._levels(around, ())[0]:
                self.is_relevant(element, where)

    # --- walking the answers ------------------------------------------------------------

    def check_level(
        self, level: _Element, answers: dict[str, Any], *, where: Where, prefix: str
    ) -> None:
        elements = level.answered_here()
        known = {element.name for element in elements}
        for name in sorted(set(answers) - known):
            if name != "meta":
                self._add(f"{prefix}{name}", _("This form has no such question."))
        for element in elements:
            key = f"{prefix}{element.name}"
            if not self.is_relevant(element, where):
                continue
            value = answers.get(element.name)
            if element.is_repeat:
                for index, item in enumerate(self._repeat_items(key, value)):
                    inside = (*where, (element.name, index))
                    self.check_level(element, item, where=inside, prefix=f"{key}[{index}].")
            else:
                self._check_question(element, key, value, where)

    def _repeat_items(self, key: str, value: Any) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self._add(key, _("Give a list of answer sets."))
            return []
        return value

    def _check_question(self, element: _Element, key: str, value: Any, where: Where) -> None:
        if value is None or value == "" or value == []:
            if self._is_required(element, where):
                message = self._message(element, "required_message")
                self._add(key, message or _("This question needs an answer."))
            return
        if element.question is None:  # the form itself, which has no answer
            return
        problem = _type_problem(element.question, value, self.form.choices)
        if problem:
            self._add(key, problem)
            return
        constraint = element.rule("constraint")
        current = self._typed(element.kind, value)
        if constraint and not self._holds(constraint, where, current, otherwise=True):
            message = self._message(element, "constraint_message")
            self._add(key, message or _("This answer is not allowed by the form’s rules."))

    def kept_level(
        self, level: _Element, answers: dict[str, Any], *, where: Where
    ) -> dict[str, Any]:
        kept = dict(answers)
        for element in level.answered_here():
            if element.name not in kept:
                continue
            if not self.is_relevant(element, where):
                del kept[element.name]
            elif element.is_repeat and isinstance(kept[element.name], list):
                kept[element.name] = [
                    self._kept_item(element, item, (*where, (element.name, index)))
                    for index, item in enumerate(kept[element.name])
                ]
        return kept

    def _kept_item(self, repeat: _Element, item: Any, where: Where) -> Any:
        return self.kept_level(repeat, item, where=where) if isinstance(item, dict) else item

    def _add(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)

    # --- rules --------------------------------------------------------------------------

    def is_relevant(self, element: _Element, where: Where) -> bool:
        """Whether a question, group or repeat is shown at `where` (memoised)."""
        where = where[: len(element.repeats)]
        key = (id(element), where)
        if key in self._relevance:
            return self._relevance[key]
        if key in self._deciding:  # a rule that depends on itself: ODK refuses such forms
            return True
        self._deciding.add(key)
        relevant = element.parent is None or self.is_relevant(element.parent, where)
        expression = element.rule("relevant")
        if relevant and expression:
            # A repeat's own rule is about the whole repeat, seen from around it.
            context = where[:-1] if element.is_repeat else where
            current = "" if element.is_repeat else self._raw_value(element, where)
            relevant = self._holds(expression, context, current, otherwise=True)
        self._deciding.discard(key)
        self._relevance[key] = relevant
        return relevant

    def _is_required(self, element: _Element, where: Where) -> bool:
        rule = element.rule("required")
        if rule.lower() in TRUE_WORDS:
            return True
        if rule.lower() in FALSE_WORDS:
            return False
        return self._holds(rule, where, "", otherwise=False)

    def _holds(
        self, expression: str, where: Where, current: xpath.Value, *, otherwise: bool
    ) -> bool:
        context = xpath.Context(
            reference=lambda name: self.reference(name, where),
            current=current,
            position=where[-1][1] + 1 if where else 1,
            every=self.every,
            now=self.now,
        )
        try:
            return xpath.evaluate_boolean(expression, context)
        except xpath.XPathError as error:
            _warn_once(expression, error)
            return otherwise

    def _message(self, element: _Element, column: str) -> str:
        texts = element.texts(column)
        if not texts:
            return ""
        for label, text in texts.items():
            if _is_language(label, self.language):
                return text
        for fallback in ("", self.form.default_language):
            if fallback in texts:
                return texts[fallback]
        return next(iter(texts.values()))

    # --- values seen by expressions -----------------------------------------------------

    def reference(self, name: str, where: Where) -> xpath.Value:
        """The value of `${name}` seen from `where`: the sibling in the same repeat instance,
        or every instance's value as a node list when `name` is in another repeat."""
        element = self.form.by_name.get(name)
        if element is None or element.is_group:
            raise xpath.XPathError(f"The form has no question named “{name}”.")
        surrounding = element.repeats[:-1] if element.is_repeat else element.repeats
        levels, spread = self._levels(surrounding, where)
        if element.is_repeat:
            count = sum(len(_items(level.get(name))) for level, _at in levels)
            return xpath.NodeSet(("",) * count)
        values = tuple(self._value(element, level, at) for level, at in levels)
        if spread:
            return xpath.NodeSet(values)
        return values[0] if values else ""

    def every(self, name: str) -> xpath.NodeSet:
        element = self.form.by_name.get(name)
        if element is None or element.is_group or element.is_repeat:
            raise xpath.XPathError(f"The form has no question named “{name}”.")
        levels, _spread = self._levels(element.repeats, ())
        return xpath.NodeSet(tuple(self._value(element, level, at) for level, at in levels))

    def _levels(
        self, repeats: tuple[str, ...], where: Where
    ) -> tuple[list[tuple[dict[str, Any], Where]], bool]:
        """The answer sets that hold a question inside `repeats`, seen from `where`."""
        levels: list[tuple[dict[str, Any], Where]] = [(self.answers, ())]
        spread = False
        for depth, repeat in enumerate(repeats):
            if not spread and depth < len(where) and where[depth][0] == repeat:
                index = where[depth][1]
                levels = [
                    (items[index], (*at, (repeat, index)))
                    for level, at in levels
                    if index < len(items := _items(level.get(repeat)))
                ]
            else:
                spread = True
                levels = [
                    (item, (*at, (repeat, index)))
                    for level, at in levels
                    for index, item in enumerate(_items(level.get(repeat)))
                ]
        return levels, spread

    def _value(self, element: _Element, level: dict[str, Any], where: Where) -> xpath.Value:
        if not self.is_relevant(element, where):
            return ""
        return self._typed(element.kind, level.get(element.name))

    def _raw_value(self, element: _Element, where: Where) -> xpath.Value:
        levels, _spread = self._levels(element.repeats, where)
        return self._typed(element.kind, levels[0][0].get(element.name)) if levels else ""

    def _typed(self, kind: str, value: Any) -> xpath.Value:
        return typed_value(kind, value, zone=self.now.tzinfo)


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _is_language(label: str, language: str) -> bool:
    """Whether an XLSForm language such as "Dutch (nl)" or "Nederlands" is `language` ("nl")."""
    wanted = language.split("-")[0].lower()
    if not wanted:
        return False
    name, _bracket, code = label.partition("(")
    if code.rstrip(") ").strip().lower().split("-")[0] == wanted:
        return True
    try:
        info = get_language_info(wanted)
    except KeyError:
        return name.strip().lower() == wanted
    names = {wanted, str(info["name"]).lower(), str(info["name_local"]).lower()}
    return name.strip().lower() in names


def typed_value(kind: str, value: Any, *, zone: tzinfo | None = None) -> xpath.Value:
    """Return an answer as the XPath value JavaRosa gives it: numbers for number questions,
    dates for date questions, a space-separated list for select_multiple, else text.

    With `zone`, a date and time is seen in that zone: the one `now()` is given in, so that
    `. <= now()` compares instants whatever offset the device recorded the answer with.
    """
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    numeric = kind in ("integer", "decimal", "range")
    if isinstance(value, int | float):
        return float(value) if numeric else xpath.to_string(float(value))
    text = str(value)
    if numeric:
        number = xpath.to_number(text)
        return text if number != number else number
    if kind in ("date", "today") and _parses(parse_date, text):
        parsed_date = parse_date(text)
        return parsed_date if parsed_date is not None else text
    if kind in ("datetime", "start", "end") and _parses(parse_datetime, text):
        parsed = parse_datetime(text)
        if parsed is None:
            return text
        if zone is not None and timezone.is_aware(parsed):
            return parsed.astimezone(zone)
        return parsed
    return text


def _type_problem(question: Question, value: Any, choices: dict[str, set[str]]) -> str | None:
    kind, list_name = question.kind, question.list_name
    if kind is QuestionKind.INTEGER:
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value))
        ):
            return _("Give a whole number.")
    elif kind in (QuestionKind.DECIMAL, QuestionKind.RANGE):
        if isinstance(value, bool) or not _is_number(value):
            return _("Give a number.")
    elif kind is QuestionKind.SELECT_ONE:
        if not isinstance(value, str) or (list_name in choices and value not in choices[list_name]):
            return _("Choose one of the offered answers.")
    elif kind is QuestionKind.SELECT_MULTIPLE:
        picked = value.split() if isinstance(value, str) else value
        if not isinstance(picked, list) or not all(isinstance(item, str) for item in picked):
            return _("Choose answers from the offered ones.")
        if list_name in choices and not set(picked) <= choices[list_name]:
            return _("Choose answers from the offered ones.")
    elif kind is QuestionKind.DATE:
        if not isinstance(value, str) or not _parses(parse_date, value):
            return _("Give a date as YYYY-MM-DD.")
    elif kind.is_date_time:
        if not isinstance(value, str) or not _parses(parse_datetime, value):
            return _("Give a date and time as YYYY-MM-DDTHH:MM:SS with a timezone.")
    elif kind is QuestionKind.GEOPOINT:
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
        latitude, longitude, accuracy = coordinates.validate_location(
            numbers[0], numbers[1], numbers[3] if len(numbers) == 4 else None
        )
    except ValueError:
        return None
    return Location(latitude=latitude, longitude=longitude, accuracy=accuracy)


def first_geopoint(form: Form, answers: dict[str, Any]) -> Location | None:
    """The answer to the first geopoint question answered at the top level, as a location."""
    for question in _definition(form).answered():
        if question.kind is QuestionKind.GEOPOINT and answers.get(question.name):
            return parse_geopoint(answers[question.name])
    return None
