"""API routes of the core area: jobs and the audit log."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.core import selectors

router = Router(tags=["jobs and audit"], auth=SIGNED_IN)


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    progress: int
    message: str
    result: Any | None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class AuditEventOut(Schema):
    id: int
    action: str
    actor_id: int | None
    target_type: str | None
    target_id: str
    target_label: str
    details: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_target_type(event: Any) -> str | None:
        return event.target_type.model if event.target_type_id else None


@router.get("/jobs", response=list[JobOut], summary="Jobs I started")
@paginate(CursorPagination)
def list_jobs(request: ApiRequest) -> Any:
    return selectors.job_list_for_user(user=request.auth)


@router.get("/jobs/{job_id}", response=JobOut, summary="One job's status, progress and result")
def get_job(request: ApiRequest, job_id: UUID) -> Any:
    return selectors.job_get_for_viewing(user=request.auth, job_id=job_id)


@router.get("/audit-events", response=list[AuditEventOut], summary="Browse the audit log (staff)")
@paginate(CursorPagination)
def list_audit_events(
    request: ApiRequest,
    action: str = "",
    actor_email: str = "",
    target_type: str = "",
    target_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> Any:
    return selectors.audit_event_list(
        user=request.auth,
        action=action,
        actor_email=actor_email,
        target_type=target_type,
        target_id=target_id,
        since=since,
        until=until,
    )
