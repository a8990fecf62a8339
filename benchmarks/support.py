"""What the benchmarks share: the result record, the folders under var/bench/, the settings."""

import logging
import math
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "var" / "bench"
# The scratch database every benchmark that needs one uses; it is rebuilt on each run.
DATABASE_PATH = BENCH_DIR / "bench.sqlite3"
# CSLAB_VAR_DIR for the processes a benchmark starts (secret key, cache, static, media).
SCRATCH_VAR_DIR = BENCH_DIR / "scratch"

DEFAULT_SECONDS = 10.0


@dataclass(frozen=True)
class Result:
    """One measured figure.

    `peer` is the same figure measured on a peer platform (with `peer_label` saying where it
    comes from); when it is set, the table shows `ratio` = figure / peer.
    """

    benchmark: str
    name: str
    scale: str
    figure: float
    unit: str
    better: Literal["higher", "lower"] = "higher"
    peer: float | None = None
    peer_label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.peer is None or self.peer == 0:
            return None
        return self.figure / self.peer

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def bench_seconds() -> float:
    """How long each measured phase lasts: BENCH_SECONDS, 10 s unless set."""
    raw = os.environ.get("BENCH_SECONDS", "").strip()
    if not raw:
        return DEFAULT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise SystemExit(
            f"benchmarks: BENCH_SECONDS must be a number of seconds, not {raw!r}"
        ) from None
    if not 0 < seconds <= 3600:
        raise SystemExit(f"benchmarks: BENCH_SECONDS must be between 0 and 3600, not {raw!r}")
    return seconds


def database_url() -> str:
    return f"sqlite:///{DATABASE_PATH}"


def database_engine() -> str:
    return database_url().split(":", 1)[0]


def reset_scratch() -> None:
    """Remove the scratch database and scratch var dir, so every run starts from nothing."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    remove_sqlite_database(DATABASE_PATH)
    shutil.rmtree(SCRATCH_VAR_DIR, ignore_errors=True)
    SCRATCH_VAR_DIR.mkdir(parents=True)


def remove_sqlite_database(path: Path) -> None:
    """Remove an SQLite database file and its journal files (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def cslab_environment() -> dict[str, str]:
    """The environment for `cslab` processes: production settings on scratch state only."""
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
            "DATABASE_URL": database_url(),
            "CSLAB_DEMO": "true",
            "DEBUG": "false",
            "CSLAB_VAR_DIR": str(SCRATCH_VAR_DIR),
            "STATIC_ROOT": str(SCRATCH_VAR_DIR / "static"),
            "MEDIA_ROOT": str(SCRATCH_VAR_DIR / "media"),
        }
    )
    return environment


def scratch_environment(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """`cslab_environment()` on a benchmark's own database and var dir, with plain-text logs."""
    environment = cslab_environment()
    environment.update(
        {
            "DATABASE_URL": database_url,
            "CSLAB_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"),
            "MEDIA_ROOT": str(var_dir / "media"),
            "LOG_JSON": "false",
            **extra,
        }
    )
    return environment


def cslab_executable() -> Path:
    """The `cslab` console script of the running virtualenv (next to sys.executable)."""
    script = Path(sys.executable).parent / "cslab"
    if not script.exists():
        found = shutil.which("cslab")
        if found is None:
            raise RuntimeError(
                f"no cslab console script next to {sys.executable}; run make install"
            )
        script = Path(found)
    return script


POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def postgres_admin_connection() -> Any:
    """Return an autocommit connection to the server's `postgres` database, or None (logged)."""
    logger = logging.getLogger("benchmarks")
    try:
        import psycopg
    except ImportError:
        logger.warning("PostgreSQL skipped: psycopg is not installed")
        return None
    try:
        return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        logger.warning("PostgreSQL skipped: no server at %s (%s)", POSTGRES_URL, error)
        return None


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str | None]:
    """Create a database `<prefix>_<random>` for one benchmark; yield its URL; drop it after.

    Yields None when no PostgreSQL server answers (the caller reports the benchmark skipped).
    """
    admin = postgres_admin_connection()
    if admin is None:
        yield None
        return
    database = f"{prefix}_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{database}"')
        try:
            yield f"{POSTGRES_URL}/{database}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run_checked(
    command: list[str], environment: dict[str, str], what: str, timeout: float = 1800
) -> str:
    """Run a command to completion; return its stdout; raise with its output when it fails."""
    logging.getLogger("benchmarks").info("%s", what)
    completed = subprocess.run(
        command,
        env=environment,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()[-4000:]
        raise RuntimeError(f"{what} failed ({completed.returncode}):\n{output}")
    return completed.stdout


def cslab_migrate(environment: dict[str, str], what: str = "migrate") -> None:
    """Run `cslab migrate` on the database `environment` names."""
    run_checked([str(cslab_executable()), "migrate", "--noinput"], environment, what)


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# Scratch data shared by the benchmarks that store observations in bulk ---------------------------


def bench_project(*, name: str, file_name: str, content: bytes) -> tuple[Any, Any, Any]:
    """(owner, project, form version): a public, active project with one published form."""
    from cslab.accounts.services.users import user_create
    from cslab.forms.services import form_publish_xlsform
    from cslab.projects.services.projects import project_create

    owner = user_create(actor=None, email="owner@example.org")
    project = project_create(
        actor=None, owner=owner, name=name, status="active", visibility="public"
    )
    version = form_publish_xlsform(
        actor=None, project=project, file_name=file_name, content=content
    )
    return owner, project, version


def observations_load(columns: str, rows: Iterable[tuple[Any, ...]]) -> float:
    """Store observation rows (tuples in the order of `columns`, comma-separated names) in bulk,
    then analyse the table as autovacuum would soon after (the planner needs its statistics to
    read a million rows by index); return the seconds it took.

    PostgreSQL: COPY, then VACUUM ANALYZE (the visibility map lets counts read indexes only);
    SQLite: executemany in batches, then ANALYZE."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY collection_observation ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("VACUUM ANALYZE collection_observation")
        else:
            placeholders = ", ".join(["%s"] * len(columns.split(",")))
            sql = f"INSERT INTO collection_observation ({columns}) VALUES ({placeholders})"  # noqa: S608
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def bees_project() -> tuple[Any, Any, Any]:
    """`bench_project` with the one-question bee count form of the impact and map benchmarks."""
    from cslab.forms.demo import workbook_bytes

    content = workbook_bytes(
        {
            "survey": [{"type": "integer", "name": "bees", "label": "Bees"}],
            "settings": [{"form_id": "bees", "form_title": "Bees", "version": "1"}],
        }
    )
    return bench_project(name="Bees of the Netherlands", file_name="bees.xlsx", content=content)
