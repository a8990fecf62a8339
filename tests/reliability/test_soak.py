"""Item 8, soak (docs/reliability.md R8): sustained load without errors or leaks.

Devices send observations at a fixed rate, whatever the server's pace (an open loop: a server
that falls behind shows it as latency, counted from each observation's scheduled start), 10%
with a photo, while two data exports run at the same time again and again (`cslab worker` runs
their jobs from the database queue). Then: the error rate, p95, the sent and the stored rate,
connections left idle in a transaction, the gunicorn workers' memory growth, and the sign-in
page still answering. Full form: 100 observations/s for 600 s; short: 10/s for 30 s.
"""

import http.client
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from benchmarks.server import HOST, running_worker
from benchmarks.support import BENCH_DIR, percentile, scratch_environment

from tests.reliability.devices import (
    FORM_ID,
    Fleet,
    RetryPolicy,
    Site,
    database_url,
    get_status,
    gunicorn_workers,
    plan,
    reconcile,
    rss_bytes,
    serving,
    site_create,
)

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger("tests.reliability")

ITEM = "8 soak"
ERROR_RATE_LIMIT = 0.001
P95_LIMIT = 0.8
RSS_GROWTH_LIMIT = 0.10
# Exports a person may start in a day (exports.services._check_daily_limit) is 20: at most
# this many rounds of two.
EXPORT_ROUNDS = 9


