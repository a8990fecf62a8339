"""Submitting and erasing observations: nothing lost, nothing doubled.

A submission is keyed by (form, instance ID), with a unique constraint in the database deciding
between concurrent submissions: the service inserts and, when the constraint refuses, reads the
stored row and compares. An identical resubmission (same version, same answers) gives back the
stored row; different content under the same instance ID is a conflict and leaves the stored row
unchanged; an instance ID whose observation was erased is refused for good (a tombstone), so a
stale offline queue cannot bring erased data back.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.consent.models import ConsentVersion
from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.forms.answers import (
    Location,
    first_geopoint,
    relevant_answers,
    validate_answers,
)
from cslab.forms.form_definition import FormDefinition, QuestionKind
from cslab.forms.models import FormVersion
from cslab.media.services import media_files_erase
from cslab.observations import geoprivacy as geo
from cslab.observations import map_counts, plausibility
from cslab.observations.models import Observation, Tombstone
from cslab.observations.services.collection_settings import (
    answers_are_sensitive,
    sensitive_categories_of,
)
from cslab.observations.submission_context import (
    ProjectPolicy,
    policy_of,
    submission_context_read,
)
from cslab.observations.tombstones import instance_hash, instance_hashes

MAX_INSTANCE_ID_LENGTH = 200
MAX_ANSWERS_BYTES = 1024 * 1024


def content_hash(answers: dict[str, Any]) -> str:
    """Return the SHA-256 of the answers as canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def observation_submit(
    *,
    actor: Actor,
    form_version: FormVersion,
    instance_id: str,
    answers: dict[str, Any],
    deprecated_id: str | None = None,
    observed_at: datetime | None = None,
    location: Location | None = None,
    geoprivacy: str | None = None,
) -> tuple[Observation, bool]:
    """Store a submission once; return (observation, created).

    Precondition: the caller must not hold an open transaction that already saw a failed
    insert; the service needs its own savepoint to read the winning row after a lost race.

    - The answers are checked against the version's survey rows (types, required, choices);
      problems raise InvalidInputError `invalid_answers` with `details` {question: [messages]}.
    - Identical content (same version and answers, and the same location, observation time
      and geoprivacy where the caller gives them) under a stored (form, instance ID) returns
      the stored row with created False; different content raises ConflictError
      `instance_conflict` and changes nothing.
    - An erased instance ID raises ConflictError `instance_erased`.
    - `deprecated_id` (OpenRosa meta/deprecatedID) names the instance this one edits; the new
      row points at it through `deprecates`. Only who may "observation.edit" it (the person or
      app-user device that sent it, the project's leads, Lab staff) may; anyone else gets
      PermissionDeniedError `edit_not_permitted` and nothing is stored or changed.
    - The location is `location` if given, else the first geopoint answer.
    - `geoprivacy` (open, obscured, private) is the observer's choice; None takes the project's
      default. A sensitive category matching the answers forces obscured (private stays
      private). The public location is computed once and stored; an edit makes earlier versions
      at least as private as itself.
    - The status starts pending (accepted when the project accepts without review), with the
      plausibility warnings stored beside it.
    - A project with a published consent version needs the actor's consent to the version in
      force (ConflictError `consent_required` otherwise); the observation keeps that version.
    """
    project = form_version.form.project
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "observation.submit", project)
    policy, consent_version = submission_context_read(actor=actor, project=project)
    return _submit_permitted(
        actor=actor,
        form_version=form_version,
        instance_id=instance_id,
        answers=answers,
        deprecated_id=deprecated_id,
        observed_at=observed_at,
        location=location,
        geoprivacy=geoprivacy,
        policy=policy,
        consent_version=consent_version,
    )


def _submit_permitted(
    *,
    actor: Actor,
    form_version: FormVersion,
    instance_id: str,
    answers: dict[str, Any],
    deprecated_id: str | None,
    observed_at: datetime | None,
    location: Location | None,
    geoprivacy: str | None,
    policy: ProjectPolicy,
    consent_version: ConsentVersion | None,
    history: "_History | None" = None,
) -> tuple[Observation, bool]:
    """`observation_submit` once the actor may submit to the project and passed the consent
    gate (`consent_version` is the version they consented to, None without consent)."""
    prepared = _prepare(
        actor=actor,
        form_version=form_version,
        instance_id=instance_id,
        answers=answers,
        deprecated_id=deprecated_id,
        observed_at=observed_at,
        location=location,
        geoprivacy=geoprivacy,
        policy=policy,
        consent_version=consent_version,
        history=history,
    )
    return _store(prepared, form_version=form_version, history=history)


