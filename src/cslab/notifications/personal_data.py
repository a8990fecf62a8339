"""The notifications area's part of a person's data export."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.notifications.models import Notification


@register_section("notifications", gettext_noop("Your notifications"))
def _notifications(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "message": n.message,
            "params": n.params,
            "url": n.url,
            "time": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at")
    ]
