"""The notifications area's part of a person's data export: what they were told and how they
want to be told."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.notifications.models import DailyDigestDelivery, Notification, NotificationPreference

# Parameters that name another person (who commented on your question): that is their data,
# not the recipient's, so the export says who they were by role.
PARAMETERS_NAMING_SOMEONE_ELSE = frozenset({"person", "actor", "name", "email"})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _notifications(user: User) -> Iterator[dict[str, Any]]:
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "id")
    for notification in notifications.iterator(chunk_size=500):
        params = dict(notification.params or {})
        for key in PARAMETERS_NAMING_SOMEONE_ELSE & set(params):
            params[key] = "another participant"
        yield {
            "kind": notification.kind,
            "category": notification.category,
            "message": notification.message,
            "params": params,
            "url": notification.url,
            "time": _iso(notification.created_at),
            "emailed_at": _iso(notification.emailed_at),
            "read": notification.read_at is not None,
            "read_at": _iso(notification.read_at),
        }


@register_section("notifications", gettext_noop("Your notifications"))
def _notifications_section(user: User) -> Iterator[dict[str, Any]]:
    return _notifications(user)


@register_section("notification_preferences", gettext_noop("How you want to be notified"))
def _preferences(user: User) -> dict[str, Any]:
    return {
        "preferences": [
            {
                "category": preference.category,
                "in_app": preference.in_app,
                "email": preference.email,
                "updated_at": _iso(preference.updated_at),
            }
            for preference in NotificationPreference.objects.filter(user=user).order_by("category")
        ],
        "daily_digests": (
            {
                "day": _iso(delivery.day),
                "notifications": delivery.notification_count,
                "sent_at": _iso(delivery.sent_at),
            }
            for delivery in DailyDigestDelivery.objects.filter(user=user)
            .order_by("day")
            .iterator(chunk_size=500)
        ),
    }
