"""Permission rules of the collection area.

Forms are seen by whoever may see their project; a project's owners and researchers, and Lab
staff, publish them. The target of both rules is the project (or a form, which answers for its
project's roles).
"""

from typing import Any

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})


def _project_of(target: Any) -> Any:
    return getattr(target, "project", target)


def _project_is_visible(user: Actor, target: Any) -> bool:
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

TEAM = frozenset(ProjectRole)


def _open_to_signed_in(user: Actor, target: Any) -> bool:
    """An approved, active project with an open membership policy takes anyone's submissions."""
    project = _project_of(target)
    return bool(
        user.is_authenticated
        and project is not None
        and project.approved_at is not None
        and project.status == "active"
        and project.membership_policy == "open"
    )


# Submitting: the project's team (any role) and Lab staff; and, when the project is approved,
# active and open to anyone signed in, every signed-in person. Callers first require
# "project.view" (404 for hidden projects), so a refusal here is a plain 403.
register(
    "observation.submit",
    Rule(
        site_roles=STAFF,
        project_roles=TEAM,
        predicate=_open_to_signed_in,
        hidden=False,
        description="Submit observations to a project's forms",
    ),
)
# Anyone who may see a project sees its pending, accepted and flagged observations with
# geoprivacy applied (cslab.observations.selectors); the team and Lab staff see every status.
register(
    "observation.view_all",
    Rule(
        site_roles=STAFF,
        project_roles=TEAM,
        hidden=False,
        description="See a project's observations in every status",
    ),
)
# True locations: the observer, the project's leads and Lab staff. Moderators, members and
# viewers see the public location (moderation works from the plausibility warnings).
register(
    "observation.view_true_location",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        owner_attribute="observer_id",
        hidden=True,
        description="See an observation's true location, time and location answers",
    ),
)
MODERATORS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER, ProjectRole.MODERATOR})
register(
    "observation.moderate",
    Rule(
        site_roles=STAFF,
        project_roles=MODERATORS,
        hidden=False,
        description="Accept, flag or reject a project's observations; see its moderation queue",
    ),
)
register(
    "observation.flag",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Flag an observation one can see as looking wrong",
    ),
)
register(
    "collection.configure",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Change a project's default geoprivacy, review policy and sensitive categories",
    ),
)
register(
    "observation.erase",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        owner_attribute="observer_id",
        hidden=False,
        description="Erase an observation (its observer, the project's leads, Lab staff)",
    ),
)


def _observer_who_may_submit(user: Actor, target: Any) -> bool:
    """The observation's own observer, while still allowed to submit to its project."""
    return bool(
        user.is_authenticated
        and getattr(target, "observer_id", None) == user.pk
        and permissions.has_permission(user, "observation.submit", _project_of(target))
    )


# Attaching media (photos, recordings) to an observation: its observer while they may submit
# to the project, the project's owners and researchers, Lab staff. The target is the
# observation; callers first require "project.view", so a refusal is a plain 403.
register(
    "observation.attach",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        predicate=_observer_who_may_submit,
        hidden=False,
        description="Attach photos, recordings and files to an observation",
    ),
)


def _sent(user: Actor, observation: Any) -> bool:
    """Whether the actor sent this version: its observer, or the app-user device that sent it
    (an app user acts for a device and has no account; its actor answers `has_sent`)."""
    observer_id = getattr(observation, "observer_id", None)
    if observer_id is not None and observer_id == user.pk:
        return True
    has_sent = getattr(user, "has_sent", None)
    return callable(has_sent) and bool(has_sent(observation))


def _original_submitter(user: Actor, target: Any) -> bool:
    """The person or device that sent the observation, or sent the first version of it (a lead's
    edit in between does not take the observation away from its observer)."""
    if not user.is_authenticated or target is None or getattr(target, "pk", None) is None:
        return False
    if _sent(user, target):
        return True
    first, seen = target, {target.pk}
    while first.deprecates_id is not None and first.deprecates_id not in seen:
        seen.add(first.deprecates_id)
        earlier = first.deprecates
        if earlier is None:
            break
        first = earlier
    return first is not target and _sent(user, first)


# Editing an observation (sending a new version that deprecates it, OpenRosa meta/deprecatedID):
# its original submitter (the same person or the same app-user device), the project's owners
# and researchers, Lab staff. Anyone else could otherwise hide another volunteer's observation
# behind a version of their own. The target is the observation edited; callers first require
# "observation.submit" on its project, so a refusal is a plain 403.
register(
    "observation.edit",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        predicate=_original_submitter,
        hidden=False,
        description="Edit an observation (its observer or device, the project's leads, Lab staff)",
    ),
)
