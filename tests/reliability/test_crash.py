"""Item 2, crash test (docs/reliability.md R4): nothing acknowledged is lost in a crash.

The retry storm's devices send to the production server (`cslab serve`, gunicorn, 3 workers)
while a gunicorn worker is killed (SIGKILL) every N acknowledged submissions and PostgreSQL is
stopped as by a crash (`pg_ctl restart -m immediate`) once, half-way. The devices retry as ODK
Collect does. Then the media clean-up of the daily retention run removes the files of
requests killed mid-way, and the ledger is reconciled with the database.

PostgreSQL here is a throwaway cluster of this test's own (initdb into a temporary folder, a
free port, its socket in that folder), so that crashing it touches no one else's server.
Full form: 10,000 observations from 200 devices, a kill every 1,000; short: 300, every 75.
"""

import contextlib
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.server import free_port
from benchmarks.support import cslab_executable, cslab_migrate, scratch_environment

from tests.conftest import skip_or_fail
from tests.reliability.devices import (
    Fleet,
    Planned,
    RetryPolicy,
    get_status,
    kill_one_worker,
    plan,
    reconcile,
    serving,
    site_create,
)

logger = logging.getLogger("tests.reliability")

ITEM = "2 crash test"
RECOVERY_LIMIT = 30.0

PURGE_CODE = """
from datetime import timedelta
from django.utils import timezone
from cslab.media.purges import ORPHAN_GRACE, media_orphan_files_purge
# As the daily retention run would, once the grace period of the files just written is over.
print(media_orphan_files_purge(timezone.now() + ORPHAN_GRACE + timedelta(minutes=1)))
"""


