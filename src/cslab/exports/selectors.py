"""What an export holds, read as the exporting person may see it.

Rows come from `observation_list_visible` and `observation_public_views`, the one place that
decides what a viewer is shown: embargo, statuses, sensitive answers, and geoprivacy. A person
who may see true locations (the project's team with that right) exports true coordinates and
the observers' names; everyone else exports the public points, a column saying which were
obscured, the obscuring cell's half-diagonal as the uncertainty, and no personal data. A
*public* export is read as an anonymous visitor would, whoever asks for it.

Rows are read in batches by id (keyset pagination), so memory does not grow with the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.exports.columns import AnswerReaders, Column, Table, table_layout
from cslab.exports.models import DataExport
from cslab.exports.odata import Condition
from cslab.forms.models import Form, FormVersion
from cslab.observations.filters import ObservationFilters
from cslab.observations.models import Observation
from cslab.observations.selectors import (
    form_get_for_viewing,
    observation_list_visible,
    observation_public_views,
    sees_true_locations_of_project,
)
from cslab.participants.selectors import credit_names_for
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.models import Project

BATCH_SIZE = 2000
# Cells whose names start with this are for writers, never written as columns (no writer prints
# a cell its table has no column for; GeoJSON, which prints whole rows, leaves them out).
PRIVATE_CELL_PREFIX = "_"
# The observer's user id, in the rows of exports that show observers (true locations) only: the
# Darwin Core writer needs the person to honour their credit choice in recordedBy.
OBSERVER_ID_CELL = "_observer_id"


@dataclass(frozen=True)
class ExportMetadata:
    project_slug: str
    project_name: str
    form_id: str
    form_title: str
    form_versions: tuple[str, ...]  # newest first
    licence: str  # SPDX identifier
    licence_name: str
    licence_url: str
    citation: str
    true_locations: bool
    exported_at: datetime
    # The caller's Darwin Core terms -> question names, over the defaults found from the form
    # (read by the dwca writer only; empty: the defaults).
    darwin_core_mapping: Mapping[str, str] = field(default_factory=dict)
    # "observations", or a workflow's "classifications" or "results" (`workflow_tables`):
    # those have no coordinates, and `about` names what they add (task definition version,
    # aggregation method, how classifiers are named), in the README and the descriptions.
    dataset: str = "observations"
    about: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        if self.dataset != "observations":
            return {
                "project": self.project_slug,
                "project_name": self.project_name,
                "dataset": self.dataset,
                "source": self.form_id,
                "title": self.form_title,
                "versions": list(self.form_versions),
                "licence": self.licence,
                "licence_name": self.licence_name,
                "licence_url": self.licence_url,
                "citation": self.citation,
                **dict(self.about),
                "exported_at": self.exported_at.isoformat(),
            }
        return {
            "project": self.project_slug,
            "project_name": self.project_name,
            "form_id": self.form_id,
            "form_title": self.form_title,
            "form_versions": list(self.form_versions),
            "licence": self.licence,
            "licence_name": self.licence_name,
            "licence_url": self.licence_url,
            "citation": self.citation,
            "coordinates": "true" if self.true_locations else "public (obscured where needed)",
            "exported_at": self.exported_at.isoformat(),
        }


@dataclass(frozen=True)
class ExportPlan:
    """Everything an export writes except the rows: the viewer, the tables and the metadata."""

    viewer: Actor
    project: Project
    form: Form
    tables: Table
    metadata: ExportMetadata
    # What the rows are narrowed to, besides the form (None: every row the viewer may see).
    filters: ObservationFilters | None = None
    # An OData feed's `$filter`, on what the viewer is shown of each row (all must hold).
    conditions: tuple[Condition, ...] = ()

    def observation_filters(self) -> ObservationFilters:
        """The plan's filters with the plan's form: a `form` filter cannot widen an export."""
        return replace(self.filters or ObservationFilters(), form_id=self.form.form_id)


def _leading_columns(*, personal_data: bool) -> list[Column]:
    columns = [
        Column("key", "string", "The observation's instance ID (unique in the form)"),
        Column("form_version", "string", "The form version the observation was made with"),
        Column(
            "observed_at",
            "string",
            "When it was observed (ISO 8601; only the day where geoprivacy coarsens the time)",
        ),
        Column("submitted_at", "string", "When it was stored (ISO 8601; coarsened likewise)"),
        Column("status", "string", "Moderation status: pending, accepted, flagged or rejected"),
        Column("latitude", "number", "Latitude in degrees (WGS84)"),
        Column("longitude", "number", "Longitude in degrees (WGS84)"),
        Column(
            "coordinate_uncertainty_m",
            "number",
            "Uncertainty of the point in metres; for an obscured point, at least the half "
            "diagonal of the grid cell it was moved within",
        ),
        Column(
            "coordinates_obscured",
            "boolean",
            "True when the point shown is not the true one (geoprivacy obscured it)",
        ),
        Column("geoprivacy", "string", "The observation's geoprivacy: open, obscured or private"),
    ]
    if personal_data:
        columns.append(Column("observer", "string", "The observer's public name"))
    return columns


def export_plan(
    *,
    user: Actor,
    project: Project,
    form_id: str,
    public: bool,
    darwin_core_mapping: Mapping[str, str] | None = None,
    filters: ObservationFilters | None = None,
) -> ExportPlan:
    """The plan of an export of one form; NotFoundError when the viewer may not see it.

    `filters` (the observation list's: time, place, status, answers) narrow the rows.
    """
    viewer: Actor = AnonymousUser() if public else user
    form = form_get_for_viewing(user=viewer, project=project, form_id=form_id)
    # Checked here too, so that a project the viewer may not see fails before any work.
    observation_list_visible(user=viewer, project=project, filters=None)
    true_locations = sees_true_locations_of_project(viewer, project)
    versions = list(form.versions.order_by("-id"))
    tables = table_layout(
        [version.form_definition for version in versions],
        leading_columns=_leading_columns(personal_data=true_locations),
        name=form.form_id,
    )
    with translation.override("en"):
        licence = project_licence_and_citation(project)
    metadata = ExportMetadata(
        project_slug=project.slug,
        project_name=project.name,
        form_id=form.form_id,
        form_title=form.title,
        form_versions=tuple(version.version for version in versions),
        licence=licence.licence,
        licence_name=licence.licence_name,
        licence_url=licence.licence_url,
        citation=licence.citation,
        true_locations=true_locations,
        exported_at=timezone.now(),
        darwin_core_mapping=dict(darwin_core_mapping or {}),
    )
    return ExportPlan(
        viewer=viewer,
        project=project,
        form=form,
        tables=tables,
        metadata=metadata,
        filters=filters,
    )


def _observations(plan: ExportPlan) -> QuerySet[Observation]:
    queryset = observation_list_visible(
        user=plan.viewer, project=plan.project, filters=plan.observation_filters()
    )
    for condition in plan.conditions:
        queryset = queryset.filter(_condition_query(plan, condition))
    return queryset.order_by("id")


def _start_of_local_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _condition_query(plan: ExportPlan, condition: Condition) -> Q:
    """The rows for which `condition` holds on what the viewer is shown of them.

    A viewer is shown the submission time itself where they see the truth (their own
    observations, open ones, or all where they see true locations); elsewhere only its local
    day, which a feed gives as that day's midnight UTC and compares as such."""
    if condition.field == "reviewState":
        return Q(status__in=condition.statuses())
    moment = condition.moment
    assert moment is not None  # noqa: S101 (parse_filter gives every submissionDate a moment)
    op = condition.op
    exact = {
        "eq": Q(created_at=moment),
        "ne": ~Q(created_at=moment),
        "gt": Q(created_at__gt=moment),
        "ge": Q(created_at__gte=moment),
        "lt": Q(created_at__lt=moment),
        "le": Q(created_at__lte=moment),
    }[op]
    if plan.metadata.true_locations:
        return exact
    # The shown day D (as midnight UTC) against the moment m: D's midnight > m exactly when
    # D > m's UTC day; >= needs D >= that day, or the next one when m is not a midnight.
    moment = moment.astimezone(UTC)
    day = moment.date()
    midnight = moment == datetime.combine(day, time.min, tzinfo=UTC)
    first_day_after = _start_of_local_day(day + timedelta(days=1))
    first_day = _start_of_local_day(day)
    same_day = (
        Q(created_at__gte=first_day, created_at__lt=first_day_after) if midnight else Q(pk__in=[])
    )
    by_day = {
        "eq": same_day,
        "ne": ~same_day,
        "gt": Q(created_at__gte=first_day_after),
        "ge": Q(created_at__gte=first_day if midnight else first_day_after),
        "lt": Q(created_at__lt=first_day if midnight else first_day_after),
        "le": Q(created_at__lt=first_day_after),
    }[op]
    shown_exactly = Q(geoprivacy=Observation.Geoprivacy.OPEN, geoprivacy_forced=False)
    if plan.viewer.is_authenticated:
        shown_exactly |= Q(observer_id=plan.viewer.pk)
    return (shown_exactly & exact) | (~shown_exactly & by_day)


def export_observation_count(plan: ExportPlan) -> int:
    return _observations(plan).count()


def export_next_cursor(plan: ExportPlan, *, after_id: int, limit: int) -> int | None:
    """The id to pass as `after_id` for the page after the `limit` observations following
    `after_id`; None when that page is the last. Ids only grow, so paging by them returns every
    observation once even while new ones arrive."""
    ids = list(
        _observations(plan).filter(id__gt=after_id).values_list("id", flat=True)[: limit + 1]
    )
    return ids[limit - 1] if len(ids) > limit else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _main_row(
    plan: ExportPlan, view: dict[str, Any], answer_cells: dict[str, Any]
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": view["instance_id"],
        "form_version": view["version"],
        "observed_at": _iso(view["observed_at"]),
        "submitted_at": _iso(view["created_at"]),
        "status": view["status"],
        "latitude": view["latitude"],
        "longitude": view["longitude"],
        "coordinate_uncertainty_m": view["accuracy"],
        "coordinates_obscured": bool(view["location_obscured"]),
        "geoprivacy": view["geoprivacy"],
    }
    if plan.metadata.true_locations:
        observer = view["observer"]
        row["observer"] = observer["name"] if observer else None
        row[OBSERVER_ID_CELL] = observer["id"] if observer else None
    row.update(answer_cells)
    return row


# The columns `observation_public_view` reads (and nothing more): with the project's, form's
# and observer's rows joined to each observation, reading them cost more than writing the file.
VIEWED_FIELDS = (
    "id",
    "project_id",
    "form_id",
    "form_version_id",
    "instance_id",
    "observer_id",
    "answers",
    "latitude",
    "longitude",
    "accuracy",
    "observed_at",
    "observed_day_only",
    "geoprivacy",
    "geoprivacy_forced",
    "public_latitude",
    "public_longitude",
    "status",
    "status_reason",
    "warnings",
    "deprecates_id",
    "created_at",
)


_PROJECT = Observation._meta.get_field("project")
_FORM = Observation._meta.get_field("form")
_FORM_VERSION = Observation._meta.get_field("form_version")
_OBSERVER = Observation._meta.get_field("observer")
_DEPRECATES = Observation._meta.get_field("deprecates")


@dataclass
class _Relations:
    """The objects an export's observations point to, read once per export (versions) or once
    per batch for the ones not seen yet (observers, replaced observations), and set on each
    observation so that `observation_public_view` reads them without a query."""

    plan: ExportPlan
    versions: dict[int, FormVersion] = field(default_factory=dict)
    observers: dict[int, User] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.versions = {
            version.pk: version
            for version in FormVersion.objects.filter(form=self.plan.form).only("id", "version")
        }

    def attach(self, batch: list[Observation]) -> None:
        unseen = {item.observer_id for item in batch} - self.observers.keys() - {None}
        if unseen:
            people = User.objects.filter(pk__in=unseen).only("id", "display_name", "profile_public")
            self.observers.update((person.pk, person) for person in people)
        replaced_ids = {item.deprecates_id for item in batch if item.deprecates_id is not None}
        replaced = (
            Observation.objects.filter(pk__in=replaced_ids).only("id", "instance_id").in_bulk()
            if replaced_ids
            else {}
        )
        # Set as Django's own prefetching does: only the cache, which is all that is missing
        # (assigning through the attributes would check each object and its database again).
        project, form = self.plan.project, self.plan.form
        for item in batch:
            _PROJECT.set_cached_value(item, project)
            _FORM.set_cached_value(item, form)
            _FORM_VERSION.set_cached_value(item, self.versions[item.form_version_id])
            observer_id, replaced_id = item.observer_id, item.deprecates_id
            _OBSERVER.set_cached_value(
                item, self.observers.get(observer_id) if observer_id else None
            )
            _DEPRECATES.set_cached_value(item, replaced.get(replaced_id) if replaced_id else None)


def export_rows(
    plan: ExportPlan,
    *,
    batch_size: int = BATCH_SIZE,
    after_id: int = 0,
    limit: int | None = None,
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Every row of every table, oldest observation first, each followed by its repetitions;
    only observations with an id above `after_id`, at most `limit` of them (None: all)."""
    queryset = _observations(plan).select_related(None).only(*VIEWED_FIELDS)
    relations = _Relations(plan)
    readers = AnswerReaders(plan.tables)
    last_id = after_id
    remaining = limit
    while remaining is None or remaining > 0:
        size = batch_size if remaining is None else min(batch_size, remaining)
        batch = list(queryset.filter(id__gt=last_id)[:size])
        if not batch:
            return
        last_id = batch[-1].pk
        if remaining is not None:
            remaining -= len(batch)
        relations.attach(batch)
        for view in observation_public_views(plan.viewer, batch):
            answers = view["answers"] or {}
            yield plan.tables, _main_row(plan, view, readers.cells(plan.tables, answers))
            yield from readers.repeat_rows(plan.tables, answers, view["instance_id"])


EXPORTS_SHOWN = 50


def data_export_list_for_project(*, user: Actor, project: Project) -> list[DataExport]:
    """The exports of a project a person may use: everyone's ready public exports, and the
    person's own exports of any status, newest first."""
    now = timezone.now()
    shown = Q(scope=DataExport.Scope.PUBLIC, status=DataExport.Status.READY, expires_at__gt=now)
    if user.is_authenticated:
        shown |= Q(requested_by_id=user.pk)
    return list(
        DataExport.objects.filter(project=project)
        .filter(shown)
        .select_related("form", "workflow", "job")
        .order_by("-created_at", "-id")[:EXPORTS_SHOWN]
    )


def data_export_is_downloadable(export: DataExport, *, now: datetime) -> bool:
    """Whether an export's file may be fetched (a download still checks who asks)."""
    return bool(
        export.status == DataExport.Status.READY
        and export.file_name
        and export.expires_at is not None
        and export.expires_at > now
    )


def data_export_get_for_download(*, user: Actor, project: Project, export_id: int) -> DataExport:
    """A ready, unexpired export's row; NotFoundError when it is not, or when it is a team
    export and the person is not the one who asked or no longer sees true locations."""
    export = (
        DataExport.objects.filter(
            project=project,
            pk=export_id,
            status=DataExport.Status.READY,
            expires_at__gt=timezone.now(),
        )
        .exclude(file_name="")
        .select_related("form")
        .first()
    )
    if export is None:
        raise NotFoundError()
    if export.scope == DataExport.Scope.TEAM and not (
        user.is_authenticated
        and export.requested_by_id == user.pk
        and permissions.has_permission(user, "exports.team.start", project)
    ):
        raise NotFoundError()
    return export


def export_credit_names(plan: ExportPlan, user_ids: Iterable[int]) -> dict[int, str | None]:
    """The names observers chose to be credited by in the plan's project (None: not named), by
    user id, read in one query for all of them.

    Only for exports that show observers: a public export names nobody, whatever they chose.
    """
    wanted = set(user_ids)
    names: dict[int, str | None] = dict.fromkeys(wanted)
    if plan.metadata.true_locations and wanted:
        people = User.objects.filter(pk__in=wanted).only("id", "display_name", "profile_public")
        names.update(credit_names_for(users=people, project=plan.project))
    return names
