"""Importing observations from a CSV, XLSX or Darwin Core Archive file into one form.

The flow: upload (the file is stored under CSLAB_VAR_DIR/imports/ and its columns read, with
a suggested mapping) → mapping (which column answers which question, the ID column, the
units) → dry run (a background job converts and validates every row exactly as the import
would, stores nothing, and reports each bad row) → import (a background job, by one of two
policies: the valid rows, or nothing unless every row is valid).

Rows are stored through `observation_submit_batch`, as the importing person, so the
permission, consent, validation, geoprivacy and plausibility rules of every other submission
hold. Each row's instance ID comes from the chosen ID column, so importing a file again is
idempotent through the unique (form, instance ID): an identical row is a duplicate, a changed
one a conflict that leaves the stored observation unchanged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
)
from cslab.core.file_purges import register_file_purge
from cslab.core.models import Job
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from cslab.exports import darwin_core_import, import_rows, units
from cslab.exports.import_tables import (
    CsvArchive,
    ImportTable,
    read_csv_archive,
    read_csv_table,
    read_xlsx_table,
)
from cslab.exports.models import DataImport
from cslab.exports.services import export_directory
from cslab.forms.answers import relevant_answers, validate_answers
from cslab.forms.form_definition import FormDefinition, Question
from cslab.forms.models import Form, FormVersion
from cslab.observations.models import Observation, Tombstone
from cslab.observations.services.observations import (
    Submission,
    content_hash,
    observation_moment,
    observation_submit_batch,
)
from cslab.observations.tombstones import instance_hashes, site_key
from cslab.projects.models import Project

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_REPORTED_ERRORS = 500
CHECK_BATCH = 500
SUBMIT_BATCH = 100  # observation_submit_batch's limit
# The values of a column the unit check looks at.
UNIT_SAMPLE = 1000
IMPORT_FOLDER = Path("imports")
KEEP_FILES_FOR = timedelta(days=30)
CHECK_JOB = "exports.data_import_check"
RUN_JOB = "exports.data_import_run"
SUFFIXES = {
    # A .zip is cslab's own CSV export: the main table and a table per repeat.
    DataImport.SourceFormat.CSV: (".csv", ".tsv", ".txt", ".zip"),
    DataImport.SourceFormat.XLSX: (".xlsx",),
    DataImport.SourceFormat.DWCA: (".zip",),
}
EDITABLE = (DataImport.Status.UPLOADED, DataImport.Status.CHECKED, DataImport.Status.FAILED)


def data_import_path(data_import: DataImport) -> Path:
    return export_directory() / data_import.file_name


def data_import_archive(data_import: DataImport) -> CsvArchive | None:
    """The uploaded zip of CSV files (cslab's CSV export), or None for a single table. Which
    member is the main table is read from the archive itself (the one without `parent_key`):
    the stored file never changes, so every reading finds the same one."""
    if data_import.source_format != DataImport.SourceFormat.CSV:
        return None
    if not data_import.file_name.lower().endswith(".zip"):
        return None
    return read_csv_archive(data_import_path(data_import))


def data_import_table(data_import: DataImport) -> ImportTable:
    """The uploaded file as a table, read by its format (of a zip, its main table)."""
    path = data_import_path(data_import)
    if data_import.source_format == DataImport.SourceFormat.XLSX:
        return read_xlsx_table(path)
    if data_import.source_format == DataImport.SourceFormat.DWCA:
        return darwin_core_import.read_occurrence_table(path)
    archive = data_import_archive(data_import)
    if archive is not None:
        return archive.table(archive.main)
    return read_csv_table(path)


@dataclass(frozen=True)
class RepeatTable:
    """The table of one repeat's repetitions in an uploaded zip, and how it is read."""

    member: str
    path: tuple[str, ...]  # the repeat's name, after those of the repeats around it
    question: Question
    table: ImportTable
    mapping: dict[str, str]  # question -> column, suggested from the headers as for the main


def _member_name(member: str) -> str:
    return member.rsplit("/", 1)[-1]


def repeat_tables(definition: FormDefinition, archive: CsvArchive) -> list[RepeatTable]:
    """The archive's repeat tables, each matched to the form's repeat its file name names
    (`<main table>-<repeat>.csv`, `<main table>-<repeat>-<inner repeat>.csv`, as the CSV export
    names them). InvalidInputError for a table of no repeat of the form, or repeat tables
    without a `key` column in the table they belong to."""
    stem = _member_name(archive.main).removesuffix(".csv").removesuffix(".CSV")
    repeats = {
        f"{stem}-{'-'.join(path)}.csv".lower(): (path, question)
        for path, question in import_rows.repeat_paths(definition)
    }
    found: list[RepeatTable] = []
    for member in archive.linked:
        match = repeats.get(_member_name(member).lower())
        if match is None:
            message = _(
                "“%(member)s” is the table of no repeat of the form; a repeat's table is named "
                "after the main table and the repeat, as “%(example)s”."
            ) % {"member": member, "example": f"{stem}-repeat.csv"}
            raise InvalidInputError(message, details={"file": [message]})
        path, question = match
        table = archive.table(member)
        found.append(
            RepeatTable(
                member=member,
                path=path,
                question=question,
                table=table,
                mapping=import_rows.suggest_mapping(definition, table.headers, question),
            )
        )
    found.sort(key=lambda repeat: len(repeat.path))
    holders: dict[tuple[str, ...], list[str]] = {}
    if found:
        holders[()] = archive.table(archive.main).headers
    holders.update({repeat.path: repeat.table.headers for repeat in found})
    for repeat in found:
        if "key" not in holders.get(repeat.path[:-1], ["key"]):
            message = _(
                "“%(member)s” links its rows by “parent_key”, but the table it belongs to has "
                "no “key” column."
            ) % {"member": repeat.member}
            raise InvalidInputError(message, details={"file": [message]})
    return found


def data_import_repeat_tables(data_import: DataImport) -> list[RepeatTable]:
    """The repeat tables of an uploaded zip ([] for any other file, or once it is deleted)."""
    if not data_import.file_name:
        return []
    archive = data_import_archive(data_import)
    if archive is None:
        return []
    return repeat_tables(latest_version(data_import.form).form_definition, archive)


def latest_version(form: Form) -> FormVersion:
    """The form's most recently published version: the one rows are imported with."""
    version = (
        form.versions.filter(published_at__isnull=False).order_by("-published_at", "-id").first()
    )
    if version is None:
        message = _("The form has no published version to import into.")
        raise InvalidInputError(message, details={"form": [message]})
    version.form = form
    return version


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _counted_rows(table: ImportTable, start: int = 0) -> int:
    """The non-blank rows of `table` (added to `start`); InvalidInputError beyond
    `MAX_ROWS`."""
    count = start
    for cells in table.rows():
        if _is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            message = _("The file has more than %(count)d rows; split it into smaller files.") % {
                "count": MAX_ROWS
            }
            raise InvalidInputError(message, details={"file": [message]})
    return count


def _save_upload(uploaded_file: UploadedFile, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with destination.open("wb") as handle:
        for chunk in uploaded_file.chunks():
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                break
            handle.write(chunk)
    destination.chmod(0o600)  # observers' data: the site's account only
    return written


def _default_units(version: FormVersion) -> dict[str, str]:
    found: dict[str, str] = {}
    for question in import_rows.mappable_questions(version.form_definition):
        unit = import_rows.question_unit(question)
        if unit is not None:
            found[question.name] = unit
    return found


def data_import_upload(
    *,
    actor: Actor,
    project: Project,
    form: Form,
    uploaded_file: UploadedFile,
    source_format: str,
) -> DataImport:
    """Store an uploaded file of observations for `form` and read its columns.

    The mapping starts as the one suggested from the headers. NotFoundError for a form of
    another project; PermissionDeniedError for those who may not import; InvalidInputError for
    an unknown format, a file name that does not fit it (a .zip is a Darwin Core Archive, or
    as CSV the zip of cslab's CSV export), a file the reader refuses (of a zip: unsafe or too
    many members, a table of no repeat of the form), more than 200,000 rows (in the main table,
    or in the repeat tables together), or a form with no published version;
    PayloadTooLargeError beyond 50 MB.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "exports.import", project)
    person = person_or_none(actor)
    if person is None or form.project_id != project.pk:
        raise NotFoundError()
    if source_format not in DataImport.SourceFormat.values:
        message = _("Choose CSV, XLSX or a Darwin Core Archive.")
        raise InvalidInputError(message, details={"source_format": [message]})
    name = Path(uploaded_file.name or "").name[:255]
    suffixes = SUFFIXES[DataImport.SourceFormat(source_format)]
    if not name.lower().endswith(suffixes):
        message = _("A %(format)s file's name ends in %(suffixes)s.") % {
            "format": DataImport.SourceFormat(source_format).label,
            "suffixes": " / ".join(suffixes),
        }
        raise InvalidInputError(message, details={"file": [message]})
    if (uploaded_file.size or 0) > MAX_UPLOAD_BYTES:
        raise PayloadTooLargeError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
        )
    version = latest_version(form)
    suffix = next(suffix for suffix in suffixes if name.lower().endswith(suffix))
    relative = IMPORT_FOLDER / f"{project.pk}-{secrets.token_hex(16)}{suffix}"
    destination = export_directory() / relative
    size = _save_upload(uploaded_file, destination)
    try:
        if size > MAX_UPLOAD_BYTES:
            raise PayloadTooLargeError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
            )
        data_import = DataImport(
            project=project,
            form=form,
            created_by=person,
            source_format=source_format,
            original_name=name,
            file_name=str(relative),
            size_bytes=size,
        )
        table = data_import_table(data_import)
        rows_total = _counted_rows(table)
        archive = data_import_archive(data_import)
        # The repeat tables are read whole while checking: they share the row limit.
        repeat_rows = 0
        for repeat in [] if archive is None else repeat_tables(version.form_definition, archive):
            repeat_rows = _counted_rows(repeat.table, repeat_rows)
        if source_format == DataImport.SourceFormat.DWCA:
            suggestion = dict(darwin_core_import.suggested_mapping(version, table.headers))
        else:
            suggestion = import_rows.suggest_mapping(version.form_definition, table.headers)
    except Exception:
        destination.unlink(missing_ok=True)
        raise
    data_import.id_column = suggestion.pop(import_rows.ID_COLUMN, "")
    data_import.headers = list(table.headers)
    data_import.mapping = suggestion
    data_import.units = _default_units(version)
    data_import.rows_total = rows_total
    data_import.full_clean(exclude=["project", "form", "created_by", "job"])
    data_import.save()
    audit_record(
        actor=actor,
        action="exports.data_import.uploaded",
        target=project,
        details={"import": data_import.pk, "form": form.form_id, "rows": rows_total},
    )
    return data_import


def _require_importer(actor: Actor, data_import: DataImport) -> None:
    permissions.require(actor, "exports.import", data_import.project)
    person = person_or_none(actor)
    if person is None or data_import.created_by_id != person.pk:
        raise NotFoundError()


def data_import_set_mapping(
    *,
    actor: Actor,
    data_import: DataImport,
    mapping: dict[str, str],
    id_column: str,
    units: dict[str, str],
) -> DataImport:
    """Save which column answers each question, the ID column and the columns' units; the
    last dry run no longer holds. InvalidInputError with {question: [problems]} for a column
    the file lacks, several columns for one question (but a geopoint) or a unit of another
    kind; ConflictError while a job runs or after the import."""
    _require_importer(actor, data_import)
    version = latest_version(data_import.form)
    mapping = {name: value for name, value in mapping.items() if value}
    units = {name: value for name, value in units.items() if value}
    problems = import_rows.mapping_problems(
        version.form_definition, data_import.headers, mapping, id_column, units
    )
    if problems:
        raise InvalidInputError(
            _("The mapping does not fit the file or the form."), details=problems
        )
    updated = DataImport.objects.filter(pk=data_import.pk, status__in=EDITABLE).update(
        mapping=mapping,
        id_column=id_column,
        units=units,
        status=DataImport.Status.UPLOADED,
        report={},
        checked_at=None,
    )
    if not updated:
        raise ConflictError(_("This import is running or finished; its mapping cannot change."))
    data_import.refresh_from_db()
    return data_import


@transaction.atomic
def _start(
    *,
    actor: Actor,
    data_import: DataImport,
    kind: str,
    title: str,
    allowed: Any,
    moving_to: str,
    **changes: Any,
) -> Job:
    job = job_start(actor=actor, kind=kind, title=title, arguments={"import_id": data_import.pk})
    # The conditional update is the lock: of two clicks, one moves the status, the other finds
    # it moved, and its job is rolled back with this transaction.
    updated = DataImport.objects.filter(pk=data_import.pk, status__in=allowed).update(
        status=moving_to, job=job, **changes
    )
    if not updated:
        raise ConflictError(_("A job of this import is running or it is finished."))
    data_import.refresh_from_db()
    return job


def data_import_check(*, actor: Actor, data_import: DataImport) -> Job:
    """Start the dry run: a job that converts and validates every row and stores none."""
    _require_importer(actor, data_import)
    return _start(
        actor=actor,
        data_import=data_import,
        kind=CHECK_JOB,
        title=_("Dry run of the import of %(file)s") % {"file": data_import.original_name},
        allowed=EDITABLE,
        moving_to=DataImport.Status.CHECKING,
        report={},
    )


def data_import_run(*, actor: Actor, data_import: DataImport, policy: str) -> Job:
    """Start the import of a checked file by `policy` (valid_rows or all_or_nothing).

    Refused before any job starts: ConflictError `consent_required` when the importing person
    has not consented to the project's consent version; ConflictError unless the dry run of
    the current mapping finished; InvalidInputError for an unknown policy.
    """
    _require_importer(actor, data_import)
    if policy not in DataImport.Policy.values:
        message = _("Choose to import the valid rows or nothing unless all are valid.")
        raise InvalidInputError(message, details={"policy": [message]})
    permissions.require(actor, "observation.submit", data_import.project)
    consent_version_in_force_for(actor=actor, project=data_import.project)
    return _start(
        actor=actor,
        data_import=data_import,
        kind=RUN_JOB,
        title=_("Import of %(file)s") % {"file": data_import.original_name},
        allowed=[DataImport.Status.CHECKED],
        moving_to=DataImport.Status.IMPORTING,
        policy=policy,
    )


@dataclass
class CheckedRow:
    """One row as the import would submit it, and what is wrong with it."""

    number: int  # as a spreadsheet numbers it: the header is row 1
    converted: import_rows.RowAnswers
    # (column, question, message)
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    status: str = "valid"  # valid, invalid, duplicate, conflict
    answers: dict[str, Any] = field(default_factory=dict)
    # Problems of its repetitions: (table, its row number, column, question, message)
    repeat_problems: list[tuple[str, int, str, str, str]] = field(default_factory=list)


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)

    def add(self, number: int, column: str, question: str, message: str, table: str = "") -> None:
        """A problem of row `number` of the main table, or of the repeat table `table`."""
        self.errors_total += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            error = {"row": number, "column": column, "question": question, "message": message}
            if table:
                error["table"] = table
            self.errors.append(error)

    def add_row(self, row: CheckedRow) -> None:
        for column, question, text in row.problems:
            self.add(row.number, column, question, text)
        for table, number, column, question, text in row.repeat_problems:
            self.add(number, column, question, text, table)

    def count(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "errors": self.errors,
            "errors_total": self.errors_total,
            "warnings": self.warnings,
        }


class _Checker:
    """Reads the file's rows and checks each as `observation_submit` would."""

    def __init__(self, data_import: DataImport, version: FormVersion) -> None:
        self.data_import = data_import
        self.version = version
        self.definition = version.form_definition
        self.plan = import_rows.row_plan(
            self.definition,
            data_import.headers,
            data_import.mapping,
            data_import.id_column,
            data_import.units,
            zone=timezone.get_default_timezone(),
        )
        self.seen: dict[str, int] = {}
        self.tombstone_key = site_key()
        self._read_repeats()
        # The numbers of each mapped question with a unit, for the unit check.
        self.samples: dict[str, list[float]] = {
            name: []
            for name, question in self.plan.questions.items()
            if name in self.plan.mapping and import_rows.question_unit(question) is not None
        }

    def _read_repeats(self) -> None:
        """Read the repeat tables of a zip once, each into its rows by `parent_key`."""
        archive = data_import_archive(self.data_import)
        repeats = [] if archive is None else repeat_tables(self.definition, archive)
        self.repeats_within: dict[tuple[str, ...], list[RepeatTable]] = {}
        self.repeat_plans: dict[tuple[str, ...], import_rows.RowPlan] = {}
        self.repeat_rows: dict[tuple[str, ...], dict[str, list[tuple[int, list[str]]]]] = {}
        # The parent keys each repeat table was asked for: its other rows belong to no row.
        self.linked_keys: dict[tuple[str, ...], set[str]] = {}
        self.main_key = (
            self.plan.headers.index("key") if repeats and "key" in self.plan.headers else None
        )
        for repeat in repeats:
            self.repeats_within.setdefault(repeat.path[:-1], []).append(repeat)
            self.repeat_plans[repeat.path] = import_rows.row_plan(
                self.definition,
                repeat.table.headers,
                repeat.mapping,
                "",
                {},
                zone=timezone.get_default_timezone(),
                repeat=repeat.question,
            )
            parent = repeat.table.headers.index("parent_key")
            by_parent: dict[str, list[tuple[int, list[str]]]] = {}
            for number, cells in enumerate(repeat.table.rows(), start=2):
                if not _is_blank(cells):
                    by_parent.setdefault(cells[parent].strip(), []).append((number, cells))
            self.repeat_rows[repeat.path] = by_parent
            self.linked_keys[repeat.path] = set()

    def _repetitions(
        self, path: tuple[str, ...], key: str, prefix: str, row: CheckedRow
    ) -> tuple[dict[str, Any], dict[str, tuple[str, int, import_rows.RowPlan]]]:
        """The answers of the repeats inside the row with `key` at `path` (the main table's is
        ()), as the form stores them, and where each repetition came from, by its place in
        the answers (``sighting[0]``, ``sighting[0].inner[1]``) as the validators name it."""
        answers: dict[str, Any] = {}
        places: dict[str, tuple[str, int, import_rows.RowPlan]] = {}
        for repeat in self.repeats_within.get(path, []):
            plan = self.repeat_plans[repeat.path]
            key_index = plan.headers.index("key") if "key" in plan.headers else None
            items: list[dict[str, Any]] = []
            self.linked_keys[repeat.path].add(key)
            for index, (number, cells) in enumerate(
                self.repeat_rows[repeat.path].get(key, []) if key else []
            ):
                converted = import_rows.row_answers(plan, cells)
                for column, message in converted.problems:
                    question = column if column in plan.questions else ""
                    row.repeat_problems.append(
                        (
                            repeat.member,
                            number,
                            plan.mapping.get(question, "") if question else column,
                            question,
                            message,
                        )
                    )
                place = f"{prefix}{repeat.path[-1]}[{index}]"
                places[place] = (repeat.member, number, plan)
                inner_key = cells[key_index].strip() if key_index is not None else ""
                inner, inner_places = self._repetitions(repeat.path, inner_key, f"{place}.", row)
                items.append({**converted.answers, **inner})
                places.update(inner_places)
            if items:
                answers[repeat.path[-1]] = items
        return answers, places

    def _place_of(
        self, question: str, places: dict[str, tuple[str, int, import_rows.RowPlan]]
    ) -> tuple[str, int, str, str] | None:
        """(table, row number, column, question) of a validator's key inside a repeat."""
        found = [place for place in places if question.startswith(f"{place}.")]
        if not found:
            return None
        place = max(found, key=len)
        member, number, plan = places[place]
        inner = question[len(place) + 1 :]
        return member, number, plan.mapping.get(inner.split("[", 1)[0], ""), inner

    def column_of(self, question: str) -> str:
        top = question.split("[", 1)[0].split(".", 1)[0]
        return self.plan.mapping.get(top, "")

    def rows(self, table: ImportTable) -> Iterator[CheckedRow]:
        """Every non-blank row, checked; looked up against stored rows a batch at a time."""
        batch: list[CheckedRow] = []
        for number, cells in enumerate(table.rows(), start=2):
            if _is_blank(cells):
                continue
            batch.append(self._checked(number, cells))
            if len(batch) >= CHECK_BATCH:
                yield from self._against_stored(batch)
                batch = []
        yield from self._against_stored(batch)

    def _checked(self, number: int, cells: list[str]) -> CheckedRow:
        converted = import_rows.row_answers(self.plan, cells)
        row = CheckedRow(number=number, converted=converted)
        for column, message in converted.problems:
            question = column if column in self.plan.questions else ""
            row.problems.append((self.column_of(column) if question else column, question, message))
        places: dict[str, tuple[str, int, import_rows.RowPlan]] = {}
        if self.repeats_within:
            key = cells[self.main_key].strip() if self.main_key is not None else ""
            repetitions, places = self._repetitions((), key, "", row)
            converted.answers.update(repetitions)
        for name in self.samples:
            if len(self.samples[name]) < UNIT_SAMPLE:
                value = import_rows.column_numbers(self.plan, name, cells)
                if value is not None:
                    self.samples[name].append(value)
        moment, _day_only = observation_moment(
            self.definition, converted.answers, given=converted.observed_at
        )
        row.answers = relevant_answers(self.definition, converted.answers, now=moment)
        for question, messages in validate_answers(
            self.definition, row.answers, now=moment
        ).items():
            place = self._place_of(question, places)
            for message in messages:
                if place is not None:
                    row.repeat_problems.append((*place, message))
                else:
                    row.problems.append((self.column_of(question), question, message))
        if converted.instance_id:
            earlier = self.seen.get(converted.instance_id)
            if earlier is not None:
                row.problems.append(
                    (
                        self.plan.id_column,
                        "",
                        _("Row %(row)d has the same ID.") % {"row": earlier},
                    )
                )
            else:
                self.seen[converted.instance_id] = number
        if row.problems or row.repeat_problems:
            row.status = "invalid"
        return row

    def _against_stored(self, batch: list[CheckedRow]) -> Iterator[CheckedRow]:
        ids = [row.converted.instance_id for row in batch if row.status == "valid"]
        form = self.data_import.form
        stored = {
            instance_id: (version_id, hashed)
            for instance_id, version_id, hashed in Observation.objects.filter(
                form=form, instance_id__in=ids
            ).values_list("instance_id", "form_version_id", "content_hash")
        }
        hashes = {
            key: instance_id
            for instance_id in ids
            for key in instance_hashes(instance_id, key=self.tombstone_key)
        }
        erased = {
            hashes[key]
            for key in Tombstone.objects.filter(
                form=form, instance_hash__in=list(hashes)
            ).values_list("instance_hash", flat=True)
        }
        for row in batch:
            instance_id = row.converted.instance_id
            if row.status != "valid":
                yield row
                continue
            if instance_id in erased:
                row.status = "conflict"
                row.problems.append(
                    (self.plan.id_column, "", _("An observation with this ID was erased."))
                )
            elif instance_id in stored:
                version_id, hashed = stored[instance_id]
                if version_id == self.version.pk and hashed == content_hash(row.answers):
                    row.status = "duplicate"
                else:
                    row.status = "conflict"
                    row.problems.append(
                        (
                            self.plan.id_column,
                            "",
                            _("A different observation with this ID is stored; it stays as it is."),
                        )
                    )
            yield row

    def unlinked_warnings(self) -> list[dict[str, str]]:
        """A warning per repeat table with rows whose `parent_key` is the key of no row read:
        they are not imported."""
        warnings = []
        for path, by_parent in self.repeat_rows.items():
            linked = self.linked_keys[path]
            count = sum(len(rows) for key, rows in by_parent.items() if key not in linked)
            if count:
                member = next(
                    repeat.member
                    for repeats in self.repeats_within.values()
                    for repeat in repeats
                    if repeat.path == path
                )
                warnings.append(
                    {
                        "column": "parent_key",
                        "question": "",
                        "table": member,
                        "message": _(
                            "%(count)d rows belong to no row of the table above them (their "
                            "“parent_key” is no row's “key”); they are not imported."
                        )
                        % {"count": count},
                    }
                )
        return warnings

    def unit_warnings(self) -> list[dict[str, str]]:
        """A warning per column whose numbers look like they are in another unit than the one
        chosen for it (judged against the question's constraint, in the column's unit)."""
        warnings = []
        for name, values in self.samples.items():
            question = self.plan.questions[name]
            own = import_rows.question_unit(question)
            if own is None:
                continue
            column_unit = self.data_import.units.get(name) or own
            low, high = units.constraint_bounds(question.rules.constraint)
            low = None if low is None else units.convert(low, own, column_unit)
            high = None if high is None else units.convert(high, own, column_unit)
            guess = units.likely_unit(values, unit=column_unit, low=low, high=high)
            if guess is not None:
                warnings.append(
                    {
                        "column": self.column_of(name),
                        "question": name,
                        "message": _(
                            "Most values break the question's limits when read in %(unit)s, "
                            "but fit them when read in %(other)s: is the column in %(other)s?"
                        )
                        % {"unit": column_unit, "other": guess},
                    }
                )
        return warnings


def _progress(
    report_progress: Callable[[int, str], None], done: int, total: int, message: str
) -> None:
    if done % CHECK_BATCH == 0:
        percent = min(99, int(done * 100 / total)) if total else 99
        report_progress(percent, message)


def _result_url(data_import: DataImport) -> str:
    return reverse(
        "project_data_import",
        kwargs={"slug": data_import.project.slug, "import_id": data_import.pk},
    )


def _failed(import_id: int) -> None:
    DataImport.objects.filter(pk=import_id).update(
        status=DataImport.Status.FAILED, finished_at=timezone.now()
    )


def _check_all(
    data_import: DataImport,
    version: FormVersion,
    report_progress: Callable[[int, str], None],
    message: str,
) -> tuple[Report, list[CheckedRow]]:
    """Check every row; return the report and the rows (kept only when all are importable:
    the all-or-nothing import submits them without reading the file again)."""
    checker = _Checker(data_import, version)
    report = Report(counts={"rows": 0, "valid": 0, "duplicate": 0, "conflict": 0, "invalid": 0})
    kept: list[CheckedRow] = []
    for row in checker.rows(data_import_table(data_import)):
        report.counts["rows"] += 1
        report.count(row.status)
        report.add_row(row)
        if not (report.counts["invalid"] or report.counts["conflict"]):
            kept.append(row)
        _progress(report_progress, report.counts["rows"], data_import.rows_total, message)
    report.warnings = checker.unit_warnings() + checker.unlinked_warnings()
    if report.counts["invalid"] or report.counts["conflict"]:
        kept = []
    return report, kept


def data_import_check_rows(
    *, import_id: int, report_progress: Callable[[int, str], None]
) -> dict[str, Any]:
    """The dry run's job: check every row, store the report, store no observation."""
    data_import = DataImport.objects.select_related("project", "form").get(pk=import_id)
    try:
        version = latest_version(data_import.form)
        report, _kept = _check_all(
            data_import, version, report_progress, gettext_noop("Checking the rows")
        )
    except Exception:
        _failed(import_id)
        raise
    counts = report.counts
    DataImport.objects.filter(pk=import_id).update(
        status=DataImport.Status.CHECKED,
        report=report.as_dict(),
        rows_total=counts["rows"],
        rows_valid=counts["valid"],
        rows_duplicate=counts["duplicate"],
        rows_invalid=counts["invalid"] + counts["conflict"],
        checked_at=timezone.now(),
    )
    report_progress(100, gettext_noop("Done"))
    return {"url": _result_url(data_import), "counts": counts}


class _NotAllStoredError(Exception):
    """Rolls back an all-or-nothing import when a row is refused at the last moment."""


def _submit(
    actor: Actor,
    data_import: DataImport,
    version: FormVersion,
    rows: list[CheckedRow],
    report: Report,
) -> None:
    submissions = [
        Submission(
            instance_id=row.converted.instance_id,
            version=version.version,
            answers=row.converted.answers,
            observed_at=row.converted.observed_at,
        )
        for row in rows
    ]
    results = observation_submit_batch(actor=actor, form=data_import.form, submissions=submissions)
    column = data_import.id_column
    for row, result in zip(rows, results, strict=True):
        report.count(result.status)
        if result.status in ("created", "duplicate"):
            continue
        if isinstance(result.errors, dict) and result.errors:
            for question, messages in result.errors.items():
                for message in messages:
                    report.add(row.number, data_import.mapping.get(question, ""), question, message)
        else:
            report.add(row.number, column, "", result.detail)


def data_import_run_rows(
    *, import_id: int, report_progress: Callable[[int, str], None]
) -> dict[str, Any]:
    """The import's job: store the rows by the import's policy and report what happened."""
    data_import = DataImport.objects.select_related("project", "form", "created_by").get(
        pk=import_id
    )
    actor = data_import.created_by
    if actor is None:  # the person was erased since: nobody to import as
        _failed(import_id)
        raise NotFoundError()
    try:
        version = latest_version(data_import.form)
        if data_import.policy == DataImport.Policy.ALL_OR_NOTHING:
            report = _all_or_nothing(actor, data_import, version, report_progress)
        else:
            report = _valid_rows(actor, data_import, version, report_progress)
    except Exception:
        _failed(import_id)
        raise
    counts = report.counts
    DataImport.objects.filter(pk=import_id).update(
        status=DataImport.Status.DONE,
        report=report.as_dict(),
        rows_created=counts.get("created", 0),
        rows_duplicate=counts.get("duplicate", 0),
        rows_invalid=counts.get("invalid", 0)
        + counts.get("conflict", 0)
        + counts.get("refused", 0),
        finished_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="exports.data_import.done",
        target=data_import.project,
        details={"import": import_id, "policy": data_import.policy, "counts": counts},
    )
    report_progress(100, gettext_noop("Done"))
    return {"url": _result_url(data_import), "counts": counts}


def _valid_rows(
    actor: Actor,
    data_import: DataImport,
    version: FormVersion,
    report_progress: Callable[[int, str], None],
) -> Report:
    report = Report(counts={"rows": 0, "created": 0, "duplicate": 0, "conflict": 0, "invalid": 0})
    checker = _Checker(data_import, version)
    pending: list[CheckedRow] = []
    for row in checker.rows(data_import_table(data_import)):
        report.counts["rows"] += 1
        if row.status == "invalid":
            report.count("invalid")
            report.add_row(row)
        else:
            # Duplicates and conflicts go through the service too: it has the last word.
            pending.append(row)
        if len(pending) >= SUBMIT_BATCH:
            _submit(actor, data_import, version, pending, report)
            pending = []
        _progress(
            report_progress,
            report.counts["rows"],
            data_import.rows_total,
            gettext_noop("Importing the rows"),
        )
    if pending:
        _submit(actor, data_import, version, pending, report)
    report.warnings = checker.unit_warnings() + checker.unlinked_warnings()
    return report


def _all_or_nothing(
    actor: Actor,
    data_import: DataImport,
    version: FormVersion,
    report_progress: Callable[[int, str], None],
) -> Report:
    report, kept = _check_all(
        data_import, version, report_progress, gettext_noop("Checking the rows")
    )
    counts = report.counts
    if counts["invalid"] or counts["conflict"]:
        report.counts = {**counts, "created": 0, "not_imported": counts["rows"]}
        return report
    result = Report(
        counts={"rows": counts["rows"], "created": 0, "duplicate": 0, "conflict": 0, "invalid": 0},
        warnings=report.warnings,
    )
    report_progress(50, gettext_noop("Importing the rows"))
    try:
        with transaction.atomic():
            for start in range(0, len(kept), SUBMIT_BATCH):
                _submit(actor, data_import, version, kept[start : start + SUBMIT_BATCH], result)
            if (
                result.counts["conflict"]
                or result.counts["invalid"]
                or result.counts.get("refused")
            ):
                raise _NotAllStoredError()
    except _NotAllStoredError:
        result.counts = {**result.counts, "created": 0, "not_imported": counts["rows"]}
    return result


@register_file_purge("data_imports")
def data_imports_purge(now: datetime) -> int:
    """Delete the uploaded files of imports that finished (or failed) more than 30 days before
    `now`: their reports stay, the observers' raw rows do not."""
    deleted = 0
    root = export_directory().resolve()
    finished = DataImport.objects.filter(
        status__in=[DataImport.Status.DONE, DataImport.Status.FAILED],
        finished_at__lte=now - KEEP_FILES_FOR,
    ).exclude(file_name="")
    for data_import in finished.iterator(chunk_size=500):
        path = (root / data_import.file_name).resolve()
        if path.is_relative_to(root / IMPORT_FOLDER):
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                logger.info("import file %s was already gone", data_import.file_name)
        DataImport.objects.filter(pk=data_import.pk).update(file_name="")
    return deleted
