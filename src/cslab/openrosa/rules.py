"""Permission rules of the OpenRosa server.

Reading forms and submitting through OpenRosa use the collection rules ("form.view",
"observation.submit") after "project.view"; the only rule of this area is who manages a
project's app users: its owners and researchers, and Lab staff. Callers first require
"project.view", so a refusal here is a plain 403.
"""

from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

register(
    "openrosa.app_user.manage",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
        hidden=False,
        description="Create, see and revoke a project's app users (device server URLs)",
    ),
)
register(
    "openrosa.device_password.manage",
    Rule(owner_attribute="user_id", description="List or revoke one's own device password"),
)
