"""`cslab hub_digest [--week YYYY-MM-DD]`: start the weekly digest job.

Without --week, the last full week (Monday–Sunday, Europe/Amsterdam) before now; with it, the
week holding that day. The job runs in a worker (`cslab worker`); running the command twice
for one week sends nobody a second e-mail. Meant for cron, e.g. every Monday at 07:00:
`0 7 * * 1  cslab hub_digest`.
"""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cslab.core.services.jobs import job_start
from cslab.hub.jobs import WEEKLY_DIGEST_JOB_KIND
from cslab.hub.services.digest import digest_last_full_week


class Command(BaseCommand):
    help = "Start the hub's weekly digest e-mails for the last full week (or --week)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--week",
            metavar="YYYY-MM-DD",
            help="a day of the week to send (default: the last full week, Monday to Sunday)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["week"]:
            try:
                day = date.fromisoformat(options["week"])
            except ValueError:
                raise CommandError("--week needs a date such as 2026-11-30") from None
            week_start = day - timedelta(days=day.weekday())
        else:
            week_start = digest_last_full_week(timezone.now())
        job = job_start(
            actor=None,
            kind=WEEKLY_DIGEST_JOB_KIND,
            title=f"Hub digest of the week of {week_start.isoformat()}",
            arguments={"week_start": week_start.isoformat()},
        )
        self.stdout.write(f"digest of the week of {week_start.isoformat()}: job {job.pk}")
