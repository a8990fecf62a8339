"""Creating and changing workflows, and linking subject sets to them."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.classification.models import (
    Subject,
    SubjectSet,
    Workflow,
    WorkflowSubject,
    WorkflowSubjectSet,
)
from cslab.classification.task_definitions import check_tasks
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.fields import nulls_as_empty
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.projects.models import Project

SETTINGS_FIELDS = (
    "name",
    "status",
    "tasks",
    "tutorial",
    "field_guide",
    "retirement_count",
    "consensus_agreeing",
    "consensus_confidence",
    "gold_rate_newcomer",
    "gold_rate_experienced",
    "gold_rate_experience",
    "assignment_order",
    "allow_anonymous",
)


class WorkflowSettings(TypedDict, total=False):
    """The settings a caller may give `workflow_create` as keyword arguments; a setting not
    given keeps the model default. None for a text or choice setting means its empty value."""

    status: str
    tutorial: str | None
    field_guide: str | None
    retirement_count: int
    consensus_agreeing: int | None
    consensus_confidence: float | None
    gold_rate_newcomer: float
    gold_rate_experienced: float
    gold_rate_experience: int
    assignment_order: str | None
    allow_anonymous: bool


class WorkflowChanges(WorkflowSettings, total=False):
    """What `workflow_update` may change: the settings, the name and the tasks."""

    name: str
    tasks: list[dict[str, Any]]


def _full_clean(workflow: Workflow) -> None:
    from django.core.exceptions import ValidationError

    try:
        workflow.full_clean(exclude=["project", "created_by"])
    except ValidationError as error:
        raise InvalidInputError(
            _("The workflow settings are not valid."),
            code=ProblemCode.INVALID_WORKFLOW,
            details=error.message_dict,
        ) from error


def _unique_slug(project: Project, name: str) -> str:
    base = slugify(name)[:70] or "workflow"
    slug, number = base, 1
    while Workflow.objects.filter(project=project, slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def workflow_create(
    *,
    actor: Actor,
    project: Project,
    name: str,
    tasks: list[dict[str, Any]],
    subject_sets: list[SubjectSet] | tuple[SubjectSet, ...] = (),
    **settings: Unpack[WorkflowSettings],
) -> Workflow:
    """Create a workflow (a draft unless `status` says otherwise) with its subject sets."""
    permissions.require(actor, "workflow.manage", project)
    actor = signed_in(actor)
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInputError(_("Unknown settings: %(names)s.") % {"names": ", ".join(unknown)})
    workflow = Workflow(
        project=project,
        name=name,
        slug=_unique_slug(project, name),
        tasks=check_tasks(tasks),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **settings,
    )
    _check_consensus_rule(workflow)
    _full_clean(workflow)
    workflow.save()
    for subject_set in subject_sets:
        workflow_link_subject_set(actor=actor, workflow=workflow, subject_set=subject_set)
    audit_record(actor=actor, action="classification.workflow_create", target=workflow)
    return workflow


def _check_consensus_rule(workflow: Workflow) -> None:
    if (workflow.consensus_agreeing is None) != (workflow.consensus_confidence is None):
        raise InvalidInputError(
            _("Early retirement needs both the number of agreeing answers and the confidence."),
            code=ProblemCode.INVALID_WORKFLOW,
        )


@transaction.atomic
def workflow_update(
    *, actor: Actor, workflow: Workflow, **changes: Unpack[WorkflowChanges]
) -> Workflow:
    """Change a workflow's settings; tasks can change only while nobody has classified."""
    permissions.require(actor, "workflow.manage", workflow)
    actor = signed_in(actor)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInputError(_("Unknown settings: %(names)s.") % {"names": ", ".join(unknown)})
    values = nulls_as_empty(Workflow, changes)
    if "tasks" in values:
        if values["tasks"] != workflow.tasks and workflow.classifications.exists():
            raise ConflictError(
                _("The tasks cannot change once volunteers have classified; copy the workflow."),
                code=ProblemCode.WORKFLOW_HAS_CLASSIFICATIONS,
            )
        values["tasks"] = check_tasks(values["tasks"])
    for name, value in values.items():
        setattr(workflow, name, value)
    _check_consensus_rule(workflow)
    _full_clean(workflow)
    workflow.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="classification.workflow_update",
        target=workflow,
        details={"fields": sorted(values)},
    )
    return workflow


def workflow_link_subject_set(*, actor: Actor, workflow: Workflow, subject_set: SubjectSet) -> int:
    """Offer the set's subjects in the workflow; return how many subjects were added."""
    permissions.require(actor, "workflow.manage", workflow)
    actor = signed_in(actor)
    if subject_set.project_id != workflow.project_id:
        raise InvalidInputError(_("The subject set belongs to another project."))
    with transaction.atomic():
        WorkflowSubjectSet.objects.get_or_create(workflow=workflow, subject_set=subject_set)
        return workflow_add_subjects(
            workflow=workflow, subjects=Subject.objects.filter(subject_set=subject_set)
        )


def workflow_add_subjects(*, workflow: Workflow, subjects: Any) -> int:
    """Create the workflow's state rows for subjects that have none (idempotent)."""
    rows = [
        WorkflowSubject(workflow=workflow, subject_id=subject_id, is_gold=is_gold)
        for subject_id, is_gold in subjects.values_list("pk", "is_gold").iterator()
    ]
    existing = set(
        WorkflowSubject.objects.filter(
            workflow=workflow, subject_id__in=[row.subject_id for row in rows]
        ).values_list("subject_id", flat=True)
    )
    missing = [row for row in rows if row.subject_id not in existing]
    WorkflowSubject.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)
    return len(missing)
