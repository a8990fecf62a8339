"""Attendance: organisers mark who came; registered people check themselves in with the code.

Only a registration with a place (status "registered") can be marked present: the database
refuses the rest (`events_registration_attended_only_if_registered`). Check-in is open from
`CHECK_IN_OPENS_BEFORE` before a session starts until it ends; wrong codes are counted per
person and event in the cache, and after `CHECK_IN_MAX_WRONG_TRIES` the form refuses every code,
so the six characters cannot be guessed by trying.
"""

import csv
import hmac
import io
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.events.models import Event, Registration

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_IN_MAX_WRONG_TRIES = 10
# Long enough to outlast any event day; short enough that the cache forgets.
CHECK_IN_TRIES_REMEMBERED = 60 * 60 * 24 * 2

# Cells a spreadsheet would read as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@transaction.atomic
def attendance_mark(*, actor: Actor, registration: Registration, attended: bool) -> Registration:
    """Mark one registered person as attended or not (organisers of the event only)."""
    permissions.require(actor, "events.event.manage", registration.event)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Registration.Status.REGISTERED:
        raise InvalidInputError(_("Only people with a place can be marked present."))
    if _set_attended(locked, attended=attended, marked_by=signed_in(actor)):
        audit_record(
            actor=actor,
            action="event.attendance_marked",
            target=locked.event,
            details={"registration": locked.pk, "attended": attended},
        )
    registration.attended_at = locked.attended_at
    registration.attendance_marked_by = locked.attendance_marked_by
    return registration


@transaction.atomic
def attendance_mark_many(*, actor: Actor, event: Event, attended_ids: Iterable[int]) -> int:
    """Set attendance for every registered person at once: those in `attended_ids` came,
    the others did not. Ids of other events or of people without a place are ignored.
    Return how many registrations changed."""
    permissions.require(actor, "events.event.manage", event)
    person = signed_in(actor)
    present = set(attended_ids)
    changed = 0
    registered = (
        Registration.objects.select_for_update()
        .filter(event=event, status=Registration.Status.REGISTERED)
        .order_by("pk")
    )
    for registration in registered:
        if _set_attended(registration, attended=registration.pk in present, marked_by=person):
            changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="event.attendance_marked",
            target=event,
            details={"changed": changed, "attended": len(present)},
        )
    return changed


def check_in_is_open(event: Event, now: datetime | None = None) -> bool:
    """Whether a session of the event runs now (or starts within CHECK_IN_OPENS_BEFORE)."""
    moment = now or timezone.now()
    return any(
        session.starts_at - CHECK_IN_OPENS_BEFORE <= moment <= session.ends_at
        for session in event.sessions.all()
    )


def check_in_tries_left(*, event: Event, person_id: int) -> int:
    return max(0, CHECK_IN_MAX_WRONG_TRIES - int(cache.get(_tries_key(event, person_id), 0)))


@transaction.atomic
def attendance_check_in(
    *, actor: Actor, event: Event, code: str, now: datetime | None = None
) -> Registration:
    """Mark the actor present with the event's check-in code.

    PermissionDeniedError unless they have a place; InvalidInputError outside the check-in
    window, for a wrong code, and (whatever the code) after too many wrong ones.
    """
    permissions.require(actor, "events.event.view", event)
    person = signed_in(actor)
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, user=person, status=Registration.Status.REGISTERED)
        .first()
    )
    if registration is None:
        raise PermissionDeniedError(_("Only people with a place at this event can check in."))
    if not check_in_is_open(event, now):
        raise InvalidInputError(
            _("Check-in opens 30 minutes before a session starts and closes when it ends."),
            code=ProblemCode.CHECK_IN_CLOSED,
        )
    if check_in_tries_left(event=event, person_id=person.pk) <= 0:
        raise InvalidInputError(
            _("Too many wrong codes. Ask an organiser to mark you present."),
            code=ProblemCode.CHECK_IN_TOO_MANY_TRIES,
        )
    given = (code or "").strip().upper()[:20]
    if not hmac.compare_digest(given.encode(), event.check_in_code.upper().encode()):
        _count_wrong_try(event, person.pk)
        left = check_in_tries_left(event=event, person_id=person.pk)
        raise InvalidInputError(
            _("That is not the check-in code of this event. Tries left: %(left)d.")
            % {"left": left},
            code=ProblemCode.CHECK_IN_CODE_WRONG,
            details={"code": [_("That is not the check-in code of this event.")]},
        )
    if registration.attended_at is None:
        _set_attended(registration, attended=True, marked_by=person)
        audit_record(
            actor=actor,
            action="event.checked_in",
            target=event,
            details={"registration": registration.pk},
        )
    return registration


def attendees_csv(*, actor: Actor, event: Event) -> str:
    """Return the event's registrations as CSV for its organisers, and audit the export.

    The e-mail address is given only for people who agreed to be contacted; every cell a
    spreadsheet could run as a formula gets a leading apostrophe.
    """
    permissions.require(actor, "events.event.manage", event)
    registrations = list(
        Registration.objects.filter(event=event)
        .select_related("user")
        .order_by("status", "waitlisted_at", "created_at", "pk")
    )
    positions = {
        registration.pk: number
        for number, registration in enumerate(
            sorted(
                (r for r in registrations if r.status == Registration.Status.WAITLISTED),
                key=lambda r: (r.waitlisted_at or r.created_at, r.pk),
            ),
            start=1,
        )
    }
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [
            _("name"),
            _("e-mail"),
            _("status"),
            _("registered at"),
            _("waiting-list position"),
            _("attended"),
            _("organisation"),
            _("dietary needs"),
            _("accessibility needs"),
        ]
    )
    for registration in registrations:
        writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    registration.user.public_name,
                    registration.user.email if registration.contact_consent else "",
                    registration.get_status_display(),
                    _iso(registration.registered_at or registration.created_at),
                    str(positions.get(registration.pk, "")),
                    _("yes") if registration.attended_at else "",
                    registration.organisation,
                    registration.dietary_needs,
                    registration.accessibility_needs,
                )
            ]
        )
    audit_record(
        actor=actor,
        action="event.attendees_exported",
        target=event,
        details={"rows": len(registrations)},
    )
    return output.getvalue()


def csv_safe(cell: str) -> str:
    """Return the cell with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="minutes")


def _set_attended(registration: Registration, *, attended: bool, marked_by: object) -> bool:
    """Set the registration's attendance; return whether it changed."""
    if attended == (registration.attended_at is not None):
        return False
    registration.attended_at = timezone.now() if attended else None
    registration.attendance_marked_by = marked_by  # type: ignore[assignment]
    registration.full_clean(validate_unique=False, validate_constraints=False)
    registration.save(update_fields=["attended_at", "attendance_marked_by"])
    return True


def _tries_key(event: Event, person_id: int) -> str:
    return f"events:check-in-wrong:{event.pk}:{person_id}"


def _count_wrong_try(event: Event, person_id: int) -> None:
    key = _tries_key(event, person_id)
    # `add` then `incr`: two wrong tries at once both count.
    cache.add(key, 0, CHECK_IN_TRIES_REMEMBERED)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, CHECK_IN_TRIES_REMEMBERED)
