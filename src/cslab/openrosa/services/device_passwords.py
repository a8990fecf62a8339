"""Device passwords (see `models.DevicePassword`): create (shown once), revoke, check."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.openrosa import digest
from cslab.openrosa.models import DevicePassword

# Typed on a phone: lower case letters and digits without look-alikes (no i, l, o, 0, 1), in
# four groups of five: 20 characters of 31 kinds, about 99 bits, beyond any guessing.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 4
GROUP_LENGTH = 5
# Writing last_used_at on every OpenRosa request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _generate_secret() -> str:
    return "-".join(get_random_string(GROUP_LENGTH, ALPHABET) for _group in range(GROUPS))


def device_password_create(*, actor: User, name: str) -> tuple[DevicePassword, str]:
    """Create a device password for the signed-in `actor`; return it and the password, which
    is shown this once and never stored (only its HA1 is)."""
    permissions.require(actor, "profile.edit", actor)
    name = name.strip()
    if not name:
        raise InvalidInputError(
            _("Give the device password a name (e.g. the phone's)."),
            details={"name": [_("Required.")]},
        )
    if len(name) > 100:
        raise InvalidInputError(_("The name is too long (at most 100 characters)."))
    secret = _generate_secret()
    device_password = DevicePassword(
        user=actor, name=name, username=actor.email, ha1=digest.ha1(actor.email, secret)
    )
    try:
        with transaction.atomic():
            device_password.save()
            audit_record(
                actor=actor,
                action="device_password.created",
                target=device_password,
                details={"name": name},
            )
    except IntegrityError:
        raise ConflictError(
            _("You already have a device password named “%(name)s”.") % {"name": name},
            code=ProblemCode.DEVICE_PASSWORD_NAME_TAKEN,
        ) from None
    return device_password, secret


def device_password_revoke(*, actor: User, device_password: DevicePassword) -> DevicePassword:
    """Revoke a device password at once; revoking twice changes nothing."""
    permissions.require(actor, "openrosa.device_password.manage", device_password)
    if device_password.revoked_at is not None:
        return device_password
    with transaction.atomic():
        device_password.revoked_at = timezone.now()
        device_password.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="device_password.revoked", target=device_password)
    return device_password


def device_password_matching(
    credentials: digest.DigestResponse, *, method: str
) -> DevicePassword | None:
    """Return the active device password of an active person that the Digest response was
    computed with, or None. Every candidate is checked, so timing tells nothing about which."""
    candidates = DevicePassword.objects.select_related("user").filter(
        username=credentials.username, revoked_at__isnull=True, user__is_active=True
    )
    found = None
    for candidate in candidates:
        # HA1 fits only the address it was made for; after a change it is no longer valid.
        valid = digest.response_is_valid(credentials, ha1_hex=candidate.ha1, method=method)
        if valid and candidate.user.email == candidate.username:
            found = candidate
    return found


def device_password_mark_used(device_password: DevicePassword) -> None:
    """Note when a device password was last used (to the minute), for its owner's list."""
    now = timezone.now()
    last = device_password.last_used_at
    if last is None or now - last > LAST_USED_RESOLUTION:
        DevicePassword.objects.filter(pk=device_password.pk).update(last_used_at=now)
