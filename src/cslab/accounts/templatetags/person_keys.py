"""`{{ user|person_key }}`: the opaque key the web form keeps a person's storage under."""

from django import template

from cslab.accounts import person_keys
from cslab.core.actors import Actor

register = template.Library()


@register.filter
def person_key(user: Actor) -> str:
    return person_keys.person_key(user)
