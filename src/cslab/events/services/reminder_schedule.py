"""Scheduling the reminder jobs: one task per reminder time, run by the backend at that time.

Scheduling is an optimisation over the sweep (`reminders_send_due`, also run by cron through
`cslab event_reminders`): the task only sends what is due when it runs, so a job scheduled
for a time that changed later sends nothing wrong. A backend that cannot defer (the
immediate backend of tests and development) schedules nothing; the sweep covers it.
"""

from django.db import transaction
from django.utils import timezone

from cslab.events.models import Event, Registration
from cslab.events.services.reminders import reminder_due_times
from cslab.events.tasks import send_due_reminders


def _schedule(event: Event, *, registration_id: int | None) -> int:
    if not send_due_reminders.get_backend().supports_defer:
        return 0
    now = timezone.now()
    due_times = sorted(
        {
            due.due_at
            for session in event.sessions.all()
            for due in reminder_due_times(session)
            if due.due_at > now
        }
    )

    def enqueue() -> None:
        for due_at in due_times:
            send_due_reminders.using(run_after=due_at).enqueue(
                event_id=event.pk, registration_id=registration_id
            )

    transaction.on_commit(enqueue)
    return len(due_times)


def reminders_schedule_for_registration(registration: Registration) -> int:
    """Schedule the reminders of a confirmed registration (after the transaction commits)."""
    return _schedule(registration.event, registration_id=registration.pk)


def reminders_schedule_for_event(event: Event) -> int:
    """Schedule the reminders of every registered person (call when the sessions change)."""
    return _schedule(event, registration_id=None)
