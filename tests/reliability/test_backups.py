"""Item 9 (R9): a backup can actually be restored, and a damaged one fails loudly.

On each engine `cslab backup` supports (PostgreSQL: pg_dump's custom format; SQLite: the online
backup API) a demo site with data in every area and its media files is backed up with the real
`cslab backup`, then restored with the real `cslab restore` into a NEW, empty database and an
empty media folder. Every table must hold the same number of rows and a sample of media files
(short: 50, full: all) the same bytes. A truncated archive and tampered ones (a media file, the
database) must make restore exit non-zero with a one-line reason and leave the target as it was.

Restoring into a database that holds data: cslab asks for confirmation, and refuses without a
terminal unless `--yes` is given; `--yes` is the force, and replaces the data (empty or not).

The two demo sites are built once for the module, side by side (migrate and the demo take most
of the time). Only scratch databases named `reliability_backup_<random>` are created, and dropped.
"""

import hashlib
import io
import os
import random
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import skip_or_fail
from tests.reliability.conftest import Scale

CSLAB = str(Path(sys.executable).with_name("cslab"))
POSTGRESQL_SERVER = os.environ.get("RELIABILITY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ENGINES = ("postgresql", "sqlite")
# Kept from the caller's environment; the test settings pytest-django exported are not.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
COMMAND_TIMEOUT = 900


@dataclass
class Site:
    """A cslab site the test runs commands against: its database and its var folder."""

    engine: str
    database_url: str
    var_dir: Path

    @property
    def environment(self) -> dict[str, str]:
        inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
        return {
            **inherited,
            "DATABASE_URL": self.database_url,
            "CSLAB_VAR_DIR": str(self.var_dir),
            "CSLAB_DEMO": "true",
            "DEBUG": "false",
            "SECRET_KEY": "",
            "REDIS_URL": "",
        }

    @property
    def media(self) -> Path:
        return self.var_dir / "media"


@dataclass
class Databases:
    """Creates scratch databases (PostgreSQL, or SQLite files) and drops them at the end."""

    folder: Path
    created: list[str] = field(default_factory=list)

    def new(self, engine: str, label: str) -> Site:
        suffix = secrets.token_hex(4)
        var_dir = self.folder / f"{label}-{suffix}"
        if engine == "sqlite":
            return Site(engine, f"sqlite:///{self.folder / f'{label}-{suffix}.sqlite3'}", var_dir)
        name = f"reliability_backup_{suffix}"
        with self._server() as server:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return Site(engine, f"{POSTGRESQL_SERVER}/{name}", var_dir)

    def drop_all(self) -> None:
        if not self.created:
            return
        with self._server() as server:
            for name in self.created:
                server.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    @staticmethod
    def _server() -> psycopg.Connection:
        return psycopg.connect(f"{POSTGRESQL_SERVER}/postgres", autocommit=True, connect_timeout=3)


def cslab(site: Site, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CSLAB, *arguments],
        env={**site.environment, **extra},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def cslab_ok(site: Site, *arguments: str, **extra: str) -> str:
    completed = cslab(site, *arguments, **extra)
    assert completed.returncode == 0, f"cslab {' '.join(arguments)}: {completed.stderr[-2000:]}"
    return completed.stdout


def build_demo_site(site: Site, observations: int) -> Site:
    cslab_ok(site, "migrate", "--noinput", "--verbosity", "0")
    cslab_ok(site, "demo", CSLAB_DEMO_OBSERVATIONS=str(observations))
    return site


def row_counts(site: Site) -> dict[str, int]:
    """Every table of the site's database and the number of rows it holds."""
    if site.engine == "sqlite":
        path = site.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as database:
            tables = [
                row[0]
                for row in database.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {
                table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
                for table in tables
            }
    with psycopg.connect(site.database_url, autocommit=True) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts: dict[str, int] = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = database.execute(query).fetchone()
            counts[table] = row[0] if row else -1
        return counts


def media_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(site: Site) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and the checksum of every media file: what an untouched target keeps."""
    return row_counts(site), {name: sha256(site.media / name) for name in media_files(site.media)}


@dataclass
class RoundTrip:
    source: Site
    target: Site
    backup: Path
    backup_seconds: float
    restore_seconds: float


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    scratch = Databases(tmp_path_factory.mktemp("backups"))
    yield scratch
    scratch.drop_all()


@pytest.fixture(scope="module")
def demo_sites(databases: Databases, scale: Scale) -> dict[str, Site | str]:
    """A demo site per engine, built side by side; an engine maps to a reason when missing."""
    observations = scale.pick(short=10, full=400)
    sites: dict[str, Site | str] = {}
    try:
        sites["postgresql"] = databases.new("postgresql", "source")
    except psycopg.OperationalError as error:
        sites["postgresql"] = f"PostgreSQL is not reachable at {POSTGRESQL_SERVER}: {error}"
    sites["sqlite"] = databases.new("sqlite", "source")
    with ThreadPoolExecutor(max_workers=len(ENGINES)) as pool:
        building = {
            engine: pool.submit(build_demo_site, site, observations)
            for engine, site in sites.items()
            if isinstance(site, Site)
        }
        for future in building.values():
            future.result()
    return sites


@pytest.fixture(scope="module")
def round_trips(databases: Databases, demo_sites: dict[str, Site | str]) -> dict[str, RoundTrip]:
    """Back each demo site up, then restore it into a new, empty database and media folder."""
    trips: dict[str, RoundTrip] = {}
    for engine, source in demo_sites.items():
        if not isinstance(source, Site):
            continue
        backup = databases.folder / f"{engine}-site.tar"
        started = time.monotonic()
        written = Path(cslab_ok(source, "backup", "--output", str(backup)).strip())
        backed_up = time.monotonic()
        target = databases.new(engine, "target")
        assert not target.media.exists()
        cslab_ok(target, "restore", str(written), "--yes")
        trips[engine] = RoundTrip(
            source, target, written, backed_up - started, time.monotonic() - backed_up
        )
    return trips


def round_trip_for(engine: str, demo_sites: dict[str, Site | str], trips: dict[str, RoundTrip]):
    source = demo_sites[engine]
    if not isinstance(source, Site):
        skip_or_fail(source)
    return trips[engine]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_restored_into_an_empty_database_has_every_row_and_media_file(
    engine: str,
    demo_sites: dict[str, Site | str],
    round_trips: dict[str, RoundTrip],
    scale: Scale,
    report_figure,
) -> None:
    trip = round_trip_for(engine, demo_sites, round_trips)
    source_counts, target_counts = row_counts(trip.source), row_counts(trip.target)
    tables = sorted(set(source_counts) | set(target_counts))
    table_mismatches = [t for t in tables if source_counts.get(t) != target_counts.get(t)]
    stored = media_files(trip.source.media)
    sample = stored if scale.full else random.Random(9).sample(stored, min(50, len(stored)))  # noqa: S311 (a sample, not a secret)
    media_mismatches = [
        name
        for name in sample
        if not (trip.target.media / name).is_file()
        or sha256(trip.target.media / name) != sha256(trip.source.media / name)
    ]
    rows = sum(source_counts.values())
    seconds = trip.backup_seconds + trip.restore_seconds

    report_figure(
        item="9 backups",
        measure=f"{engine}: tables compared / rows / mismatches; media checked / mismatches; "
        "seconds (backup + restore)",
        value=f"{len(tables)} / {rows} / {len(table_mismatches)}; {len(sample)} / "
        f"{len(media_mismatches)}; {trip.backup_seconds:.1f} + {trip.restore_seconds:.1f}"
        f" = {seconds:.1f} s",
        target="0 table and 0 media mismatches",
        passed=not table_mismatches and not media_mismatches and rows > 0 and bool(sample),
    )
    assert table_mismatches == [], {
        t: (source_counts.get(t), target_counts.get(t)) for t in table_mismatches
    }
    assert media_mismatches == []
    # A demo site has data in every area and uploaded files: the comparison is not vacuous.
    assert rows > 1000
    assert len(sample) == min(len(stored), scale.pick(short=50, full=len(stored))) > 0
    assert media_files(trip.target.media) == stored


def truncated(backup: Path, folder: Path) -> Path:
    copy = folder / f"truncated-{backup.name}"
    copy.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    return copy


def tampered(backup: Path, folder: Path, member_name: str) -> Path:
    """A copy of the backup with one byte of a member changed, sizes and names kept."""
    copy = folder / f"tampered-{member_name.replace('/', '_')}-{backup.name}"
    with (
        tarfile.open(backup) as original,
        tarfile.open(copy, "w", format=tarfile.PAX_FORMAT) as out,
    ):
        for member in original.getmembers():
            content = bytearray(original.extractfile(member).read())  # type: ignore[union-attr]
            if member.name == member_name:
                content[len(content) // 2] ^= 0x01
            out.addfile(member, io.BytesIO(bytes(content)))
    return copy


@pytest.mark.parametrize("engine", ENGINES)
def test_a_truncated_or_tampered_backup_fails_loudly_and_leaves_the_target_as_it_was(
    engine: str,
    demo_sites: dict[str, Site | str],
    round_trips: dict[str, RoundTrip],
    databases: Databases,
    report_figure,
) -> None:
    trip = round_trip_for(engine, demo_sites, round_trips)
    with tarfile.open(trip.backup) as archive:
        database_member = next(m.name for m in archive if m.name.startswith("database."))
        media_member = next(m.name for m in archive if m.name.startswith("media/") and m.size)
    damaged = {
        "truncated": (truncated(trip.backup, databases.folder), "is truncated"),
        "tampered media": (
            tampered(trip.backup, databases.folder, media_member),
            "does not match its checksum",
        ),
        "tampered database": (
            tampered(trip.backup, databases.folder, database_member),
            "does not match its checksum",
        ),
    }
    before = state(trip.target)
    outcomes: dict[str, str] = {}
    failures = 0
    for kind, (archive_path, reason) in damaged.items():
        completed = cslab(trip.target, "restore", str(archive_path), "--yes")
        lines = completed.stderr.strip().splitlines()
        clear = (
            completed.returncode != 0
            and "Traceback" not in completed.stderr
            and len(lines) == 1
            and reason in lines[0]
        )
        untouched = state(trip.target) == before
        outcomes[kind] = (
            f"exit {completed.returncode}, {'clear' if clear else 'UNCLEAR'} message, "
            f"target {'unchanged' if untouched else 'CHANGED'}"
        )
        if not (clear and untouched):
            failures += 1
            outcomes[kind] += f" ({completed.stderr.strip()[-300:]})"

    report_figure(
        item="9 backups",
        measure=f"{engine}: damaged archives refused with a clear message, target unchanged",
        value="; ".join(f"{kind}: {outcome}" for kind, outcome in outcomes.items()),
        target="3 of 3 refused, target unchanged",
        passed=failures == 0,
    )
    assert failures == 0, outcomes


@pytest.mark.parametrize("engine", ENGINES)
def test_restoring_over_data_needs_the_yes_flag(
    engine: str,
    demo_sites: dict[str, Site | str],
    round_trips: dict[str, RoundTrip],
    report_figure,
) -> None:
    """cslab's rule: restore always asks first (empty target or not); without a terminal it
    refuses unless `--yes` forces it. The target here holds the restored demo data."""
    trip = round_trip_for(engine, demo_sites, round_trips)
    before = state(trip.target)

    refused = cslab(trip.target, "restore", str(trip.backup))
    unchanged = state(trip.target) == before

    report_figure(
        item="9 backups",
        measure=f"{engine}: restore over data without --yes",
        value=f"exit {refused.returncode}, data {'unchanged' if unchanged else 'CHANGED'}",
        target="refused (non-zero exit), data unchanged",
        passed=refused.returncode != 0 and unchanged,
    )
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert unchanged
