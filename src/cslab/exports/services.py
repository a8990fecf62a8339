"""Writing an export of one form's observations to a file, and the data exports a person
prepares from a project's data page: a background job writes the file under
CSLAB_VAR_DIR/exports/data/, the page links it until it expires (7 days), and the daily
retention run deletes expired files."""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyRequestsError,
)
from cslab.core.file_purges import register_file_purge
from cslab.core.permissions import require
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from cslab.exports import darwin_core
from cslab.exports.columns import Table
from cslab.exports.darwin_core_mapping import darwin_core_mapping_effective
from cslab.exports.models import DataExport
from cslab.exports.selectors import (
    OBSERVER_ID_CELL,
    ExportMetadata,
    ExportPlan,
    export_credit_names,
    export_observation_count,
    export_plan,
    export_rows,
)
from cslab.exports.workflow_tables import (
    WORKFLOW_DATASETS,
    WORKFLOW_FORMATS,
    workflow_export_count,
    workflow_export_plan,
    workflow_export_rows,
    workflow_get_for_export,
    workflow_is_public,
)
from cslab.exports.writers import FORMATS, SUFFIXES, WRITERS
from cslab.observations.selectors import form_get_for_viewing
from cslab.projects.models import Project

logger = logging.getLogger(__name__)

PROGRESS_EVERY_OBSERVATIONS = 1000
# Rows (with their repetitions) held back to look up their observers' credit names at once.
CREDIT_NAME_BATCH_ROWS = 2000
DATA_EXPORT_JOB = "exports.data_export"
EXPORT_FOLDER = Path("exports") / "data"
VALID_FOR = timedelta(days=7)
EXPORTS_PER_DAY = 20


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: dict[str, int]  # rows written per table
    metadata: ExportMetadata


def export_write(
    *,
    actor: Actor,
    project: Project,
    form_id: str,
    format: str,
    destination: Path,
    public: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    darwin_core_mapping: Mapping[str, str] | None = None,
) -> ExportResult:
    """Write `project`'s observations of form `form_id` as `format` to `destination`.

    What is written is what `actor` may see (a `public` export: what an anonymous visitor may
    see). NotFoundError when the project or form is hidden from that viewer; InvalidInputError
    for an unknown format or a Darwin Core mapping that does not fit the form.
    `on_progress(done, total)` is told the observations written so far. `darwin_core_mapping`
    (Darwin Core term → question name) overrides the defaults of a ``dwca`` export.
    """
    if format not in FORMATS:
        message = f"Unknown export format {format!r}; choose one of {', '.join(FORMATS)}."
        raise InvalidInputError(message, details={"format": [message]})
    plan = export_plan(
        user=actor,
        project=project,
        form_id=form_id,
        public=public,
        darwin_core_mapping=darwin_core_mapping,
    )
    if darwin_core_mapping is None and format == "dwca":
        # No mapping given: the one the project's team saved for the form, if any.
        stored = darwin_core_mapping_effective(tables=plan.tables, form=plan.form)
        plan = replace(plan, metadata=replace(plan.metadata, darwin_core_mapping=stored))
    # Checked before any row is read, so that a wrong mapping fails without a half-written file.
    darwin_core.darwin_core_mapping(plan.tables, plan.metadata.darwin_core_mapping)
    total = export_observation_count(plan) if on_progress else 0
    counted: Counter[str] = Counter()
    rows: Iterable[tuple[Table, dict[str, Any]]] = _counting(
        export_rows(plan), counted, on_progress, total
    )
    if format == "dwca" and plan.metadata.true_locations:
        rows = _with_credit_names(plan, rows)
    WRITERS[format](destination, plan.tables, rows, plan.metadata)
    if on_progress:
        on_progress(counted[plan.tables.name], total)
    written = {table.name: counted[table.name] for table in plan.tables.every_table()}
    return ExportResult(path=destination, format=format, rows=written, metadata=plan.metadata)


