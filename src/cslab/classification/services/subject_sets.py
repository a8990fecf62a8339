"""Subject sets: uploaded as a zip of media with a manifest, or made from observations.

Upload is all-or-nothing: every row of the manifest is checked first (its file is in the zip
and is what its name says, by content), and the problems are reported per row; only a clean
manifest is imported, in one transaction.

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

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from cslab.classification.models import Subject, SubjectSet, Workflow, WorkflowSubjectSet
from cslab.classification.services.workflows import workflow_add_subjects
from cslab.core import permissions
from cslab.core.errors import InvalidInputError
from cslab.core.services.audit import audit_record
from cslab.projects.models import Project

MANIFEST_NAME = "manifest.csv"
MAX_ARCHIVE_ENTRIES = 20_000
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_TEXT_LENGTH = 20_000
GOLD_PREFIX = "gold:"
RESERVED_COLUMNS = {"file", "text", "id", "gold_explanation"}


@dataclass
class RowPlan:
    """One manifest row, checked: what the subject will be."""

    row: int
    external_id: str
    kind: str
    text: str = ""
    file_name: str = ""
    content: bytes = b""
    content_type: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    gold_answers: dict[str, str] = field(default_factory=dict)
    gold_explanation: str = ""


def sniff_media(content: bytes, name: str = "") -> tuple[str, str] | None:
    """Return (kind, content type) of an image or audio file judged by its content, or None.

    The content sniffing is the collection app's (`media_checks.detect_type`), so both apps
    accept the same files; an image must also decode (Pillow's verify), not just start right.
    """
    from cslab.collection.media_checks import ContentRefusedError, detect_type

    try:
        found = detect_type(io.BytesIO(content), name=name)
    except ContentRefusedError:
        return None
    if found.kind not in ("image", "audio"):
        return None
    if found.kind == "image":
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            return None
    return found.kind, found.content_type


def _open_archive(archive: bytes) -> zipfile.ZipFile:
    try:
        bundle = zipfile.ZipFile(io.BytesIO(archive))
    except zipfile.BadZipFile as error:
        raise InvalidInputError(
            _("The file is not a zip archive."), code="invalid_archive"
        ) from error
    entries = bundle.infolist()
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise InvalidInputError(_("The archive has too many files."), code="invalid_archive")
    if sum(entry.file_size for entry in entries) > MAX_TOTAL_BYTES:
        raise InvalidInputError(_("The archive is too large unpacked."), code="invalid_archive")
    return bundle


def _read_manifest(bundle: zipfile.ZipFile) -> list[dict[str, str]]:
    names = {PurePosixPath(name).name: name for name in bundle.namelist()}
    if MANIFEST_NAME not in names:
        raise InvalidInputError(_("The archive has no manifest.csv."), code="invalid_manifest")
    try:
        text = bundle.read(names[MANIFEST_NAME]).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            _("manifest.csv must be UTF-8 text."), code="invalid_manifest"
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    headers = [header.strip() for header in reader.fieldnames or []]
    if "file" not in headers and "text" not in headers:
        raise InvalidInputError(
            _("manifest.csv needs a “file” or a “text” column."), code="invalid_manifest"
        )
    rows = [
        {str(key).strip(): (value or "").strip() for key, value in row.items() if key is not None}
        for row in reader
    ]
    if not rows:
        raise InvalidInputError(_("manifest.csv has no rows."), code="invalid_manifest")
    return rows


def _plan_row(
    number: int, row: dict[str, str], bundle: zipfile.ZipFile, files: dict[str, str]
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
    if bundle.getinfo(entry).file_size > MAX_FILE_BYTES:
        return None, [_("The file “%(name)s” is too large.") % {"name": file_name}]
    content = bundle.read(entry)
    sniffed = sniff_media(content, file_name)
    if sniffed is None:
        return None, [
            _("The file “%(name)s” is not an image or audio file we can show.")
            % {"name": file_name}
        ]
    plan.kind, plan.content_type = sniffed
    plan.file_name, plan.content = PurePosixPath(file_name).name, content
    return plan, []


def _check_gold(plans: list[RowPlan], workflows: list[Workflow]) -> dict[int, list[str]]:
    from cslab.classification.tasks import clean_answers

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
    actor: Any,
    project: Project,
    name: str,
    archive: bytes,
    workflows: list[Workflow] | tuple[Workflow, ...] = (),
) -> SubjectSet:
    """Import a zip of media with a manifest as a new subject set (or into the set of that
    name), offered in `workflows`; InvalidInputError `invalid_manifest_rows` with `details`
    [{"row": n, "message": ...}] when any row is wrong, and then nothing is imported."""
    permissions.require(actor, "workflow.manage", project)
    if not name.strip():
        raise InvalidInputError(_("Give the subject set a name."), code="invalid_subject_set")
    bundle = _open_archive(archive)
    rows = _read_manifest(bundle)
    files = {
        PurePosixPath(entry).name: entry
        for entry in bundle.namelist()
        if not entry.endswith("/") and PurePosixPath(entry).name != MANIFEST_NAME
    }
    plans: list[RowPlan] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        plan, row_problems = _plan_row(number, row, bundle, files)
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
        Subject.objects.filter(
            subject_set__project=project, subject_set__name=name.strip()
        ).values_list("external_id", flat=True)
    )
    problems += [
        {"row": plan.row, "message": _("The set already has a subject “%(id)s”.")
         % {"id": plan.external_id}}
        for plan in plans if plan.external_id in existing
    ]  # fmt: skip
    if problems:
        raise InvalidInputError(
            _("The manifest has problems; nothing was imported."),
            code="invalid_manifest_rows",
            details=sorted(problems, key=lambda problem: problem["row"]),
        )
    return _import(
        actor=actor, project=project, name=name.strip(), plans=plans, workflows=workflows
    )


@transaction.atomic
def _import(
    *, actor: Any, project: Project, name: str, plans: list[RowPlan], workflows: Any
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
        if plan.content:
            subject.media.save(plan.file_name, ContentFile(plan.content), save=False)
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
    actor: Any,
    project: Project,
    name: str,
    filters: Any = None,
    workflows: list[Workflow] | tuple[Workflow, ...] = (),
) -> SubjectSet:
    """Make a subject of every photo of the project's observations matching `filters`
    (a `cslab.collection.filters.ObservationFilters`; None: all), rejected ones left out.

    Only the photo's public copy is shown (re-encoded, without EXIF location); the subject's
    metadata names the observation in a hidden "#observation" key.
    """
    from cslab.collection.models import Media

    permissions.require(actor, "workflow.manage", project)
    observations = _observations(actor=actor, project=project, filters=filters)
    photos = (
        Media.objects.filter(observation__in=observations, kind=Media.Kind.IMAGE)
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
    from cslab.collection.selectors import public_media_name

    return f"observation-{photo.observation_id}-{public_media_name(photo.pk, photo.name)}"[:200]


def _observations(*, actor: Any, project: Project, filters: Any) -> Any:
    """The observations the actor may see matching the filters (the collection app's rules:
    current versions only, hidden questions refused as filters)."""
    from cslab.collection.selectors import observation_list_visible

    return observation_list_visible(user=actor, project=project, filters=filters)