def _store(
    prepared: "_Prepared", *, form_version: FormVersion, history: "_History | None"
) -> tuple[Observation, bool]:
    """Insert one prepared row: (row, True); or, when (form, instance ID) is taken, the stored
    row (identical content) with False, else ConflictError."""
    observation = prepared.observation
    form = form_version.form
    try:
        with transaction.atomic():
            observation.save()
            # Counted before the earlier versions change: an edit takes the version it
            # replaces off the map as that version was counted.
            map_counts.observations_added([observation])
            if prepared.deprecates is not None:
                _protect_earlier_versions(observation)
            # The only tombstone check of the common path, after the insert and inside its
            # transaction: it sees an erasure that committed before the insert and one that
            # committed while the insert waited on the unique index; a found tombstone undoes
            # the insert.
            if _erased_exists(form.pk, prepared.erased_keys):
                raise _erased()
    except IntegrityError:
        observation.pk = None
        stored = (
            Observation.objects.select_related("observer", "deprecates")
            .filter(form=form, instance_id=observation.instance_id)
            .first()
        )
        if stored is None:  # the constraint that failed was not ours
            raise
        return _same_or_conflict(stored, prepared, form_version=form_version), False
    if history is not None:
        history.add(observation)
    return observation, True


def _erased_exists(form_id: int, keys: list[str]) -> bool:
    """Does the form hold a tombstone with one of these hashes? (The common path's check, in
    plain SQL: building the ORM query cost more than running it.)"""
    table = Tombstone._meta.db_table
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE form_id = %s AND instance_hash IN ({marks}) LIMIT 1",  # noqa: S608 - our table, placeholders  # nosec B608
            [form_id, *keys],
        )
        return cursor.fetchone() is not None


@dataclass
class _Prepared:
    """A checked submission ready to insert: the unsaved row and what the insert re-checks."""

    observation: Observation
    erased_keys: list[str]
    deprecates: Observation | None
    # The columns the caller set beside the answers (location, time, geoprivacy): part of the
    # content, so a stored row that differs in them is a conflict, not a retry.
    given: tuple[str, ...] = ()