def _counting(
    rows: Iterable[tuple[Table, dict[str, Any]]],
    counted: Counter[str],
    on_progress: Callable[[int, int], None] | None,
    total: int,
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Pass the rows on, counting them per table in `counted` and telling `on_progress` of
    every PROGRESS_EVERY_OBSERVATIONS rows of the main table (linked tables have a `path`)."""
    for table, cells in rows:
        counted[table.name] += 1
        if on_progress and not table.path:
            done = counted[table.name]
            if done % PROGRESS_EVERY_OBSERVATIONS == 0:
                on_progress(done, total)
        yield table, cells


def _with_credit_names(
    plan: ExportPlan, rows: Iterable[tuple[Table, dict[str, Any]]]
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Each observation row with the name its observer chose to be credited by (Darwin Core's
    recordedBy). Rows are held back a batch at a time, so that the observers first seen in a
    batch are looked up in one query; names are kept for the export (a project has far fewer
    observers than observations)."""
    names: dict[int, str | None] = {}
    held: list[tuple[Table, dict[str, Any]]] = []

    def release() -> Iterator[tuple[Table, dict[str, Any]]]:
        unseen = {
            cells[OBSERVER_ID_CELL]
            for table, cells in held
            if not table.path and cells.get(OBSERVER_ID_CELL) is not None
        } - names.keys()
        if unseen:
            names.update(export_credit_names(plan, unseen))
        for table, cells in held:
            observer_id = cells.get(OBSERVER_ID_CELL)
            if not table.path and observer_id is not None:
                cells[darwin_core.RECORDED_BY_CELL] = names[observer_id]
        yield from held
        held.clear()

    for row in rows:
        held.append(row)
        if len(held) >= CREDIT_NAME_BATCH_ROWS:
            yield from release()
    yield from release()


def export_directory() -> Path:
    """The site's var folder (CSLAB_VAR_DIR), read at call time so that tests point it
    elsewhere."""
    return Path(settings.VAR_DIR)  # type: ignore[misc]


def _check_daily_limit(person: Any) -> None:
    """TooManyRequestsError past 20 exports (of any kind) in the last 24 hours."""
    recent = DataExport.objects.filter(
        requested_by=person, created_at__gt=timezone.now() - timedelta(days=1)
    )
    if recent.count() >= EXPORTS_PER_DAY:
        raise TooManyRequestsError(
            _("You prepared %(count)s exports in the last 24 hours; try again tomorrow.")
            % {"count": EXPORTS_PER_DAY}
        )


def _exporter(
    *, actor: Actor, project: Project, format: str, formats: Iterable[str], scope: str
) -> User:
    """The person who may start an export of this format and scope: InvalidInputError for a
    format or scope not offered; the scope's rule; NotFoundError for an app user (the rules
    grant signed-in people only, and an app user has no exports)."""
    if format not in formats:
        message = _("Choose one of the offered formats.")
        raise InvalidInputError(message, details={"format": [message]})
    if scope not in DataExport.Scope.values:
        message = _("Choose public or team.")
        raise InvalidInputError(message, details={"scope": [message]})
    require(actor, f"exports.{scope}.start", project)
    person = person_or_none(actor)
    if person is None:
        raise NotFoundError()
    return person


def data_export_start(
    *, actor: Actor, project: Project, form_id: str, format: str, scope: str
) -> DataExport:
    """Queue an export of one form in one format, or return the same one already queued.

    NotFoundError when the person may not see the project or form, and for a team export by
    someone who may not see true locations (the rule is hidden: it does not confirm that true
    locations exist); InvalidInputError for an unknown format or scope; TooManyRequestsError
    past 20 exports a day.
    """
    person = _exporter(actor=actor, project=project, format=format, formats=FORMATS, scope=scope)
    form = form_get_for_viewing(user=actor, project=project, form_id=form_id)
    _check_daily_limit(person)
    try:
        with transaction.atomic():
            export = DataExport.objects.create(
                project=project, form=form, format=format, scope=scope, requested_by=person
            )
    except IntegrityError:
        # The database's constraint: one queued export per person, form, format and scope.
        return DataExport.objects.get(
            requested_by=person,
            project=project,
            form=form,
            format=format,
            scope=scope,
            status=DataExport.Status.QUEUED,
        )
    export.job = job_start(
        actor=actor,
        kind=DATA_EXPORT_JOB,
        title=_("Export of %(form)s (%(format)s)") % {"form": form.title, "format": format},
        arguments={"export_id": export.pk},
    )
    export.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="exports.data_export.started",
        target=project,
        details={"form": form.form_id, "format": format, "scope": scope},
    )
    return export


