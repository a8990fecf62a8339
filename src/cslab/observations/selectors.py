"""Reads of the collection area, filtered by what the viewer may see.

Observations and geoprivacy: every surface that shows an observation (API, GeoJSON, HTML pages,
map layers, exports, feeds) lists them with `observation_list_visible` /
`observation_get_for_viewing` and shows each one through `observation_public_view` (or
`observation_public_views` for many). Nothing else may read an observation's true location,
time or answers for display. Who sees what:

* Statuses: the project's team (every role) and Lab staff see every status; everyone else who
  may see the project sees pending, accepted and flagged observations (flagged ones with their
  status, because one person's flag must not hide someone else's contribution; moderators
  reject what must go), and their own observations whatever their status.
* True locations (rule "observation.view_true_location"): the observer, the project's owners
  and researchers, and Lab staff. Moderators, members and viewers see the public location like
  everyone else: judging an observation needs the plausibility warnings, which are computed
  from the true point, not the point itself.
* For a viewer who may not see the truth of an obscured or private observation: the public
  point (a random point in the fixed ~0.2° cell; none when private), the time coarsened to the
  day, and each answer as `SHOWN_BY_KIND` says for the kind of its question (the table in
  docs/observations.md): choices and dates as sent, date-times as their day, location answers,
  times of day and device metadata left out, free text and numbers left out when they could
  spell the place or the moment, attachments under an opaque name (`public_media_name`, which
  `media_get_by_shown_name` resolves for the media URL), and no answer to a question that a
  sensitive category marks as sensitive as a whole. Filters are applied with the same limits:
  the box uses the public columns, times are compared by whole days, location and wholly
  sensitive questions cannot be filtered on, and a field filter matches such an observation
  only on what the viewer is shown of the answer (`_shown_condition`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDay, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.forms.form_definition import (
    DATE_KINDS,
    DATE_TIME_KINDS,
    LOCATION_KINDS,
    MEDIA_KINDS,
    NUMERIC_KINDS,
    FormDefinition,
    QuestionKind,
)
from cslab.forms.models import Form, FormVersion
from cslab.media.models import Media
from cslab.observations import geoprivacy
from cslab.observations.filters import ObservationFilters
from cslab.observations.models import ModerationEvent, Observation, SensitiveCategory
from cslab.projects.licences import is_under_embargo
from cslab.projects.models import Project


def form_list_for_project(*, user: Actor, project: Project) -> QuerySet[Form]:
    """Return the project's forms with their version count and last publication time."""
    permissions.require(user, "form.view", project)
    return (
        Form.objects.filter(project=project)
        .annotate(version_count=Count("versions"), last_published_at=Max("versions__published_at"))
        .order_by("title", "form_id")
    )


def form_get_for_viewing(*, user: Actor, project: Project, form_id: str) -> Form:
    """Return one form of the project; NotFoundError if it does not exist or is hidden."""
    permissions.require(user, "form.view", project)
    form = Form.objects.select_related("project").filter(project=project, form_id=form_id).first()
    if form is None:
        raise NotFoundError()
    return form


def form_version_list(*, user: Actor, form: Form) -> QuerySet[FormVersion]:
    """Return the versions of a form, oldest first, without their XForm and XLSForm rows."""
    permissions.require(user, "form.view", form.project)
    return form.versions.defer("xform", "source", "definition").order_by("created_at", "id")


def form_version_get_latest(*, user: Actor, form: Form) -> FormVersion:
    """Return the most recently published version of a form."""
    permissions.require(user, "form.view", form.project)
    version = (
        form.versions.filter(published_at__isnull=False).order_by("-published_at", "-id").first()
    )
    if version is None:
        raise NotFoundError()
    return version


# The large documents of a version, which submitting does not read: the definition is parsed
# once per process (`FormVersion.form_definition`) and loads only when that cache misses.
SUBMITTING_DEFERRED = ("xform", "source", "definition", "languages", "warnings")


def form_version_for_submitting(
    *, user: Actor, slug: str, form_id: str, version: str
) -> FormVersion:
    """Return a published version to submit to, with its form and project, in one query.

    NotFoundError when the project, the form or the published version is unknown, or the
    project is hidden from the user. (The submitting path; pages use the selectors above.)
    """
    found = (
        FormVersion.objects.select_related("form__project")
        .defer(*SUBMITTING_DEFERRED)
        .filter(
            form__project__slug=slug,
            form__form_id=form_id,
            version=version,
            published_at__isnull=False,
        )
        .first()
    )
    if found is None:
        raise NotFoundError()
    permissions.require(user, "project.view", found.form.project)
    permissions.require(user, "form.view", found.form.project)
    return found


# --------------------------------------------------------------------------- observations

PUBLIC_STATUSES = (
    Observation.Status.PENDING,
    Observation.Status.ACCEPTED,
    Observation.Status.FLAGGED,
)
# H3 resolutions tried for the bounding-box prefilter, finest first, and the most cells an IN
# list may hold (SQLite limits the number of query parameters).
BBOX_RESOLUTIONS = (9, 7, 5, 3)
BBOX_MAX_CELLS = 400


