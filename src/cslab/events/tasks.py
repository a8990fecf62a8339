"""Tasks for the task backend: parse arguments, call a service, nothing else."""

from django_tasks import task

from cslab.events.services.reminders import reminders_send_due


@task()
def send_due_reminders(*, event_id: int | None = None, registration_id: int | None = None) -> int:
    """Scheduled at a reminder's due time (`run_after`); sends what is due then."""
    return reminders_send_due(event_id=event_id, registration_id=registration_id)
