"""Permission rules of exports.

Anyone signed in who may see a project may have its public export prepared (a background job,
so not for anonymous visitors: they download the public files others prepared). A team export
(true locations, observers' names) is for those who see the project's true locations: its
owners and researchers and Lab staff (`observation.view_true_location`). Downloads: a public
export's file is for whoever may see the project; a team export's for the person who asked.
"""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, has_permission, register
from cslab.core.roles import ProjectRole, SiteRole


def _sees_project(user: Actor, project: Any) -> bool:
    return bool(user.is_authenticated and has_permission(user, "project.view", project))


register(
    "exports.public.start",
    Rule(
        predicate=_sees_project,
        description="Prepare a public export of a project's observations (a background job)",
    ),
)
register(
    "exports.team.start",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        description="Prepare a team export (true locations and observers) of a project",
    ),
)
register(
    "exports.darwin_core.edit",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Choose which form questions answer which Darwin Core terms",
    ),
)
register(
    "exports.import",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Import observations into a project's form from a CSV, XLSX or Darwin "
        "Core Archive file",
    ),
)