class Shown(StrEnum):
    """What a viewer who may not see the truth of an obscured or private observation sees of
    an answer, by the kind of its question (the table in docs/observations.md)."""

    AS_IS = "as_is"  # a choice or a day: says no more than the public day and cell
    DAY = "day"  # a date and time: only its day, as written ("2026-03-14")
    NUMBER = "number"  # kept unless it could be a coordinate or a timestamp
    TEXT = "text"  # kept unless it holds something that looks like a position or a moment
    FILE = "file"  # an attachment: an opaque name instead of the name sent
    HIDDEN = "hidden"  # never shown


# By QuestionKind (one name for every spelling pyxform accepts: "dateTime" is DATETIME).
SHOWN_BY_KIND: dict[QuestionKind, Shown] = {
    **dict.fromkeys(
        (
            QuestionKind.SELECT_ONE,
            QuestionKind.SELECT_MULTIPLE,
            QuestionKind.RANK,
            *DATE_KINDS,
            QuestionKind.ACKNOWLEDGE,
            QuestionKind.TRIGGER,
        ),
        Shown.AS_IS,
    ),
    **dict.fromkeys(DATE_TIME_KINDS, Shown.DAY),
    **dict.fromkeys(NUMERIC_KINDS, Shown.NUMBER),
    **dict.fromkeys(
        (QuestionKind.TEXT, QuestionKind.BARCODE, QuestionKind.CALCULATE, QuestionKind.HIDDEN),
        Shown.TEXT,
    ),
    **dict.fromkeys(MEDIA_KINDS, Shown.FILE),
    **dict.fromkeys(
        (
            *LOCATION_KINDS,  # hidden with the location
            QuestionKind.TIME,  # the time of day is what coarsening to the day removes
            QuestionKind.AUDIT,  # a log of times (and locations) of every screen of the form
            QuestionKind.DEVICEID,
            QuestionKind.PHONENUMBER,
            QuestionKind.SUBSCRIBERID,
            QuestionKind.SIMSERIAL,
            QuestionKind.USERNAME,
            QuestionKind.EMAIL,
        ),
        Shown.HIDDEN,
    ),
}
# Answers of kinds not in the table (and answers the form does not name) are free text.
UNKNOWN_KIND_SHOWN = Shown.TEXT
# A number as text (also "51,123" with a decimal comma).
_NUMBER = re.compile(r"-?\d+([.,]\d+)?")
# Numbers within this many degrees of the true latitude or longitude could be the coordinate.
_NEAR_DEGREES = 0.5
# Integer parts this long are metric coordinates (RD, UTM) or timestamps, not counts.
_LONG_NUMBER_DIGITS = 6
# Text that spells a position or a moment in a way no nearness check catches: degrees,
# minutes and seconds (51°7'24"), hemispheres (N51 07.407), times of day, long digit runs
# (timestamps such as 1773480413000, metric coordinates such as 155000 463000).
_POSITION_OR_MOMENT = re.compile(
    r"\d\s*[°º˚]"
    r"|\d\s*['′’]\s*\d"
    r"|\b[NSEWnsew]\s?\d{1,3}(?:[\s.,°]\d|\b)"
    r"|\d{1,3}(?:[.,]\d+)?\s?[°º˚]?\s?[NSEW]\b"
    r"|\d{1,2}:\d{2}"
    rf"|\d{{{_LONG_NUMBER_DIGITS},}}"
)
_DAY_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SAFE_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def _sees_all_statuses(user: Actor, project: Project) -> bool:
    return permissions.has_permission(user, "observation.view_all", project)


def embargo_hides_observations(user: Actor, project: Project) -> bool:
    """True when the project's data embargo hides its observations from this viewer: anyone
    outside the team and Lab staff (who still see their own observations), until it ends."""
    return is_under_embargo(project) and not _sees_all_statuses(user, project)


def _embargoed(queryset: QuerySet[Observation], user: Actor) -> QuerySet[Observation]:
    """The viewer's own observations of the queryset (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(observer_id=user.pk))


def sees_true_locations_of_project(user: Actor, project: Project) -> bool:
    """True for viewers who see every observation's true location in the project."""
    return permissions.has_permission(user, "observation.view_true_location", project)


def can_see_true_location(user: Actor, observation: Observation) -> bool:
    """May this user see the observation's true location, time and location answers?"""
    return permissions.has_permission(user, "observation.view_true_location", observation)


def _is_open(observation: Observation) -> bool:
    return (
        observation.geoprivacy == Observation.Geoprivacy.OPEN and not observation.geoprivacy_forced
    )