def _postgres_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class Cluster:
    """A PostgreSQL cluster of this test's own, run as the `postgres` user when we are root."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.log = root / "postgres.log"

    def run(self, tool: str, *arguments: str, timeout: float = 120) -> None:
        command = [str(self.bin_dir / tool), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.run(
            "pg_ctl",
            "start",
            "-w",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1",
        )

    def restart_as_crash(self) -> None:
        """Stop at once, without a checkpoint (as a crash does), and start again."""
        self.run(
            "pg_ctl", "restart", "-w", "-m", "immediate", "-D", str(self.data), "-l", str(self.log)
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-m", "fast", "-D", str(self.data), timeout=60)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bin_dir = _postgres_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        skip_or_fail("initdb/pg_ctl not found (/usr/lib/postgresql/*/bin)")
    root = Path(tempfile.mkdtemp(prefix="cslab-crash-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(root, postgres.pw_uid, postgres.pw_gid)
    cluster = Cluster(bin_dir, root)
    try:
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _create_database(cluster: Cluster, name: str) -> str:
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
        settings = {
            setting: connection.execute(f"SHOW {setting}").fetchone()[0]  # type: ignore[index]
            for setting in ("fsync", "synchronous_commit")
        }
    assert settings == {"fsync": "on", "synchronous_commit": "on"}, settings
    return cluster.url(name)


def _orphans(url: str, media_root: Path) -> tuple[int, int]:
    """(files under the media folders no row names, rows whose original file is missing)."""
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT original, public_file, thumbnail, removed_at FROM collection_media"
        ).fetchall()
    named = {name for row in rows for name in row[:3] if name}
    on_disk = {
        str(path.relative_to(media_root))
        for path in (media_root / "observations").rglob("*")
        if path.is_file()
    }
    missing = sum(
        1 for original, _p, _t, removed in rows if removed is None and original not in on_disk
    )
    return len(on_disk - named), missing


def test_a_crash_loses_no_acknowledged_submission_and_leaves_no_orphan(
    cluster: Cluster, tmp_path: Path, scale, report_figure
) -> None:
    observations = scale.pick(short=300, full=10_000)
    devices = scale.pick(short=30, full=200)
    kill_every = scale.pick(short=75, full=1_000)
    url = _create_database(cluster, "cslab_crash")
    var_dir = tmp_path / "var"
    environment = scratch_environment(url, var_dir, WEB_CONCURRENCY="3", WEB_THREADS="4")
    started = time.monotonic()
    cslab_migrate(environment)
    logger.info("migrated in %.1f s", time.monotonic() - started)
    site = site_create(environment, devices)
    # Photos on a third of the OpenRosa submissions: more files in flight when a worker dies.
    planned = plan(observations, devices, seed=18_2, photos=0.33)
    killed: list[int] = []
    recovery: list[float] = []
    with serving(environment, tmp_path / "server.log", "--no-collectstatic") as (port, server):
        fleet = Fleet(site, port)
        done = threading.Event()

        def chaos() -> None:
            import random

            rng = random.Random(18)  # noqa: S311
            next_kill, restarted = kill_every, False
            while not done.is_set():
                acknowledged = fleet.ledger.acknowledged
                if acknowledged >= next_kill:
                    victim = kill_one_worker(server.pid, rng)
                    if victim is not None:
                        killed.append(victim)
                    next_kill += kill_every
                if not restarted and acknowledged >= observations // 2 + kill_every // 2:
                    restarted = True
                    recovery.append(_crash_postgres(cluster, fleet, site.slug))
                time.sleep(0.05)

        monitor = threading.Thread(target=chaos)
        monitor.start()
        try:
            seconds = fleet.run_closed(
                planned,
                clients=8,
                policy=RetryPolicy(timeout=30, deadline=120, longest_pause=2.0),
                time_limit=scale.pick(short=300, full=3_600),
            )
        finally:
            done.set()
            monitor.join(timeout=120)
        assert get_status(port, "/healthz") == 200
    completed = subprocess.run(
        [str(cslab_executable()), "shell", "-c", PURGE_CODE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    purged = int(completed.stdout.strip().splitlines()[-1])
    orphan_files, rows_without_file = _orphans(url, var_dir / "media")
    result = reconcile(fleet.ledger, url, site.slug)
    statuses = fleet.ledger.statuses()
    logger.info(
        f"{result.summary}; {seconds:.1f} s; {len(killed)} workers killed; answers "
        f"{dict(statuses)}; {purged} orphan files purged"
    )

    report_figure(
        item=ITEM,
        measure=f"acknowledged but not stored ({len(killed)} workers killed, PG crashed once)",
        value=f"{result.lost} of {result.acknowledged} acknowledged",
        target="0",
        passed=result.lost == 0,
    )
    report_figure(
        item=ITEM,
        measure="stored twice",
        value=str(result.duplicates),
        target="0",
        passed=result.duplicates == 0,
    )
    report_figure(
        item=ITEM,
        measure="service back after the PostgreSQL crash",
        value=f"{recovery[0]:.1f} s" if recovery else "never crashed",
        target=f"< {RECOVERY_LIMIT:.0f} s",
        passed=bool(recovery) and recovery[0] < RECOVERY_LIMIT,
    )
    report_figure(
        item=ITEM,
        measure="orphan media after clean-up (files without row, rows without file)",
        value=f"{orphan_files}, {rows_without_file} ({purged} purged)",
        target="0, 0",
        passed=orphan_files == 0 and rows_without_file == 0,
    )
    assert result.lost == 0
    assert result.duplicates == 0
    assert result.unexpected == 0
    assert result.acknowledged == result.sent == observations + 1, dict(result.refused)
    assert len(killed) >= observations // kill_every - 1
    assert recovery and recovery[0] < RECOVERY_LIMIT
    assert (orphan_files, rows_without_file) == (0, 0)
    # No refusal but the server's own errors while it recovered (retried): never a 4xx.
    assert not [status for status in statuses if status.startswith("4")], dict(statuses)


def _crash_postgres(cluster: Cluster, fleet: Fleet, slug: str) -> float:
    """Crash-restart PostgreSQL; return the seconds until a new submission is acknowledged."""
    import uuid

    started = time.monotonic()
    cluster.restart_as_crash()
    policy = RetryPolicy(timeout=5, deadline=0)  # one attempt per probe
    # One probe observation, sent until acknowledged (a probe stored unanswered answers 200).
    entry = fleet.ledger.entry(
        Planned(device=0, instance_id=f"uuid:{uuid.uuid4()}", channel="json", photo=False)
    )
    while time.monotonic() - started < 3 * RECOVERY_LIMIT:
        with contextlib.suppress(Exception):
            if fleet.send_until_answered(entry, policy).status in (200, 201):
                return time.monotonic() - started
        time.sleep(0.1)
    return float("inf")
