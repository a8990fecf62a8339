"""`cslab serve`: the production web server (gunicorn), optionally with a worker beside it."""

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cslab.core.preflight import ensure_services_reachable
from cslab.core.site import site_sync_from_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve_host(option: str | None) -> str:
    """The address to listen on: --host, else CSLAB_HOST, else 127.0.0.1."""
    return option or os.environ.get("CSLAB_HOST") or DEFAULT_HOST


def serve_port(option: int | None) -> int:
    """The port to listen on: --port, else PORT from the environment, else 8000."""
    if option is not None:
        return option
    value = os.environ.get("PORT", "").strip()
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise CommandError(f"PORT must be a port number (1-65535), not {value!r}")
    return int(value)


def serve_site_url(host: str, port: int) -> str:
    """Make SITE_URL the address being served, unless the environment names one.

    Without this, `cslab demo --serve --port 8040` would mail links to :8000. Sets it for this
    process (the demo loader renders e-mails) and in the environment its children inherit.
    """
    if os.environ.get("SITE_URL"):
        return str(settings.SITE_URL)
    # A wildcard address is not one a browser can open; the machine itself can.
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)  # noqa: S104 (a wildcard is only mapped to an address to print)  # nosec B104
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    site_url = f"http://{shown}:{port}"
    os.environ["SITE_URL"] = site_url
    settings.SITE_URL = site_url
    return site_url


class Command(BaseCommand):
    help = "Serve cslab with gunicorn (the production server)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", help="Address to listen on (CSLAB_HOST; 127.0.0.1).")
        parser.add_argument("--port", type=int, help="Port to listen on (PORT; 8000).")
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
        host, port = serve_host(options["host"]), serve_port(options["port"])
        site_url = serve_site_url(host, port)
        ensure_services_reachable()
        site_sync_from_settings()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "cslab.wsgi:application",
            "--bind",
            f"{host}:{port}",
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
                subprocess.Popen(  # a fixed argument list  # nosec B603
                    [sys.executable, "-m", "cslab.cli", "worker"], env=environment
                )
            )
        self.stdout.write(f"cslab is serving on {site_url}/ (listening on {host}:{port})")
        server = subprocess.Popen(gunicorn, env=environment)  # noqa: S603  (our own arguments)  # nosec B603
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