@dataclass
class _ViewContext:
    """What is the same for every observation of one project shown to one viewer."""

    user: Actor
    project_truth: dict[int, bool] = field(default_factory=dict)
    project_team: dict[int, bool] = field(default_factory=dict)
    sensitive_questions: dict[int, frozenset[str]] = field(default_factory=dict)
    shown_by_question: dict[int, dict[str, Shown]] = field(default_factory=dict)
    media_ids: dict[int, dict[str, int]] = field(default_factory=dict)

    def sees_truth(self, observation: Observation) -> bool:
        user = self.user
        if user.is_authenticated and observation.observer_id == user.pk:
            return True
        if observation.project_id not in self.project_truth:
            self.project_truth[observation.project_id] = can_see_true_location(user, observation)
        return self.project_truth[observation.project_id]

    def on_team(self, observation: Observation) -> bool:
        if observation.project_id not in self.project_team:
            self.project_team[observation.project_id] = _sees_all_statuses(
                self.user, observation.project
            )
        return self.project_team[observation.project_id]

    def shown(self, observation: Observation) -> dict[str, Shown]:
        """{question name (any depth): what is shown of its answers}, sensitive ones hidden."""
        if observation.project_id not in self.sensitive_questions:
            self.sensitive_questions[observation.project_id] = _wholly_sensitive_questions(
                observation.project_id
            )
        if observation.form_version_id not in self.shown_by_question:
            stored = (
                FormVersion.objects.filter(pk=observation.form_version_id)
                .values_list("definition", flat=True)
                .first()
            )
            self.shown_by_question[observation.form_version_id] = {
                name: shown_of_kinds(kinds) for name, kinds in _question_kinds(stored).items()
            }
        shown = dict(self.shown_by_question[observation.form_version_id])
        shown.update(dict.fromkeys(self.sensitive_questions[observation.project_id], Shown.HIDDEN))
        return shown

    def media_id(self, observation: Observation, name: str) -> int | None:
        if observation.pk not in self.media_ids:
            self.load_media_ids([observation.pk])
        return self.media_ids[observation.pk].get(name)

    def load_media_ids(self, observation_ids: list[int]) -> None:
        """Read the names and ids of the media of many observations in one query."""
        for observation_id in observation_ids:
            self.media_ids.setdefault(observation_id, {})
        for observation_id, name, media_id in Media.objects.filter(
            observation_id__in=observation_ids
        ).values_list("observation_id", "name", "pk"):
            self.media_ids[observation_id][name] = media_id


def _wholly_sensitive_questions(project_id: int) -> frozenset[str]:
    return frozenset(
        question
        for question, values in SensitiveCategory.objects.filter(project_id=project_id).values_list(
            "question", "values"
        )
        if not values
    )


def _question_kinds(stored: dict[str, Any] | None) -> dict[str, set[QuestionKind]]:
    """{question name, at any depth: its kinds} of one form version's stored definition."""
    kinds: dict[str, set[QuestionKind]] = {}
    if stored is None:  # no such version
        return kinds
    # A version without a stored definition fails loudly here (from_json) rather than having
    # its location answers shown as free text.
    for question in FormDefinition.from_json(stored).walk():
        if question.name and question.kind.has_answer:
            kinds.setdefault(question.name, set()).add(question.kind)
    return kinds


def shown_of_kinds(kinds: Iterable[QuestionKind]) -> Shown:
    """What is shown of a question's answers; a name used with kinds shown differently (in
    different places or versions of a form) is hidden rather than guessed."""
    found = {
        Shown.AS_IS
        if kind is QuestionKind.BEGIN_REPEAT
        else SHOWN_BY_KIND.get(kind, UNKNOWN_KIND_SHOWN)
        for kind in kinds
    }
    if len(found) == 1:
        return found.pop()
    return Shown.HIDDEN if found else UNKNOWN_KIND_SHOWN


def _near(number: float, observation: Observation) -> bool:
    """Could this number be the observation's true latitude or longitude, at any precision?"""
    return any(
        coordinate is not None and abs(number - coordinate) <= _NEAR_DEGREES
        for coordinate in (observation.latitude, observation.longitude)
    )


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value.strip().replace(",", "."))
    return None


def _number_is_shown(value: Any, observation: Observation) -> bool:
    """A number is shown unless it could be a coordinate: near the true latitude or longitude
    with a fractional part, or with a long integer part (a metric coordinate, a timestamp)."""
    number = _as_number(value)
    if number is None:
        return _text_is_shown(str(value), observation)
    if len(str(int(abs(number)))) >= _LONG_NUMBER_DIGITS:
        return False
    # A whole number says no more than the whole degree, which is coarser than the cell.
    written_whole = isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())
    return written_whole or not _near(number, observation)


def _text_is_shown(text: str, observation: Observation) -> bool:
    """Free text is shown unless it spells a position or a moment (see `_POSITION_OR_MOMENT`)
    or holds a number with decimals near the true latitude or longitude ("51.1234, 4.6543")."""
    if _POSITION_OR_MOMENT.search(text):
        return False
    return not any(
        match.group(1) and _near(float(match.group(0).replace(",", ".")), observation)
        for match in _NUMBER.finditer(text)
    )


def public_media_name(media_id: int, name: str) -> str:
    """The name an attachment is shown and served under to viewers who may not see the name
    it was sent with (ODK Collect names files by the time they were taken)."""
    extension = PurePosixPath(name).suffix
    return f"media-{media_id}{extension.lower() if _SAFE_EXTENSION.match(extension) else ''}"


def _public_value(
    shown: Shown, value: Any, observation: Observation, context: _ViewContext
) -> tuple[bool, Any]:
    """(is it shown, what is shown) of one answer that is not a repeat."""
    if value is None or value == "":
        return True, value
    if shown is Shown.AS_IS:
        return True, value
    if shown is Shown.DAY:
        found = _DAY_PREFIX.match(str(value))
        return (True, found.group(1)) if found else (False, None)
    if shown is Shown.NUMBER:
        return _number_is_shown(value, observation), value
    if shown is Shown.TEXT:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _number_is_shown(value, observation), value
        return _text_is_shown(str(value), observation), value
    if shown is Shown.FILE:
        media_id = context.media_id(observation, str(value))
        if media_id is None:
            return False, None
        return True, public_media_name(media_id, str(value))
    return False, None


