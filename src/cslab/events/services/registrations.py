"""Registering for an event, cancelling, and the waiting list.

Seats are decided in the database: one conditional UPDATE of the event row
(`registered_count = registered_count + 1 WHERE ... registered_count < capacity`) gives a
place or does not, so any number of people registering at once never overbook
(`events_event_not_overbooked` would refuse it anyway). A second active registration of the
same person is refused by `events_registration_active_once`.

Cancelling frees the seat and gives it, in the same transaction, to the first person on the
waiting list (earliest `waitlisted_at`). Cancellations and promotions of one event lock the
event row first and the registration rows after it, always in that order, so two people
cancelling at once promote two different people and never deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.events import emails
from cslab.events.models import Event, Registration
from cslab.events.services.reminder_schedule import reminders_schedule_for_registration
from cslab.notifications.services.notifications import notification_send

Status = Registration.Status


@dataclass(frozen=True)
class CancelResult:
    registration: Registration
    promoted: Registration | None


def registration_closes_at(event: Event) -> datetime | None:
    """When registration closes: the set time, else the start of the first session."""
    if event.registration_closes_at is not None:
        return event.registration_closes_at
    first = event.sessions.order_by("starts_at").first()
    return first.starts_at if first is not None else event.starts_at


def registration_is_open(event: Event, *, now: datetime | None = None) -> bool:
    if event.status != Event.Status.PUBLISHED:
        return False
    closes_at = registration_closes_at(event)
    return closes_at is None or (now or timezone.now()) < closes_at


def _take_seat(event_id: int) -> bool:
    """Give one seat if one is free: the one conditional UPDATE that decides."""
    return bool(
        Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED)
        .filter(Q(capacity__isnull=True) | Q(registered_count__lt=F("capacity")))
        .update(registered_count=F("registered_count") + 1)
    )


def registration_create(
    *,
    actor: Actor,
    event: Event,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    organisation: str = "",
    contact_consent: bool = False,
) -> Registration:
    """Register the actor for the event: a place if one is free, else the waiting list.

    Answers to questions the event does not ask are dropped.
    """
    permissions.require(actor, "events.event.view", event)
    permissions.require(actor, "events.event.register", event)
    person = person_or_none(actor)
    if person is None:  # the rule admits signed-in people only
        raise NotFoundError()
    now = timezone.now()
    if not registration_is_open(event, now=now):
        raise ConflictError(
            _("Registration for this event is closed."), code=ProblemCode.REGISTRATION_CLOSED
        )
    with transaction.atomic():
        if _take_seat(event.pk):
            status = Status.REGISTERED
        else:
            updated = Event.objects.filter(pk=event.pk, status=Event.Status.PUBLISHED).update(
                waitlist_count=F("waitlist_count") + 1
            )
            if not updated:
                raise ConflictError(
                    _("Registration for this event is closed."),
                    code=ProblemCode.REGISTRATION_CLOSED,
                )
            status = Status.WAITLISTED
        registration = Registration(
            event=event,
            user=person,
            status=status,
            dietary_needs=dietary_needs.strip() if event.ask_dietary_needs else "",
            accessibility_needs=(
                accessibility_needs.strip() if event.ask_accessibility_needs else ""
            ),
            organisation=organisation.strip() if event.ask_organisation else "",
            contact_consent=bool(contact_consent),
            registered_at=now if status == Status.REGISTERED else None,
            waitlisted_at=now if status == Status.WAITLISTED else None,
        )
        # The partial unique constraint decides "already registered" (never a check first).
        registration.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise ConflictError(
                _("You are already registered for this event, or on its waiting list."),
                code=ProblemCode.ALREADY_REGISTERED,
            ) from error
        audit_record(
            actor=actor,
            action="events.registration.create",
            target=registration,
            details={"event": event.pk, "status": status},
        )
        registration_id = registration.pk
        transaction.on_commit(
            lambda: emails.registration_confirmation_send(registration_id=registration_id)
        )
        if status == Status.REGISTERED:
            reminders_schedule_for_registration(registration)
    _refresh_counts(event)
    return registration


def registration_cancel(*, actor: Actor, registration: Registration) -> CancelResult:
    """Cancel one's own registration (or place on the waiting list)."""
    permissions.require(actor, "events.registration.manage", registration)
    return _cancel(registration_id=registration.pk, event_id=registration.event_id, actor=actor)


