from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cslab.notifications.selectors import notification_unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """Add the viewer's unread count for the menu; counted only if a template uses it."""
    if not request.user.is_authenticated:
        return {"unread_notifications": 0}
    user = request.user
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
