"""API routes of exports (thin handlers): one form's observations as a streamed CSV, and the
data exports of a project's data page (prepare a file as a background job, list, download).

Register with `api.add_router("/", exports_router)` after
`from cslab.exports.api import router as exports_router`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.core.errors import InvalidInputError
from cslab.exports.responses import data_export_file_response
from cslab.exports.selectors import (
    data_export_get_for_download,
    data_export_is_downloadable,
    data_export_list_for_project,
    export_next_cursor,
    export_plan,
    export_rows,
)
from cslab.exports.services import data_export_start, workflow_export_start
from cslab.exports.workflow_tables import WORKFLOW_DATASETS, WORKFLOW_FORMATS
from cslab.exports.writers import FORMATS, csv_lines
from cslab.observations.api.observations import FilterQuery
from cslab.observations.filters import observation_filters_from_query
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["exports"], auth=SIGNED_IN)

CSV_DEFAULT_LIMIT = 1_000
CSV_MAX_LIMIT = 10_000
# Observation ids fit a signed 64-bit integer; a larger cursor is refused (422), not a 500.
LARGEST_ID = 2**63 - 1


class CsvPageQuery(Schema):
    after: int = Field(
        0,
        ge=0,
        le=LARGEST_ID,
        description="Only observations with a higher id: the `after` of the `Link` header's "
        "next page (0: from the start).",
    )
    limit: int = Field(
        CSV_DEFAULT_LIMIT,
        ge=1,
        le=CSV_MAX_LIMIT,
        description=f"Observations (rows) per page, at most {CSV_MAX_LIMIT}.",
    )


@router.get(
    "/projects/{slug}/forms/{form_id}/observations.csv",
    auth=ANYONE,
    summary="One form's observations as CSV, filtered and paged (geoprivacy applied)",
    openapi_extra={
        "responses": {
            200: {
                "description": 'The CSV; the `Link` header names the next page (`rel="next"`), '
                'the data licence (`rel="license"`) and the dataset page to cite '
                '(`rel="cite-as"`).',
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def observations_csv(
    request: ApiRequest,
    slug: str,
    form_id: str,
    filters: Query[FilterQuery],
    page: Query[CsvPageQuery],
) -> Any:
    """The observations of one form the caller may see, oldest first, as the main table of the
    CSV export: one row per observation, one column per question (repeat groups are left out:
    the data page's zip export has them as linked tables). The filters are the observation
    list's (`form` is the path's form). The public gets public points (obscured where needed)
    and no `observer` column; the project's owners and researchers true points and observers.
    Values are written exactly (a cell starting with `=`, `+`, `-` or `@` is data, not a
    formula). Pages of `limit` rows: when more follow, the `Link` header's `rel="next"` URL
    (the same query with `after`) gives the next page. 400 `invalid_filter` for a bad
    filter, 422 for a `limit` over 10,000."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    plan = export_plan(
        user=request.auth,
        project=project,
        form_id=form_id,
        public=False,
        filters=observation_filters_from_query(request.GET),
    )
    # Read before the first byte is sent: the header must name the next page.
    next_after = export_next_cursor(plan, after_id=page.after, limit=page.limit)
    response = StreamingHttpResponse(
        csv_lines(plan.tables, export_rows(plan, after_id=page.after, limit=page.limit)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=True, filename=f"{project.slug}-{plan.form.form_id}.csv"
        )
        or "attachment"
    )
    # A lead's CSV holds true locations: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    # The licence and where to cite travel with every page of rows (RFC 8574 `cite-as`):
    # a CSV has no place of its own for them.
    licence = project_licence_and_citation(project)
    dataset_url = request.build_absolute_uri(reverse("project_dataset", args=[project.slug]))
    links = [f'<{licence.licence_url}>; rel="license"', f'<{dataset_url}>; rel="cite-as"']
    if next_after is not None:
        query = request.GET.copy()
        query["after"] = str(next_after)
        query["limit"] = str(page.limit)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        links.insert(0, f'<{next_url}>; rel="next"')
    response["Link"] = ", ".join(links)
    return response


class DataExportIn(Schema):
    form_id: str | None = Field(
        None, max_length=100, description="The form whose observations to export."
    )
    workflow_id: int | None = Field(
        None,
        ge=1,
        le=LARGEST_ID,
        description="Or the classification workflow whose `dataset` to export.",
    )
    dataset: str | None = Field(
        None,
        max_length=20,
        description=f"With `workflow_id`: one of {', '.join(WORKFLOW_DATASETS)}.",
    )
    format: str = Field(
        ...,
        max_length=20,
        description=f"One of {', '.join(FORMATS)}; for a workflow one of "
        f"{', '.join(WORKFLOW_FORMATS)}.",
    )
    scope: str = Field(
        ...,
        max_length=10,
        description="`public` (what anyone may see) or `team` (true locations and observers; "
        "the project's owners, researchers and Lab staff).",
    )


