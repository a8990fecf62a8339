"""Who acts: the one type for every `actor`, `user` and `viewer` parameter.

An actor is a signed-in person (`User`), an anonymous visitor (Django's `AnonymousUser`) or an
OpenRosa device acting for its project (`AppUserActor`). All three answer `is_authenticated`,
`is_superuser` and `pk`, which is all the permission module asks; code that needs more (an
email, a site role) narrows with `isinstance(actor, User)` first.

The alias is a string so that this module imports nothing at run time: `core` sits below
`accounts` and `openrosa`, and an import here would make a cycle. Annotations are not evaluated
at run time in the modules that use it (services, selectors, rules), so the string is enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from cslab.core.errors import NotAuthenticatedError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cslab.accounts.models import User
    from cslab.openrosa.actors import AppUserActor

Actor: TypeAlias = "User | AnonymousUser | AppUserActor"


def person_or_none(actor: Actor | None) -> User | None:
    """The signed-in person behind an actor: None for the system, an anonymous visitor or a
    device, which are stored as "nobody" where a row records who acted."""
    # The model is looked up at call time: importing it here would load `accounts` models
    # while `core` is still being imported.
    return actor if isinstance(actor, get_user_model()) else None


class SignedInRequest(HttpRequest):
    """A request to a view behind `login_required`: its user is a person, never anonymous."""

    user: User


def signed_in(actor: Actor) -> User:
    """The person acting, for a service that records who acted (an author, a decision).

    Called after the service's permission check, which has already refused an anonymous
    visitor or a device; should one get here anyway, it is refused the same way.
    """
    if isinstance(actor, get_user_model()):
        return actor
    raise NotAuthenticatedError()