def data_export_build(
    *, export_id: int, report_progress: Callable[[int, str], None]
) -> dict[str, Any]:
    """Write an export's file and mark it ready (or failed); called by the job.

    The export is read as its scope says: a public one as an anonymous visitor, a team one as
    the person who asked, with that person's rights as they are now.
    """
    export = DataExport.objects.select_related("project", "form", "requested_by").get(pk=export_id)
    relative = (
        EXPORT_FOLDER / f"{export.project_id}-{secrets.token_hex(16)}{SUFFIXES[export.format]}"
    )
    destination = export_directory() / relative
    destination.parent.mkdir(parents=True, exist_ok=True)

    def progress(done: int, total: int) -> None:
        percent = min(99, int(done * 100 / total)) if total else 99
        report_progress(percent, gettext_noop("Writing the observations"))

    def workflow_progress(done: int, total: int) -> None:
        percent = min(99, int(done * 100 / total)) if total else 99
        report_progress(percent, gettext_noop("Writing the rows"))

    viewer: Any = export.requested_by if export.requested_by is not None else AnonymousUser()
    public = export.scope == DataExport.Scope.PUBLIC or export.requested_by is None
    try:
        if export.workflow_id is not None:
            result = workflow_export_write(
                actor=viewer,
                project=export.project,
                workflow_id=export.workflow_id,
                dataset=export.dataset,
                format=export.format,
                destination=destination,
                public=public,
                on_progress=workflow_progress,
            )
        elif export.form is not None:
            result = export_write(
                actor=viewer,
                project=export.project,
                form_id=export.form.form_id,
                format=export.format,
                destination=destination,
                public=public,
                on_progress=progress,
            )
        else:
            raise ValueError("An export comes from a form or a workflow.")
    except Exception:
        destination.unlink(missing_ok=True)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)
        raise
    destination.chmod(0o600)  # a team file holds true locations: the site's account only
    ready_at = timezone.now()
    export.file_name = str(relative)
    export.size_bytes = destination.stat().st_size
    export.rows = result.rows
    export.status = DataExport.Status.READY
    export.ready_at = ready_at
    export.expires_at = ready_at + VALID_FOR
    export.save(
        update_fields=["file_name", "size_bytes", "rows", "status", "ready_at", "expires_at"]
    )
    report_progress(100, gettext_noop("Done"))
    return {
        "url": reverse("project_data_exports", kwargs={"slug": export.project.slug}),
        "rows": result.rows,
        "size_bytes": export.size_bytes,
    }


