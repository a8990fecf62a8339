"""Permission rules of impact: a project's outputs (papers, datasets, policy briefs …), impact
statements, impact figures, the Lab dashboard and the meta-research feed.

Whoever may see a project sees its outputs and impact statements (`project.view`). Its owners
and researchers, and Lab staff, add, edit and remove them; the rest of the team and other
visitors are refused (403) on a project they can see. A project's figures are for its team and
Lab staff, and for everyone once the project is public. The meta-research feed is Lab staff's
only (404 for others).
"""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

register(
    "impact.output.manage",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Add, edit or remove a project's outputs (papers, datasets, policy briefs)",
    ),
)


def _public_project(user: Actor, project: Any) -> bool:
    """A public, approved project's figures are for everyone (issue 15); unlisted and private
    projects' are for their team and Lab staff."""
    return bool(
        project is not None and project.approved_at is not None and project.visibility == "public"
    )


register(
    "impact.dashboard.view",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset(ProjectRole),
        predicate=_public_project,
        description="See a project's impact dashboard, report and figures (API)",
    ),
)
register(
    "impact.rollup.refresh",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Bring a project's impact figures up to date now (a background job)",
    ),
)
register(
    "impact.statement.manage",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Record, edit or remove a project's impact statements",
    ),
)
register(
    "impact.lab.view",
    Rule(
        anyone=True,
        description="See the Lab's impact dashboard (over the projects whose figures one may see)",
    ),
)
register(
    "impact.meta_research.export",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        description="Export pseudonymous participation events of consenting participants",
    ),
)
