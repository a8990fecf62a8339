"""`cslab event_feedback_requests`: start the job that asks attendees "How was it?".

Every attendee of an event that ended in the last two weeks gets the e-mail once; running the
command again sends nobody a second one. Meant for cron, e.g. every hour:
`15 * * * *  cslab event_feedback_requests`.
"""

from typing import Any

from django.core.management.base import BaseCommand

from cslab.core.services.jobs import job_start
from cslab.events.feedback_jobs import FEEDBACK_REQUESTS_JOB_KIND


class Command(BaseCommand):
    help = "Start the job that e-mails the feedback survey to attendees of ended events."

    def handle(self, *args: Any, **options: Any) -> None:
        job = job_start(
            actor=None,
            kind=FEEDBACK_REQUESTS_JOB_KIND,
            title="Feedback requests after events",
        )
        self.stdout.write(f"feedback requests: job {job.pk}")
