"""Writing notifications: send to many people at once, mark as read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError
from cslab.core.tasks import send_email
from cslab.notifications.models import Notification
from cslab.notifications.models.notification import render_message


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
    """Tell each recipient once what happened; return the notifications written.

    `message` is an untranslated msgid (mark it with `gettext_noop`) with `%(name)s`
    placeholders filled from `params`. Recipients are de-duplicated; the actor and inactive
    people are left out (nobody is told about what they did themselves). E-mails are enqueued
    after the transaction commits, one per recipient, in the recipient's preferred language.
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
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                kind=kind[:100],
                message=message,
                params=params,
                url=url[:500],
                actor_id=actor_id,
            )
            for person in people.values()
        ]
    )
    if email:
        mails = [
            (person.email, getattr(person, "preferred_language", ""))
            for person in people.values()
            if person.email
        ]
        transaction.on_commit(lambda: _send_emails(mails, message, params, url))
    return notifications


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


def _send_emails(
    mails: list[tuple[str, str]], message: str, params: dict[str, Any], url: str
) -> None:
    link = f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url
    inbox = f"{settings.SITE_URL.rstrip('/')}/notifications/"
    for address, language in mails:
        with translation.override(language or settings.LANGUAGE_CODE):
            text = render_message(message, params)
            parts = [text]
            if link:
                parts.append(_("See it here: %(link)s") % {"link": link})
            parts.append(_("All your notifications: %(inbox)s") % {"inbox": inbox})
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _truncate(text, 120)
            send_email.enqueue(subject=subject, body="\n\n".join(parts), to=[address])


def _truncate(text: str, length: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
