"""Permission rules of the accounts area."""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import SiteRole


def _profile_is_public(user: Actor, target: Any) -> bool:
    return bool(getattr(target, "profile_public", False) and getattr(target, "is_active", False))


register(
    "profile.view",
    Rule(
        site_roles=frozenset({SiteRole.STAFF}),
        owner_attribute="pk",
        predicate=_profile_is_public,
        description="See a person's profile page",
    ),
)
register("profile.edit", Rule(owner_attribute="pk", description="Edit a profile"))
register("token.manage", Rule(owner_attribute="user_id", description="List or revoke an API token"))
register("user.manage", Rule(site_roles=frozenset({SiteRole.STAFF}), description="Manage users"))
