"""Submissions per second on PostgreSQL: the JSON API and the OpenRosa server, against a ceiling.

The production server (`cslab serve`) runs against a scratch PostgreSQL database with one
project and one form. CLIENTS threads, each with a persistent connection, send new submissions
back to back for BENCH_SECONDS, first as JSON (`POST /api/v1/.../submissions`, token auth), then
as ODK Collect does (`POST /openrosa/key/<app user token>/<slug>/submission`, multipart XML).

The ceiling is what the database itself takes from the same number of clients: CLIENTS psycopg
connections inserting one observation row per transaction, with no web framework in between.
Afterwards the rows are counted: every 201 must be exactly one row, nothing lost or doubled.
"""

import http.client
import json
import logging
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.server import HOST, running_server
from benchmarks.support import (
    BENCH_DIR,
    Result,
    bench_seconds,
    cslab_migrate,
    percentile,
    run_checked,
    scratch_environment,
    scratch_postgres_database,
)

logger = logging.getLogger("benchmarks.submissions")

BENCHMARK = "submissions"
CLIENTS = 50
WARMUP_SECONDS = 2.0
REQUEST_TIMEOUT = 60.0
SERVER_LOG = BENCH_DIR / "submissions-server.log"
SCRATCH_VAR_DIR = BENCH_DIR / "submissions-scratch"
BOUNDARY = "cslab-bench-boundary"

SURVEY = [
    {"type": "integer", "name": "bees", "label": "Bees"},
    {"type": "select_one plant", "name": "plant", "label": "Plant"},
    {"type": "geopoint", "name": "location", "label": "Where"},
    {"type": "text", "name": "note", "label": "Note"},
]
ANSWERS = {
    "bees": 3,
    "plant": "lavender",
    "location": "52.16 4.49 0 10",
    "note": "Sunny, light wind.",
}
CHOICES = [
    {"list_name": "plant", "name": "lavender", "label": "Lavender"},
    {"list_name": "plant", "name": "borage", "label": "Borage"},
]


Sender = tuple[Callable[[Any], str], Callable[[], Any]]


@dataclass
class _Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    finished_at: float = 0.0


@dataclass
class _Window:
    started_at: float = 0.0


def _drive(
    send: Callable[[Any], str], make_connection: Callable[[], Any], seconds: float
) -> tuple[list[_Tally], float]:
    """Run CLIENTS threads calling `send(connection)` back to back; return tallies and time."""
    window = _Window()
    barrier = threading.Barrier(
        CLIENTS, action=lambda: setattr(window, "started_at", time.perf_counter())
    )
    tallies = [_Tally() for _ in range(CLIENTS)]

    def client_loop(tally: _Tally) -> None:
        connection = make_connection()
        barrier.wait(timeout=60)
        deadline = window.started_at + seconds
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    outcome = send(connection)
                except (OSError, http.client.HTTPException) as error:
                    outcome = type(error).__name__
                    connection.close()
                    connection = make_connection()
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                tally.statuses[outcome] += 1
        finally:
            tally.finished_at = time.perf_counter()
            connection.close()

    threads = [threading.Thread(target=client_loop, args=(tally,)) for tally in tallies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 2 * REQUEST_TIMEOUT + 60)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("benchmark clients did not finish in time")
    return tallies, max(tally.finished_at for tally in tallies) - window.started_at


def _results(
    name: str,
    tallies: list[_Tally],
    elapsed: float,
    success: str,
    details: dict[str, Any],
    peer: float | None = None,
    peer_label: str = "",
) -> tuple[list[Result], int]:
    latencies = sorted(latency for tally in tallies for latency in tally.latencies_ms)
    statuses: Counter[str] = Counter()
    for tally in tallies:
        statuses.update(tally.statuses)
    ok = statuses[success]
    scale = f"{CLIENTS} clients, {details['seconds']:g} s, PostgreSQL"
    details = {**details, "statuses": dict(statuses), "ok": ok, "elapsed_seconds": elapsed}
    return [
        Result(
            BENCHMARK,
            f"{name} throughput",
            scale,
            ok / elapsed,
            "submissions/s",
            "higher",
            peer=peer,
            peer_label=peer_label,
            details=details,
        ),
        Result(
            BENCHMARK,
            f"{name} latency p50",
            scale,
            percentile(latencies, 0.5),
            "ms",
            "lower",
            details=details,
        ),
        Result(
            BENCHMARK,
            f"{name} latency p95",
            scale,
            percentile(latencies, 0.95),
            "ms",
            "lower",
            details=details,
        ),
        Result(
            BENCHMARK,
            f"{name} errors",
            scale,
            float(sum(statuses.values()) - ok),
            "responses",
            "lower",
            details=details,
        ),
    ], ok


def _json_sender(port: int, setup: dict[str, Any]) -> Sender:
    path = f"/api/v1/projects/{setup['slug']}/forms/{setup['form_id']}/submissions"
    headers = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}

    def send(connection: http.client.HTTPConnection) -> str:
        body = json.dumps(
            {
                "instance_id": f"uuid:{uuid.uuid4()}",
                "version": setup["version"],
                "answers": ANSWERS,
            }
        )
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return str(response.status)

    return send, lambda: http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)


def _openrosa_sender(port: int, setup: dict[str, Any]) -> Sender:
    path = f"{setup['openrosa_base']}/submission?deviceID=bench"
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "X-OpenRosa-Version": "1.0",
    }

    def send(connection: http.client.HTTPConnection) -> str:
        xml = (
            f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="{setup["form_id"]}" '
            f'version="{setup["version"]}"><bees>3</bees><plant>lavender</plant>'
            f"<location>52.16 4.49 0 10</location><note>Sunny, light wind.</note>"
            f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
        )
        body = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n'
            f"--{BOUNDARY}--\r\n"
        ).encode()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return str(response.status)

    return send, lambda: http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)


