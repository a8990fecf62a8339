"""Background job kind of events: the "How was it?" e-mails after an event."""

from typing import Any

from cslab.core.models import Job
from cslab.core.services.jobs import ProgressReporter, job_kind
from cslab.events.services.feedback import feedback_requests_send

FEEDBACK_REQUESTS_JOB_KIND = "events.feedback_requests"


@job_kind(FEEDBACK_REQUESTS_JOB_KIND)
def feedback_requests(
    job: Job, report_progress: ProgressReporter, **_details: object
) -> dict[str, Any]:
    """Ask every attendee of a recently ended event for feedback, once."""
    return feedback_requests_send(report_progress=report_progress).as_dict()