class DataExportStartedOut(Schema):
    id: int
    status: str = Field(..., description="queued, ready or failed")
    job_id: UUID | None
    job_url: str | None = Field(None, description="Follow the job's progress here.")


class DataExportOut(Schema):
    id: int
    form_id: str = Field(..., description='The form ID, or "workflow-<id>-<dataset>".')
    dataset: str = Field(..., description="observations, classifications or results")
    workflow_id: int | None
    format: str
    scope: str
    status: str = Field(..., description="queued, ready, failed or expired")
    created_at: datetime
    expires_at: datetime | None
    rows: dict[str, int] = Field(..., description="Rows written per table.")
    size_bytes: int
    download_url: str | None = Field(None, description="While the file may be downloaded.")


def _job_url(request: ApiRequest, job_id: UUID | None) -> str | None:
    if job_id is None:
        return None
    return request.build_absolute_uri(reverse("api-1.0.0:get_job", kwargs={"job_id": job_id}))


@router.post(
    "/projects/{slug}/data-exports",
    response={202: DataExportStartedOut},
    summary="Prepare a data export of one form or one workflow (a background job)",
)
def start_data_export(request: ApiRequest, slug: str, payload: DataExportIn) -> Any:
    """202 with the export and its job; the same export again while it is still queued.
    Name exactly one source: `form_id` (observations), or `workflow_id` with `dataset`
    (`classifications` or `results`: CSV, XLSX, Data Package or Parquet; a public one of a
    published workflow, with pseudonymous classifiers). 400 for both or neither, an unknown
    format, dataset or scope; 404 for a project, form or workflow the caller may not see, and
    for a team export by someone who may not see true locations or review the workflow (the
    rule is hidden: team files are not advertised); 429 past 20 exports a day."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    if (payload.form_id is None) == (payload.workflow_id is None):
        message = "Name either form_id or workflow_id (with dataset)."
        raise InvalidInputError(message, details={"form_id": [message]})
    if payload.workflow_id is not None:
        export = workflow_export_start(
            actor=request.auth,
            project=project,
            workflow_id=payload.workflow_id,
            dataset=payload.dataset or "",
            format=payload.format,
            scope=payload.scope,
        )
    else:
        export = data_export_start(
            actor=request.auth,
            project=project,
            form_id=payload.form_id or "",
            format=payload.format,
            scope=payload.scope,
        )
    return Status(
        202,
        {
            "id": export.pk,
            "status": export.status,
            "job_id": export.job_id,
            "job_url": _job_url(request, export.job_id),
        },
    )


@router.get(
    "/projects/{slug}/data-exports",
    response=list[DataExportOut],
    auth=ANYONE,
    summary="The data exports the caller may use: ready public ones and their own",
)
def list_data_exports(request: ApiRequest, slug: str) -> Any:
    """Everyone's ready public exports and the caller's own of any status, newest first (at
    most 50); `download_url` is set while a file may be downloaded (7 days)."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    now = timezone.now()
    return [
        {
            "id": export.pk,
            "form_id": export.source_name,
            "dataset": export.dataset,
            "workflow_id": export.workflow_id,
            "format": export.format,
            "scope": export.scope,
            "status": export.status,
            "created_at": export.created_at,
            "expires_at": export.expires_at,
            "rows": export.rows_per_table,
            "size_bytes": export.size_bytes,
            "download_url": request.build_absolute_uri(
                reverse(
                    "api-1.0.0:download_data_export",
                    kwargs={"slug": project.slug, "export_id": export.pk},
                )
            )
            if data_export_is_downloadable(export, now=now)
            else None,
        }
        for export in data_export_list_for_project(user=request.auth, project=project)
    ]


@router.get(
    "/projects/{slug}/data-exports/{export_id}/download",
    auth=ANYONE,
    summary="Download a data export's file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_data_export(request: ApiRequest, slug: str, export_id: int) -> Any:
    """The file, with the same name and headers as the data page's download. 404 once it
    expired, and for a team export to anyone but the person who asked (while they may still
    see true locations)."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    export = data_export_get_for_download(user=request.auth, project=project, export_id=export_id)
    return data_export_file_response(project=project, export=export)