def _api(port: int, method: str, path: str, token: str, payload: Any = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(
            method,
            path,
            body=None if payload is None else json.dumps(payload),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else None
    finally:
        connection.close()


def _export_rounds(port: int, site: Site, stop: threading.Event, outcomes: list[str]) -> None:
    """Two exports at a time (CSV and GeoJSON of the form, team scope), round after round
    until `stop`; each outcome is the export's final status (or what went wrong)."""
    path = f"/api/v1/projects/{site.slug}/data-exports"
    for _round in range(EXPORT_ROUNDS):
        if stop.is_set():
            return
        started = {}
        for export_format in ("csv", "geojson"):
            status, body = _api(
                port,
                "POST",
                path,
                site.token,
                {"form_id": FORM_ID, "format": export_format, "scope": "team"},
            )
            if status != 202:
                outcomes.append(f"start {status}")
                continue
            started[body["id"]] = export_format
        deadline = time.monotonic() + 300
        while started and time.monotonic() < deadline:
            time.sleep(1)
            status, listed = _api(port, "GET", path, site.token)
            if status != 200:
                continue
            for export in listed:
                if export["id"] in started and export["status"] != "queued":
                    outcomes.append(export["status"])
                    del started[export["id"]]
        outcomes += ["still queued"] * len(started)


def _idle_in_transaction(url: str) -> int:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND state LIKE 'idle in transaction%%'",
            [name],
        ).fetchone()
    return int(row[0]) if row else 0


def _workers_rss(serve_pid: int) -> float:
    """The mean resident memory of the gunicorn workers, in bytes."""
    sizes = [rss_bytes(pid) for pid in gunicorn_workers(serve_pid)]
    sizes = [size for size in sizes if size]
    return sum(sizes) / len(sizes) if sizes else 0.0


def test_a_soak_keeps_errors_latency_connections_and_memory_in_bounds(
    tmp_path: Path, scale, report_figure
) -> None:
    rate = scale.pick(short=10.0, full=100.0)
    seconds = scale.pick(short=30.0, full=600.0)
    count = int(rate * seconds)
    url = database_url()
    environment = scratch_environment(
        url,
        tmp_path / "var",
        WEB_CONCURRENCY="4",
        WEB_THREADS="4",
        # Kept between runs: collecting the static files again is then quick.
        STATIC_ROOT=str(BENCH_DIR / "reliability-static"),
    )
    site = site_create(environment, 50)
    planned = plan(count, 50, seed=18_8, retried=0, bursts=0, photos=0.125)
    export_outcomes: list[str] = []
    with (
        running_worker(environment, tmp_path / "worker.log"),
        serving(environment, tmp_path / "server.log") as (port, server),
    ):
        fleet = Fleet(site, port)
        # A warm-up, so that the first memory sample is of workers that have served requests.
        fleet.run_closed(
            plan(20, 5, seed=18_9, retried=0, bursts=0, photos=0.5),
            clients=4,
            policy=RetryPolicy(timeout=30, deadline=0),
            time_limit=60,
        )
        rss_first = _workers_rss(server.pid)
        stop_exports = threading.Event()
        exports = threading.Thread(
            target=_export_rounds, args=(port, site, stop_exports, export_outcomes)
        )
        exports.start()
        try:
            # One attempt each: every failure counts as an error.
            elapsed, latencies = fleet.run_open(
                planned,
                rate=rate,
                policy=RetryPolicy(timeout=30, deadline=0),
                max_in_flight=64,
            )
        finally:
            stop_exports.set()
            exports.join(timeout=400)
        rss_last = _workers_rss(server.pid)
        login = get_status(port, "/accounts/login/")
        idle = _idle_in_transaction(url)
        deadline = time.monotonic() + 60
        while idle and time.monotonic() < deadline:
            time.sleep(1)
            idle = _idle_in_transaction(url)
    result = reconcile(fleet.ledger, url, site.slug)
    statuses = fleet.ledger.statuses()
    stored_in_window = result.rows - 20  # the warm-up's
    errors = sum(1 for entry in fleet.ledger.entries.values() if not entry.acknowledged)
    error_rate = errors / (count + 20)
    p95 = percentile(latencies, 0.95)
    growth = rss_last / rss_first - 1 if rss_first else float("inf")
    load = Path("/proc/loadavg").read_text().split()[0]
    logger.info(
        "%s; sent %.1f/s, stored %.1f/s; answers %s; exports %s; loadavg %s",
        result.summary,
        count / elapsed,
        stored_in_window / elapsed,
        dict(statuses),
        export_outcomes,
        load,
    )

    report_figure(
        item=ITEM,
        measure=f"error rate ({count} sent at {rate:g}/s for {seconds:g} s)",
        value=f"{error_rate:.2%} ({errors} errors; sent {count / elapsed:.1f}/s, stored "
        f"{stored_in_window / elapsed:.1f}/s)",
        target=f"< {ERROR_RATE_LIMIT:.1%}",
        passed=error_rate < ERROR_RATE_LIMIT,
    )
    report_figure(
        item=ITEM,
        measure="p95 latency from scheduled start",
        value=f"{p95 * 1000:.0f} ms (loadavg {load})",
        target=f"< {P95_LIMIT * 1000:.0f} ms",
        passed=p95 < P95_LIMIT,
    )
    report_figure(
        item=ITEM,
        measure="connections idle in transaction, 60 s after",
        value=str(idle),
        target="0",
        passed=idle == 0,
    )
    report_figure(
        item=ITEM,
        measure="gunicorn worker RSS growth (mean, first vs last)",
        value=f"{growth:+.1%} ({rss_first / 2**20:.0f} → {rss_last / 2**20:.0f} MB)",
        target=f"< {RSS_GROWTH_LIMIT:.0%}",
        passed=growth < RSS_GROWTH_LIMIT,
    )
    report_figure(
        item=ITEM,
        measure="exports during the soak; sign-in page after",
        value=f"{export_outcomes.count('ready')} of {len(export_outcomes)} ready; {login}",
        target="all ready; 200",
        passed=bool(export_outcomes) and set(export_outcomes) == {"ready"} and login == 200,
    )
    assert result.duplicates == 0 and result.lost == 0
    assert error_rate < ERROR_RATE_LIMIT, dict(statuses)
    assert p95 < P95_LIMIT
    assert idle == 0
    assert growth < RSS_GROWTH_LIMIT
    assert export_outcomes and set(export_outcomes) == {"ready"}, export_outcomes
    assert login == 200
