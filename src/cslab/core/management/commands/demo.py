"""`cslab demo`: load the demo Lab (idempotent) and print the demo log-ins."""

import time
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.demo import DemoLogin, demo_count, demo_loaders
from cslab.core.management.commands.serve import serve_host, serve_port, serve_site_url
from cslab.core.progress import progress_stage


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
        """Run every loader as a stage of its own (a bar on a terminal, plain lines elsewhere),
        saying what it made: the first load takes a while."""
        logins: list[DemoLogin] = []
        started = time.monotonic()
        # The stream under Django's wrapper, which would end every redraw of a bar with a newline.
        stream: TextIO = self.stdout._out  # type: ignore[assignment]
        for loader in demo_loaders():
            before = demo_count(loader)
            with progress_stage(stream, loader.label) as stage:
                logins.extend(loader())
                after = demo_count(loader)
                made = ""
                if after is not None and before is not None:
                    made = f"{after} {loader.counted}, {after - before} new"
                stage.end(made)
        self.stdout.write(f"All demo data is in place after {time.monotonic() - started:.1f} s.")
        return logins
