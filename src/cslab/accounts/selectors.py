"""Reads of the accounts area."""

from typing import Any, Literal

from allauth.account.models import EmailAddress
from django.db.models import F, QuerySet

from cslab.accounts.models import ApiToken, User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError


def profile_get_for_viewing(*, user: Actor, user_id: Any) -> User:
    """Return a person's profile if the viewer may see it; raise NotFoundError otherwise."""
    try:
        person = User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "profile.view", person)
    return person


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """Return the viewer's own tokens, active first, newest first."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )


def api_token_get_for_managing(*, user: Actor, token_id: Any) -> ApiToken:
    """Return one of the viewer's tokens; anyone else's answers NotFoundError."""
    try:
        token = ApiToken.objects.get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "token.manage", token)
    return token


def email_address_state(*, user: Actor, email: str) -> Literal["verified", "unverified", "none"]:
    """Whether `email` (ignoring case) is one of the user's addresses, and confirmed."""
    if not getattr(user, "is_authenticated", False):
        return "none"
    addresses = EmailAddress.objects.filter(user_id=user.pk, email__iexact=email.strip())
    verified = list(addresses.values_list("verified", flat=True))
    if any(verified):
        return "verified"
    return "unverified" if verified else "none"
