"""`cslab event_reminders`: send every event reminder that is due and not yet sent.

Meant for cron, e.g. every five minutes: `*/5 * * * *  cslab event_reminders`. The jobs
scheduled at each reminder's time do the same; running both, or this twice, sends each
reminder once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from cslab.events.services.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send the event reminders (24 hours and 1 hour before each session) that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send_due()
        self.stdout.write(f"{sent} reminder(s) sent.")