def _public_answers(
    answers: Any, shown: dict[str, Shown], observation: Observation, context: _ViewContext
) -> Any:
    """The answers as the table of `Shown` says, at any depth (repeats are lists of objects)."""
    if isinstance(answers, list):
        return [_public_answers(item, shown, observation, context) for item in answers]
    if not isinstance(answers, dict):
        return answers
    kept: dict[str, Any] = {}
    for name, value in answers.items():
        how = shown.get(name, UNKNOWN_KIND_SHOWN)
        if name == "meta" or how is Shown.HIDDEN:
            continue
        if isinstance(value, (list, dict)):
            if how in (Shown.AS_IS, Shown.TEXT) and all(
                isinstance(item, dict) for item in (value if isinstance(value, list) else [value])
            ):
                kept[name] = _public_answers(value, shown, observation, context)
            elif how is Shown.AS_IS:  # a select_multiple sent as a list
                kept[name] = value
            continue
        visible, public = _public_value(how, value, observation, context)
        if visible:
            kept[name] = public
    return kept


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def observation_public_view(
    user: Actor, observation: Observation, *, context: _ViewContext | None = None
) -> dict[str, Any]:
    """What this user may be shown of the observation: the ONE place deciding it.

    Keys: id, project_id, form_id, version, instance_id, deprecates_id, observer (id and public
    name, or None), answers, latitude, longitude, accuracy (metres), location_obscured,
    location_cell ((west, south, east, north) of the obscuring cell, or None), true_location
    (whether the location shown is the true one), observed_at (a datetime, or a date when
    coarsened), created_at (likewise), geoprivacy, geoprivacy_forced, status, status_reason and
    warnings (both empty for viewers outside the team other than the observer).
    """
    context = context or _ViewContext(user=user)
    truth = context.sees_truth(observation)
    on_team = context.on_team(observation)
    own = bool(user.is_authenticated and observation.observer_id == user.pk)
    view: dict[str, Any] = {
        "id": observation.pk,
        "project_id": observation.project_id,
        "form_id": observation.form.form_id,
        "version": observation.form_version.version,
        "instance_id": observation.instance_id,
        "deprecates_id": observation.deprecates_id,
        "deprecates_instance_id": (
            observation.deprecates.instance_id if observation.deprecates is not None else None
        ),
        "observer": _observer_view(observation, show=on_team or own),
        "geoprivacy": observation.geoprivacy,
        "geoprivacy_forced": observation.geoprivacy_forced,
        "status": observation.status,
        "status_reason": observation.status_reason if on_team or own else "",
        "warnings": list(observation.warnings or []) if on_team or own else [],
    }
    if truth or _is_open(observation):
        view.update(
            answers=observation.answers,
            latitude=observation.latitude,
            longitude=observation.longitude,
            accuracy=observation.accuracy,
            location_obscured=False,
            location_cell=None,
            true_location=observation.latitude is not None,
            observed_at=(
                _local_day(observation.observed_at)
                if observation.observed_day_only and observation.observed_at
                else observation.observed_at
            ),
            created_at=observation.created_at,
        )
        return view
    cell = None
    accuracy = None
    if observation.public_latitude is not None and observation.public_longitude is not None:
        grid = geoprivacy.grid_cell(observation.public_latitude, observation.public_longitude)
        cell = grid.bounds()
        accuracy = max(grid.half_diagonal_m, observation.accuracy or 0.0)
    view.update(
        answers=_public_answers(
            observation.answers or {}, context.shown(observation), observation, context
        ),
        latitude=observation.public_latitude,
        longitude=observation.public_longitude,
        accuracy=accuracy,
        location_obscured=cell is not None,
        location_cell=cell,
        true_location=False,
        observed_at=_local_day(observation.observed_at) if observation.observed_at else None,
        created_at=_local_day(observation.created_at) if observation.created_at else None,
    )
    return view


def observation_public_views(
    user: Actor, observations: Iterable[Observation]
) -> list[dict[str, Any]]:
    """`observation_public_view` of many observations, deciding per project only once."""
    observations = list(observations)
    context = _ViewContext(user=user)
    context.load_media_ids(
        [item.pk for item in observations if not (_is_open(item) or context.sees_truth(item))]
    )
    return [observation_public_view(user, item, context=context) for item in observations]


def _observer_view(observation: Observation, *, show: bool) -> dict[str, Any] | None:
    observer = observation.observer
    if observer is None:
        return None
    if not (show or observer.profile_public):
        return None
    return {"id": observer.pk, "name": observer.public_name}


def _with_relations(queryset: QuerySet[Observation]) -> QuerySet[Observation]:
    return queryset.select_related(
        "project", "form", "form_version", "observer", "deprecates"
    ).defer("form_version__xform", "form_version__source", "form_version__definition")


def _truth_condition(user: Actor, project: Project) -> Q | None:
    """Rows whose truth the viewer sees: None means all of them."""
    if sees_true_locations_of_project(user, project):
        return None
    if user.is_authenticated:
        return Q(observer_id=user.pk)
    return Q(pk__in=[])