def _prepare(
    *,
    actor: Actor,
    form_version: FormVersion,
    instance_id: str,
    answers: dict[str, Any],
    deprecated_id: str | None,
    observed_at: datetime | None,
    location: Location | None,
    geoprivacy: str | None,
    policy: ProjectPolicy,
    consent_version: ConsentVersion | None,
    history: "_History | None",
) -> _Prepared:
    """Check a submission and build its row (location, geoprivacy, plausibility); raise the
    service's errors for what cannot be stored. Reads only for an edit (`deprecated_id`) and
    for the plausibility history (none when `history` already holds it)."""
    form = form_version.form
    project = form.project
    if form_version.published_at is None:
        raise NotFoundError()
    given = (
        (("latitude", "longitude", "accuracy") if location is not None else ())
        + (("observed_at",) if observed_at is not None else ())
        + (("geoprivacy",) if geoprivacy is not None else ())
    )
    instance_id = _clean_instance_id(instance_id, field="instance_id")
    if deprecated_id is not None:
        deprecated_id = _clean_instance_id(deprecated_id, field="deprecated_id")
        if deprecated_id == instance_id:
            raise InvalidInputError(
                _("An edit needs an instance ID of its own."),
                code=ProblemCode.INVALID_DEPRECATED_ID,
                details={"deprecated_id": [_("It is the same as the instance ID.")]},
            )
    if not isinstance(answers, dict):
        raise InvalidInputError(
            _("The answers must be an object."), code=ProblemCode.INVALID_ANSWERS
        )
    settings_row = policy.settings
    if geoprivacy is None:
        geoprivacy = settings_row.default_geoprivacy
    if geoprivacy not in Observation.Geoprivacy.values:
        raise InvalidInputError(
            _("Choose open, obscured or private."),
            code=ProblemCode.INVALID_GEOPRIVACY,
            details={"geoprivacy": [_("Choose open, obscured or private.")]},
        )
    if observed_at is not None and timezone.is_naive(observed_at):
        raise InvalidInputError(
            _("The observation time needs a timezone."),
            code=ProblemCode.INVALID_ANSWERS,
            details={"observed_at": [_("Give a time with a timezone.")]},
        )
    # Rules that use today() are judged at the time of observation, not of arrival, so an
    # offline queue that sends days later is not refused; answers to questions the form hides
    # are dropped, as ODK does.
    definition = form_version.form_definition
    observed_at, observed_day_only = observation_moment(definition, answers, given=observed_at)
    rules_now = observed_at
    answers = relevant_answers(definition, answers, now=rules_now)
    problems = validate_answers(definition, answers, now=rules_now)
    if location is None:
        location = first_geopoint(definition, answers)
    else:
        try:
            geo.validate_location(location.latitude, location.longitude, location.accuracy)
        except ValueError as error:
            problems.setdefault("location", []).append(str(error))
    hashed = content_hash(answers)
    if len(json.dumps(answers, default=str)) > MAX_ANSWERS_BYTES:
        problems.setdefault("answers", []).append(_("The answers may be at most 1 MB."))
    if problems:
        raise InvalidInputError(
            _("Some answers are not valid; nothing was stored."),
            code=ProblemCode.INVALID_ANSWERS,
            details=problems,
        )
    erased_keys = instance_hashes(instance_id, key=policy.tombstone_key)

    deprecates = None
    if deprecated_id is not None:
        if Tombstone.objects.filter(form=form, instance_hash__in=erased_keys).exists():
            raise _erased()  # before anything earlier is made more private
        deprecates = Observation.objects.filter(form=form, instance_id=deprecated_id).first()
        if deprecates is None:
            if Tombstone.objects.filter(
                form=form,
                instance_hash__in=instance_hashes(deprecated_id, key=policy.tombstone_key),
            ).exists():
                raise _erased()
            raise _unknown_deprecated()
        deprecates.form, deprecates.project = form, project  # loaded already, roles cached
        _require_may_edit(actor, deprecates)

    observation = Observation(
        project=project,
        form=form,
        form_version=form_version,
        instance_id=instance_id,
        # An app user (cslab.openrosa) acts for a device, not a person: it is no observer.
        observer=actor if isinstance(actor, User) and actor.is_authenticated else None,
        answers=answers,
        content_hash=hashed,
        observed_at=observed_at,
        observed_day_only=observed_day_only,
        deprecates=deprecates,
        consent_version=consent_version,
        status=(
            Observation.Status.ACCEPTED
            if settings_row.accept_without_review
            else Observation.Status.PENDING
        ),
    )
    if location is not None:
        observation.latitude = location.latitude
        observation.longitude = location.longitude
        observation.accuracy = location.accuracy
        for resolution, cell in geo.location_indexes(location.latitude, location.longitude).items():
            setattr(observation, f"h3_res{resolution}", cell)
    observation_apply_geoprivacy(
        observation,
        level=geoprivacy,
        forced=answers_are_sensitive(answers, policy.sensitive_categories),
        save=False,
    )
    observation.warnings = _plausibility_warnings(observation, form_version, history=history)
    observation.warning_count = len(observation.warnings)
    # The related rows were loaded above; checking that they exist again costs a query each.
    observation.full_clean(
        exclude=["project", "form", "form_version", "observer", "deprecates", "consent_version"],
        validate_constraints=False,
    )
    return _Prepared(
        observation=observation, erased_keys=erased_keys, deprecates=deprecates, given=given
    )


_RANK = {
    geo.GeoprivacyLevel.OPEN: 0,
    geo.GeoprivacyLevel.OBSCURED: 1,
    geo.GeoprivacyLevel.PRIVATE: 2,
}


def _effective(observation: Observation) -> geo.GeoprivacyLevel:
    return geo.effective_level(
        observation.geoprivacy, forced_obscured=observation.geoprivacy_forced
    )


