"""The e-mails of registration: confirmation (a place, or the waiting list), promotion from
the waiting list, and the reminders before each session.

Each is written in the recipient's language and time zone, carries the cancel link (the
registration's token, absolute under SITE_URL) and is handed to the `send_email` task. Those
with a place get the event's .ics, with the joining link of an online event.

Confirmation and promotion answer the person's own registration and always go; reminders
honour the person's notification preference for event reminders ("never by e-mail" stops
them) and carry a one-click unsubscribe link for that category.
"""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cslab.core.site import site_absolute_url
from cslab.core.tasks import send_email
from cslab.core.time_zones import zone_or_none
from cslab.core.unsubscribe import list_unsubscribe_headers
from cslab.events.ical import event_calendar
from cslab.events.models import EventSession, Registration
from cslab.events.vocabulary import ReminderKind
from cslab.notifications.selectors import notification_email_allowed
from cslab.notifications.unsubscribe import unsubscribe_url
from cslab.notifications.vocabulary import NotificationCategory

ICS_MIMETYPE = "text/calendar; method=PUBLISH; charset=utf-8"


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "user")
        .prefetch_related("event__sessions")
        .filter(pk=registration_id)
        .first()
    )


def cancel_url(registration: Registration) -> str:
    return site_absolute_url(
        reverse("event_registration_cancel_by_token", kwargs={"token": registration.token})
    )


def _calendar_attachment(registration: Registration) -> tuple[str, str, str]:
    event = registration.event
    content = event_calendar([event], name=event.title, include_joining_link=True)
    return (f"{event.slug}.ics", content.decode("utf-8"), ICS_MIMETYPE)


def _message(
    registration: Registration,
    template: str,
    subject: str,
    extra: dict[str, Any] | None = None,
    *,
    calendar: bool,
) -> dict[str, Any]:
    """Render one e-mail (in the active language and zone) as send_email's arguments."""
    event = registration.event
    context = {
        "person": registration.user,
        "registration": registration,
        "event": event,
        "sessions": list(event.sessions.all()),
        "event_url": site_absolute_url(event.get_absolute_url()),
        "cancel_url": cancel_url(registration),
        "my_events_url": site_absolute_url(reverse("my_events")),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        **(extra or {}),
    }
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message: dict[str, Any] = {
        "subject": f"{prefix}{subject}",
        "body": render_to_string(f"events/email/{template}.txt", context),
        "html_body": render_to_string(f"events/email/{template}.html", context),
        "to": [registration.user.email],
    }
    if calendar:
        message["attachments"] = [_calendar_attachment(registration)]
    return message


class _RecipientSettings:
    """The recipient's language and time zone, for everything rendered inside."""

    def __init__(self, person: Any) -> None:
        self.language = getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE
        self.zone = zone_or_none(getattr(person, "time_zone", "")) or zone_or_none(
            settings.TIME_ZONE
        )

    def __enter__(self) -> None:
        self._language = translation.override(self.language)
        self._zone = timezone.override(self.zone)
        self._language.__enter__()
        self._zone.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._zone.__exit__(*exc)  # type: ignore[arg-type]
        self._language.__exit__(*exc)  # type: ignore[arg-type]


def confirmation_message(registration: Registration) -> dict[str, Any]:
    with _RecipientSettings(registration.user):
        registered = registration.status == Registration.Status.REGISTERED
        subject = (
            _("You are registered: %(event)s") if registered else _("Waiting list: %(event)s")
        ) % {"event": registration.event.title}
        return _message(registration, "confirmation", subject, calendar=registered)


def promotion_message(registration: Registration) -> dict[str, Any]:
    with _RecipientSettings(registration.user):
        subject = _("You have a place: %(event)s") % {"event": registration.event.title}
        return _message(registration, "promotion", subject, calendar=True)


def reminder_message(
    registration: Registration, session: EventSession, kind: str
) -> dict[str, Any]:
    with _RecipientSettings(registration.user):
        hour_before = kind == ReminderKind.HOUR_BEFORE
        subject = (
            _("Starting in an hour: %(event)s") if hour_before else _("Tomorrow: %(event)s")
        ) % {"event": registration.event.title}
        stop_url = unsubscribe_url(registration.user, [NotificationCategory.EVENT_REMINDERS])
        message = _message(
            registration,
            "reminder",
            subject,
            {
                "unsubscribe_url": stop_url,
                "session": session,
                "hour_before": hour_before,
                # The joining link goes in the last reminder only (and the .ics of the
                # confirmation), never to someone without a place.
                "joining_link": registration.event.online_url
                if hour_before and registration.event.is_online
                else "",
                "joining_details": registration.event.online_details
                if hour_before and registration.event.is_online
                else "",
            },
            calendar=False,
        )
        # Reminders recur: they carry the one-click stop of the person's event reminders.
        message["headers"] = list_unsubscribe_headers(stop_url)
        return message


def registration_confirmation_send(*, registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is None or not registration.is_active:
        return
    send_email.enqueue(**confirmation_message(registration))


def registration_promotion_send(*, registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        return
    send_email.enqueue(**promotion_message(registration))


def reminder_send(*, registration_id: int, session_id: int, kind: str) -> None:
    """Send a reminder, unless the person chose "never by e-mail" for event reminders."""
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        return
    if not notification_email_allowed(registration.user, NotificationCategory.EVENT_REMINDERS):
        return
    session = EventSession.objects.filter(pk=session_id, event_id=registration.event_id).first()
    if session is None:
        return
    send_email.enqueue(**reminder_message(registration, session, kind))
