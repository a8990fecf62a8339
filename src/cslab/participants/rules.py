"""Permission rules of participants.

A person manages their own credit choices. A project's contributor list (names as each person
chose to be credited, for a paper's acknowledgements) is for the project's owners and
researchers and for Lab staff; others on the team, or anyone else who may see the project, are
refused (403), and those who may not see the project never learn it exists (404, checked first
by `project.view`).
"""

from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

register(
    "participants.contributors.view",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="List a project's contributors as they chose to be credited, as CSV too",
    ),
)
register(
    "participants.credit.manage",
    Rule(owner_attribute="pk", description="Choose how one is credited, everywhere or per project"),
)
