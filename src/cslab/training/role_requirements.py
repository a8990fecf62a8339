"""The training modules a project asks of a role, for `core.role_requirements`."""

from typing import Any

from cslab.core.role_requirements import Requirement, register_role_requirements
from cslab.training.models import Certificate, RoleRequirement


def _module_requirements(project: Any, user: Any, role: str) -> list[Requirement]:
    rows = list(
        RoleRequirement.objects.filter(project_id=project.pk, role=role)
        .select_related("module")
        .order_by("module__title")
    )
    if not rows:
        return []
    completed: set[int] = set()
    if getattr(user, "is_authenticated", False):
        completed = set(
            Certificate.objects.filter(
                user_id=user.pk,
                module_id__in=[row.module_id for row in rows],
                revoked_at__isnull=True,
            ).values_list("module_id", flat=True)
        )
    return [
        Requirement(
            label=row.module.title,
            url=row.module.get_absolute_url(),
            met=row.module_id in completed,
        )
        for row in rows
    ]


register_role_requirements("training.modules", _module_requirements)
