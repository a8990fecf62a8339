"""Publishing forms: an uploaded XLSForm becomes a new, immutable version of a project's form.

Versions are append-only: no service changes or deletes a published `FormVersion`, and a second
upload with a version string already used for that form is refused (ConflictError), so every
submission made against a version can always be read against the exact form it answered.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.models import Job
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from cslab.forms import xlsform
from cslab.forms.form_definition import FormDefinition
from cslab.forms.models import FORM_ID_PATTERN, Form, FormVersion
from cslab.projects.models import Project

PUBLISH_JOB_KIND = "collection.form_publish"
# Where an upload waits for its publishing job; the job deletes it.
UPLOAD_DIRECTORY = "form-uploads"


def form_publish_upload_start(
    *, actor: Actor, project: Project, file_name: str, content: bytes
) -> FormVersion | Job:
    """Publish an uploaded XLSForm now when it is small, else start a job that publishes it.

    What the upload page calls. The size and rows are checked here without reading a cell
    (`xlsform.count_rows`), and a file over the limits is refused as `form_publish_xlsform`
    refuses it. A form over XLSFORM_INLINE_MAX_ROWS rows, or any form when ODK Validate runs
    (`xlsform.publishes_in_background`), is kept in storage and a `collection.form_publish`
    job reads, converts and publishes it (`form_publish_job_run`).
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "form.publish", project)
    try:
        rows = xlsform.count_rows(file_name=file_name, content=content)
    except xlsform.XLSFormError as error:
        raise _invalid(error) from None
    if not xlsform.publishes_in_background(rows):
        return form_publish_xlsform(
            actor=actor, project=project, file_name=file_name, content=content
        )
    stored = default_storage.save(
        f"{UPLOAD_DIRECTORY}/{uuid.uuid4().hex}{xlsform.file_type_of(file_name)}",
        ContentFile(content),
    )
    return _publish_job_start(
        actor=actor, project=project, file_name=file_name, arguments={"stored_file": stored}
    )


def form_publish_rows_start(
    *, actor: Actor, project: Project, workbook: dict[str, Any], file_name: str = ""
) -> FormVersion | Job:
    """Publish XLSForm rows now when they are few, else start a job that publishes them.

    What the JSON API and the form builder call; the same rule and the same job as
    `form_publish_upload_start`, with the rows (within the limits) as the job's arguments.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "form.publish", project)
    if not xlsform.publishes_in_background(_row_count(workbook)):
        return form_publish_workbook(
            actor=actor, project=project, workbook=workbook, file_name=file_name
        )
    _check_shape(workbook)
    over_limits = xlsform.limit_problems(workbook)
    if over_limits:
        raise _invalid(xlsform.XLSFormError(over_limits))
    return _publish_job_start(
        actor=actor, project=project, file_name=file_name, arguments={"workbook": workbook}
    )


def _row_count(workbook: Any) -> int | None:
    return xlsform.workbook_row_count(workbook) if isinstance(workbook, dict) else None


def _publish_job_start(
    *, actor: Actor, project: Project, file_name: str, arguments: dict[str, Any]
) -> Job:
    return job_start(
        actor=actor,
        kind=PUBLISH_JOB_KIND,
        title=_("Publishing %(file)s in %(project)s")
        % {"file": PurePath(file_name).name[:80] or _("a form"), "project": project.name[:80]},
        arguments={
            "project_id": project.pk,
            "file_name": file_name[:255],
            # The version a form without one gets is the time of the request, as when
            # published inline, so a job that runs twice cannot publish two versions.
            "default_version": _default_version(),
            **arguments,
        },
    )


def form_publish_job_run(
    *,
    actor: Actor,
    project: Project,
    file_name: str,
    default_version: str,
    stored_file: str = "",
    workbook: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Publish what a `collection.form_publish` job was given, as the upload would have.

    Returns `publish_job_result`, the published version, or `publish_job_refusal`, the
    problems row by row (or the duplicate version) exactly as publishing in the request would
    refuse them. The kept upload is deleted either way.
    """
    try:
        if stored_file:
            with default_storage.open(stored_file, "rb") as stored:
                content = stored.read()
            try:
                workbook = xlsform.read_workbook(file_name=file_name, content=content)
            except xlsform.XLSFormError as error:
                raise _invalid(error) from None
        version = form_publish_workbook(
            actor=actor,
            project=project,
            workbook=workbook or {},
            file_name=file_name,
            default_version=default_version,
        )
    except (InvalidInputError, ConflictError) as error:
        return publish_job_refusal(error)
    finally:
        if stored_file:
            default_storage.delete(stored_file)
    return publish_job_result(version)


def publish_job_result(version: FormVersion) -> dict[str, Any]:
    """A publishing job's result when the form was published: `published` true, `form_id`,
    `version`, `md5`, and `url`, the project's forms page."""
    project = version.form.project
    return {
        "published": True,
        "project": project.slug,
        "form_id": version.form.form_id,
        "version": version.version,
        "md5": version.md5,
        "url": reverse("form_list", kwargs={"slug": project.slug}),
    }


def publish_job_refusal(error: InvalidInputError | ConflictError) -> dict[str, Any]:
    """A publishing job's result when the form was refused: what the API would have answered
    had it published at once. `published` false, the problem's `status`, `code` and `detail`,
    and `errors` listing each problem as {"row", "sheet", "message"}."""
    return {
        "published": False,
        "status": int(error.code.status),
        "code": error.code,
        "detail": error.message,
        "errors": error.details if isinstance(error.details, list) else [],
    }


