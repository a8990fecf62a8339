"""Personal API tokens: create (shown once), revoke, authenticate."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import ApiToken, User
from cslab.accounts.models.api_token import hash_token
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record

TOKEN_PREFIX = "cslab_"  # noqa: S105  (a public marker, so leaked tokens are recognisable)  # nosec B105
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_create(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token for `user`; return it and the token text, which is never stored."""
    permissions.require(actor, "profile.edit", user)
    name = name.strip()
    if not name:
        raise InvalidInputError(_("Give the token a name."), details={"name": [_("Required.")]})
    if len(name) > 100:
        raise InvalidInputError(_("The token name is too long (at most 100 characters)."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(secret), prefix=secret[:12])
    try:
        with transaction.atomic():
            token.save()
            audit_record(actor=actor, action="token.created", target=token, details={"name": name})
    except IntegrityError:
        raise ConflictError(
            _("You already have an active token named “%(name)s”.") % {"name": name},
            code=ProblemCode.TOKEN_NAME_TAKEN,
        ) from None
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    permissions.require(actor, "token.manage", token)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoked", target=token)
    return token


def api_token_authenticate(*, secret: str) -> User | None:
    """Return the active user an active token belongs to, noting when it was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
