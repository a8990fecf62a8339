"""`cslab notification_digest [--day YYYY-MM-DD]`: start the daily notification digest job.

Without --day, each person's previous day in their own time zone; with it, that day for
everyone. The job runs in a worker (`cslab worker`); running the command twice sends nobody a
second digest of a day. Meant for cron every hour, so each person's digest leaves soon after
their midnight: `5 * * * *  cslab notification_digest`.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cslab.core.services.jobs import job_start
from cslab.notifications.jobs import DAILY_DIGEST_JOB_KIND


class Command(BaseCommand):
    help = "Start the daily notification digest e-mails (each person's previous day, or --day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day",
            metavar="YYYY-MM-DD",
            help="the day to send (default: each person's previous day in their time zone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = ""
        if options["day"]:
            try:
                day = date.fromisoformat(options["day"]).isoformat()
            except ValueError:
                raise CommandError("--day needs a date such as 2026-11-30") from None
        job = job_start(
            actor=None,
            kind=DAILY_DIGEST_JOB_KIND,
            title=f"Daily notification digest{f' of {day}' if day else ''}",
            arguments={"day": day} if day else {},
        )
        self.stdout.write(f"daily notification digest: job {job.pk}")
