"""Writes of impact statements: a project's owners and researchers (and Lab staff) record what
changed because of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError
from cslab.core.services.audit import audit_record
from cslab.impact.models import ImpactStatement
from cslab.impact.vocabulary import ImpactKind
from cslab.projects.models import Project

DESCRIPTION_MAX = 5000
EVIDENCE_URL_MAX = 500
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ImpactStatementInput:
    kind: str
    description: str
    evidence_url: str = ""
    occurred_on: date | None = None


def _errors_of(data: ImpactStatementInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in ImpactKind.values:
        errors["kind"] = [_("Choose what kind of impact this is.")]
    description = data.description.strip()
    if not description:
        errors["description"] = [_("Say what changed.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("Say it in at most %(count)d characters.") % {"count": DESCRIPTION_MAX}
        ]
    url = data.evidence_url.strip()
    if url:
        try:
            if len(url) > EVIDENCE_URL_MAX:
                raise ValidationError("too long")
            _url_validator(url)
        except ValidationError:
            errors["evidence_url"] = [
                _("Give a web address starting with https:// or http:// (at most 500 characters).")
            ]
    # A day's grace: a date entered in another time zone may be "tomorrow" here.
    latest = timezone.localdate() + timedelta(days=1)
    if data.occurred_on is not None and data.occurred_on > latest:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    return errors


def _fill(statement: ImpactStatement, data: ImpactStatementInput) -> None:
    errors = _errors_of(data)
    if errors:
        raise InvalidInputError(_("Please correct the errors below."), details=errors)
    statement.kind = data.kind
    statement.description = data.description.strip()
    statement.evidence_url = data.evidence_url.strip()
    statement.occurred_on = data.occurred_on
    statement.full_clean(exclude=["project", "created_by"])


@transaction.atomic
def impact_statement_create(
    *, actor: Actor, project: Project, data: ImpactStatementInput
) -> ImpactStatement:
    """Record an impact of the project (its owners, researchers and Lab staff)."""
    permissions.require(actor, "impact.statement.manage", project)
    statement = ImpactStatement(project=project, created_by=person_or_none(actor))
    _fill(statement, data)
    statement.save()
    audit_record(
        actor=actor,
        action="impact.statement_created",
        target=project,
        details={"statement": statement.pk, "kind": statement.kind},
    )
    return statement


@transaction.atomic
def impact_statement_update(
    *, actor: Actor, project: Project, statement: ImpactStatement, data: ImpactStatementInput
) -> ImpactStatement:
    """Change an impact statement of the project."""
    permissions.require(actor, "impact.statement.manage", project)
    if statement.project_id != project.pk:
        raise InvalidInputError(_("This impact is not the project's."))
    _fill(statement, data)
    statement.save(update_fields=["kind", "description", "evidence_url", "occurred_on"])
    audit_record(
        actor=actor,
        action="impact.statement_updated",
        target=project,
        details={"statement": statement.pk, "kind": statement.kind},
    )
    return statement


@transaction.atomic
def impact_statement_delete(*, actor: Actor, project: Project, statement: ImpactStatement) -> None:
    """Remove an impact statement of the project."""
    permissions.require(actor, "impact.statement.manage", project)
    if statement.project_id != project.pk:
        raise InvalidInputError(_("This impact is not the project's."))
    statement_id = statement.pk
    statement.delete()
    audit_record(
        actor=actor,
        action="impact.statement_deleted",
        target=project,
        details={"statement": statement_id, "description": statement.description[:200]},
    )
