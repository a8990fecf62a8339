"""`cslab demo`: load the demo Lab (idempotent) and print the demo log-ins."""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.demo import demo_loaders


class Command(BaseCommand):
    help = "Load demo data (safe to run again: nothing is doubled) and list the demo log-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--serve", action="store_true", help="Then serve, with a worker.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        logins = [login for loader in demo_loaders() for login in loader()]
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo log-ins:"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.password}  ({login.who})")
        if options["serve"]:
            call_command("serve", host=options["host"], port=options["port"], with_worker=True)
