"""Reminders 24 hours and 1 hour before each session of an event.

`reminders_send_due` is the one sweep: it sends every reminder whose time has come and that
has not gone yet. Jobs scheduled at the due times (`services/reminder_schedule.py`) and the
cron command `cslab event_reminders` both call it, so a lost job or a late cron run still
sends, and both running at once still send once: the `ReminderDelivery` row is inserted first
and its unique constraint refuses the second.

Who: registered people only (not the waiting list, not cancelled), of published events. A
reminder is due from its time until the session starts; a person who got their place after a
reminder's time does not get that one (they were just sent the confirmation).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cslab.events import emails
from cslab.events.models import Event, EventSession, Registration, ReminderDelivery
from cslab.events.vocabulary import ReminderKind
from cslab.notifications.selectors import notification_email_allowed
from cslab.notifications.vocabulary import NotificationCategory

REMINDER_OFFSETS: dict[str, timedelta] = {
    ReminderKind.DAY_BEFORE: timedelta(hours=24),
    ReminderKind.HOUR_BEFORE: timedelta(hours=1),
}


@dataclass(frozen=True)
class DueReminder:
    kind: str
    session_id: int
    due_at: datetime


def reminder_due_times(session: EventSession) -> list[DueReminder]:
    """The two reminders of one session and when each is due."""
    return [
        DueReminder(kind=kind, session_id=session.pk, due_at=session.starts_at - offset)
        for kind, offset in REMINDER_OFFSETS.items()
    ]


def _reminder_window(kind: str, session: EventSession) -> tuple[datetime, datetime]:
    """From when until when a reminder may go: the 24 h one gives way to the 1 h one."""
    due_at = session.starts_at - REMINDER_OFFSETS[kind]
    if kind == ReminderKind.DAY_BEFORE:
        return due_at, session.starts_at - REMINDER_OFFSETS[ReminderKind.HOUR_BEFORE]
    return due_at, session.starts_at


def reminders_send_due(
    *,
    now: datetime | None = None,
    event_id: int | None = None,
    registration_id: int | None = None,
) -> int:
    """Send every reminder that is due and not yet sent; return how many were e-mailed.

    A reminder for someone who chose "never" for event reminders is recorded as handled (so
    no later sweep tries it again) but not counted: nothing was sent to them."""
    now = now or timezone.now()
    horizon = now + max(REMINDER_OFFSETS.values())
    sessions = EventSession.objects.filter(
        starts_at__gt=now, starts_at__lte=horizon, event__status=Event.Status.PUBLISHED
    ).order_by("starts_at", "id")
    if event_id is not None:
        sessions = sessions.filter(event_id=event_id)
    sent = 0
    for session in sessions:
        for kind in REMINDER_OFFSETS:
            opens, closes = _reminder_window(kind, session)
            if not opens <= now < closes:
                continue
            registrations = (
                Registration.objects.filter(
                    event_id=session.event_id,
                    status=Registration.Status.REGISTERED,
                    registered_at__lte=opens,
                )
                .exclude(reminders__session=session, reminders__kind=kind)
                .order_by("id")
            )
            if registration_id is not None:
                registrations = registrations.filter(pk=registration_id)
            for registration in registrations.select_related("user"):
                recorded = _deliver(registration.pk, session.pk, kind)
                if recorded and notification_email_allowed(
                    registration.user, NotificationCategory.EVENT_REMINDERS
                ):
                    sent += 1
    return sent


def _deliver(registration_id: int, session_id: int, kind: str) -> bool:
    """Record the reminder first (once, by the constraint), then send it after commit."""
    try:
        with transaction.atomic():
            ReminderDelivery.objects.create(
                registration_id=registration_id, session_id=session_id, kind=kind
            )
            transaction.on_commit(
                lambda: emails.reminder_send(
                    registration_id=registration_id, session_id=session_id, kind=kind
                )
            )
    except IntegrityError:
        return False  # another job or sweep sent it
    return True