def observation_list_visible(
    *, user: Actor, project: Project, filters: ObservationFilters | None = None
) -> QuerySet[Observation]:
    """The current version of each observation of the project this user may see, filtered,
    newest first (by id, so that no cursor carries a submission time).

    NotFoundError when the user may not see the project. Filters on hidden things are applied
    as described in the module docstring; filtering on a hidden question raises
    InvalidInputError `invalid_filter`.
    """
    permissions.require(user, "project.view", project)
    queryset = Observation.objects.filter(project=project).filter(_latest_versions(project=project))
    if not _sees_all_statuses(user, project):
        visible = Q(status__in=PUBLIC_STATUSES)
        if user.is_authenticated:
            visible |= Q(observer_id=user.pk)
        queryset = queryset.filter(visible)
    if embargo_hides_observations(user, project):
        queryset = _embargoed(queryset, user)
    if filters is not None and not filters.is_empty():
        queryset = _apply_filters(queryset, user=user, project=project, filters=filters)
    return _with_relations(queryset).order_by("-id")


# Any here: the body reads the viewer as a person (`.pk` in a lookup) after an
# `is_authenticated` check that mypy cannot follow; typing it needs that body narrowed.
def _apply_filters(
    queryset: QuerySet[Observation], *, user: Any, project: Project, filters: ObservationFilters
) -> QuerySet[Observation]:
    truth = _truth_condition(user, project)
    if filters.mine:
        if not user.is_authenticated:
            return queryset.none()
        queryset = queryset.filter(observer_id=user.pk)
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.form_id:
        queryset = queryset.filter(form__form_id=filters.form_id)
    if filters.observer_id is not None:
        queryset = queryset.filter(observer_id=filters.observer_id)
        if not _sees_all_statuses(user, project) and filters.observer_id != user.pk:
            queryset = queryset.filter(observer__profile_public=True)
    if filters.observed_from is not None or filters.observed_to is not None:
        queryset = queryset.filter(_time_condition(filters, truth))
    if filters.bbox is not None:
        queryset = queryset.filter(_bbox_condition(filters.bbox, truth))
    if filters.answers:
        queryset = _answer_filters(queryset, project=project, answers=filters.answers, truth=truth)
    return queryset


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _time_condition(filters: ObservationFilters, truth: Q | None) -> Q:
    """Exact bounds for rows whose time the viewer sees; whole days for the others."""
    start, end = filters.observed_from, filters.observed_to

    def exact() -> Q:
        condition = Q()
        if isinstance(start, datetime):
            condition &= Q(observed_at__gte=start)
        elif start is not None:
            condition &= Q(observed_at__gte=_start_of_day(start))
        if isinstance(end, datetime):
            condition &= Q(observed_at__lte=end)
        elif end is not None:
            condition &= Q(observed_at__lt=_start_of_day(end + timedelta(days=1)))
        return condition

    def by_day() -> Q:
        condition = Q()
        if start is not None:
            first = _local_day(start) if isinstance(start, datetime) else start
            condition &= Q(observed_at__gte=_start_of_day(first))
        if end is not None:
            last = _local_day(end) if isinstance(end, datetime) else end
            condition &= Q(observed_at__lt=_start_of_day(last + timedelta(days=1)))
        return condition

    if truth is None:
        return exact()
    exact_rows = _rows_shown_as_they_are(truth)
    return (exact_rows & exact()) | (~exact_rows & by_day())


def _rows_shown_as_they_are(truth: Q) -> Q:
    """Rows whose truth the viewer sees, and open ones (the SQL side of the first branch of
    `observation_public_view`)."""
    return truth | Q(geoprivacy=Observation.Geoprivacy.OPEN, geoprivacy_forced=False)


def _box_on(prefix: str, bbox: tuple[float, float, float, float]) -> Q:
    """Points inside the box on the true (prefix "") or public (prefix "public_") columns."""
    west, south, east, north = bbox
    condition = Q(**{f"{prefix}latitude__gte": south, f"{prefix}latitude__lte": north})
    if west <= east:
        condition &= Q(**{f"{prefix}longitude__gte": west, f"{prefix}longitude__lte": east})
    else:
        condition &= Q(**{f"{prefix}longitude__gte": west}) | Q(**{f"{prefix}longitude__lte": east})
    cells = _covering_cells(bbox)
    if cells is not None:
        resolution, found = cells
        # The indexed IN narrows the rows; the ranges above make the box exact.
        condition &= Q(**{f"{prefix}h3_res{resolution}__in": sorted(found)})
    return condition


def _covering_cells(bbox: tuple[float, float, float, float]) -> tuple[int, set[str]] | None:
    for resolution in BBOX_RESOLUTIONS:
        try:
            return resolution, geoprivacy.cells_covering_bbox(
                *bbox, resolution, max_cells=BBOX_MAX_CELLS
            )
        except geoprivacy.TooManyCellsError:
            continue
    return None


def _bbox_condition(bbox: tuple[float, float, float, float], truth: Q | None) -> Q:
    if truth is None:
        return _box_on("", bbox)
    return (truth & _box_on("", bbox)) | (~truth & _box_on("public_", bbox))


