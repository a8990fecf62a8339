"""`{{ user|person_key }}`: the opaque key the web form keeps a person's storage under."""

from typing import Any

from django import template

from cslab.accounts import person_keys

register = template.Library()


@register.filter
def person_key(user: Any) -> str:
    return person_keys.person_key(user)
