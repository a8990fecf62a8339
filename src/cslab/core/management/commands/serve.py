"""`cslab serve`: the production web server (gunicorn), optionally with a worker beside it."""

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cslab.core.preflight import ensure_services_reachable


class Command(BaseCommand):
    help = "Serve cslab with gunicorn (the production server)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("CSLAB_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(
                os.environ.get("WEB_CONCURRENCY", str(min(4, (os.cpu_count() or 1) * 2 + 1)))
            ),
            help="Web worker processes (WEB_CONCURRENCY).",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run one background-job worker (handy for a single-machine site).",
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_services_reachable()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "cslab.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--worker-class",
            "gthread",
            "--threads",
            str(options["threads"]),
            "--timeout",
            "60",
            "--graceful-timeout",
            "20",
            "--max-requests",
            "2000",
            "--max-requests-jitter",
            "200",
            "--error-logfile",
            "-",
            "--no-control-socket",
        ]
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        children: list[subprocess.Popen[bytes]] = []
        if options["with_worker"]:
            children.append(
                subprocess.Popen([sys.executable, "-m", "cslab.cli", "worker"], env=environment)
            )
        self.stdout.write(f"cslab is serving on http://{options['host']}:{options['port']}/")
        server = subprocess.Popen(gunicorn, env=environment)  # noqa: S603  (our own arguments)
        children.append(server)

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            server.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                child.wait(timeout=30)
        if server.returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
            sys.exit(server.returncode)
