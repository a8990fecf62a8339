"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

The person's own notifications, preferences and digest records go. Notifications others
received about what the person did ("… commented on your question") stay, with the person's
name and address redacted from their parameters; their actor is the scrubbed account.
"""

from __future__ import annotations

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.notifications.models import DailyDigestDelivery, Notification, NotificationPreference


@register_eraser("notifications")
def erase_notifications(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    removed = Notification.objects.filter(recipient=user).delete()[0]
    removed += NotificationPreference.objects.filter(user=user).delete()[0]
    removed += DailyDigestDelivery.objects.filter(user=user).delete()[0]
    removed += redact_queryset(Notification.objects.all(), ["message", "params", "url"], needles)
    return int(removed)
