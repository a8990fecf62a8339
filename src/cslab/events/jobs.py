"""Background job kinds of events: the reminders before each session."""

from collections.abc import Callable
from typing import Any

from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.events.services.reminders import reminders_send_due

REMINDERS_JOB_KIND = "events.reminders"


@job_kind(REMINDERS_JOB_KIND)
def send_reminders(
    job: Job, report_progress: Callable[[int, str], None], **_details: object
) -> dict[str, Any]:
    """Send every reminder that is due (the sweep of `cslab event_reminders`)."""
    return {"sent": reminders_send_due()}
