"""Background job kinds of the hub: the weekly digest."""

from datetime import date
from typing import Any

from cslab.core.models import Job
from cslab.core.services.jobs import ProgressReporter, job_kind
from cslab.hub.services.digest import digest_send_week

WEEKLY_DIGEST_JOB_KIND = "hub.weekly_digest"


@job_kind(WEEKLY_DIGEST_JOB_KIND)
def weekly_digest(
    job: Job, report_progress: ProgressReporter, *, week_start: str, **_details: object
) -> dict[str, Any]:
    """Send the digest of the week starting on `week_start` (an ISO date, a Monday)."""
    run = digest_send_week(
        week_start=date.fromisoformat(week_start), report_progress=report_progress
    )
    return run.as_dict()
