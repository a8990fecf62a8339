"""Where `cslab serve` and `cslab demo --serve` listen, and the SITE_URL e-mails then link to.

No server is started: gunicorn and the worker are replaced by a recorder of their command
lines and environments.
"""

import io
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command

from cslab.core.demo import DemoLogin, NamedLoader
from cslab.core.management.commands import demo as demo_command
from cslab.core.management.commands import serve as serve_command
from cslab.core.management.commands.serve import serve_port

REPOSITORY = Path(__file__).resolve().parents[2]


def test_port_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8040")
    assert serve_port(8050) == 8050


def test_port_comes_from_the_environment_without_the_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "8040")
    assert serve_port(None) == 8040


def test_port_is_8000_without_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert serve_port(None) == 8000


@pytest.mark.parametrize("value", ["eighty", "0", "70000", "-1"])
def test_port_that_is_not_a_port_number_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PORT", value)
    with pytest.raises(CommandError, match="PORT must be a port number"):
        serve_port(None)


class RecordedProcess:
    """Stands in for subprocess.Popen: remembers what would have run, and ends at once."""

    started: list["RecordedProcess"] = []

    def __init__(self, arguments: list[str], env: dict[str, str]) -> None:
        self.arguments, self.env, self.returncode = arguments, env, 0
        RecordedProcess.started.append(self)

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0

    def send_signal(self, signum: int) -> None:
        """Nothing runs, so there is nothing to stop."""


@pytest.fixture
def recorded_processes(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[RecordedProcess]:
    RecordedProcess.started = []
    monkeypatch.setattr(subprocess, "Popen", RecordedProcess)
    monkeypatch.setattr(serve_command, "ensure_services_reachable", lambda: None)
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)
    monkeypatch.setattr(
        demo_command,
        "demo_loaders",
        lambda: [NamedLoader("tests.load_demo_people", lambda: [DemoLogin("a@b.c", "pw", "x")])],
    )
    # What serve_site_url writes to the environment and settings is undone after the test.
    monkeypatch.setenv("SITE_URL", "")
    monkeypatch.delenv("CSLAB_HOST", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"
    return RecordedProcess.started


def _gunicorn(processes: list[RecordedProcess]) -> RecordedProcess:
    (server,) = [process for process in processes if "gunicorn" in process.arguments]
    return server


@pytest.mark.django_db
def test_demo_serve_listens_on_port_from_the_environment_and_links_there(
    recorded_processes: list[RecordedProcess], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setenv("PORT", "8040")
    output = io.StringIO()
    call_command("demo", "--serve", "--no-color", stdout=output)

    server = _gunicorn(recorded_processes)
    assert server.arguments[server.arguments.index("--bind") + 1] == "127.0.0.1:8040"
    # Both the web server and the worker (which sends the mail) inherit the address.
    assert {process.env["SITE_URL"] for process in recorded_processes} == {"http://127.0.0.1:8040"}
    assert settings.SITE_URL == "http://127.0.0.1:8040"
    assert Site.objects.get_current().domain == "127.0.0.1:8040"
    assert "serving on http://127.0.0.1:8040/" in output.getvalue()


@pytest.mark.django_db
def test_demo_serve_port_option_wins_over_the_environment(
    recorded_processes: list[RecordedProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "8040")
    call_command("demo", "--serve", "--port", "8050", stdout=io.StringIO())
    server = _gunicorn(recorded_processes)
    assert server.arguments[server.arguments.index("--bind") + 1] == "127.0.0.1:8050"
    assert server.env["SITE_URL"] == "http://127.0.0.1:8050"


@pytest.mark.django_db
def test_a_configured_site_url_is_kept_whatever_the_port(
    recorded_processes: list[RecordedProcess], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setenv("SITE_URL", "https://lab.example.org")
    settings.SITE_URL = "https://lab.example.org"
    call_command("serve", "--port", "8040", "--no-collectstatic", stdout=io.StringIO())
    assert _gunicorn(recorded_processes).env["SITE_URL"] == "https://lab.example.org"
    assert Site.objects.get_current().domain == "lab.example.org"


def test_make_demo_passes_its_port_to_the_command() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "PORT"}

    def planned(*arguments: str) -> str:
        return subprocess.run(
            ["make", "--dry-run", "demo", *arguments],
            cwd=REPOSITORY,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "cslab demo --serve --port 8040" in planned("PORT=8040")
    assert "--port" not in planned()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:8040"),  # noqa: S104  (what a wildcard bind is served as)
        ("::", "http://[::1]:8040"),
        ("::1", "http://[::1]:8040"),
        ("lab.local", "http://lab.local:8040"),
    ],
)
def test_site_url_of_a_served_address_is_one_a_browser_can_open(
    monkeypatch: pytest.MonkeyPatch, settings: Any, host: str, expected: str
) -> None:
    monkeypatch.setenv("SITE_URL", "")
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert serve_command.serve_site_url(host, 8040) == expected
    assert os.environ["SITE_URL"] == settings.SITE_URL == expected
