"""Who classifies, from a request: the signed-in user, or a random identity in the session.

The identity of an anonymous volunteer is a random token stored in the session's data, not the
session key: Django changes the key when someone signs in, the data survives, so the
`user_logged_in` receiver can hand the anonymous classifications to the account.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from cslab.classification.assignment import Identity
from cslab.core.actors import Actor

SESSION_KEY = "classification_identity"


def identity_for_request(
    request: HttpRequest, user: Actor | None = None, *, create: bool = False
) -> Identity:
    """Return the request's identity; with `create`, give an anonymous session one first."""
    user = user if user is not None else request.user
    if getattr(user, "is_authenticated", False):
        return Identity(user=user)
    session = getattr(request, "session", None)
    token = str(session.get(SESSION_KEY, "")) if session is not None else ""
    if not token and create and session is not None:
        token = secrets.token_urlsafe(24)
        session[SESSION_KEY] = token
    return Identity(user=user, session_identity=token)