def registration_cancel_by_token(*, token: str) -> CancelResult:
    """Cancel with the secret of an e-mail's cancel link (no signing in)."""
    registration = Registration.objects.filter(token=token).only("pk", "event_id", "user").first()
    if registration is None or not token:
        raise NotFoundError()
    return _cancel(
        registration_id=registration.pk, event_id=registration.event_id, actor=registration.user
    )


def _cancel(*, registration_id: int, event_id: int, actor: Actor | None) -> CancelResult:
    now = timezone.now()
    with transaction.atomic():
        # Lock order: the event row, then registrations (see the module's docstring).
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = (
            Registration.objects.select_for_update().select_related("user").get(pk=registration_id)
        )
        if registration.status == Status.CANCELLED:
            raise ConflictError(
                _("This registration has already been cancelled."),
                code=ProblemCode.REGISTRATION_ALREADY_CANCELLED,
            )
        was = registration.status
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = None
        if was == Status.REGISTERED:
            Event.objects.filter(pk=event_id).update(registered_count=F("registered_count") - 1)
            promoted = _promote_next(event, now=now)
        else:
            Event.objects.filter(pk=event_id).update(waitlist_count=F("waitlist_count") - 1)
        audit_record(
            actor=actor,
            action="events.registration.cancel",
            target=registration,
            details={
                "event": event_id,
                "was": was,
                "promoted": promoted.pk if promoted is not None else None,
            },
        )
    return CancelResult(registration=registration, promoted=promoted)


def waitlist_promote_free_places(*, event: Event) -> list[Registration]:
    """Give every free place to the people waiting, first come first served (after the places
    grew). Call it inside a transaction that holds the event row's lock."""
    now = timezone.now()
    promoted: list[Registration] = []
    while (following := _promote_next(event, now=now)) is not None:
        promoted.append(following)
    return promoted


def _promote_next(event: Event, *, now: datetime) -> Registration | None:
    """Give a free seat to the first person waiting (inside the cancelling transaction)."""
    if event.status != Event.Status.PUBLISHED:
        return None
    if event.starts_at is not None and event.starts_at <= now:
        return None
    following = (
        Registration.objects.select_for_update(skip_locked=False)
        .select_related("user")
        .filter(event_id=event.pk, status=Status.WAITLISTED)
        .order_by("waitlisted_at", "id")
        .first()
    )
    if following is None or not _take_seat(event.pk):
        return None
    Event.objects.filter(pk=event.pk).update(waitlist_count=F("waitlist_count") - 1)
    following.status = Status.REGISTERED
    following.registered_at = now
    following.promoted_at = now
    following.save(update_fields=["status", "registered_at", "promoted_at"])
    audit_record(
        actor=None,
        action="events.registration.promote",
        target=following,
        details={"event": event.pk},
    )
    notification_send(
        recipients=[following.user],
        kind="events.registration.promoted",
        message=gettext_noop("You have a place at %(event)s: you moved up from the waiting list."),
        params={"event": event.title},
        url=event.get_absolute_url(),
        email=False,  # the promotion e-mail (with the .ics) says it
    )
    promoted_id = following.pk
    transaction.on_commit(lambda: emails.registration_promotion_send(registration_id=promoted_id))
    reminders_schedule_for_registration(following)
    return following


def _refresh_counts(event: Event) -> None:
    event.refresh_from_db(fields=["registered_count", "waitlist_count"])
