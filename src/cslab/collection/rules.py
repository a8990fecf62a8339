"""Permission rules of the collection area.

Forms are seen by whoever may see their project; a project's owners and researchers, and Lab
staff, publish them. The target of both rules is the project (or a form, which answers for its
project's roles).
"""

from typing import Any

from cslab.core import permissions
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})


def _project_of(target: Any) -> Any:
    return getattr(target, "project", target)


def _project_is_visible(user: Any, target: Any) -> bool:
    return target is not None and permissions.has_permission(
        user, "project.view", _project_of(target)
    )


register(
    "form.view",
    Rule(site_roles=STAFF, predicate=_project_is_visible, description="See a project's forms"),
)
register(
    "form.publish",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Upload and publish a project's forms",
    ),
)
