"""Permission rules of the projects area."""

from typing import Any

from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import PermissionDeniedError
from cslab.core.permissions import Rule, register
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
TEAM = frozenset(ProjectRole)
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})


def _visible_to_everyone(user: Actor, project: Any) -> bool:
    """Approved projects that are public or unlisted can be opened by anyone with the link."""
    return bool(
        project is not None
        and project.approved_at is not None
        and project.visibility in ("public", "unlisted")
    )


register(
    "project.view",
    Rule(
        site_roles=STAFF,
        project_roles=TEAM,
        predicate=_visible_to_everyone,
        description="See a project",
    ),
)
register("project.create", Rule(any_signed_in=True, description="Start a project"))
register(
    "project.edit",
    Rule(site_roles=STAFF, project_roles=LEADS, description="Edit a project's profile"),
)
register(
    "project.move",
    Rule(project_roles=LEADS, site_roles=STAFF, description="Move a project along its lifecycle"),
)
register("project.review", Rule(site_roles=STAFF, description="Approve or send back a project"))
register(
    "project.see_private_fields",
    Rule(site_roles=STAFF, project_roles=TEAM, description="See the checklist and team"),
)
register(
    "team.manage",
    Rule(
        site_roles=STAFF,
        project_roles=frozenset({ProjectRole.OWNER}),
        description="Invite, approve, remove and change roles in a team",
    ),
)
# Joining a team takes the person's consent: an invitation they accept or a request they
# make. Only Lab staff put someone on a team directly (e.g. to repair a team).
register(
    "team.add_directly",
    Rule(
        site_roles=STAFF, hidden=False, description="Put a person on a team without an invitation"
    ),
)
register("mentor.match", Rule(site_roles=STAFF, description="Match a mentor to a project"))
register("organisation.create", Rule(any_signed_in=True, description="Create an organisation"))
register(
    "organisation.edit",
    Rule(
        site_roles=STAFF,
        predicate=lambda user, organisation: bool(
            organisation is not None
            and user.is_authenticated
            and organisation.members.filter(user_id=user.pk, role="admin").exists()
        ),
        description="Edit an organisation",
    ),
)
register("ppsr.import", Rule(site_roles=STAFF, description="Import a PPSR Core catalogue"))


def require_add_directly(user: Actor, project: Any) -> None:
    """Raise unless the user may put people on the team directly (Lab staff).

    Someone who cannot manage the team gets NotFoundError; a team owner gets
    PermissionDeniedError `invitation_required`, which says to send an invitation. Callers
    ask before looking up the person to be added, so a refusal tells nothing about them.
    """
    permissions.require(user, "team.manage", project)
    if not permissions.has_permission(user, "team.add_directly", project):
        raise PermissionDeniedError(
            _(
                "People join a team by accepting an invitation: invite them by e-mail "
                "instead. Only Lab staff add people to a team directly."
            ),
            code=ProblemCode.INVITATION_REQUIRED,
        )