def workflow_export_write(
    *,
    actor: Actor,
    project: Project,
    workflow_id: int,
    dataset: str,
    format: str,
    destination: Path,
    public: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write a workflow's `dataset` (classifications or results) as `format` to `destination`.

    What is written is what `actor` may see (a `public` export: what an anonymous visitor may
    see, without personal data); see `workflow_tables`. NotFoundError for a workflow hidden
    from that viewer or of another project; InvalidInputError for a format that does not fit
    a workflow or an unknown dataset. `on_progress(done, total)` is told the main table's rows
    written so far.
    """
    if format not in WORKFLOW_FORMATS:
        message = f"Unknown format {format!r} for a workflow; choose one of " + ", ".join(
            WORKFLOW_FORMATS
        )
        raise InvalidInputError(message, details={"format": [message]})
    plan = workflow_export_plan(
        user=actor, project=project, workflow_id=workflow_id, dataset=dataset, public=public
    )
    total = workflow_export_count(plan) if on_progress else 0
    counted: Counter[str] = Counter()
    rows = _counting(workflow_export_rows(plan), counted, on_progress, total)
    WRITERS[format](destination, plan.tables, rows, plan.metadata)
    if on_progress:
        on_progress(counted[plan.tables.name], total)
    written = {table.name: counted[table.name] for table in plan.tables.every_table()}
    return ExportResult(path=destination, format=format, rows=written, metadata=plan.metadata)


def workflow_export_start(
    *,
    actor: Actor,
    project: Project,
    workflow_id: int,
    dataset: str,
    format: str,
    scope: str,
) -> DataExport:
    """Queue an export of a workflow's classifications or consensus results in one format, or
    return the same one already queued.

    A public export needs a workflow an anonymous visitor may see (InvalidInputError for one
    that is not published); a team export the project's owners, researchers or Lab staff
    (NotFoundError for others: the rule is hidden). NotFoundError for a workflow the person
    may not see or of another project; InvalidInputError for an unknown dataset, format or
    scope; TooManyRequestsError past 20 exports a day (of any kind).
    """
    if dataset not in WORKFLOW_DATASETS:
        message = _("Choose classifications or results.")
        raise InvalidInputError(message, details={"dataset": [message]})
    person = _exporter(
        actor=actor, project=project, format=format, formats=WORKFLOW_FORMATS, scope=scope
    )
    workflow = workflow_get_for_export(user=actor, project=project, workflow_id=workflow_id)
    if scope == DataExport.Scope.TEAM:
        try:
            require(actor, "workflow.review", workflow)
        except PermissionDeniedError:
            raise NotFoundError() from None
    elif not workflow_is_public(workflow):
        message = _("This workflow is not published: prepare a team file instead.")
        raise InvalidInputError(message, details={"scope": [message]})
    _check_daily_limit(person)
    kind = {
        "requested_by": person,
        "project": project,
        "workflow": workflow,
        "dataset": dataset,
        "format": format,
        "scope": scope,
    }
    try:
        with transaction.atomic():
            export = DataExport.objects.create(**kind)
    except IntegrityError:
        # The database's constraint: one queued export per person, workflow, dataset, format
        # and scope.
        return DataExport.objects.get(status=DataExport.Status.QUEUED, **kind)
    names = {
        "classifications": _("classifications of %(workflow)s"),
        "results": _("consensus results of %(workflow)s"),
    }
    export.job = job_start(
        actor=actor,
        kind=DATA_EXPORT_JOB,
        title=_("Export of %(form)s (%(format)s)")
        % {"form": names[dataset] % {"workflow": workflow.name}, "format": format},
        arguments={"export_id": export.pk},
    )
    export.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="exports.data_export.started",
        target=project,
        details={"workflow": workflow.pk, "dataset": dataset, "format": format, "scope": scope},
    )
    return export


@register_file_purge("data_exports")
def data_exports_purge(now: datetime) -> int:
    """Delete the files of exports expired before `now`; the rows stay, marked expired."""
    deleted = 0
    root = export_directory().resolve()
    expired = DataExport.objects.filter(expires_at__lte=now).exclude(file_name="")
    for export in expired.iterator(chunk_size=500):
        path = (root / export.file_name).resolve()
        if path.is_relative_to(root / EXPORT_FOLDER):
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                logger.info("expired export file %s was already gone", export.file_name)
        DataExport.objects.filter(pk=export.pk).update(
            file_name="", status=DataExport.Status.EXPIRED
        )
    return deleted
