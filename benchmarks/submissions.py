"""Submissions per second on PostgreSQL: the JSON API and the OpenRosa server, against the
bare-Django reference and, for context, the database's own ceiling.

The production server (`cslab serve`) runs against a scratch PostgreSQL database with one
project and one form. CLIENTS threads, each with a persistent connection, send new submissions
back to back for BENCH_SECONDS, as JSON (`POST /api/v1/.../submissions`, token auth), as ODK
Collect does (`POST /openrosa/key/<app user token>/<slug>/submission`, multipart XML), and as
JSON batches of BATCH_SIZE (`POST /api/v1/.../submissions/batch`).

The peer is the bare-Django reference (`benchmarks.reference_app`): one view, no middleware,
gunicorn with the processes and threads of `cslab serve`, one `INSERT … ON CONFLICT DO NOTHING`
of a JSON row into its own table of the same database, driven by the same clients with the same
request bodies in the same run. cslab's ratio against it is the figure to watch.
The ceiling is what the database itself takes from the same number of clients: CLIENTS psycopg
connections inserting one observation row per transaction, with no web framework in between.
Throughput counts rows stored (counted in the table after each phase), not answers; every
success must be exactly its rows, nothing lost or doubled.
"""

import http.client
import json
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from benchmarks.server import (
    HOST,
    free_port,
    running_server,
    stop_process_group,
    wait_until_healthy,
)
from benchmarks.support import (
    BENCH_DIR,
    REPO_ROOT,
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
CLIENTS = 16
# The reference app runs as `cslab serve` does: gunicorn gthread, 4 processes × 4 threads.
REFERENCE_WORKERS = 4
REFERENCE_THREADS = 4
REFERENCE_LOG = BENCH_DIR / "submissions-reference.log"
REFERENCE_TABLE = "reference_submission"
BATCH_SIZE = 100
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
    unit: str = "submissions/s",
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
            details["rows_stored"] / elapsed,
            unit,
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


def _batch_sender(port: int, setup: dict[str, Any]) -> Sender:
    path = f"/api/v1/projects/{setup['slug']}/forms/{setup['form_id']}/submissions/batch"
    headers = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}

    def send(connection: http.client.HTTPConnection) -> str:
        body = json.dumps(
            [
                {
                    "instance_id": f"uuid:{uuid.uuid4()}",
                    "version": setup["version"],
                    "answers": ANSWERS,
                }
                for _ in range(BATCH_SIZE)
            ]
        )
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        if response.status != 200:
            return str(response.status)
        created = sum(item["status"] == "created" for item in json.loads(content))
        return "200" if created == BATCH_SIZE else f"200 with {created} created"

    return send, lambda: http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)


def _analyze(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def _count_rows(database_url: str, table: str = "collection_observation") -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0]) if row else 0


def _measure(
    name: str,
    sender: tuple[Callable[[Any], str], Callable[[], Any]],
    success: str,
    seconds: float,
    database_url: str,
    peer: float | None = None,
    peer_label: str = "",
    table: str = "collection_observation",
    rows_per_success: int = 1,
    unit: str = "submissions/s",
) -> tuple[list[Result], float]:
    """Drive `sender` for `seconds`; return its results and the rows stored per second."""
    send, connect = sender
    logger.info("%s: warming up for %.0f s", name, WARMUP_SECONDS)
    _drive(send, connect, min(WARMUP_SECONDS, seconds))
    before = _count_rows(database_url, table)
    logger.info("%s: %d clients for %g s", name, CLIENTS, seconds)
    tallies, elapsed = _drive(send, connect, seconds)
    stored = _count_rows(database_url, table) - before
    details = {"seconds": seconds, "rows_stored": stored}
    results, ok = _results(name, tallies, elapsed, success, details, peer, peer_label, unit)
    if stored != ok * rows_per_success:
        raise RuntimeError(
            f"{name}: {ok} successful answers ({rows_per_success} rows each) but {stored} new rows"
        )
    logger.info("%s: %.1f rows/s, %d rows for %d successes", name, stored / elapsed, stored, ok)
    return results, stored / elapsed


@contextmanager
def running_reference(database_url: str) -> Iterator[int]:
    """Serve the bare-Django reference app with gunicorn on a free port; yield the port."""
    import psycopg

    from benchmarks.reference_app.views import TABLE_SQL

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(TABLE_SQL)
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.reference_app.settings",
        "REFERENCE_DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(
            [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "benchmarks.reference_app.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(REFERENCE_WORKERS),
        "--worker-class",
        "gthread",
        "--threads",
        str(REFERENCE_THREADS),
        "--timeout",
        "60",
        "--error-logfile",
        "-",
        "--no-control-socket",
    ]
    logger.info("starting the reference app on http://%s:%d/ (log: %s)", HOST, port, REFERENCE_LOG)
    with REFERENCE_LOG.open("wb") as log:
        process = subprocess.Popen(  # our own command
            command,
            env=environment,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_healthy(process, port, REFERENCE_LOG)
            yield port
        finally:
            stop_process_group(process)


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
        # The ceiling phase just added thousands of rows to a table the planner still believes
        # empty; a live site's autovacuum analyses after such growth within a minute. Without
        # this, cslab's outlier-history query is planned on stale statistics and scans every
        # row of the form (~40 ms per submission at 14,000 rows) instead of the newest 500.
        _analyze(database_url)
        ceiling_label = f"psycopg single-row INSERTs, {CLIENTS} connections"
        reference: dict[str, float] = {}
        with running_reference(database_url) as port:
            time.sleep(1)
            for kind, sender in (
                ("JSON", _json_sender(port, setup)),
                ("OpenRosa", _openrosa_sender(port, setup)),
            ):
                reference_results, reference[kind] = _measure(
                    f"bare Django reference, {kind} bodies",
                    sender,
                    "201",
                    seconds,
                    database_url,
                    peer=ceiling,
                    peer_label=ceiling_label,
                    table=REFERENCE_TABLE,
                )
                results += reference_results
        label = "bare Django: one view, no middleware, one INSERT … ON CONFLICT DO NOTHING"
        with running_server(environment, SERVER_LOG) as port:
            time.sleep(1)
            json_results, _rate = _measure(
                "POST JSON submission",
                _json_sender(port, setup),
                "201",
                seconds,
                database_url,
                peer=reference["JSON"],
                peer_label=label,
            )
            results += json_results
            openrosa_results, _rate = _measure(
                "POST OpenRosa submission",
                _openrosa_sender(port, setup),
                "201",
                seconds,
                database_url,
                peer=reference["OpenRosa"],
                peer_label=label,
            )
            results += openrosa_results
            batch_results, _rate = _measure(
                f"POST JSON batch of {BATCH_SIZE}",
                _batch_sender(port, setup),
                "200",
                seconds,
                database_url,
                rows_per_success=BATCH_SIZE,
                unit="observations/s",
            )
            results += batch_results
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