def form_publish_xlsform(
    *, actor: Actor | None, project: Project, file_name: str, content: bytes
) -> FormVersion:
    """Convert an uploaded XLSForm (.xlsx, .xls, .csv) and publish it as a new form version.

    The `settings` sheet names the form (`form_id`, `form_title`) and its `version`; without
    them the file name gives the form ID and title, and the upload time the version. A new
    version of an existing form ID is added beside the old ones. Problems in the spreadsheet
    raise InvalidInputError `invalid_xlsform` with `details` a list of
    {"row", "sheet", "message"}; nothing is stored then. The same version twice raises
    ConflictError `duplicate_form_version`. Actor None is the system (a script).
    A file over the limits (XLSFORM_MAX_BYTES, XLSFORM_MAX_ROWS per sheet, see
    `xlsform.limit_problems`) is refused the same way before it is converted.
    """
    if actor is not None:
        permissions.require(actor, "project.view", project)
        permissions.require(actor, "form.publish", project)
    try:
        workbook = xlsform.read_workbook(file_name=file_name, content=content)
    except xlsform.XLSFormError as error:
        raise _invalid(error) from None
    return form_publish_workbook(
        actor=actor, project=project, workbook=workbook, file_name=file_name
    )


def form_publish_workbook(
    *,
    actor: Actor | None,
    project: Project,
    workbook: dict[str, Any],
    file_name: str = "",
    default_version: str = "",
) -> FormVersion:
    """Publish XLSForm rows (a workbook dict: {"survey": [...], "choices": [...], "settings":
    [...]}) as a new form version: what the form builder and the JSON API send, and what an
    upload becomes. Same rules and errors as `form_publish_xlsform`. A form whose settings
    give no version gets `default_version`, or else the time now.
    """
    if actor is not None:
        permissions.require(actor, "project.view", project)
        permissions.require(actor, "form.publish", project)
    _check_shape(workbook)
    stem = PurePath(file_name).stem if file_name else ""
    try:
        # The limits before any work on the rows: their number, then each expression.
        over_limits = xlsform.limit_problems(workbook)
        if over_limits:
            raise xlsform.XLSFormError(over_limits)
        workbook = xlsform.cells_as_text(workbook)
        settings = xlsform.settings_of(workbook)
        form_id = (settings.get("form_id") or settings.get("id_string") or "").strip()
        form_id = form_id or slugify(stem).replace("-", "_") or "form"
        if not re.match(FORM_ID_PATTERN, form_id):
            raise xlsform.XLSFormError(
                [
                    xlsform.FormProblem(
                        _(
                            "The form ID “%(form_id)s” must start with a letter or _ and have only "
                            "letters, digits, _ . and -."
                        )
                        % {"form_id": form_id},
                        sheet="settings",
                        row=xlsform.FIRST_DATA_ROW,
                    )
                ]
            )
        title = (settings.get("form_title") or settings.get("title") or "").strip()
        title = title or stem.replace("_", " ").strip() or form_id
        version = str(settings.get("version") or "").strip()
        version = version or default_version or _default_version()
        # The stored rows say exactly what the XForm says, so converting them again gives it.
        workbook = xlsform.with_settings(
            workbook, form_id=form_id, form_title=title, version=version
        )
        conversion = xlsform.convert_workbook(workbook)
    except xlsform.XLSFormError as error:
        raise _invalid(error) from None

    try:
        with transaction.atomic():
            form, created = Form.objects.get_or_create(
                project=project,
                form_id=form_id,
                defaults={"title": title[:200], "created_by": _user_or_none(actor)},
            )
            if not created and form.title != title[:200]:
                form.title = title[:200]
                _full_clean(form)
                form.save(update_fields=["title"])
            form_version = FormVersion(
                form=form,
                version=version,
                xform=conversion.xform,
                source=workbook,
                definition=FormDefinition.from_source(workbook).to_json(),
                source_file_name=PurePath(file_name).name[:255] if file_name else "",
                md5=xform_md5(conversion.xform),
                languages=xlsform.languages_of(workbook),
                warnings=conversion.warnings,
                created_by=_user_or_none(actor),
                published_at=timezone.now(),
            )
            _full_clean(form_version, exclude=["form"])
            form_version.save()
            audit_record(
                actor=actor,
                action="form.published",
                target=form_version,
                details={"project": project.slug, "form_id": form_id, "version": version},
            )
    except IntegrityError:
        raise ConflictError(
            _(
                "Version “%(version)s” of form “%(form_id)s” is already published; "
                "give the new version another version string in the settings sheet."
            )
            % {"version": version, "form_id": form_id},
            code=ProblemCode.DUPLICATE_FORM_VERSION,
        ) from None
    return form_version


def _check_shape(workbook: Any) -> None:
    if not isinstance(workbook, dict) or not isinstance(workbook.get("survey"), list):
        raise InvalidInputError(
            _("Give the form's rows: a survey list, and choices and settings if any."),
            code=ProblemCode.INVALID_XLSFORM,
            details=[],
        )


def _default_version() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S")


def _invalid(error: xlsform.XLSFormError) -> InvalidInputError:
    return InvalidInputError(
        _("The XLSForm has problems; nothing was published."),
        code=ProblemCode.INVALID_XLSFORM,
        details=[problem.as_dict() for problem in error.problems],
    )


def xform_md5(xform: str) -> str:
    """Return the hex md5 of the XForm's UTF-8 bytes (the bytes OpenRosa clients download)."""
    return hashlib.md5(xform.encode("utf-8"), usedforsecurity=False).hexdigest()


def _user_or_none(actor: Actor | None) -> User | None:
    return person_or_none(actor)


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The form could not be saved."),
            code=ProblemCode.INVALID_XLSFORM,
            details=[
                {"row": None, "sheet": "settings", "message": f"{field}: {' '.join(messages)}"}
                for field, messages in error.message_dict.items()
            ],
        ) from None