def _project_question_kinds(project: Project) -> dict[str, set[QuestionKind]]:
    """{question name: its kinds across the project's form versions}."""
    kinds: dict[str, set[QuestionKind]] = {}
    for stored in FormVersion.objects.filter(form__project=project).values_list(
        "definition", flat=True
    ):
        for name, found in _question_kinds(stored).items():
            kinds.setdefault(name, set()).update(found)
    return kinds


_NOTHING = Q(pk__in=[])


def _not_near(number: float) -> Q:
    """Rows whose true latitude and longitude are both unknown or farther than `_NEAR_DEGREES`
    from the number (the SQL side of `_near`)."""
    condition = Q()
    for column in ("latitude", "longitude"):
        condition &= (
            Q(**{f"{column}__isnull": True})
            | Q(**{f"{column}__lt": number - _NEAR_DEGREES})
            | Q(**{f"{column}__gt": number + _NEAR_DEGREES})
        )
    return condition


def _text_shown_condition(value: str) -> Q:
    """Rows on which a free-text answer equal to `value` is shown (`_text_is_shown`)."""
    if _POSITION_OR_MOMENT.search(value):
        return _NOTHING
    condition = Q()
    for match in _NUMBER.finditer(value):
        if match.group(1):
            condition &= _not_near(float(match.group(0).replace(",", ".")))
    return condition


def _shown_condition(shown: Shown, alias: str, value: str, plain: Q) -> Q:
    """Rows of obscured and private observations whose answer, as `observation_public_view`
    shows it to a viewer without the truth, matches the value: a hidden answer never matches,
    a coarsened one only by what is shown of it."""
    if shown is Shown.AS_IS:
        return plain
    if shown is Shown.DAY:
        if not _DAY.match(value):
            return _NOTHING
        return Q(**{f"{alias}__startswith": f"{value}T"}) | Q(
            **{f"{alias}__startswith": f"{value} "}
        )
    if shown is Shown.NUMBER and (number := _as_number(value)) is not None:
        if len(str(int(abs(number)))) >= _LONG_NUMBER_DIGITS:
            return _NOTHING
        if value.strip().isdigit():
            return plain
        return plain & _not_near(number)
    if shown in (Shown.NUMBER, Shown.TEXT):
        return plain & _text_shown_condition(value)
    return _NOTHING  # hidden answers, and attachments (shown under another name)


def _answer_filters(
    queryset: QuerySet[Observation],
    *,
    project: Project,
    answers: dict[str, str],
    truth: Q | None,
) -> QuerySet[Observation]:
    kinds = _project_question_kinds(project)
    if truth is not None:
        sensitive = _wholly_sensitive_questions(project.pk)
        refused = {
            f"field.{name}": [_("This question cannot be used as a filter.")]
            for name in answers
            if name in sensitive or any(kind.is_location for kind in kinds.get(name, set()))
        }
        if refused:
            raise InvalidInputError(
                _("Some filters are not valid."), code=ProblemCode.INVALID_FILTER, details=refused
            )
    for position, (name, value) in enumerate(sorted(answers.items())):
        alias = f"answer_filter_{position}"
        queryset = queryset.annotate(
            **{alias: Cast(KeyTextTransform(name, "answers"), output_field=TextField())}
        )
        condition = Q(**{alias: value})
        if "select_multiple" in kinds.get(name, set()):
            word = re.escape(value)
            condition |= Q(**{f"{alias}__regex": rf'(^|[\s",\[]){word}($|[\s",\]])'})
        if truth is not None:
            shown = shown_of_kinds(kinds[name]) if name in kinds else UNKNOWN_KIND_SHOWN
            exact_rows = _rows_shown_as_they_are(truth)
            condition = (exact_rows & condition) | (
                ~exact_rows & _shown_condition(shown, alias, value, condition)
            )
        queryset = queryset.filter(condition)
    return queryset


def observation_get_for_viewing(
    *, user: Actor, project: Project, observation_id: int
) -> Observation:
    """One observation of the project (any version of it); NotFoundError if unknown or not
    visible to this user."""
    permissions.require(user, "project.view", project)
    queryset = Observation.objects.filter(project=project, pk=observation_id)
    if not _sees_all_statuses(user, project):
        visible = Q(status__in=PUBLIC_STATUSES)
        if user.is_authenticated:
            visible |= Q(observer_id=user.pk)
        queryset = queryset.filter(visible)
    if embargo_hides_observations(user, project):
        queryset = _embargoed(queryset, user)
    found = _with_relations(queryset).first()
    if found is None:
        raise NotFoundError()
    return found


_PUBLIC_MEDIA_NAME = re.compile(r"^media-(\d{1,18})(\.[A-Za-z0-9]{1,8})?$")


def shows_answers_as_they_are(user: Actor, observation: Observation) -> bool:
    """Does `observation_public_view` show this user the answers as sent (names of files
    included), or as the table of `Shown` says?"""
    return _is_open(observation) or can_see_true_location(user, observation)


def media_public_view(*, user: Actor, observation: Observation, media: Media) -> dict[str, Any]:
    """The name and the time of arrival of one attachment as this user may see them: as
    stored, or for an obscured or private observation seen without its truth an opaque name
    (`public_media_name`) and the day only (a file arrives with its submission)."""
    if shows_answers_as_they_are(user, observation):
        return {"name": media.name, "created_at": media.created_at}
    return {
        "name": public_media_name(media.pk, media.name),
        "created_at": _local_day(media.created_at) if media.created_at else None,
    }


