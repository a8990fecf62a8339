"""Permission rules of the knowledge hub.

Lab staff are the hub's curators. A resource is seen by everyone once published (and, with a
notice, once retired); before that only by the person who submitted it, its linked authors and
curators: for anyone else a draft does not exist (404).
"""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import SiteRole
from cslab.hub import states

STAFF = frozenset({SiteRole.STAFF})


def _is_public(user: Actor, resource: Any) -> bool:
    return resource is not None and resource.status in states.PUBLIC


def _is_linked_author(user: Actor, resource: Any) -> bool:
    if resource is None or not user.is_authenticated:
        return False
    return bool(resource.authors.filter(user_id=user.pk).exists())


def _is_public_or_linked_author(user: Actor, resource: Any) -> bool:
    return _is_public(user, resource) or _is_linked_author(user, resource)


register(
    "hub.resource.view",
    Rule(
        site_roles=STAFF,
        owner_attribute="submitted_by_id",
        predicate=_is_public_or_linked_author,
        description="Open a hub resource (published or retired: anyone)",
    ),
)
register(
    "hub.resource.submit",
    Rule(any_signed_in=True, hidden=False, description="Submit a resource to the hub"),
)
register(
    "hub.resource.edit",
    Rule(
        site_roles=STAFF,
        owner_attribute="submitted_by_id",
        predicate=_is_linked_author,
        hidden=False,
        description="Edit a resource, submit it or withdraw it (its submitter, linked authors)",
    ),
)
register(
    "hub.resource.curate",
    Rule(
        site_roles=STAFF,
        hidden=False,
        description="Publish, request changes, decline, retire or endorse a resource",
    ),
)
register(
    "hub.resource.publish_trusted",
    Rule(
        site_roles=frozenset({SiteRole.STAFF, SiteRole.TRAINER}),
        hidden=False,
        description=(
            "Publish a submitted resource without review: the recording or slides of an event "
            "one organises (trainers and staff)"
        ),
    ),
)
register(
    "hub.curation.browse",
    Rule(site_roles=STAFF, description="See the curation queue and the review history"),
)
register(
    "hub.criteria.manage",
    Rule(site_roles=STAFF, description="Change the curators' quality checklist"),
)
register(
    "hub.resource.feedback",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Rate, comment on or flag a comment on a published resource",
    ),
)
register(
    "hub.comment.moderate",
    Rule(site_roles=STAFF, hidden=False, description="Hide or show a comment on a resource"),
)
register(
    "hub.subscription.manage",
    Rule(owner_attribute="user_id", description="See or stop one's own followed search"),
)
