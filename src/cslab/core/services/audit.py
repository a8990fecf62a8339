"""Writing the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cslab.core.actors import Actor, person_or_none
from cslab.core.models import AuditEvent


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` performed `action` on `target`.

    Call inside the service's transaction, so the event exists exactly when the change does.
    `actor` may be None (the system) or an anonymous user (stored as None).
    """
    event = AuditEvent(
        actor=person_or_none(actor),
        action=action,
        details=details or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_label = str(target)[:255]
    event.full_clean()
    event.save()
    return event
