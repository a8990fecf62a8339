"""Reads of the core area: audit log and jobs, filtered by what the viewer may see."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.core.models import AuditEvent, Job

if TYPE_CHECKING:
    # For the annotation only: core sits below accounts.
    from cslab.accounts.models import User


def audit_event_list(
    *,
    user: Actor,
    action: str = "",
    actor_email: str = "",
    target_type: str = "",
    target_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Return audit events, newest first, filtered; only Lab staff may browse the log."""
    permissions.require(user, "audit.browse")
    events = AuditEvent.objects.select_related("actor", "target_type")
    if action:
        events = events.filter(action__startswith=action)
    if actor_email:
        events = events.filter(actor__email__iexact=actor_email)
    if target_type:
        events = events.filter(target_type__model=target_type.lower())
    if target_id:
        events = events.filter(target_id=target_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events.order_by("-created_at", "-id")


def audit_action_names(*, user: Actor) -> list[str]:
    """Return the distinct action names in the log, for the filter menu."""
    permissions.require(user, "audit.browse")
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def job_get_for_viewing(*, user: Actor, job_id: Any) -> Job:
    """Return the job if the user started it (or is staff); raise NotFoundError otherwise.

    The returned job carries its `result` only for whoever may read it (`job.read_result`);
    for anyone else it is None. The instance is for reading: never save it.
    """
    try:
        job = Job.objects.get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "job.view", job)
    if not permissions.has_permission(user, "job.read_result", job):
        job.result = None
    return job


def job_get_result(*, user: Actor, job_id: Any) -> Job:
    """Return the job to download its result: only for whoever started it (NotFoundError)."""
    try:
        job = Job.objects.get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "job.read_result", job)
    return job


def job_list_for_user(*, user: User) -> QuerySet[Job]:
    """Return the jobs the user started, newest first."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(started_by=user).order_by("-created_at")