def _ceiling_sender(database_url: str, setup: dict[str, Any]) -> Sender:
    """Insert copies of the row a real submission stored, each under a new instance ID."""
    import psycopg

    template: dict[str, Any] = setup["stored_row"]
    columns = [column for column in template if column != "id"]
    statement = (
        f"INSERT INTO collection_observation ({', '.join(columns)}) "  # noqa: S608 - our columns
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )

    def send(connection: Any) -> str:
        values = [
            f"uuid:{uuid.uuid4()}" if column == "instance_id" else template[column]
            for column in columns
        ]
        with connection.transaction():
            connection.execute(statement, values)
        return "inserted"

    return send, lambda: psycopg.connect(database_url, autocommit=True)


def _count_rows(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT count(*) FROM collection_observation").fetchone()
        return int(row[0]) if row else 0


def _measure(
    name: str,
    sender: tuple[Callable[[Any], str], Callable[[], Any]],
    success: str,
    seconds: float,
    database_url: str,
    peer: float | None = None,
    peer_label: str = "",
) -> tuple[list[Result], float]:
    send, connect = sender
    logger.info("%s: warming up for %.0f s", name, WARMUP_SECONDS)
    _drive(send, connect, min(WARMUP_SECONDS, seconds))
    before = _count_rows(database_url)
    logger.info("%s: %d clients for %g s", name, CLIENTS, seconds)
    tallies, elapsed = _drive(send, connect, seconds)
    stored = _count_rows(database_url) - before
    details = {"seconds": seconds, "rows_stored": stored}
    results, ok = _results(name, tallies, elapsed, success, details, peer, peer_label)
    if stored != ok:
        raise RuntimeError(f"{name}: {ok} successful answers but {stored} new rows")
    logger.info("%s: %.1f submissions/s, %d rows for %d successes", name, ok / elapsed, stored, ok)
    return results, ok / elapsed


def run() -> list[Result]:
    seconds = bench_seconds()
    SCRATCH_VAR_DIR.mkdir(parents=True, exist_ok=True)
    with scratch_postgres_database("cslab_bench_submissions") as database_url:
        if database_url is None:
            return []
        environment = scratch_environment(database_url, SCRATCH_VAR_DIR, SITE_URL=f"http://{HOST}")
        cslab_migrate(environment)
        setup = json.loads(
            run_checked(
                [sys.executable, "-m", "benchmarks.submissions", "--setup"],
                environment,
                "create a project, a form, an API token and an app user",
            )
            .strip()
            .splitlines()[-1]
        )
        ceiling_results, ceiling = _measure(
            "psycopg INSERT ceiling",
            _ceiling_sender(database_url, setup),
            "inserted",
            seconds,
            database_url,
        )
        results = list(ceiling_results)
        label = f"psycopg single-row INSERTs, {CLIENTS} connections"
        with running_server(environment, SERVER_LOG) as port:
            time.sleep(1)
            json_results, _rate = _measure(
                "POST JSON submission",
                _json_sender(port, setup),
                "201",
                seconds,
                database_url,
                peer=ceiling,
                peer_label=label,
            )
            results += json_results
            openrosa_results, _rate = _measure(
                "POST OpenRosa submission",
                _openrosa_sender(port, setup),
                "201",
                seconds,
                database_url,
                peer=ceiling,
                peer_label=label,
            )
            results += openrosa_results
    return results


def _setup() -> None:
    """In a child with Django set up: the project, form, token and app user the clients use."""
    import django

    django.setup()
    from django.db import connection

    from cslab.accounts.services.api_tokens import api_token_create
    from cslab.accounts.services.users import user_create
    from cslab.core.roles import SiteRole
    from cslab.forms.demo import workbook_bytes
    from cslab.forms.services import form_publish_xlsform
    from cslab.observations.services.observations import observation_submit
    from cslab.openrosa.services.app_users import app_user_create
    from cslab.projects.services.projects import project_create

    user = user_create(actor=None, email="bench@example.org", site_role=SiteRole.STAFF)
    project = project_create(
        actor=None, owner=user, name="Bench bees", status="active", visibility="public"
    )
    version = form_publish_xlsform(
        actor=None,
        project=project,
        file_name="bench.xlsx",
        content=workbook_bytes(
            {
                "survey": SURVEY,
                "choices": CHOICES,
                "settings": [{"form_id": "bench_bees", "form_title": "Bench bees", "version": "1"}],
            }
        ),
    )
    _token, secret = api_token_create(actor=user, user=user, name="bench")
    app_user = app_user_create(actor=user, project=project, name="bench phone")
    observation, _created = observation_submit(
        actor=user, form_version=version, instance_id="uuid:bench-template", answers=ANSWERS
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM collection_observation WHERE id = %s", [observation.pk])
        names = [column.name for column in cursor.description]
        row = cursor.fetchone()
    stored_row = {
        name: (
            json.dumps(value)
            if isinstance(value, (dict, list))
            else value.isoformat()
            if hasattr(value, "isoformat")
            else value
        )
        for name, value in zip(names, row, strict=True)
    }
    print(
        json.dumps(
            {
                "slug": project.slug,
                "form_id": "bench_bees",
                "version": version.version,
                "token": secret,
                "openrosa_base": f"/openrosa/key/{app_user.token}/{project.slug}",
                "stored_row": stored_row,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        _setup()
