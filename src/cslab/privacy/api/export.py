"""API routes of the personal-data export: start one, list mine (with download links)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.privacy.selectors.export import personal_data_export_list, personal_data_export_token
from cslab.privacy.services.export import personal_data_export_start

router = Router(tags=["privacy"], auth=SIGNED_IN)


class PersonalDataExportOut(Schema):
    id: int
    status: str = Field(
        ..., description="queued, running, failed, ready or expired (the file is deleted)."
    )
    progress: int
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime
    downloaded_at: datetime | None
    size_bytes: int
    job_id: UUID | None
    job_url: str | None = Field(..., description="The job's progress (`GET /api/v1/jobs/{id}`).")
    download_url: str | None = Field(
        ...,
        description="While ready: the zip, for the signed-in owner only (a browser session).",
    )

    @staticmethod
    def resolve_status(export: Any) -> str:
        if export.ready_at is not None:
            return "expired" if export.expires_at <= timezone.now() else "ready"
        return export.job.status if export.job is not None else "failed"

    @staticmethod
    def resolve_progress(export: Any) -> int:
        if export.ready_at is not None:
            return 100
        return export.job.progress if export.job is not None else 0

    @staticmethod
    def resolve_job_url(export: Any) -> str | None:
        return f"/api/v1/jobs/{export.job_id}" if export.job_id else None

    @staticmethod
    def resolve_download_url(export: Any) -> str | None:
        if export.ready_at is None or export.expires_at <= timezone.now():
            return None
        return reverse(
            "personal_data_download",
            kwargs={"export_id": export.pk, "token": personal_data_export_token(export)},
        )


@router.post(
    "/me/data-exports",
    response={202: PersonalDataExportOut},
    summary="Export my personal data (a background job; the one running if there is one)",
)
def start_personal_data_export(request: ApiRequest) -> Any:
    """202 with the export; follow its job at `job_url`. At most 3 a day (429 after that)."""
    return Status(202, personal_data_export_start(actor=request.auth, user=request.auth))


@router.get(
    "/me/data-exports",
    response=list[PersonalDataExportOut],
    summary="My personal-data exports, newest first",
)
@paginate(CursorPagination)
def list_personal_data_exports(request: ApiRequest) -> Any:
    return personal_data_export_list(user=request.auth)
