"""API authentication: personal tokens (Bearer), the browser session, or anonymous."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from cslab.accounts.services.api_tokens import api_token_authenticate
from cslab.core.errors import NotAuthenticatedError, PermissionDeniedError
from cslab.core.problems import ProblemCode


class ApiRequest(HttpRequest):
    """A request after API authentication: `auth` is the user (AnonymousUser on public routes)."""

    auth: Any


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cslab_…`; a token that does not work is refused, not ignored."""

    openapi_description = (
        "A personal API token, created on your account page or with `cslab token create`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(secret=token)
        if user is None:
            raise NotAuthenticatedError(
                "The API token is unknown or revoked.", code=ProblemCode.INVALID_TOKEN
            )
        request.user = user
        return user


class AnonymousAuth:
    """Let a visitor without credentials through as AnonymousUser (public reads only)."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        return AnonymousUser()


class SessionOnlyAuth(SessionAuth):
    """The browser session only: a request carrying an API token is refused with 403.

    For what a stolen token must not be able to do, such as creating further tokens that
    would outlive the revocation of the stolen one.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            raise PermissionDeniedError(
                _(
                    "An API token cannot do this. Sign in on the website and do it there "
                    "(your account page, API tokens)."
                ),
                code=ProblemCode.SESSION_REQUIRED,
            )
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
session_only_auth = SessionOnlyAuth()
anonymous_auth = AnonymousAuth()

SIGNED_IN = [token_auth, session_auth]
SESSION_ONLY = [session_only_auth]
ANYONE = [token_auth, session_auth, anonymous_auth]
