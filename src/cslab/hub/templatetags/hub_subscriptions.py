"""`{% hub_followed follow_query as followed %}`: the viewer's followed search for a query."""

from typing import Any

from django import template

from cslab.hub.models import Subscription
from cslab.hub.selectors.subscriptions import subscription_for_query

register = template.Library()


@register.simple_tag(takes_context=True)
def hub_followed(context: dict[str, Any], query: str) -> Subscription | None:
    """Return the viewer's subscription to this search, or None."""
    request = context.get("request")
    if request is None:
        return None
    return subscription_for_query(request.user, query or "")
