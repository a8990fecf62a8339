"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

A person's device passwords (ODK Collect's digest log-in; the user name is often their e-mail)
go with the account. App users (devices a team registered) are the project's, not a person's;
their submissions have no person as observer and stay.
"""

from __future__ import annotations

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.openrosa.models import DevicePassword


@register_eraser("openrosa")
def erase_device_passwords(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    return int(DevicePassword.objects.filter(user=scope.user).delete()[0])
