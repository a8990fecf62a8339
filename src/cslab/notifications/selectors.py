"""Reads of the notifications area: a person sees only their own."""

from typing import Any

from django.db.models import QuerySet

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.notifications.models import Notification


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the viewer's notifications, newest first (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(recipient_id=user.pk).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """Return how many of the viewer's notifications are unread."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_get_for_managing(*, user: Actor, notification_id: Any) -> Notification:
    """Return one of the viewer's notifications; anyone else's answers NotFoundError."""
    try:
        notification = Notification.objects.get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "notification.manage", notification)
    return notification
