"""Training's part of a project's page (`core.project_page`): for the project's owners and
Lab staff, a link to choose the training modules each team role asks for first."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core import permissions
from cslab.core.project_page import Link, ProjectPart, register_project_part


def _part(project: Any, viewer: Any) -> ProjectPart:
    if not permissions.has_permission(viewer, "training.requirement.manage", project):
        return ProjectPart()
    return ProjectPart(
        links=[
            Link(
                _("Training for team roles"),
                reverse("project_role_requirements", kwargs={"slug": project.slug}),
            )
        ]
    )


register_project_part("training.requirements", _part)
