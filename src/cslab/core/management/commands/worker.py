"""`cslab worker`: run background jobs from the configured task backend."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.preflight import ensure_services_reachable


class Command(BaseCommand):
    help = "Run a background-job worker (database queue, or Redis when REDIS_URL is set)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Run the queued jobs, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_services_reachable()
        if settings.REDIS_URL:
            call_command("rqworker", "default", burst=options["burst"], with_scheduler=False)
        else:
            call_command(
                "db_worker", batch=options["burst"], interval=1.0, reload=False, startup_delay=False
            )
