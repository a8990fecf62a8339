"""Permission rules of events.

Lab staff and trainers organise the Lab's events; a project's owners and researchers organise
the project's. An event's linked organisers and its creator manage it too. A published (or
cancelled) event is seen by everyone who may see its project (everyone, for a Lab event); a
draft only by those who manage it: for anyone else it does not exist (404).
"""

from typing import Any

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole
from cslab.events.vocabulary import EventPersonRole

STAFF = frozenset({SiteRole.STAFF})
ORGANISING_SITE_ROLES = frozenset({SiteRole.STAFF, SiteRole.TRAINER})
ORGANISING_PROJECT_ROLES = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})
OUT_STATUSES = frozenset({"published", "cancelled"})


def is_linked_organiser(user: Actor, event: Any) -> bool:
    if event is None or not user.is_authenticated or event.pk is None:
        return False
    return bool(event.people.filter(user_id=user.pk, role=EventPersonRole.ORGANISER).exists())


def _is_out_and_project_visible(user: Actor, event: Any) -> bool:
    if event is None or event.status not in OUT_STATUSES:
        return False
    return event.project is None or permissions.has_permission(user, "project.view", event.project)


def _may_see(user: Actor, event: Any) -> bool:
    return _is_out_and_project_visible(user, event) or is_linked_organiser(user, event)


register(
    "events.event.view",
    Rule(
        site_roles=STAFF,
        project_roles=ORGANISING_PROJECT_ROLES,
        owner_attribute="created_by_id",
        predicate=_may_see,
        description="Open an event (published or cancelled: whoever may see its project)",
    ),
)
register(
    "events.event.create",
    Rule(
        site_roles=ORGANISING_SITE_ROLES,
        hidden=False,
        description="Create a Lab event (trainers and staff)",
    ),
)
register(
    "events.event.create_for_project",
    Rule(
        site_roles=STAFF,
        project_roles=ORGANISING_PROJECT_ROLES,
        hidden=False,
        description="Create an event of a project (its owners and researchers)",
    ),
)
register(
    "events.event.manage",
    Rule(
        site_roles=STAFF,
        project_roles=ORGANISING_PROJECT_ROLES,
        owner_attribute="created_by_id",
        predicate=is_linked_organiser,
        hidden=False,
        description=(
            "Edit, publish or cancel an event, see its registrations and dashboard, mark "
            "attendance, export attendees, publish its recording"
        ),
    ),
)
register(
    "events.event.register",
    Rule(any_signed_in=True, hidden=False, description="Register for an event"),
)
register(
    "events.registration.manage",
    Rule(
        owner_attribute="user_id",
        description="See or cancel one's own registration, check in, give feedback",
    ),
)
