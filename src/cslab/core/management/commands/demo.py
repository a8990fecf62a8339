"""`cslab demo`: load the demo Lab (idempotent) and print the demo log-ins."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.demo import DemoLogin, demo_count, demo_loaders
from cslab.core.management.commands.serve import serve_host, serve_port, serve_site_url


class Command(BaseCommand):
    help = "Load demo data (safe to run again: nothing is doubled) and list the demo log-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--serve", action="store_true", help="Then serve, with a worker.")
        parser.add_argument("--host", help="Address to listen on (CSLAB_HOST; 127.0.0.1).")
        parser.add_argument("--port", type=int, help="Port to listen on (PORT; 8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["serve"]:
            # Before loading: the e-mails the loaders write link to where the site will run.
            host, port = serve_host(options["host"]), serve_port(options["port"])
            serve_site_url(host, port)
        logins = self._load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo log-ins:"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.password}  ({login.who})")
        if options["serve"]:
            call_command("serve", host=host, port=port, with_worker=True, stdout=self.stdout)

    def _load(self) -> list[DemoLogin]:
        """Run every loader, saying when each starts and ends: the first load takes minutes."""
        logins: list[DemoLogin] = []
        started = time.monotonic()
        for loader in demo_loaders():
            # A line of its own: the loaders' log lines may come before the "done" line.
            self.stdout.write(f"Loading {loader.label}…")
            self.stdout.flush()
            before = demo_count(loader)
            loader_started = time.monotonic()
            logins.extend(loader())
            line = f"  done in {time.monotonic() - loader_started:.1f} s"
            after = demo_count(loader)
            if after is not None and before is not None:
                line += f": {after} {loader.counted}, {after - before} new"
            self.stdout.write(line)
            self.stdout.flush()
        self.stdout.write(f"All demo data is in place after {time.monotonic() - started:.1f} s.")
        return logins