def media_get_by_shown_name(*, user: Actor, observation: Observation, name: str) -> Media:
    """The attachment of an observation the user already may see, by the name the user was
    shown (`media_public_view`, or the opaque name, which works for everyone). NotFoundError
    for any other name, so the name a file was sent with (its moment, for ODK Collect)
    cannot be confirmed by guessing it."""
    # A file removed on request has nothing left to serve.
    present = observation.media.filter(removed_at__isnull=True)
    if shows_answers_as_they_are(user, observation):
        found = present.filter(name=name).first()
        if found is not None:
            return found
    opaque = _PUBLIC_MEDIA_NAME.match(name)
    if opaque is not None:
        found = present.filter(pk=int(opaque.group(1))).first()
        if found is not None and public_media_name(found.pk, found.name) == name:
            return found
    raise NotFoundError()


def observation_list_mine(*, user: User) -> QuerySet[Observation]:
    """The current version of each of the user's own observations, across projects, newest
    first; empty for an anonymous visitor."""
    if not user.is_authenticated:
        return Observation.objects.none()
    return _with_relations(
        Observation.objects.filter(observer_id=user.pk).filter(
            _latest_versions(observer_id=user.pk)
        )
    ).order_by("-id")


_TABLE = Observation._meta.db_table
_VERSION_CHAIN_SQL = f"""
WITH RECURSIVE
  earlier (id, deprecates_id) AS (
    SELECT id, deprecates_id FROM {_TABLE} WHERE id = %s
    UNION
    SELECT version.id, version.deprecates_id
    FROM {_TABLE} version JOIN earlier ON version.id = earlier.deprecates_id
  ),
  later (id) AS (
    SELECT id FROM {_TABLE} WHERE id = %s
    UNION
    SELECT version.id FROM {_TABLE} version JOIN later ON version.deprecates_id = later.id
  )
SELECT id FROM earlier UNION SELECT id FROM later
"""  # noqa: S608 (the table name is a constant; the ids are parameters)  # nosec B608
"""The ids of an observation's versions: the `deprecates` chain back to the first version and
every version made from it since (UNION, not UNION ALL, so a cycle could not loop)."""


def observation_history(*, user: Actor, observation: Observation) -> list[Observation]:
    """Every version of the observation the user may see, oldest first (the `deprecates` chain
    back to the first version, then forward to the current one)."""
    observation_get_for_viewing(
        user=user, project=observation.project, observation_id=observation.pk
    )
    # One recursive query walks the chain both ways, however many edits it holds.
    found = _with_relations(
        Observation.objects.filter(
            pk__in=RawSQL(_VERSION_CHAIN_SQL, [observation.pk] * 2)  # noqa: S611 (ids are parameters)  # nosec B611
        )
    )
    seen: dict[int, Observation] = {item.pk: item for item in found}
    seen[observation.pk] = observation
    versions = sorted(seen.values(), key=lambda item: (item.created_at, item.pk))
    if not _sees_all_statuses(user, observation.project):
        versions = [
            item
            for item in versions
            if item.status in PUBLIC_STATUSES
            or (user.is_authenticated and item.observer_id == user.pk)
        ]
    return versions


def observation_list_for_moderation(*, user: Actor, project: Project) -> QuerySet[Observation]:
    """The moderation queue: the current version of each pending or flagged observation,
    flagged first, then those with the most plausibility warnings, then oldest first; for the
    project's moderators, researchers and owners and Lab staff."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "observation.moderate", project)
    return _with_relations(
        Observation.objects.filter(
            _latest_versions(project=project),
            project=project,
            status__in=[Observation.Status.PENDING, Observation.Status.FLAGGED],
        )
    ).order_by("status", "-warning_count", "id")


def observation_moderation_events(
    *, user: Actor, observation: Observation
) -> QuerySet[ModerationEvent]:
    """The moderation history of an observation (its team and Lab staff, and its observer)."""
    observation_get_for_viewing(
        user=user, project=observation.project, observation_id=observation.pk
    )
    if not (
        _sees_all_statuses(user, observation.project)
        or (user.is_authenticated and observation.observer_id == user.pk)
    ):
        raise NotFoundError()
    return observation.moderation_events.select_related("actor").order_by("created_at", "id")


def _latest_versions(**scope: Any) -> Q:
    """Leave out observations that a later edit (meta/deprecatedID) replaced.

    Written as NOT IN (the edited ones of the same scope) rather than `deprecated_by__isnull`:
    that join of the table with itself was estimated badly and made a million-row project's
    map and table take seconds; the subquery is one hashed scan of the few edits.
    """
    edited = Observation.objects.filter(deprecates__isnull=False, **scope).values("deprecates_id")
    return ~Q(pk__in=edited)


# --------------------------------------------------------------------------- tables and galleries

# The orders a table of observations offers: (what the address says, the columns sorted on).
# "observed" is the time observed; every order ends on the id so that pages never overlap.
OBSERVATION_SORTS = ("-observed", "observed", "-number", "number", "form", "status")
DEFAULT_OBSERVATION_SORT = "-observed"


def observation_order(
    queryset: QuerySet[Observation], *, user: Actor, project: Project, sort: str
) -> QuerySet[Observation]:
    """The observations in one of `OBSERVATION_SORTS` (anything else: newest first).

    By time, viewers who see every true time in the project get the exact order; everyone
    else gets observations ordered by their local day and then by number, so that an obscured
    observation's place between two open ones cannot give away its time of day."""
    if sort not in OBSERVATION_SORTS:
        sort = DEFAULT_OBSERVATION_SORT
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "number":
        return queryset.order_by("-id" if descending else "id")
    if sees_true_locations_of_project(user, project):
        moment: Any = F("observed_at")
    else:
        moment = TruncDay("observed_at", tzinfo=timezone.get_default_timezone())
    newest = (moment.desc(nulls_last=True), F("id").desc())
    if key == "form":
        return queryset.order_by("form__title", "form_id", *newest)
    if key == "status":
        return queryset.order_by("status", *newest)
    if descending:
        return queryset.order_by(*newest)
    return queryset.order_by(moment.asc(nulls_last=True), F("id").asc())