def public_point_seed(observation: Observation) -> bytes:
    """The secret seed of the observation's public point: keyed with SECRET_KEY and taken from
    the first version of the observation, so every version is published at the same point."""
    root = observation
    seen = {root.pk}
    while root.deprecates_id is not None and root.deprecates_id not in seen:
        earlier = root.deprecates
        if earlier is None:
            break
        seen.add(earlier.pk)
        root = earlier
    key = settings.SECRET_KEY.encode("utf-8")
    message = f"observation-public-point:v1:{root.form_id}:{root.instance_id}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def observation_apply_geoprivacy(
    observation: Observation, *, level: str, forced: bool, save: bool
) -> bool:
    """Set the geoprivacy and recompute the public location and its H3 cells from the true
    point; return True when anything changed (and, with `save`, store it).

    open → the true point; obscured → a point inside the fixed ~0.2° cell of the true point,
    drawn from a secret per-observation seed (so it never depends on where in the cell the true
    point is, and toggling back and forth always gives the same point); private → nothing.
    """
    before = (
        observation.geoprivacy,
        observation.geoprivacy_forced,
        observation.public_latitude,
        observation.public_longitude,
    )
    observation.geoprivacy = geo.effective_level(level).value
    observation.geoprivacy_forced = bool(forced) and level != geo.GeoprivacyLevel.PRIVATE
    public = None
    if observation.latitude is not None and observation.longitude is not None:
        public = geo.public_location(
            observation.geoprivacy,
            observation.latitude,
            observation.longitude,
            seed=public_point_seed(observation),
            forced_obscured=observation.geoprivacy_forced,
            accuracy_m=observation.accuracy,
        )
    indexes = geo.location_indexes(public.latitude, public.longitude) if public else {}
    observation.public_latitude = public.latitude if public else None
    observation.public_longitude = public.longitude if public else None
    for resolution in geo.INDEX_RESOLUTIONS:
        setattr(observation, f"public_h3_res{resolution}", indexes.get(resolution, ""))
    after = (
        observation.geoprivacy,
        observation.geoprivacy_forced,
        observation.public_latitude,
        observation.public_longitude,
    )
    if save and before != after and observation.pk is not None:
        fields = ["geoprivacy", "geoprivacy_forced", "public_latitude", "public_longitude"]
        fields += [f"public_h3_res{resolution}" for resolution in geo.INDEX_RESOLUTIONS]
        observation.save(update_fields=fields)
    return before != after


def _protect_earlier_versions(observation: Observation) -> None:
    """Make every earlier version at least as private as the new one, so an edit that obscures
    an observation cannot be undone by looking at its history."""
    level = _effective(observation)
    earlier = observation.deprecates
    seen = {observation.pk}
    while earlier is not None and earlier.pk not in seen:
        seen.add(earlier.pk)
        if _RANK[_effective(earlier)] < _RANK[level]:
            observation_apply_geoprivacy(earlier, level=level.value, forced=False, save=True)
        earlier = earlier.deprecates


@transaction.atomic
def observation_geoprivacy_change(
    *, actor: Actor, observation: Observation, geoprivacy: str
) -> Observation:
    """The observer changes the geoprivacy of their observation (and of its earlier versions
    when the new level is stricter); a sensitive category still forces obscured."""
    permissions.require(actor, "project.view", observation.project)
    if not (getattr(actor, "is_authenticated", False) and observation.observer_id == actor.pk):
        permissions.require(actor, "observation.moderate", observation)
    if geoprivacy not in Observation.Geoprivacy.values:
        raise InvalidInputError(
            _("Choose open, obscured or private."),
            code=ProblemCode.INVALID_GEOPRIVACY,
            details={"geoprivacy": [_("Choose open, obscured or private.")]},
        )
    forced = answers_are_sensitive(
        observation.answers, sensitive_categories_of(observation.project)
    )
    before = observation.geoprivacy
    with map_counts.observations_changing([observation.pk]):
        observation_apply_geoprivacy(observation, level=geoprivacy, forced=forced, save=True)
        if observation.deprecates_id is not None:
            _protect_earlier_versions(observation)
    audit_record(
        actor=actor,
        action="observation.geoprivacy_changed",
        target=observation,
        details={"from": before, "to": observation.geoprivacy},
    )
    return observation


# The answers that say when the observation was made, in the volunteer's own words.
OBSERVATION_MOMENT_KINDS = frozenset({QuestionKind.DATE, QuestionKind.DATETIME})


