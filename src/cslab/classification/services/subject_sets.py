"""Subject sets: uploaded as a zip of media with a manifest, or made from observations.

Upload is all-or-nothing: every row of the manifest is checked first (its file is in the zip
and is what its name says, by content), and the problems are reported per row; only a clean
manifest is imported, in one transaction, and a refusal leaves no subjects and no files.

The archive is untrusted and may be a zip bomb. Its central directory is checked before
anything is unpacked (number of files, each file's unpacked size, their total, and how much
each unpacks compared with its packed size); then each file is unpacked in chunks into a
temporary file while the real bytes are counted (the declared sizes can lie), refusing as
soon as a limit is passed. Only one file is unpacked at a time, so memory stays small
whatever the archive holds. The limits are settings (`SUBJECT_SET_MAX_*`, see .env.example).

Files are checked and cleaned like observation media (`cslab.media.checks`): the
type is decided by content; images are decoded only after their pixel count is checked and
stored re-encoded (JPEG, or WebP with transparency) without any metadata, so a polyglot
(a JPEG that is also an HTML page) does not survive; recordings lose their metadata tags.

Manifest (`manifest.csv` at the top of the zip, UTF-8, a header row):
* ``file``: a file name in the zip (an image or an audio clip), or
* ``text``: the text of a text subject;
* ``id`` (optional): the subject's identifier in the set (default: the file name or row number);
* ``gold:<task key>`` (optional): the known answer to that task, which makes it a gold subject;
  ``gold_explanation``: why, shown to volunteers after they answer;
* every other column is metadata; columns starting with ``#`` or ``!`` are hidden from
  volunteers (kept for researchers and exports).
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import FileField
from django.utils.translation import gettext as _

from cslab.classification.models import Subject, SubjectSet, Workflow, WorkflowSubjectSet
from cslab.classification.services.workflows import workflow_add_subjects
from cslab.classification.task_definitions import clean_answers
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.core.zip_archives import declared_member_count
from cslab.media import checks as media_checks
from cslab.media.checks import ContentRefusedError, FileType
from cslab.media.models import Media
from cslab.media.services import max_image_pixels
from cslab.observations.selectors import observation_list_visible, public_media_name
from cslab.projects.models import Project

MANIFEST_NAME = "manifest.csv"
MEGABYTE = 1024 * 1024
# Defaults of the settings SUBJECT_SET_MAX_FILES, ... (environment: see .env.example).
DEFAULT_MAX_ARCHIVE_ENTRIES = 20_000
DEFAULT_MAX_FILE_BYTES = 25 * MEGABYTE
DEFAULT_MAX_TOTAL_BYTES = 1024 * MEGABYTE
DEFAULT_MAX_COMPRESSION_RATIO = 100
# Below this unpacked size a file is not judged by its compression ratio: small text and
# silence compress very well and cannot hurt.
RATIO_EXEMPT_BYTES = MEGABYTE
MAX_MANIFEST_BYTES = 10 * MEGABYTE
# A subject has a file, a text and its metadata: a few dozen columns at most.
MAX_MANIFEST_COLUMNS = 200
MAX_TEXT_LENGTH = 20_000
# Images larger than this on their longer side are scaled down (volunteers zoom into subjects,
# so the limit is above the 2048 pixels of an observation's public copy).
SUBJECT_IMAGE_MAX_SIDE = 4096
CHUNK_BYTES = 256 * 1024
SPOOL_BYTES = MEGABYTE
# Only the two methods every zip tool writes; LZMA and bzip2 decoders need memory the archive
# itself decides, and the others cannot be read.
READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
GOLD_PREFIX = "gold:"
RESERVED_COLUMNS = {"file", "text", "id", "gold_explanation"}


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an uploaded archive may hold and unpack to."""

    max_entries: int
    max_file_bytes: int
    max_total_bytes: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        def setting(name: str, default: int) -> int:
            return int(getattr(settings, name, default))

        return cls(
            max_entries=setting("SUBJECT_SET_MAX_FILES", DEFAULT_MAX_ARCHIVE_ENTRIES),
            max_file_bytes=setting("SUBJECT_SET_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES),
            max_total_bytes=setting("SUBJECT_SET_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES),
            max_compression_ratio=setting(
                "SUBJECT_SET_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO
            ),
        )


@dataclass
class RowPlan:
    """One manifest row, checked: what the subject will be."""

    row: int
    external_id: str
    kind: str
    text: str = ""
    stored_name: str = ""  # the cleaned file, already in storage
    content_type: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    gold_answers: dict[str, str] = field(default_factory=dict)
    gold_explanation: str = ""


class Unpacker:
    """Unpacks the files of one checked archive, counting every byte against the limits.

    `unpacked` is the running total of real bytes over all files unpacked so far (a file
    named by several rows counts each time). Storage names written for this upload are kept
    in `written`, so a refusal can delete them.
    """

    def __init__(self, bundle: zipfile.ZipFile, limits: ArchiveLimits) -> None:
        self.bundle = bundle
        self.limits = limits
        self.unpacked = 0
        self.written: list[str] = []

    @contextlib.contextmanager
    def open(self, info: zipfile.ZipInfo, limit: int | None = None) -> Iterator[IO[bytes]]:
        """Yield a temporary file holding the entry, unpacked and checked (size, CRC)."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as target:
            try:
                with self.bundle.open(info) as source:
                    self.copy(source, target, info, limit)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise InvalidInputError(
                    _("“%(entry)s” in the archive is damaged (its data or checksum is wrong).")
                    % {"entry": info.filename},
                    code=ProblemCode.INVALID_ARCHIVE,
                    details={"entry": info.filename},
                ) from error
            target.seek(0)
            yield target

    def copy(
        self, source: IO[bytes], target: IO[bytes], info: zipfile.ZipInfo, limit: int | None
    ) -> None:
        """Copy in chunks, refusing once the file or the total passes its limit or the file
        unpacks to more than the ratio allows (judged on the real bytes, not the declared)."""
        limit = self.limits.max_file_bytes if limit is None else limit
        copied = 0
        while chunk := source.read(CHUNK_BYTES):
            copied += len(chunk)
            self.unpacked += len(chunk)
            if copied > limit:
                raise _file_too_large(info.filename, limit)
            if self.unpacked > self.limits.max_total_bytes:
                raise _total_too_large(self.limits.max_total_bytes)
            if _ratio_too_high(copied, info.compress_size, self.limits):
                raise _bomb(info.filename, self.limits)
            target.write(chunk)


def _open_archive(archive: bytes | IO[bytes], limits: ArchiveLimits) -> zipfile.ZipFile:
    """Open the archive and check its central directory before anything is unpacked."""
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    if declared_member_count(source) > limits.max_entries:
        raise _too_many_entries(limits)
    try:
        bundle = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise InvalidInputError(
            _("The file is not a zip archive."), code=ProblemCode.INVALID_ARCHIVE
        ) from error
    try:
        _check_central_directory(bundle, limits)
    except BaseException:
        bundle.close()
        raise
    return bundle


def _check_central_directory(bundle: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    entries = [entry for entry in bundle.infolist() if not entry.is_dir()]
    if len(entries) > limits.max_entries:
        raise _too_many_entries(limits)
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in READABLE_METHODS:
            raise InvalidInputError(
                _(
                    "“%(entry)s” in the archive is encrypted or packed with a method that is not "
                    "supported; make the zip without a password and with ordinary compression."
                )
                % {"entry": entry.filename},
                code=ProblemCode.INVALID_ARCHIVE,
                details={"entry": entry.filename},
            )
        limit = MAX_MANIFEST_BYTES if _is_manifest(entry.filename) else limits.max_file_bytes
        if entry.file_size > limit:
            raise _file_too_large(entry.filename, limit)
        if _ratio_too_high(entry.file_size, entry.compress_size, limits):
            raise _bomb(entry.filename, limits)
    if sum(entry.file_size for entry in entries) > limits.max_total_bytes:
        raise _total_too_large(limits.max_total_bytes)


def _too_many_entries(limits: ArchiveLimits) -> InvalidInputError:
    return InvalidInputError(
        _("The archive holds more than %(count)d files.") % {"count": limits.max_entries},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
    )


def _ratio_too_high(unpacked: int, packed: int, limits: ArchiveLimits) -> bool:
    return unpacked > RATIO_EXEMPT_BYTES and unpacked > packed * limits.max_compression_ratio


def _file_too_large(entry: str, limit: int) -> InvalidInputError:
    return InvalidInputError(
        _("“%(entry)s” in the archive is too large: a file may be at most %(limit)s unpacked.")
        % {"entry": entry, "limit": _megabytes(limit)},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
        details={"entry": entry, "limit": limit},
    )


def _total_too_large(limit: int) -> InvalidInputError:
    return InvalidInputError(
        _("The archive is too large: its files may come to at most %(limit)s unpacked.")
        % {"limit": _megabytes(limit)},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
        details={"limit": limit},
    )


def _bomb(entry: str, limits: ArchiveLimits) -> InvalidInputError:
    return InvalidInputError(
        _(
            "“%(entry)s” in the archive unpacks to more than %(ratio)d times its packed size; "
            "such archives are refused (zip bombs)."
        )
        % {"entry": entry, "ratio": limits.max_compression_ratio},
        code=ProblemCode.ARCHIVE_TOO_LARGE,
        details={"entry": entry},
    )


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} MB"


def _is_manifest(entry_name: str) -> bool:
    return PurePosixPath(entry_name).name == MANIFEST_NAME


def _read_manifest(unpacker: Unpacker) -> list[dict[str, str]]:
    manifests = [entry for entry in unpacker.bundle.infolist() if _is_manifest(entry.filename)]
    if not manifests:
        raise InvalidInputError(
            _("The archive has no manifest.csv."), code=ProblemCode.INVALID_MANIFEST
        )
    with unpacker.open(manifests[-1], limit=MAX_MANIFEST_BYTES) as unpacked:
        raw = unpacked.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            _("manifest.csv must be UTF-8 text."), code=ProblemCode.INVALID_MANIFEST
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = [header.strip() for header in reader.fieldnames or []]
        if len(headers) > MAX_MANIFEST_COLUMNS:
            raise InvalidInputError(
                _("manifest.csv has more than %(count)d columns.")
                % {"count": MAX_MANIFEST_COLUMNS},
                code=ProblemCode.INVALID_MANIFEST,
            )
        if "file" not in headers and "text" not in headers:
            raise InvalidInputError(
                _("manifest.csv needs a “file” or a “text” column."),
                code=ProblemCode.INVALID_MANIFEST,
            )
        rows: list[dict[str, str]] = []
        for row in reader:
            # A row is a subject: no more rows than the archive may hold files, checked as
            # they are read (a small manifest can hold millions of one-letter rows).
            if len(rows) == unpacker.limits.max_entries:
                raise InvalidInputError(
                    _("manifest.csv has more than %(count)d rows.")
                    % {"count": unpacker.limits.max_entries},
                    code=ProblemCode.INVALID_MANIFEST,
                )
            rows.append(
                {str(key).strip(): (value or "").strip() for key, value in row.items() if key}
            )
    except csv.Error as error:  # e.g. a cell over the csv module's field limit (128 KiB)
        raise InvalidInputError(
            _("manifest.csv cannot be read as CSV (line %(line)s).") % {"line": reader.line_num},
            code=ProblemCode.INVALID_MANIFEST,
        ) from error
    if not rows:
        raise InvalidInputError(_("manifest.csv has no rows."), code=ProblemCode.INVALID_MANIFEST)
    return rows


def _plan_row(
    number: int, row: dict[str, str], unpacker: Unpacker, files: dict[str, zipfile.ZipInfo]
) -> tuple[RowPlan | None, list[str]]:
    file_name, text = row.get("file", ""), row.get("text", "")
    plan = RowPlan(
        row=number,
        external_id=(row.get("id") or file_name or str(number))[:200],
        kind=Subject.Kind.TEXT,
        metadata={
            key: value
            for key, value in row.items()
            if key and key not in RESERVED_COLUMNS and not key.startswith(GOLD_PREFIX)
        },
        gold_answers={
            key[len(GOLD_PREFIX) :]: value
            for key, value in row.items()
            if key.startswith(GOLD_PREFIX) and value
        },
        gold_explanation=row.get("gold_explanation", ""),
    )
    if file_name and text:
        return None, [_("Give a file or a text, not both.")]
    if text:
        if len(text) > MAX_TEXT_LENGTH:
            return None, [_("The text is too long.")]
        plan.text = text
        return plan, []
    if not file_name:
        return None, [_("The row has neither a file nor a text.")]
    entry = files.get(file_name)
    if entry is None:
        return None, [_("The file “%(name)s” is not in the archive.") % {"name": file_name}]
    with unpacker.open(entry) as unpacked:
        try:
            plan.kind, plan.content_type, cleaned, extension = _clean_media(unpacked, file_name)
        except ContentRefusedError as error:
            return None, [
                _("The file “%(name)s” was refused: it is %(what)s.")
                % {"name": file_name, "what": error.what}
            ]
        with cleaned:
            plan.stored_name = _store(cleaned, extension, unpacker)
    return plan, []


def _clean_media(source: IO[bytes], name: str) -> tuple[str, str, File[Any], str]:
    """Return (kind, content type, cleaned file, extension) of an image or a recording, or
    raise ContentRefusedError: images re-encoded without metadata, recordings stripped."""
    found = media_checks.detect_type(source, name=name)
    if found.kind == media_checks.IMAGE:
        image = media_checks.derive_image(
            source,
            max_pixels=max_image_pixels(),
            content_type=found.content_type,
            public_max_side=SUBJECT_IMAGE_MAX_SIDE,
        )
        return Subject.Kind.IMAGE, image.content_type, ContentFile(image.public), image.extension
    if found.kind != media_checks.AUDIO:
        raise ContentRefusedError(
            "not_a_subject",
            _("%(what)s, not an image or a recording") % {"what": found.description},
        )
    return (
        Subject.Kind.AUDIO,
        found.content_type,
        _audio_without_metadata(source, found),
        found.extension,
    )


def _strip_iso_media(source: IO[bytes], target: IO[bytes]) -> None:
    media_checks.copy_with_boxes_blanked(
        source, target, media_checks.iso_media_metadata_boxes(source)
    )


# The collection app's metadata strippers for recordings (where phones and recorders write
# location, device and owner); formats without such tags are stored as they are.
AUDIO_METADATA_STRIPPERS: dict[str, Callable[[IO[bytes], IO[bytes]], None]] = {
    "audio/mp4": _strip_iso_media,
    "audio/3gpp": _strip_iso_media,
    "audio/mpeg": media_checks.copy_mp3_without_tags,
    "audio/wav": media_checks.copy_wav_without_metadata,
}


def _audio_without_metadata(source: IO[bytes], found: FileType) -> File[Any]:
    stripper = AUDIO_METADATA_STRIPPERS.get(found.content_type)
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by File)
    if stripper is None:
        source.seek(0)
        while chunk := source.read(CHUNK_BYTES):
            copy.write(chunk)
        copy.seek(0)
    else:
        stripper(source, copy)
    return File(copy)


def _media_field() -> FileField:
    media_field = Subject._meta.get_field("media")
    assert isinstance(media_field, FileField)  # noqa: S101 (narrowing for the type checker)
    return media_field


def _store(cleaned: File[Any], extension: str, unpacker: Unpacker) -> str:
    """Save the cleaned file under a random name (a name from the archive never becomes a
    storage path) and remember it for deletion if the upload is refused after all."""
    media_field = _media_field()
    name = media_field.generate_filename(None, f"{uuid.uuid4().hex}.{extension}")
    stored = media_field.storage.save(name, cleaned)
    unpacker.written.append(stored)
    return stored


def _delete_files(names: list[str]) -> None:
    storage = _media_field().storage
    for name in names:
        storage.delete(name)


def _check_gold(plans: list[RowPlan], workflows: list[Workflow]) -> dict[int, list[str]]:
    problems: dict[int, list[str]] = {}
    for plan in plans:
        if not plan.gold_answers:
            continue
        for workflow in workflows:
            gold_tasks = [task for task in workflow.tasks if task["key"] in plan.gold_answers]
            try:
                plan.gold_answers = {
                    **plan.gold_answers,
                    **clean_answers(gold_tasks, _gold_values(gold_tasks, plan.gold_answers)),
                }
            except InvalidInputError as error:
                details = error.details if isinstance(error.details, dict) else {}
                problems[plan.row] = [
                    f"gold:{key}: {' '.join(messages)}" for key, messages in details.items()
                ]
    return problems


def _gold_values(tasks: list[dict[str, Any]], given: dict[str, str]) -> dict[str, Any]:
    """A manifest cell holds text; a multiple-choice gold answer is values joined by "|"."""
    values: dict[str, Any] = {}
    for task in tasks:
        raw = given[task["key"]]
        if task["kind"] == "multiple":
            values[task["key"]] = [value for value in raw.split("|") if value]
        elif task["kind"] == "survey":
            values[task["key"]] = {"choice": raw}
        else:
            values[task["key"]] = raw
    return values


def subject_set_upload(
    *,
    actor: Actor,
    project: Project,
    name: str,
    archive: bytes | IO[bytes],
    workflows: list[Workflow] | tuple[Workflow, ...] = (),
) -> SubjectSet:
    """Import a zip of media with a manifest as a new subject set (or into the set of that
    name), offered in `workflows`.

    `archive` is the zip's bytes or a seekable file (an upload spooled to disk is read from
    there, never loaded whole). Refusals, after which nothing is imported and no file is left
    in storage: InvalidInputError `invalid_archive` (not a zip, a damaged or encrypted entry),
    `archive_too_large` (too many files, a file or the total over its limit, a file that
    unpacks to too many times its packed size; `details` names the entry),
    `invalid_manifest`, and `invalid_manifest_rows` with `details` [{"row": n, "message": ...}]
    when any row is wrong.
    """
    permissions.require(actor, "workflow.manage", project)
    if not name.strip():
        raise InvalidInputError(
            _("Give the subject set a name."), code=ProblemCode.INVALID_SUBJECT_SET
        )
    limits = ArchiveLimits.from_settings()
    with _open_archive(archive, limits) as bundle:
        unpacker = Unpacker(bundle, limits)
        try:
            plans = _plan(unpacker, project=project, name=name.strip(), workflows=workflows)
            return _import(
                actor=actor, project=project, name=name.strip(), plans=plans, workflows=workflows
            )
        except BaseException:
            _delete_files(unpacker.written)
            raise


def _plan(unpacker: Unpacker, *, project: Project, name: str, workflows: Any) -> list[RowPlan]:
    """Check every row (storing the cleaned files as it goes); raise with all row problems."""
    rows = _read_manifest(unpacker)
    files = {
        PurePosixPath(entry.filename).name: entry
        for entry in unpacker.bundle.infolist()
        if not entry.is_dir() and not _is_manifest(entry.filename)
    }
    plans: list[RowPlan] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        plan, row_problems = _plan_row(number, row, unpacker, files)
        if plan is not None and plan.external_id in seen:
            row_problems = [_("The id “%(id)s” appears twice.") % {"id": plan.external_id}]
        if plan is not None:
            seen.add(plan.external_id)
        problems += [{"row": number, "message": message} for message in row_problems]
        if plan is not None and not row_problems:
            plans.append(plan)
    for row_number, messages in _check_gold(plans, list(workflows)).items():
        problems += [{"row": row_number, "message": message} for message in messages]
    existing = set(
        Subject.objects.filter(subject_set__project=project, subject_set__name=name).values_list(
            "external_id", flat=True
        )
    )
    problems += [
        {
            "row": plan.row,
            "message": _("The set already has a subject “%(id)s”.") % {"id": plan.external_id},
        }
        for plan in plans
        if plan.external_id in existing
    ]
    if problems:
        raise InvalidInputError(
            _("The manifest has problems; nothing was imported."),
            code=ProblemCode.INVALID_MANIFEST_ROWS,
            details=sorted(problems, key=lambda problem: problem["row"]),
        )
    return plans


@transaction.atomic
def _import(
    *, actor: Actor, project: Project, name: str, plans: list[RowPlan], workflows: Any
) -> SubjectSet:
    subject_set, _created = SubjectSet.objects.get_or_create(
        project=project,
        name=name,
        defaults={"created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    for plan in plans:
        subject = Subject(
            subject_set=subject_set,
            external_id=plan.external_id,
            kind=plan.kind,
            text=plan.text,
            content_type=plan.content_type,
            metadata=plan.metadata,
            is_gold=bool(plan.gold_answers),
            gold_answers=plan.gold_answers,
            gold_explanation=plan.gold_explanation,
        )
        if plan.stored_name:
            subject.media.name = plan.stored_name
        subject.full_clean(exclude=["subject_set", "observation", "observation_media", "media"])
        subject.save()
    for workflow in workflows:
        WorkflowSubjectSet.objects.get_or_create(workflow=workflow, subject_set=subject_set)
    _offer_in_linked_workflows(subject_set)
    audit_record(
        actor=actor,
        action="classification.subject_set_upload",
        target=subject_set,
        details={"subjects": len(plans)},
    )
    return subject_set


def _offer_in_linked_workflows(subject_set: SubjectSet) -> None:
    for workflow in Workflow.objects.filter(subject_sets=subject_set):
        workflow_add_subjects(workflow=workflow, subjects=subject_set.subjects.all())


@transaction.atomic
def subject_set_from_observations(
    *,
    actor: Actor,
    project: Project,
    name: str,
    filters: Any = None,
    workflows: list[Workflow] | tuple[Workflow, ...] = (),
) -> SubjectSet:
    """Make a subject of every photo of the project's observations matching `filters`
    (a `cslab.observations.filters.ObservationFilters`; None: all), rejected ones left out.

    Only the photo's public copy is shown (re-encoded, without EXIF location); the subject's
    metadata names the observation in a hidden "#observation" key.
    """

    permissions.require(actor, "workflow.manage", project)
    observations = _observations(actor=actor, project=project, filters=filters)
    photos = (
        Media.objects.filter(
            observation__in=observations, kind=Media.Kind.IMAGE, removed_at__isnull=True
        )
        .exclude(observation__status="rejected")
        .select_related("observation")
        .order_by("observation_id", "name")
    )
    subject_set, _created = SubjectSet.objects.get_or_create(
        project=project,
        name=name.strip() or _("Observation photos"),
        defaults={"created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    existing = set(subject_set.subjects.values_list("external_id", flat=True))
    new = [
        Subject(
            subject_set=subject_set,
            external_id=_observation_subject_id(photo),
            kind=Subject.Kind.OBSERVATION,
            observation_id=photo.observation_id,
            observation_media=photo,
            content_type=photo.content_type,
            metadata={"#observation": photo.observation_id},
        )
        for photo in photos
        if _observation_subject_id(photo) not in existing
    ]
    Subject.objects.bulk_create(new, batch_size=1000)
    for workflow in workflows:
        WorkflowSubjectSet.objects.get_or_create(workflow=workflow, subject_set=subject_set)
    _offer_in_linked_workflows(subject_set)
    audit_record(
        actor=actor,
        action="classification.subject_set_from_observations",
        target=subject_set,
        details={"subjects": len(new)},
    )
    return subject_set


def _observation_subject_id(photo: Any) -> str:
    """The subject's external ID, which volunteers see: the photo's opaque public name, never
    the name it was sent with (ODK Collect's names are the moment the photo was taken)."""

    return f"observation-{photo.observation_id}-{public_media_name(photo.pk, photo.name)}"[:200]


def _observations(*, actor: Actor, project: Project, filters: Any) -> Any:
    """The observations the actor may see matching the filters (the collection app's rules:
    current versions only, hidden questions refused as filters)."""

    return observation_list_visible(user=actor, project=project, filters=filters)
