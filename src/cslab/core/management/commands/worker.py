"""`cslab worker`: run background jobs from the configured task backend."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.preflight import ensure_services_reachable


class Command(BaseCommand):
    help = "Run a background-job worker (database queue, or Redis when REDIS_URL is set)."
    # An unreachable database or Redis is the likelier fault and gets its own one-line message,
    # so the system checks run after the preflight rather than before handle().
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Run the queued jobs, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_services_reachable()
        self.check()
        if settings.REDIS_URL:
            # RQ's own job class cannot call a django-tasks Task; the backend's subclass can.
            # The scheduler moves deferred jobs (`run_after`, e.g. event reminders) to the queue
            # when they are due; RQ lets one worker at a time hold it, so every worker may ask.
            call_command(
                "rqworker",
                "default",
                burst=options["burst"],
                with_scheduler=True,
                job_class="django_tasks_rq.Job",
            )
        else:
            call_command(
                "db_worker", batch=options["burst"], interval=1.0, reload=False, startup_delay=False
            )
