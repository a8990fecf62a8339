"""Reads of the notifications area: a person sees only their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.notifications.models import Notification, NotificationPreference
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory


@dataclass(frozen=True)
class CategoryPreference:
    """How one category of notifications reaches a person (the default when no row says)."""

    category: str
    in_app: bool = True
    email: str = EmailFrequency.IMMEDIATE

    @property
    def label(self) -> str:
        return str(NotificationCategory(self.category).label)

    @property
    def is_default(self) -> bool:
        return self.in_app and self.email == EmailFrequency.IMMEDIATE


def _hidden_categories(user: User) -> QuerySet[NotificationPreference, Any]:
    # A subquery, not a list: the inbox and the menu's unread count stay one query each.
    return NotificationPreference.objects.filter(user_id=user.pk, in_app=False).values("category")


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the viewer's notifications, newest first (none for an anonymous visitor).

    Categories the viewer chose not to see in the app are left out; their rows exist only for
    the e-mails (`notification_send`).
    """
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = (
        Notification.objects.filter(recipient_id=user.pk)
        .exclude(category__in=_hidden_categories(user))
        .select_related("actor")
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """Return how many of the viewer's notifications shown in the app are unread."""
    if not user.is_authenticated:
        return 0
    return (
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
        .exclude(category__in=_hidden_categories(user))
        .count()
    )


def notification_get_for_managing(*, user: Actor, notification_id: Any) -> Notification:
    """Return one of the viewer's notifications; anyone else's answers NotFoundError."""
    try:
        notification = Notification.objects.get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "notification.manage", notification)
    return notification


def notification_preference_list(*, user: User) -> list[CategoryPreference]:
    """Return the viewer's choice for every category, in the vocabulary's order."""
    permissions.require(user, "notification.preference.manage")
    stored = {
        preference.category: preference
        for preference in NotificationPreference.objects.filter(user_id=user.pk)
    }
    return [
        CategoryPreference(
            category=str(category),
            in_app=stored[category].in_app,
            email=stored[category].email,
        )
        if category in stored
        else CategoryPreference(category=str(category))
        for category in NotificationCategory.values
    ]


def notification_preferences_for(
    *, users: Iterable[Any], category: str
) -> dict[Any, CategoryPreference]:
    """Return each person's choice for one category, by user id, in one query."""
    user_ids = [user.pk for user in users]
    stored = {
        preference.user_id: CategoryPreference(
            category=category, in_app=preference.in_app, email=preference.email
        )
        for preference in NotificationPreference.objects.filter(
            user_id__in=user_ids, category=category
        )
    }
    return {
        user_id: stored.get(user_id, CategoryPreference(category=category)) for user_id in user_ids
    }


def notification_email_allowed(user: Any, category: str) -> bool:
    """Return whether an area may e-mail this person about `category`.

    For e-mails other areas send on their own schedule (event reminders, the hub's weekly
    digest): they go out unless the person chose "never by e-mail" for the category; a daily
    digest would bring a reminder too late, so "daily" lets them through as they are.
    Transactional e-mails the person asked for (registration confirmation, password reset,
    a data export being ready) do not ask this.
    """
    if user is None or not getattr(user, "pk", None):
        return False
    return not NotificationPreference.objects.filter(
        user_id=user.pk, category=category, email=EmailFrequency.OFF
    ).exists()
