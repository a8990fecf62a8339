"""Keeping a person's Digest HA1 in step with their password and e-mail address."""

import hmac
from typing import Any

from cslab.openrosa import digest
from cslab.openrosa.models import DigestCredential


def digest_credential_is_current(*, user: Any, password: str) -> bool:
    """Return True if the stored HA1 already fits this password and the user's address."""
    stored = DigestCredential.objects.filter(user=user).first()
    return bool(
        stored is not None
        and stored.username == user.email
        and hmac.compare_digest(stored.ha1, digest.ha1(user.email, password))
    )


def digest_credential_record(*, user: Any, password: str) -> DigestCredential:
    """Store HA1 of the password for the user's e-mail address (the Digest username)."""
    credential, _created = DigestCredential.objects.update_or_create(
        user=user, defaults={"username": user.email, "ha1": digest.ha1(user.email, password)}
    )
    return credential
