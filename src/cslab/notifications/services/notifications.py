"""Writing notifications: send to many people at once, mark as read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError
from cslab.core.site import site_absolute_url
from cslab.core.tasks import send_email
from cslab.core.unsubscribe import list_unsubscribe_headers
from cslab.notifications.models import Notification
from cslab.notifications.models.notification import render_message
from cslab.notifications.selectors import notification_preferences_for
from cslab.notifications.unsubscribe import unsubscribe_url
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory, category_of_kind


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    message: str,
    url: str = "",
    actor: Actor | None = None,
    params: dict[str, Any] | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient once what happened, as they chose for its category; return the
    notifications written.

    `message` is an untranslated msgid (mark it with `gettext_noop`) with `%(name)s`
    placeholders filled from `params`. Recipients are de-duplicated; the actor and inactive
    people are left out (nobody is told about what they did themselves).

    The kind's category (`category_of_kind`) and each recipient's preference for it decide:
    a row is written when the person sees it in the app or gets it by e-mail, and not when
    they chose neither (nothing would ever show it). A row hidden from the app exists only for
    its e-mail; the inbox leaves its category out. E-mail "at once" is enqueued after the
    transaction commits, one per recipient, in their language, and stamps `emailed_at`;
    "daily" leaves the row to the daily digest; "never" sends none. With `email=False` the
    caller tells the person by an e-mail of its own: the row is stamped as e-mailed, so no
    digest repeats it.
    """
    if not kind or not message:
        raise InvalidInputError("A notification needs a kind and a message.")
    params = {name: str(value) for name, value in (params or {}).items()}
    acting_person = person_or_none(actor)
    actor_id = acting_person.pk if acting_person is not None else None
    people: dict[Any, Any] = {}
    for person in recipients:
        if person is None or person.pk == actor_id or not getattr(person, "is_active", True):
            continue
        people.setdefault(person.pk, person)
    if not people:
        return []
    category = category_of_kind(kind)
    preferences = notification_preferences_for(users=people.values(), category=category)
    now = timezone.now()
    rows: list[Notification] = []
    to_email: list[Notification] = []
    for person in people.values():
        preference = preferences[person.pk]
        emails_this = email and preference.email != EmailFrequency.OFF and bool(person.email)
        if not preference.in_app and not emails_this:
            continue
        notification = Notification(
            recipient=person,
            kind=kind[:100],
            category=category,
            message=message,
            params=params,
            url=url[:500],
            actor_id=actor_id,
            emailed_at=None if email else now,
        )
        rows.append(notification)
        if emails_this and preference.email == EmailFrequency.IMMEDIATE:
            to_email.append(notification)
    notifications = Notification.objects.bulk_create(rows)
    if to_email:
        notification_ids = [notification.pk for notification in to_email]
        transaction.on_commit(lambda: notification_emails_send(notification_ids=notification_ids))
    return notifications


def notification_emails_send(*, notification_ids: list[Any]) -> int:
    """E-mail each of these notifications at once, unless some run already has; return how
    many were handed to the e-mail task.

    The rows are claimed by stamping `emailed_at` with this run's moment first: a row another
    run (or the digest) stamped keeps its stamp and is not e-mailed twice.
    """
    claimed_at = timezone.now()
    Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    )
    claimed = Notification.objects.filter(
        pk__in=notification_ids, emailed_at=claimed_at
    ).select_related("recipient")
    sent = 0
    for notification in claimed:
        person = notification.recipient
        if not person.email:
            continue
        send_email.enqueue(**_immediate_message(notification, person))
        sent += 1
    return sent


def _immediate_message(notification: Notification, person: User) -> dict[str, Any]:
    stop_url = unsubscribe_url(person, [notification.category or NotificationCategory.OTHER])
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        text = render_message(notification.message, notification.params)
        parts = [text]
        if notification.url:
            link = (
                site_absolute_url(notification.url)
                if notification.url.startswith("/")
                else notification.url
            )
            parts.append(_("See it here: %(link)s") % {"link": link})
        parts.append(
            _("All your notifications: %(inbox)s")
            % {"inbox": site_absolute_url(reverse("notification_list"))}
        )
        parts.append(
            "-- \n"
            + _("No more e-mails like this one: %(link)s") % {"link": stop_url}
            + "\n"
            + _("Choose which e-mails you get: %(link)s")
            % {"link": site_absolute_url(reverse("notification_preferences"))}
        )
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _truncate(text, 120)
    return {
        "subject": subject,
        "body": "\n\n".join(parts),
        "to": [person.email],
        "headers": list_unsubscribe_headers(stop_url),
    }


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's notifications as read; marking twice keeps the first time."""
    permissions.require(actor, "notification.manage", notification)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor as read; return how many changed."""
    if not actor.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _truncate(text: str, length: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