def _strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


def observation_photos(
    *, user: Actor, observations: Iterable[Observation], views: Iterable[dict[str, Any]]
) -> dict[int, list[str]]:
    """{observation id: the names of its photos that have a thumbnail, as this viewer is
    shown them}, in the order of their names.

    A photo is listed only when the viewer's `observation_public_view` shows its answer: one
    that a sensitive category hides, or a file without a cleaned copy that the viewer may not
    have as received, is left out. One query for all the observations."""
    pairs = list(zip(observations, views, strict=True))
    shown_names = {observation.pk: set(_strings_in(view["answers"])) for observation, view in pairs}
    by_id = {observation.pk: observation for observation, _view in pairs}
    found: dict[int, list[str]] = {observation_id: [] for observation_id in by_id}
    for media in (
        Media.objects.filter(
            observation_id__in=list(by_id), kind=Media.Kind.IMAGE, removed_at__isnull=True
        )
        .exclude(thumbnail="")
        .order_by("observation_id", "name")
    ):
        observation = by_id[media.observation_id]
        # The view already decided (`shows_answers_as_they_are`): it shows the name the file
        # was sent with to those who may have the file as received, the opaque name to others.
        if media.name in shown_names[observation.pk]:
            name = media.name
        else:
            name = public_media_name(media.pk, media.name)
            if not media.public_file:  # no cleaned copy, and not to be had as received
                continue
        if name in shown_names[observation.pk]:
            found[observation.pk].append(name)
    return found


def observation_list_with_photos(
    *, user: Actor, project: Project, filters: ObservationFilters | None = None
) -> QuerySet[Observation]:
    """`observation_list_visible` narrowed to observations with at least one photo."""
    photos = Media.objects.filter(
        observation=OuterRef("pk"), kind=Media.Kind.IMAGE, removed_at__isnull=True
    ).exclude(thumbnail="")
    return observation_list_visible(user=user, project=project, filters=filters).filter(
        Exists(photos)
    )


def observation_list_for_moderation_bulk(
    *, user: Actor, project: Project, observation_ids: list[int]
) -> QuerySet[Observation]:
    """The current versions among these ids that belong to the project, for a moderator's bulk
    action; ids of other projects and replaced versions are simply not found."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "observation.moderate", project)
    return _with_relations(
        Observation.objects.filter(
            _latest_versions(project=project), project=project, pk__in=observation_ids
        )
    ).order_by("id")


@dataclass(frozen=True)
class ObservationSpread:
    """How far a project's observations reach in space and time, as one viewer may see them.

    Space is read from the public columns only (the point anyone is shown: the random point
    of an obscured observation, nothing for a private one), so the figures never narrow down a
    true location; time is counted in days and months of arrival.
    """

    cells: int  # distinct H3 cells (resolution SPREAD_RESOLUTION) holding a public point
    south: float | None
    west: float | None
    north: float | None
    east: float | None
    first_day: date | None
    last_day: date | None
    active_months: int


# H3 resolution 7: cells of about 5 km², a neighbourhood, coarser than the public point itself.
SPREAD_RESOLUTION = 7


def observation_spread_for_project(*, user: Actor, project: Project) -> ObservationSpread:
    """The spread in space and time of the observations `observation_list_visible` shows this
    user (NotFoundError when the user may not see the project), in four queries."""
    visible = observation_list_visible(user=user, project=project).order_by()
    shown = visible.filter(public_latitude__isnull=False, public_longitude__isnull=False)
    cells = (
        shown.exclude(**{f"public_h3_res{SPREAD_RESOLUTION}": ""})
        .values(f"public_h3_res{SPREAD_RESOLUTION}")
        .distinct()
        .count()
    )
    box = shown.aggregate(
        south=Min("public_latitude"),
        west=Min("public_longitude"),
        north=Max("public_latitude"),
        east=Max("public_longitude"),
    )
    times = visible.aggregate(first=Min("created_at"), last=Max("created_at"))
    months = visible.annotate(month=TruncMonth("created_at")).values("month").distinct().count()
    return ObservationSpread(
        cells=cells,
        south=box["south"],
        west=box["west"],
        north=box["north"],
        east=box["east"],
        first_day=_local_day(times["first"]) if times["first"] else None,
        last_day=_local_day(times["last"]) if times["last"] else None,
        active_months=months,
    )