def _answered_moment(definition: FormDefinition, answers: dict[str, Any]) -> date | datetime | None:
    """The first date or date-and-time answer at the top level of the form, in form order."""
    for question in definition.answered():
        if question.is_repeat or question.kind not in OBSERVATION_MOMENT_KINDS:
            continue
        value = answers.get(question.name)
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        try:
            moment = parse_datetime(text) if "T" in text or " " in text else parse_date(text)
        except ValueError:
            moment = None
        if moment is not None:
            return moment
    return None


def observation_moment(
    definition: FormDefinition, answers: dict[str, Any], *, given: datetime | None
) -> tuple[datetime, bool]:
    """(when the observation was made, whether only its day is known).

    The form's own answer wins: a web form or an app sends the moment the form was saved or
    sent (`given`), which is days later when a volunteer fills in Monday's count on Wednesday.
    A date answer keeps `given` when it falls on that same local day (it is more precise);
    otherwise the observation is placed at noon of that day in the site's time zone and marked
    day-only, so no page shows a time of day nobody gave. Without such an answer, `given` or
    now."""
    answered = _answered_moment(definition, answers)
    zone = timezone.get_default_timezone()
    if isinstance(answered, datetime):
        if timezone.is_naive(answered):
            answered = timezone.make_aware(answered, zone)
        return answered, False
    if isinstance(answered, date):
        if given is not None and timezone.localtime(given, zone).date() == answered:
            return given, False
        noon = timezone.make_aware(datetime.combine(answered, time(12, 0)), zone)
        # This morning's count sent before noon is not "in the future".
        now = timezone.now()
        is_today = answered == timezone.localtime(now, zone).date()
        return (min(noon, now) if is_today else noon), True
    return given or timezone.now(), False


OUTLIER_HISTORY = 500
# The answers whose moment the plausibility checks compare with the project's dates.
CHECKED_MOMENT_KINDS = frozenset({QuestionKind.DATE, QuestionKind.DATETIME})


