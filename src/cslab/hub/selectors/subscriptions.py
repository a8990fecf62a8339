"""Reads of followed searches: a person's own, one to manage, whether a search is followed."""

from django.db.models import QuerySet
from django.http import QueryDict

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.hub.models import Subscription
from cslab.hub.queries import search_params_from_query


def subscription_list_for_user(viewer: Actor) -> QuerySet[Subscription]:
    """Return the searches the viewer follows, oldest first (none for an anonymous viewer)."""
    person = person_or_none(viewer)
    if person is None:
        return Subscription.objects.none()
    return Subscription.objects.filter(user_id=person.pk).order_by("created_at", "pk")


def subscription_get_for_managing(viewer: Actor, subscription_id: int) -> Subscription:
    """Return one of the viewer's followed searches; anyone else's does not exist (404)."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFoundError()
    permissions.require(viewer, "hub.subscription.manage", subscription)
    return subscription


def subscription_for_query(viewer: Actor, query: str) -> Subscription | None:
    """Return the viewer's followed search equal to `query` (any order of its parameters)."""
    person = person_or_none(viewer)
    if person is None or not query:
        return None
    normal = search_params_from_query(QueryDict(query[:4000])).query_string(for_following=True)
    return Subscription.objects.filter(user_id=person.pk, query=normal).first()
