"""Permission rules of consent.

A project's owners and researchers (and Lab staff) write and publish its consent versions,
export the consent records for the ethics board, and record consent for the project's app users
(the phones they hand out). Anyone signed in who may see the project gives, changes or
withdraws their own consent; an anonymous visitor is asked to sign in (consent needs a person).
"""

from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})

register(
    "consent.version.manage",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Write, publish and list a project's consent versions",
    ),
)
register(
    "consent.records.export",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Export a project's consent records for the ethics board (CSV)",
    ),
)
register(
    "consent.app_user.record",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Record consent for a project's ODK Collect app user (a handed-out phone)",
    ),
)
register(
    "consent.give",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Give, change or withdraw one's own consent to a project one may see",
    ),
)
