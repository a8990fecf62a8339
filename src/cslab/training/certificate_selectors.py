"""The reads of certificates and role requirements: a holder's own certificates, those a
profile shows, and the requirements page of a project.

Verification by code is `selectors.certificate_get_by_code` (anyone with the code).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.training.models import Certificate, RoleRequirement, TrainingModule
from cslab.training.selectors import module_list_listed

# The roles a project may ask training of. Not "owner": owners set the requirements, and a
# requirement for owners could leave a team unable to hand ownership on.
REQUIRABLE_ROLES = (
    ProjectRole.MEMBER,
    ProjectRole.MODERATOR,
    ProjectRole.RESEARCHER,
    ProjectRole.VIEWER,
)


def certificate_list_mine(*, viewer: Actor) -> QuerySet[Certificate]:
    """Return the viewer's own certificates, newest first (none for a visitor)."""
    if not viewer.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(user_id=signed_in(viewer).pk).select_related("module")


def certificate_get_for_holder(*, viewer: Actor, module_slug: str) -> Certificate:
    """Return the viewer's certificate of this module, or raise NotFoundError (also for anyone
    who holds none: nobody learns who holds which certificate)."""
    if not viewer.is_authenticated:
        raise NotFoundError()
    certificate = (
        Certificate.objects.select_related("module")
        .filter(user_id=signed_in(viewer).pk, module__slug=module_slug[:120])
        .first()
    )
    if certificate is None:
        raise NotFoundError()
    permissions.require(viewer, "training.certificate.manage", certificate)
    return certificate


def certificate_list_on_profile(*, person: Any) -> QuerySet[Certificate]:
    """Return the certificates a person chose to show on their profile and that still hold
    (not revoked). The caller has checked that the viewer may see the profile."""
    return Certificate.objects.filter(
        user_id=person.pk, show_on_profile=True, revoked_at__isnull=True
    ).select_related("module")


@dataclass
class RoleRequirementRow:
    role: str
    label: str
    requirements: list[RoleRequirement] = field(default_factory=list)


@dataclass
class RequirementsPage:
    rows: list[RoleRequirementRow]
    modules: list[TrainingModule]


def requirements_page(*, viewer: Actor, project: Any) -> RequirementsPage:
    """Return, per role a project may ask training of, its required modules, and the
    published modules to choose from. Only the project's owners and staff: others get the
    permission's refusal (403, or the log-in for a visitor)."""
    permissions.require(viewer, "training.requirement.manage", project)
    by_role: dict[str, RoleRequirementRow] = {
        role.value: RoleRequirementRow(role=role.value, label=str(role.label))
        for role in REQUIRABLE_ROLES
    }
    for requirement in RoleRequirement.objects.filter(project_id=project.pk).select_related(
        "module"
    ):
        row = by_role.get(requirement.role)
        if row is not None:
            row.requirements.append(requirement)
    return RequirementsPage(rows=list(by_role.values()), modules=list(module_list_listed()))


def requirement_get_for_managing(
    *, viewer: Actor, project: Any, requirement_id: int
) -> RoleRequirement:
    """Return one of the project's requirements for an owner to remove, or raise
    NotFoundError (another project's requirement is not found)."""
    permissions.require(viewer, "training.requirement.manage", project)
    requirement = (
        RoleRequirement.objects.select_related("module", "project")
        .filter(pk=requirement_id, project_id=project.pk)
        .first()
    )
    if requirement is None:
        raise NotFoundError()
    return requirement
