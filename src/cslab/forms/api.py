"""API routes for forms: list, read (with the XLSForm rows of the latest version), publish.

Publishing takes the same structure an uploaded XLSForm becomes and the form builder edits
(survey, choices and settings rows), so a script can build forms without a spreadsheet.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Router, Schema, Status

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.core.models import Job
from cslab.forms.services import form_publish_rows_start
from cslab.observations import selectors
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["forms"])


class FormVersionOut(Schema):
    version: str
    md5: str = Field(..., description="md5 of the XForm as served to OpenRosa clients.")
    languages: list[str]
    warnings: list[str]
    published_at: datetime | None


class FormOut(Schema):
    form_id: str
    title: str
    version_count: int
    last_published_at: datetime | None


class FormDetailOut(Schema):
    form_id: str
    title: str
    versions: list[FormVersionOut]
    latest: dict[str, Any] = Field(
        ..., description="The XLSForm rows of the latest version: survey, choices, settings."
    )


class FormPublishJobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    progress: int
    message: str
    created_at: datetime
    url: str = Field(
        ...,
        description="The job's status in the API (`GET /api/v1/jobs/{id}`); once it has "
        "finished, its `result` is `published` true with `form_id`, `version` and `md5`, or "
        "`published` false with the `status`, `code`, `detail` and `errors` that publishing "
        "at once would have answered.",
    )

    @staticmethod
    def resolve_url(job: Any) -> str:
        return f"/api/v1/jobs/{job.id}"


class FormRowsIn(Schema):
    survey: list[dict[str, Any]] = Field(..., description="XLSForm survey rows, in order.")
    choices: list[dict[str, Any]] = Field(default_factory=list)
    settings: list[dict[str, Any]] = Field(
        default_factory=list,
        description="One row: form_id, form_title, version (a new version string each time).",
    )


@router.get(
    "/projects/{slug}/forms", response=list[FormOut], auth=ANYONE, summary="A project's forms"
)
def list_forms(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return list(selectors.form_list_for_project(user=request.auth, project=project))


@router.get(
    "/projects/{slug}/forms/{form_id}",
    response=FormDetailOut,
    auth=ANYONE,
    summary="A form, its versions and the rows of the latest one",
)
def get_form(request: ApiRequest, slug: str, form_id: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    form = selectors.form_get_for_viewing(user=request.auth, project=project, form_id=form_id)
    latest = selectors.form_version_get_latest(user=request.auth, form=form)
    return {
        "form_id": form.form_id,
        "title": form.title,
        "versions": list(selectors.form_version_list(user=request.auth, form=form)),
        "latest": {key: latest.source.get(key, []) for key in ("survey", "choices", "settings")},
    }


@router.post(
    "/projects/{slug}/forms",
    response={201: FormVersionOut, 202: FormPublishJobOut},
    auth=SIGNED_IN,
    summary="Publish a form version from XLSForm rows",
)
def publish_form(request: ApiRequest, slug: str, payload: FormRowsIn) -> Any:
    """201 with the new version; 400 `invalid_xlsform` with `errors` listing each problem by
    sheet and row; 409 `duplicate_form_version` when the version string was used before.

    A large form (more rows than XLSFORM_INLINE_MAX_ROWS, all sheets together) and every form
    when the server checks forms with ODK Validate is converted in a background job: 202 with
    the job; follow it at `url` until its `result` names the version or lists the problems
    (only whoever published sees the result). Rows over the form limits are refused at once."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    published = form_publish_rows_start(
        actor=request.auth, project=project, workbook=payload.dict()
    )
    if isinstance(published, Job):
        return Status(202, published)
    return Status(201, published)