class _History:
    """The outlier history of one batch's form, read once instead of once per item.

    Holds the stored rows the query of `_plausibility_warnings` returns (newest first, at most
    OUTLIER_HISTORY), already read as numbers, per set of numeric questions; each observation
    the batch stores is added in front, as the next item's own query would have found it. An
    edit drops what was read (the row it deprecates leaves the history), so the next item reads
    afresh."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, ...], list[tuple[float | None, ...]]] = {}

    def rows(self, form: Any, names: tuple[str, ...]) -> list[tuple[float | None, ...]]:
        found = self._rows.get(names)
        if found is None:
            found = self._rows[names] = [
                tuple(plausibility.as_number(value) for value in row)
                for row in _history_rows(form, names)
            ]
        return found

    def add(self, observation: Observation) -> None:
        if observation.deprecates_id is not None:
            self._rows.clear()
            return
        answers = observation.answers
        for names, rows in self._rows.items():
            rows.insert(0, tuple(plausibility.as_number(answers.get(name)) for name in names))
            del rows[OUTLIER_HISTORY:]


def _history_queryset(form_id: int, names: tuple[str, ...]) -> Any:
    # The database extracts just these answers; reading whole answer documents into Python
    # for every submission was the slowest step of submitting.
    return (
        Observation.objects.filter(form_id=form_id)
        .exclude(
            pk__in=Observation.objects.filter(form_id=form_id, deprecates__isnull=False).values(
                "deprecates_id"
            )
        )
        .exclude(status=Observation.Status.REJECTED)
        .order_by("-id")
        .values_list(*[KT(f"answers__{name}") for name in names])[:OUTLIER_HISTORY]
    )


# The history query's SQL, compiled once per process, database and set of questions: the
# compilation cost more CPU than the query (issue 17). The form id is a marker when compiling,
# replaced by the real one in the parameters.
_HISTORY_SQL: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...]]] = {}
_FORM_MARKER = -731_904_526
_MAX_HISTORY_SQL = 256


def _history_rows(form: Any, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    key = (connection.vendor, names)
    compiled = _HISTORY_SQL.get(key)
    if compiled is None:
        compiled = _history_queryset(_FORM_MARKER, names).query.sql_with_params()
        if len(_HISTORY_SQL) >= _MAX_HISTORY_SQL:
            _HISTORY_SQL.clear()
        _HISTORY_SQL[key] = compiled
    sql, template = compiled
    params = [form.pk if value == _FORM_MARKER else value for value in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _plausibility_warnings(
    observation: Observation, form_version: FormVersion, *, history: _History | None = None
) -> list[Any]:
    project = observation.project
    definition = form_version.form_definition
    answers = observation.answers
    kinds = {
        question.name: question.kind for question in definition.answered() if not question.is_repeat
    }
    numbers: dict[str, float] = {}
    moments: list[tuple[str | None, Any]] = []
    # When the time comes from a date answer, that answer is checked below, naming its question.
    if observation.observed_at is not None and _answered_moment(definition, answers) is None:
        moments.append((None, observation.observed_at))
    for name, value in observation.answers.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        if kind.is_numeric and (number := plausibility.as_number(value)) is not None:
            numbers[name] = number
        elif kind in CHECKED_MOMENT_KINDS and isinstance(value, str):
            moment = (
                parse_datetime(value) if kind is QuestionKind.DATETIME else parse_date_safely(value)
            )
            if moment is not None:
                moments.append((name, moment))
    numeric_history: dict[str, list[float]] = {name: [] for name in numbers}
    if numbers:
        names = tuple(numbers)
        rows = (
            history.rows(observation.form, names)
            if history is not None
            else [
                tuple(plausibility.as_number(value) for value in row)
                for row in _history_rows(observation.form, names)
            ]
        )
        for position, name in enumerate(names):
            numeric_history[name] = [
                number for row in rows if (number := row[position]) is not None
            ]
    extent = (project.extent_west, project.extent_south, project.extent_east, project.extent_north)
    return plausibility.plausibility_warnings(
        latitude=observation.latitude,
        longitude=observation.longitude,
        area=project.geographic_extent,
        bbox=None if None in extent else extent,  # type: ignore[arg-type]
        moments=moments,
        now=timezone.now(),
        project_start=project.start_date,
        numbers=numbers,
        history=numeric_history,
    )


def parse_date_safely(value: str) -> Any:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _same_or_conflict(
    stored: Observation, prepared: "_Prepared", *, form_version: FormVersion
) -> Observation:
    """The stored row when the submission is the same content (version, answers and what the
    caller set beside them); else ConflictError `instance_conflict`."""
    received = prepared.observation
    if (
        stored.form_version_id == form_version.pk
        and stored.content_hash == received.content_hash
        and all(getattr(stored, name) == getattr(received, name) for name in prepared.given)
    ):
        # The caller loaded these already; showing the stored row should not load them again.
        stored.form_version = form_version
        stored.form = form_version.form
        stored.project = form_version.form.project
        return stored
    raise ConflictError(
        _("A different submission with this instance ID is already stored; it was not changed."),
        code=ProblemCode.INSTANCE_CONFLICT,
    )


def _unknown_deprecated() -> InvalidInputError:
    return InvalidInputError(
        _("The submission this one edits is unknown."),
        code=ProblemCode.UNKNOWN_DEPRECATED_ID,
        details={"deprecated_id": [_("No submission of this form has that ID.")]},
    )


def _require_may_edit(actor: Actor, observation: Observation) -> None:
    """Refuse an edit of an observation the actor did not send (as a person or a device) and
    does not lead the project of: before anything is stored or made more private."""
    if permissions.has_permission(actor, "observation.edit", observation):
        return
    # A rejected observation is hidden from people outside the team: for them it is unknown.
    if observation.status == Observation.Status.REJECTED and not permissions.has_permission(
        actor, "observation.view_all", observation.project
    ):
        raise _unknown_deprecated()
    raise PermissionDeniedError(
        _("Only the person or device that sent it and the project's leads may edit it."),
        code=ProblemCode.EDIT_NOT_PERMITTED,
    )


def _erased() -> ConflictError:
    return ConflictError(
        _("This submission was erased and cannot be submitted again."),
        code=ProblemCode.INSTANCE_ERASED,
    )


def _clean_instance_id(value: Any, *, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_INSTANCE_ID_LENGTH:
        raise InvalidInputError(
            _("Give an instance ID such as uuid:… of at most 200 characters."),
            code=ProblemCode.INVALID_INSTANCE_ID,
            details={field: [_("Give an instance ID of 1 to 200 characters.")]},
        )
    return text


@transaction.atomic
def observation_erase(*, actor: Actor, observation: Observation) -> Tombstone:
    """Delete an observation and leave a tombstone of its instance ID in its place.

    Later submissions with that instance ID are refused (`instance_erased`). Edits of the
    observation keep existing; their `deprecates` link is cleared by the database.
    """
    permissions.require(actor, "project.view", observation.form.project)
    permissions.require(actor, "observation.erase", observation)
    tombstone, _created = Tombstone.objects.get_or_create(
        form=observation.form, instance_hash=instance_hash(observation.instance_id)
    )
    audit_record(
        actor=actor,
        action="observation.erased",
        target=observation.form,
        details={"observation_id": observation.pk, "tombstone_id": tombstone.pk},
    )
    media_files_erase(observation=observation)
    with map_counts.observations_changing([observation.pk]):
        observation.delete()
    return tombstone


@dataclass(frozen=True)
class Submission:
    """One item of a batch: the arguments of observation_submit, with the version as a string."""

    instance_id: str
    version: str
    answers: dict[str, Any]
    deprecated_id: str | None = None
    observed_at: datetime | None = None
    location: Location | None = None
    geoprivacy: str | None = None


@dataclass(frozen=True)
class BatchResult:
    """What happened to one batch item: created, duplicate, conflict, invalid or refused."""

    index: int
    instance_id: str
    status: str
    observation: Observation | None = None
    code: str = ""
    detail: str = ""
    errors: Any = None


MAX_BATCH = 100


def _batch_refusal(index: int, instance_id: str, error: DomainError) -> BatchResult:
    """The result of an item the service refused: conflict, invalid (with its per-question
    errors) or refused (an edit the caller may not make)."""
    if isinstance(error, ConflictError):
        status, errors = "conflict", None
    elif isinstance(error, InvalidInputError):
        status, errors = "invalid", error.details
    else:
        status, errors = "refused", None
    return BatchResult(
        index=index,
        instance_id=instance_id,
        status=status,
        code=error.code,
        detail=error.message,
        errors=errors,
    )


def observation_submit_batch(
    *, actor: Actor, form: Any, submissions: list[Submission]
) -> list[BatchResult]:
    """Submit each item on its own (one failing item does not undo the others).

    Every item gets a result: `created`, `duplicate` (identical resubmission), `conflict`
    (`instance_conflict`, `instance_erased`, `consent_required`: the consent gate is passed
    once per batch and, when it refuses, refuses every item), `invalid` (bad answers, unknown
    version) or `refused` (`edit_not_permitted`: an edit of someone else's observation).
    A refusal to submit to the project at all raises for the whole batch.
    """
    permissions.require(actor, "project.view", form.project)
    permissions.require(actor, "observation.submit", form.project)
    if len(submissions) > MAX_BATCH:
        raise InvalidInputError(
            _("A batch may hold at most %(count)d submissions.") % {"count": MAX_BATCH},
            code=ProblemCode.BATCH_TOO_LARGE,
        )
    versions = {
        version.version: version
        for version in form.versions.filter(
            version__in={item.version for item in submissions}, published_at__isnull=False
        )
    }
    policy = policy_of(form.project)
    consent_version: ConsentVersion | None = None
    consent_refusal: ConflictError | None = None
    try:
        consent_version = consent_version_in_force_for(actor=actor, project=form.project)
    except ConflictError as error:
        consent_refusal = error
    history = _History()
    results: dict[int, BatchResult] = {}
    # New submissions are checked one by one and inserted together; edits (they change earlier
    # rows) and an instance ID repeated within the batch go one by one after them.
    together: list[tuple[int, _Prepared, FormVersion]] = []
    one_by_one: list[tuple[int, Submission, FormVersion]] = []
    seen: set[str] = set()
    for index, item in enumerate(submissions):
        if consent_refusal is not None:
            results[index] = _batch_refusal(index, item.instance_id, consent_refusal)
            continue
        version = versions.get(item.version)
        if version is None:
            results[index] = BatchResult(
                index=index,
                instance_id=item.instance_id,
                status="invalid",
                code=ProblemCode.UNKNOWN_VERSION,
                detail=_("The form has no published version “%(v)s”.") % {"v": item.version},
            )
            continue
        version.form = form
        key = item.instance_id.strip() if isinstance(item.instance_id, str) else ""
        if item.deprecated_id is not None or key in seen:
            one_by_one.append((index, item, version))
            continue
        try:
            prepared = _prepare(
                actor=actor,
                form_version=version,
                instance_id=item.instance_id,
                answers=item.answers,
                deprecated_id=None,
                observed_at=item.observed_at,
                location=item.location,
                geoprivacy=item.geoprivacy,
                policy=policy,
                consent_version=consent_version,
                history=history,
            )
        except (ConflictError, InvalidInputError, PermissionDeniedError) as error:
            results[index] = _batch_refusal(index, item.instance_id, error)
            continue
        seen.add(key)
        together.append((index, prepared, version))
        history.add(prepared.observation)
    results.update(_store_together(form, together))
    for index, item, version in one_by_one:
        try:
            observation, created = _submit_permitted(
                actor=actor,
                form_version=version,
                instance_id=item.instance_id,
                answers=item.answers,
                deprecated_id=item.deprecated_id,
                observed_at=item.observed_at,
                location=item.location,
                geoprivacy=item.geoprivacy,
                policy=policy,
                consent_version=consent_version,
                history=history,
            )
        except (ConflictError, InvalidInputError, PermissionDeniedError) as error:
            results[index] = _batch_refusal(index, item.instance_id, error)
        else:
            results[index] = _batch_stored(index, item.instance_id, observation, created)
    return [results[index] for index in range(len(submissions))]


def _batch_stored(
    index: int, instance_id: str, observation: Observation, created: bool
) -> BatchResult:
    return BatchResult(
        index=index,
        instance_id=instance_id,
        status="created" if created else "duplicate",
        observation=observation,
    )


class _InsertRefusedError(Exception):
    """The multi-row insert met a row or tombstone that appeared after it looked."""


def _store_together(
    form: Any, items: list[tuple[int, _Prepared, FormVersion]]
) -> dict[int, BatchResult]:
    """Store a batch's new rows with one multi-row INSERT: three queries for the whole batch.

    Rows already stored under an instance ID, and erased IDs, are found first (one query each)
    and answered as `observation_submit` would. The rest go in one INSERT, with the tombstones
    checked again inside its transaction; when another request stored or erased one of those
    IDs in the meantime (the unique index refuses or a tombstone appears), the INSERT is undone
    and each row goes through `_store` on its own, which decides it exactly."""
    results: dict[int, BatchResult] = {}
    if not items:
        return results
    instance_ids = [prepared.observation.instance_id for _i, prepared, _v in items]
    stored_rows = {
        row.instance_id: row
        for row in Observation.objects.select_related("observer", "deprecates").filter(
            form=form, instance_id__in=instance_ids
        )
    }
    erased = set(
        Tombstone.objects.filter(
            form=form,
            instance_hash__in=[key for _i, prepared, _v in items for key in prepared.erased_keys],
        ).values_list("instance_hash", flat=True)
    )
    new: list[tuple[int, _Prepared, FormVersion]] = []
    for index, prepared, version in items:
        observation = prepared.observation
        stored = stored_rows.get(observation.instance_id)
        try:
            if erased.intersection(prepared.erased_keys):
                raise _erased()
            if stored is not None:
                row = _same_or_conflict(stored, prepared, form_version=version)
                results[index] = _batch_stored(index, observation.instance_id, row, False)
                continue
        except ConflictError as error:
            results[index] = _batch_refusal(index, observation.instance_id, error)
            continue
        new.append((index, prepared, version))
    try:
        with transaction.atomic():
            Observation.objects.bulk_create([prepared.observation for _i, prepared, _v in new])
            keys = [key for _i, prepared, _v in new for key in prepared.erased_keys]
            if new and Tombstone.objects.filter(form=form, instance_hash__in=keys).exists():
                raise _InsertRefusedError()
            # Same-transaction bookkeeping of the stored observations.
            map_counts.observations_added([prepared.observation for _i, prepared, _v in new])
    except (IntegrityError, _InsertRefusedError):
        for index, prepared, version in new:
            prepared.observation.pk = None
            try:
                row, created = _store(prepared, form_version=version, history=None)
            except ConflictError as error:
                results[index] = _batch_refusal(index, prepared.observation.instance_id, error)
            else:
                results[index] = _batch_stored(index, row.instance_id, row, created)
        return results
    for index, prepared, _version in new:
        observation = prepared.observation
        results[index] = _batch_stored(index, observation.instance_id, observation, True)
    return results
