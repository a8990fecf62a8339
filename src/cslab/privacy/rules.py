"""Permission rules of the data-protection area: export, erasure, withdrawal, page-view counts."""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

# issue 14, erasure part
register(
    "privacy.account.erase",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        owner_attribute="pk",
        description="Erase an account (the person themself; Lab staff on a request)",
    ),
)
register(
    "privacy.contributions.withdraw",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        owner_attribute="pk",
        description="Take one's contributions to a project out of one's name",
    ),
)

# issue 14, governance part
register(
    "privacy.page_views.view",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        hidden=True,
        description="See the cookie-free page-view counts (Lab staff)",
    ),
)

# issue 14, export part: a person exports their own data; the download is scoped to its owner
# by the selector as well, so not even a superuser downloads someone else's export.
register(
    "privacy.personal_data_export.start",
    Rule(owner_attribute="pk", description="Export my personal data (the target is the person)"),
)
register(
    "privacy.personal_data_export.view",
    Rule(owner_attribute="user_id", description="See and download my own personal-data export"),
)


# issue 14, mediaremoval part

_MEDIA_REMOVAL_LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})
_MEDIA_REMOVAL_DECIDERS = frozenset(
    {ProjectRole.OWNER, ProjectRole.RESEARCHER, ProjectRole.MODERATOR}
)


def _lead_of_app_user_observation(user: Actor, observation: Any) -> bool:
    """An observation sent by an OpenRosa app user (a device) has no observer to remove its
    photos: the project's owners and researchers act for it."""
    return bool(
        user.is_authenticated
        and observation is not None
        and getattr(observation, "observer_id", 0) is None
        and observation.project_role_for(user) in _MEDIA_REMOVAL_LEADS
    )


# Removing a photo or file from an observation at once, without a request: its observer (or
# the project's leads for a device's observation) and Lab staff. The target is the
# observation; callers first make sure the actor may see it (404 otherwise), so a refusal is a
# plain 403. Anyone else asks for removal ("media_removal.request").
register(
    "media.remove",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        owner_attribute="observer_id",
        predicate=_lead_of_app_user_observation,
        hidden=False,
        description="Remove a photo or file from one's own observation",
    ),
)
# Asking for a photo's removal: anyone signed in who may see it (callers check that first).
register(
    "media_removal.request",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Ask for the removal of a photo or file one can see",
    ),
)
# Deciding requests (remove or decline), and seeing the queue: the project's moderators,
# owners and researchers, Lab staff. The target is the project.
register(
    "media_removal.decide",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        project_roles=_MEDIA_REMOVAL_DECIDERS,
        hidden=False,
        description="Decide requests to remove photos and files of a project's observations",
    ),
)
