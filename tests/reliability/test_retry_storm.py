"""Item 1, retry storm (docs/reliability.md R1): a retried submission is stored exactly once.

Simulated devices (tests/reliability/devices.py) send observations to the production server
(`cslab serve`, gunicorn) on the test run's PostgreSQL database, through OpenRosa (app users,
some with a photo) and the JSON API: 20% are sent again 1-3 times (half after their
acknowledgement, half first abandoned before the server's reply), 5% as 10 identical copies at
the same moment. The devices' ledger is then reconciled with the database.
Full form: 10,000 observations from 200 devices; short form: 1,000 from 50.
"""

import logging
from pathlib import Path

import pytest
from benchmarks.support import scratch_environment

from tests.reliability.devices import (
    Fleet,
    RetryPolicy,
    database_url,
    plan,
    reconcile,
    serving,
    site_create,
)

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger("tests.reliability")

ITEM = "1 retry storm"
P95_LIMIT = 1.0


def test_a_retry_storm_stores_every_observation_exactly_once(
    tmp_path: Path, scale, report_figure
) -> None:
    observations = scale.pick(short=1_000, full=10_000)
    devices = scale.pick(short=50, full=200)
    url = database_url()
    environment = scratch_environment(url, tmp_path / "var", WEB_CONCURRENCY="4", WEB_THREADS="4")
    site = site_create(environment, devices)
    planned = plan(observations, devices, seed=18_1)
    with serving(environment, tmp_path / "server.log", "--no-collectstatic") as (port, _server):
        fleet = Fleet(site, port)
        seconds = fleet.run_closed(
            planned,
            clients=8,
            policy=RetryPolicy(timeout=30, deadline=90),
            time_limit=scale.pick(short=300, full=3_000),
        )
    result = reconcile(fleet.ledger, url, site.slug)
    p95 = fleet.ledger.p95()
    statuses = fleet.ledger.statuses()
    logger.info(
        f"\n{result.summary}; {seconds:.1f} s, {result.rows / seconds:.1f} stored/s; "
        f"answers {dict(statuses)}; refused {dict(result.refused)}"
    )

    report_figure(
        item=ITEM,
        measure=f"observations stored ({devices} devices)",
        value=f"{result.stored} of {observations}",
        target=f"exactly {observations}",
        passed=result.stored == observations == result.rows,
    )
    report_figure(
        item=ITEM,
        measure="duplicates",
        value=str(result.duplicates),
        target="0",
        passed=result.duplicates == 0,
    )
    report_figure(
        item=ITEM,
        measure="lost (acknowledged, not stored)",
        value=f"{result.lost} ({observations - result.acknowledged} never acknowledged)",
        target="0",
        passed=result.lost == 0 and result.acknowledged == observations,
    )
    report_figure(
        item=ITEM,
        measure="p95 latency of answered requests",
        value=f"{p95 * 1000:.0f} ms ({len(fleet.ledger.latencies())} requests, loadavg "
        f"{Path('/proc/loadavg').read_text().split()[0]})",
        target=f"< {P95_LIMIT * 1000:.0f} ms",
        passed=p95 < P95_LIMIT,
    )
    server_errors = sum(count for status, count in statuses.items() if status.startswith("5"))
    assert result.duplicates == 0
    assert result.lost == 0
    assert result.unexpected == 0
    assert result.acknowledged == observations, dict(result.refused)
    assert result.stored == observations == result.rows
    assert server_errors == 0, dict(statuses)
    # Every answer to a retry is a success: nothing but 200 and 201 (and abandoned attempts).
    assert set(statuses) <= {"200", "201", "abandoned"}, dict(statuses)
    assert p95 < P95_LIMIT
