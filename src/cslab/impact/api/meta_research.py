"""The meta-research feed's API (Lab staff only): start an export, list them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.impact.models import MetaResearchExport
from cslab.impact.selectors.meta_research import (
    meta_research_export_list,
    meta_research_project_ids,
)
from cslab.impact.services.meta_research import MAX_PROJECTS, meta_research_export_start

router = Router(tags=["impact"], auth=SIGNED_IN)

Slug = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class MetaResearchExportIn(Schema):
    projects: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_PROJECTS,
        description=f"Project slugs (at most {MAX_PROJECTS}); empty: every project.",
    )
    start: date | None = Field(None, description="First local day of contributions included.")
    end: date | None = Field(None, description="Last local day of contributions included.")


class MetaResearchExportOut(Schema):
    id: int
    status: str = Field(
        ...,
        description=(
            "queued (being written: follow `job_url`), ready, failed or expired (file deleted)."
        ),
    )
    created_at: datetime
    expires_at: datetime | None
    filters: dict[str, Any]
    events: int
    participants: int
    job_id: UUID | None
    job_url: str | None = Field(..., description="The job's progress (`GET /api/v1/jobs/{id}`).")
    download_url: str | None = Field(
        ..., description="While ready: the zip (a browser session of Lab staff)."
    )

    @staticmethod
    def resolve_status(export: MetaResearchExport) -> str:
        queued = export.status == MetaResearchExport.Status.QUEUED
        if queued and export.job is not None and export.job.status == "failed":
            return MetaResearchExport.Status.FAILED.value
        ready = export.status == MetaResearchExport.Status.READY
        if ready and export.expires_at is not None and export.expires_at <= timezone.now():
            return MetaResearchExport.Status.EXPIRED.value
        return str(export.status)

    @staticmethod
    def resolve_job_url(export: MetaResearchExport) -> str | None:
        return f"/api/v1/jobs/{export.job_id}" if export.job_id else None

    @staticmethod
    def resolve_download_url(export: MetaResearchExport) -> str | None:
        if MetaResearchExportOut.resolve_status(export) != MetaResearchExport.Status.READY:
            return None
        if not export.file_name:
            return None
        return reverse("meta_research_export_download", kwargs={"export_id": export.pk})


@router.post(
    "/impact/meta-research-exports",
    response={202: MetaResearchExportOut},
    summary="Export consenting participants' pseudonymous events (Lab staff; a background job)",
)
def start_meta_research_export(request: ApiRequest, payload: MetaResearchExportIn) -> Any:
    """202 with the export; follow its job at `job_url`. 404 for anyone but Lab staff."""
    project_ids = meta_research_project_ids(user=request.auth, slugs=payload.projects)
    export = meta_research_export_start(
        actor=request.auth, project_ids=project_ids, start=payload.start, end=payload.end
    )
    return Status(202, export)


@router.get(
    "/impact/meta-research-exports",
    response=list[MetaResearchExportOut],
    summary="The meta-research exports, newest first (Lab staff)",
)
@paginate(CursorPagination)
def list_meta_research_exports(request: ApiRequest) -> Any:
    return meta_research_export_list(user=request.auth)
