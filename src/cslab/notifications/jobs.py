"""Background job kinds of notifications: the daily digest."""

from datetime import date
from typing import Any

from cslab.core.models import Job
from cslab.core.services.jobs import ProgressReporter, job_kind
from cslab.notifications.services.digest import notification_digest_send

DAILY_DIGEST_JOB_KIND = "notifications.daily_digest"


@job_kind(DAILY_DIGEST_JOB_KIND)
def daily_digest(
    job: Job, report_progress: ProgressReporter, *, day: str = "", **_details: object
) -> dict[str, Any]:
    """Send the daily digests that are due (each person's previous day, or `day`)."""
    run = notification_digest_send(
        day=date.fromisoformat(day) if day else None, report_progress=report_progress
    )
    return run.as_dict()
