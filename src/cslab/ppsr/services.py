"""Import a PPSR Core catalogue (`{"Project": [...]}`) from another platform.

How an import behaves:

* **Idempotent.** A project is keyed on (origin, projectId), the database's unique constraint
  `project_imported_once_per_origin`. A record seen before updates its project (or leaves it
  unchanged); it never makes a second one. The same projectId twice in one file fails the
  later record, so a preview and the import report the same thing.
* **None of the good records lost.** Each record runs in its own savepoint: a record that
  cannot become a project fails with its index (from 0, its position in the `Project` list),
  its projectId and the reasons in words, and the others import. What a record cannot use
  (an unknown country, a broken area, an invalid e-mail address) is left out with a warning;
  see `ppsr.imported_project` for the mapping.
* **Who and how.** New projects are created by the system (actor None) through
  `project_create`, public, without a team. Records that have started (Active, On hold,
  Completed, ...) are approved and listed at once, since their origin already published
  them; "Not yet started" and unknown statuses become incubating projects that only Lab
  staff see until they review them. The responsible party links the project to an existing
  organisation of the same name (organisations are not created by imports); otherwise the
  name is kept as the contact name when the record names no contact person.
* **Re-import.** The origin is the authority on what it sent: the imported fields (name,
  aim, description, how to take part, dates, difficulty, equipment, contact, website, place
  name, area, status) and tags (science types, research domains, keywords, PPSR tags,
  languages, countries) are replaced by the record's values; visibility, image, faculty and
  the team stay as they are here. A status change is written to the project's timeline with
  the origin as its comment; system updates do not flag the project for review.
* **Dry run.** Every record's savepoint is rolled back, so nothing is written, and the report
  says what an import would do.
* **Audit.** One `ppsr.imported` event per import run with the counts (a dry run records
  none). `project_create` records its own `project.created` event for each new project.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, DomainError, InvalidInputError
from cslab.core.models import Job
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_kind, job_start
from cslab.ppsr import records as ppsr
from cslab.projects import lifecycle
from cslab.projects.models import Organisation, Project, ProjectStatusChange
from cslab.projects.services.projects import (
    apply_geography,
    full_clean_project,
    project_create,
    replace_tags,
    search_document_for,
    tags_differ,
)

logger = logging.getLogger(__name__)

MAX_CATALOGUE_BYTES = 50 * 1024 * 1024
UPLOAD_DIRECTORY = "ppsr-imports"
_PROGRESS_STEPS = 50


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class RecordResult:
    """What happened to one record: its index in the file, projectId, outcome and messages.

    `messages` are the reasons for a failure, or the warnings of a record that imported.
    """

    index: int
    project_id: str
    name: str
    outcome: str
    messages: tuple[str, ...] = ()
    slug: str = ""


@dataclass
class PpsrImportReport:
    """The per-record report of one import run (or dry run) and its counts."""

    origin: str
    dry_run: bool
    records: list[RecordResult] = field(default_factory=list)

    def _count(self, outcome: Outcome) -> int:
        return sum(1 for record in self.records if record.outcome == outcome)

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def created(self) -> int:
        return self._count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self._count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(Outcome.UNCHANGED)

    @property
    def failed(self) -> list[tuple[int, str, list[str]]]:
        """Return (index, projectId, reasons in words) of every record that failed."""
        return [
            (record.index, record.project_id, list(record.messages))
            for record in self.records
            if record.outcome == Outcome.FAILED
        ]

    @property
    def warnings(self) -> list[tuple[int, str, list[str]]]:
        """Return (index, projectId, warnings) of imported records that left something out."""
        return [
            (record.index, record.project_id, list(record.messages))
            for record in self.records
            if record.outcome != Outcome.FAILED and record.messages
        ]

    @property
    def all_imported(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": len(self.failed),
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-serialisable data (a background job's result)."""
        return {
            "origin": self.origin,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "records": [asdict(record) for record in self.records],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PpsrImportReport:
        return cls(
            origin=data["origin"],
            dry_run=data["dry_run"],
            records=[
                RecordResult(**{**record, "messages": tuple(record["messages"])})
                for record in data["records"]
            ],
        )


ProgressCallback = Callable[[int, int], None]


def ppsr_catalogue_read(data: bytes) -> list[Any]:
    """Return the project records of a PPSR Core catalogue file; raise InvalidInputError.

    The file is decoded as UTF-8 (a byte-order mark is allowed) and, failing that, as
    Windows-1252, the encoding of the PPSR Core schema file itself. A catalogue is
    `{"Project": [...]}`; a bare list of records is accepted too.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InvalidInputError(
                _("The file is neither UTF-8 nor Windows-1252 text."),
                code=ProblemCode.INVALID_CATALOGUE,
            ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(
            _("The file is not JSON: %(error)s (line %(line)d).")
            % {"error": error.msg, "line": error.lineno},
            code=ProblemCode.INVALID_CATALOGUE,
        ) from None
    records = document.get("Project") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise InvalidInputError(
            _('The file is not a PPSR Core catalogue: it needs a "Project" list.'),
            code=ProblemCode.INVALID_CATALOGUE,
        )
    return records


def ppsr_catalogue_import(
    *,
    actor: Actor | None,
    data: bytes | list[Any],
    origin: str,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> PpsrImportReport:
    """Import every record of a PPSR Core catalogue from `origin`; return the report.

    `actor` None is the system (the command line); a person must be Lab staff. `data` is the
    file's bytes or its records. `progress(done, total)` is called every few records.
    Raises InvalidInputError only for a file or origin that cannot be used at all; a bad
    record is reported, never raised. Do not call inside a transaction you need to keep
    short: each record commits on its own unless the caller holds a transaction.
    """
    if actor is not None:
        permissions.require(actor, "ppsr.import")
    origin = origin.strip()
    if not origin or len(origin) > 200:
        raise InvalidInputError(
            _("Name the origin of the catalogue (at most 200 characters)."),
            code=ProblemCode.INVALID_ORIGIN,
        )
    records = ppsr_catalogue_read(data) if isinstance(data, bytes) else data
    report = PpsrImportReport(origin=origin, dry_run=dry_run)
    organisations = _organisations_by_name()
    first_index_of: dict[str, int] = {}
    step = max(1, len(records) // _PROGRESS_STEPS)
    for index, record in enumerate(records):
        report.records.append(
            _import_record(index, record, origin, dry_run, organisations, first_index_of)
        )
        if progress is not None and ((index + 1) % step == 0 or index + 1 == len(records)):
            progress(index + 1, len(records))
    if not dry_run:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="ppsr.imported",
                details={"origin": origin, **report.counts()},
            )
    logger.info("PPSR Core import from %s (dry run: %s): %s", origin, dry_run, report.counts())
    return report


def ppsr_import_start(*, actor: Actor, content: bytes, file_name: str, origin: str) -> Job:
    """Keep an uploaded catalogue and start a background dry run of its import (a preview).

    The file is checked to be a catalogue before it is kept; `ppsr_import_confirm` then imports
    the same file.
    """
    permissions.require(actor, "ppsr.import")
    origin = origin.strip()
    if not origin or len(origin) > 200:
        raise InvalidInputError(
            _("Name the origin of the catalogue (at most 200 characters)."),
            code=ProblemCode.INVALID_ORIGIN,
        )
    if len(content) > MAX_CATALOGUE_BYTES:
        raise InvalidInputError(
            _("The file is larger than %(megabytes)d MB.")
            % {"megabytes": MAX_CATALOGUE_BYTES // (1024 * 1024)},
            code=ProblemCode.INVALID_CATALOGUE,
        )
    records = ppsr_catalogue_read(content)
    stored = default_storage.save(
        f"{UPLOAD_DIRECTORY}/{uuid.uuid4().hex}.json", ContentFile(content)
    )
    return job_start(
        actor=actor,
        kind=ppsr.IMPORT_JOB_KIND,
        title=_("Preview of the PPSR Core import of %(file)s")
        % {"file": file_name[:100] or "catalogue"},
        arguments={
            "file_name": stored,
            "upload_name": file_name[:200],
            "origin": origin,
            "dry_run": True,
            "records": len(records),
        },
    )


def ppsr_import_confirm(*, actor: Actor, preview: Job) -> Job:
    """Start the import of a catalogue whose preview (dry run) has finished."""
    permissions.require(actor, "ppsr.import")
    arguments = preview.arguments
    if (
        preview.kind != ppsr.IMPORT_JOB_KIND
        or not arguments.get("dry_run")
        or preview.status != Job.Status.SUCCEEDED
    ):
        raise ConflictError(
            _("Only a finished preview can be imported."), code=ProblemCode.PREVIEW_NOT_FINISHED
        )
    if not default_storage.exists(arguments["file_name"]):
        raise ConflictError(
            _("This file has been imported already; upload it again to import it once more."),
            code=ProblemCode.PREVIEW_ALREADY_IMPORTED,
        )
    return job_start(
        actor=actor,
        kind=ppsr.IMPORT_JOB_KIND,
        title=_("PPSR Core import of %(file)s")
        % {"file": arguments.get("upload_name", "")[:100] or "catalogue"},
        arguments={**arguments, "dry_run": False, "preview_job_id": str(preview.pk)},
    )


@job_kind(ppsr.IMPORT_JOB_KIND)
def run_ppsr_import(
    job: Job,
    report_progress: Callable[[int, str], None],
    *,
    file_name: str,
    origin: str,
    dry_run: bool,
    **_details: object,
) -> dict[str, Any]:
    """Run a preview or an import of an uploaded catalogue; return the report as data.

    The uploaded file is deleted once it has been imported (not after a preview).
    """
    with default_storage.open(file_name, "rb") as upload:
        content = upload.read()
    message = gettext_noop("Checking records") if dry_run else gettext_noop("Importing records")

    def progress(done: int, total: int) -> None:
        report_progress(done * 100 // max(total, 1), message)

    report = ppsr_catalogue_import(
        actor=job.started_by, data=content, origin=origin, dry_run=dry_run, progress=progress
    )
    if not dry_run:
        default_storage.delete(file_name)
    return report.as_dict()


def _organisations_by_name() -> dict[str, Organisation]:
    """Return the organisations by case-folded name; the oldest wins a shared name."""
    by_name: dict[str, Organisation] = {}
    for organisation in Organisation.objects.order_by("pk"):
        by_name.setdefault(organisation.name.strip().casefold(), organisation)
    return by_name


def _import_record(
    index: int,
    record: Any,
    origin: str,
    dry_run: bool,
    organisations: dict[str, Organisation],
    first_index_of: dict[str, int],
) -> RecordResult:
    raw_id = record.get("projectId") if isinstance(record, dict) else None
    raw_name = record.get("projectName") if isinstance(record, dict) else None
    project_id = "" if raw_id is None else str(raw_id).strip()
    name = "" if raw_name is None else str(raw_name).strip()

    def failed(reasons: list[str]) -> RecordResult:
        return RecordResult(index, project_id, name[:200], Outcome.FAILED, tuple(reasons))

    try:
        imported = ppsr.imported_project(record)
    except ppsr.RecordError as error:
        return failed(error.reasons)
    if imported.external_id in first_index_of:
        return failed(
            [
                _("The projectId “%(id)s” appeared already in this file, at index %(index)d.")
                % {"id": imported.external_id, "index": first_index_of[imported.external_id]}
            ]
        )
    first_index_of[imported.external_id] = index
    organisation = organisations.get(imported.responsible_party_name.casefold())
    try:
        with transaction.atomic():
            outcome, project = _upsert(imported, origin, organisation)
            if dry_run:
                transaction.set_rollback(True)
    except DomainError as error:
        return failed([error.one_line()])
    except DatabaseError as error:
        logger.warning("PPSR Core record %s from %s: %s", index, origin, error)
        return failed([_("The database refused the record: %(error)s") % {"error": error}])
    return RecordResult(
        index,
        imported.external_id,
        imported.name,
        outcome,
        tuple(imported.warnings),
        "" if dry_run else project.slug,
    )


def _upsert(
    imported: ppsr.ImportedProject, origin: str, organisation: Organisation | None
) -> tuple[Outcome, Project]:
    """Create the project of a record, or update the one imported before from the same origin.

    The lookup only saves work: the unique constraint decides, and a project created by a
    concurrent import in the meantime is updated instead.
    """
    existing = _imported_project(origin, imported.external_id)
    if existing is None:
        try:
            with transaction.atomic():
                return Outcome.CREATED, _create(imported, origin, organisation)
        except (DatabaseError, InvalidInputError):
            existing = _imported_project(origin, imported.external_id)
            if existing is None:
                raise
    return _update(existing, imported, origin, organisation)


def _imported_project(origin: str, external_id: str) -> Project | None:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(origin=origin, external_id=external_id)
        .first()
    )


def _create(
    imported: ppsr.ImportedProject, origin: str, organisation: Organisation | None
) -> Project:
    return project_create(
        actor=None,
        name=imported.name,
        status=imported.status,
        tags=imported.tags,
        geographic_extent=imported.geographic_extent,
        origin=origin,
        external_id=imported.external_id,
        visibility=Project.Visibility.PUBLIC,
        organisation=organisation,
        **imported.fields,
    )


def _update(
    project: Project,
    imported: ppsr.ImportedProject,
    origin: str,
    organisation: Organisation | None,
) -> tuple[Outcome, Project]:
    """Make an imported project match its record again; caller holds the row lock."""
    wanted: dict[str, Any] = {"name": imported.name, **imported.fields}
    changed = [name for name, value in wanted.items() if getattr(project, name) != value]
    for name in changed:
        setattr(project, name, wanted[name])
    if organisation is not None and project.organisation_id != organisation.pk:
        project.organisation = organisation
        changed.append("organisation")
    if project.geographic_extent != imported.geographic_extent:
        apply_geography(project, imported.geographic_extent)
        changed += [
            "geographic_extent",
            "extent_west",
            "extent_south",
            "extent_east",
            "extent_north",
            "centre_latitude",
            "centre_longitude",
        ]
    previous_status = project.status
    if project.status != imported.status:
        project.status = imported.status
        changed.append("status")
        if project.approved_at is None and imported.status not in lifecycle.UNAPPROVED:
            project.approved_at = timezone.now()
            changed.append("approved_at")
    tags_changed = tags_differ(project, imported.tags)
    if not changed and not tags_changed:
        return Outcome.UNCHANGED, project
    full_clean_project(project)
    if tags_changed:
        replace_tags(project, imported.tags)
    project.search_document = search_document_for(project)
    project.save(update_fields=[*set(changed), "search_document", "updated_at"])
    if "status" in changed:
        ProjectStatusChange.objects.create(
            project=project,
            from_status=previous_status,
            to_status=project.status,
            actor=None,
            comment=_("Updated by the PPSR Core import from %(origin)s.") % {"origin": origin},
        )
    return Outcome.UPDATED, project
