"""The OpenRosa area's part of a person's data export: their device passwords (never HA1)."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.openrosa.models import DevicePassword


@register_section("device_passwords", gettext_noop("Device passwords (ODK Collect)"))
def _device_passwords(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": device_password.name,
            "username": device_password.username,
            "created_at": device_password.created_at.isoformat(),
            "last_used_at": (
                device_password.last_used_at.isoformat() if device_password.last_used_at else None
            ),
            "revoked_at": (
                device_password.revoked_at.isoformat() if device_password.revoked_at else None
            ),
        }
        for device_password in DevicePassword.objects.filter(user=user).order_by("created_at")
    ]
