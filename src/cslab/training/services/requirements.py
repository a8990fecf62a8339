"""Writes of role requirements: a project's owners choose which published modules a role
asks for first (`core.role_requirements` then holds joining and role changes to them)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import InvalidInputError
from cslab.core.services.audit import audit_record
from cslab.projects.models import Project
from cslab.training.certificate_selectors import REQUIRABLE_ROLES
from cslab.training.models import RoleRequirement, TrainingModule


def role_requirement_add(
    *, actor: Actor, project: Project, role: str, module: TrainingModule
) -> RoleRequirement:
    """Ask that people complete `module` before taking `role` in the project's team.

    Only a published module (a draft or retired one cannot be completed by newcomers), only a
    role a project may ask training of (`REQUIRABLE_ROLES`). Asking again for the same module
    returns the existing requirement. People already in the role keep it.
    """
    permissions.require(actor, "training.requirement.manage", project)
    actor = signed_in(actor)
    if role not in {choice.value for choice in REQUIRABLE_ROLES}:
        raise InvalidInputError(
            _("Choose one of the roles a project can ask training of."),
            details={"role": [_("Choose one of the roles offered.")]},
        )
    if module.status != TrainingModule.Status.PUBLISHED:
        raise InvalidInputError(
            _("Only a published module can be required."),
            details={"module": [_("Choose a published module.")]},
        )
    existing = RoleRequirement.objects.filter(project=project, role=role, module=module).first()
    if existing is not None:
        return existing
    requirement = RoleRequirement(project=project, role=role, module=module)
    requirement.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            requirement.save()
            audit_record(
                actor=actor,
                action="training.role_requirement_added",
                target=project,
                details={"role": role, "module_id": module.pk},
            )
    except IntegrityError:
        # Someone added the same requirement at the same moment: theirs stands.
        return RoleRequirement.objects.get(project=project, role=role, module=module)
    return requirement


@transaction.atomic
def role_requirement_remove(*, actor: Actor, requirement: RoleRequirement) -> None:
    """Stop asking the requirement's module of its role."""
    permissions.require(actor, "training.requirement.manage", requirement.project)
    actor = signed_in(actor)
    details = {"role": requirement.role, "module_id": requirement.module_id}
    project = requirement.project
    requirement.delete()
    audit_record(
        actor=actor, action="training.role_requirement_removed", target=project, details=details
    )
