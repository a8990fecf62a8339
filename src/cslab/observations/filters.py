"""Filters of a list of observations, and how they are read from a query string.

The same query names serve the API, the HTML table and the map:

* ``bbox=west,south,east,north`` in degrees (``west > east`` crosses the antimeridian);
* ``from`` and ``to``: a date (the whole day, inclusive) or a datetime with a timezone;
* ``status``: repeatable or a comma list of pending, accepted, flagged, rejected;
* ``form``: a form ID;
* ``observer``: a user id;
* ``field.<question>=value``: the answer to that question equals the value (for a
  select_multiple: the value is one of the chosen answers);
* ``mine=1``: only the viewer's own observations.

Parsing is pure (no ORM); `cslab.observations.selectors.observation_list_visible` applies the
filters with what the viewer may see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.observations import geoprivacy

STATUSES = ("pending", "accepted", "flagged", "rejected")
FIELD_PREFIX = "field."
# A question name as XLSForm allows it (an XML element name without a namespace).
QUESTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")
MAX_FIELD_FILTERS = 10
MAX_VALUE_LENGTH = 500
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class ObservationFilters:
    """What a list of observations is narrowed to; the defaults narrow nothing."""

    bbox: tuple[float, float, float, float] | None = None  # (west, south, east, north)
    observed_from: date | datetime | None = None
    observed_to: date | datetime | None = None
    status: list[str] = field(default_factory=list)
    form_id: str | None = None
    observer_id: int | None = None
    answers: dict[str, str] = field(default_factory=dict)
    mine: bool = False

    def is_empty(self) -> bool:
        return self == ObservationFilters()


def _values(query: Mapping[str, Any], name: str) -> list[str]:
    """All values of a query name, from a QueryDict, a dict of lists or a dict of strings."""
    getlist = getattr(query, "getlist", None)
    raw: Any = getlist(name) if callable(getlist) else query.get(name)
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        return [str(item) for item in raw]
    return [str(raw)]


def _last(query: Mapping[str, Any], name: str) -> str | None:
    values = _values(query, name)
    return values[-1].strip() if values else None


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError(_("Give four numbers: west,south,east,north."))
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValueError(_("Give four numbers: west,south,east,north.")) from None
    try:
        return geoprivacy.validate_bbox(*numbers)
    except ValueError as error:
        raise ValueError(str(error)) from None


def _parse_moment(text: str) -> date | datetime:
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is not None:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(_("Give the time with a timezone, e.g. 2026-05-01T10:00:00+02:00."))
        return moment
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_("Give a date (2026-05-01) or a date and time with a timezone."))
    return day


def _day_start(value: date | datetime) -> tuple[int, int, int]:
    return (value.year, value.month, value.day)


def observation_filters_from_query(query: Mapping[str, Any]) -> ObservationFilters:
    """Read the filters from query parameters; InvalidInputError `invalid_filter` with
    `details` {query name: [messages]} when a value makes no sense."""
    problems: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    bbox = None
    if text := _last(query, "bbox"):
        try:
            bbox = _parse_bbox(text)
        except ValueError as error:
            problem("bbox", str(error))

    moments: dict[str, date | datetime | None] = {"from": None, "to": None}
    for name in moments:
        if text := _last(query, name):
            try:
                moments[name] = _parse_moment(text)
            except ValueError as error:
                problem(name, str(error))
    start, end = moments["from"], moments["to"]
    if start is not None and end is not None and _ends_before(start, end):
        problem("to", _("The end comes before the start."))

    statuses: list[str] = []
    for value in _values(query, "status"):
        for word in value.split(","):
            word = word.strip().lower()
            if not word:
                continue
            if word not in STATUSES:
                problem("status", _("Unknown status “%(status)s”.") % {"status": word[:50]})
            elif word not in statuses:
                statuses.append(word)

    form_id = _last(query, "form") or None
    if form_id is not None and len(form_id) > 100:
        problem("form", _("A form ID has at most 100 characters."))

    observer_id = None
    if text := _last(query, "observer"):
        # isdecimal, not isdigit: int() refuses digits such as “²” that isdigit accepts.
        if text.isdecimal() and len(text) < 18:
            observer_id = int(text)
        else:
            problem("observer", _("Give the observer as a user number."))

    mine = False
    text = (_last(query, "mine") or "").lower()
    if text in TRUE_WORDS:
        mine = True
    elif text not in FALSE_WORDS:
        problem("mine", _("Give mine=1 or leave it out."))

    answers: dict[str, str] = {}
    for key in query:
        if not str(key).startswith(FIELD_PREFIX):
            continue
        name = str(key)[len(FIELD_PREFIX) :]
        value = _last(query, str(key)) or ""
        if not QUESTION_NAME.match(name) or "__" in name:
            problem(str(key), _("This is not a question name."))
        elif len(value) > MAX_VALUE_LENGTH:
            problem(str(key), _("A value has at most 500 characters."))
        elif value:
            answers[name] = value
    if len(answers) > MAX_FIELD_FILTERS:
        problem("field", _("Filter on at most 10 questions at once."))

    if problems:
        raise InvalidInputError(
            _("Some filters are not valid."), code=ProblemCode.INVALID_FILTER, details=problems
        )
    return ObservationFilters(
        bbox=bbox,
        observed_from=start,
        observed_to=end,
        status=statuses,
        form_id=form_id,
        observer_id=observer_id,
        answers=answers,
        mine=mine,
    )


def _ends_before(start: date | datetime, end: date | datetime) -> bool:
    if isinstance(start, datetime) and isinstance(end, datetime):
        return end < start  # both carry a timezone: compare the instants, not the wall clocks
    return _comparable(start) > _comparable(end, end=True)


def _comparable(value: date | datetime, *, end: bool = False) -> tuple[int, ...]:
    """A key that orders dates and datetimes on the calendar day, then the time (UTC-blind)."""
    if isinstance(value, datetime):
        return (*_day_start(value), value.hour, value.minute, value.second)
    return (*_day_start(value), 23 if end else 0, 59 if end else 0, 59 if end else 0)
