"""Back up and restore the `default` database: SQLite files or PostgreSQL custom-format dumps.

A SQLite backup is a plain SQLite file made with the online backup API, so it can be taken
while the site runs. A PostgreSQL backup is a `pg_dump --format=custom` archive. Restoring
replaces every table the backup holds; stop the web and worker processes first.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

from cslab.core.errors import DomainError

_SQLITE_HEADER = b"SQLite format 3\x00"
_POSTGRESQL_DUMP_HEADER = b"PGDMP"
_SQLITE_ENGINE = "django.db.backends.sqlite3"
_POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")
# Query parameters of DATABASE_URL that libpq also honours, passed on to pg_dump and pg_restore.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
_STDERR_LINES_SHOWN = 3


class BackupError(DomainError):
    """A backup or restore could not be made; the message says why in one line."""

    code = "backup_failed"


class BackupFileInvalidError(BackupError):
    """The file is not a backup this database can be restored from."""

    code = "backup_file_invalid"


def database_engine() -> str:
    """Return "sqlite" or "postgresql" for the `default` database, or raise BackupError."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == _SQLITE_ENGINE:
        return "sqlite"
    if engine in _POSTGRESQL_ENGINES:
        return "postgresql"
    raise BackupError(f"cannot back up a database with engine {engine!r}")


def database_description() -> str:
    """Name the `default` database for people: its file, or its name, host and port."""
    database = settings.DATABASES["default"]
    if database_engine() == "sqlite":
        return f"the SQLite database {database['NAME']}"
    host = database.get("HOST") or "the local socket"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"the PostgreSQL database {database['NAME']!r} on {host}{port}"


def default_backup_path(*, directory: Path, now: datetime) -> Path:
    """Return `directory/cslab-<engine>-<UTC timestamp>.<sqlite3|dump>` for a backup taken `now`.

    `now` must be timezone-aware.
    """
    engine = database_engine()
    extension = "sqlite3" if engine == "sqlite" else "dump"
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"cslab-{engine}-{stamp}.{extension}"


def backup_database(destination: Path) -> Path:
    """Write a backup of the `default` database to `destination` and return its absolute path.

    The file appears only once complete (written beside it, then renamed), replaces any file
    already at `destination`, and is readable by its owner only: it holds personal data.
    """
    destination = destination.expanduser().resolve()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create {destination.parent}: {error.strerror}") from None
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        if database_engine() == "sqlite":
            _sqlite_backup(partial)
        else:
            _postgresql_dump(partial)
        partial.chmod(0o600)
        partial.replace(destination)
    except OSError as error:
        raise BackupError(f"cannot write {destination}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return destination


def restore_database(source: Path) -> None:
    """Replace the contents of the `default` database with the backup in `source`.

    Raise BackupFileInvalidError, before touching the database, when `source` is not a backup
    of the configured engine. Django's connections in this process are closed first.
    """
    source = source.expanduser().resolve()
    header = _read_header(source)
    engine = database_engine()
    connections.close_all()
    if engine == "sqlite":
        if header.startswith(_POSTGRESQL_DUMP_HEADER):
            raise BackupFileInvalidError(
                f"{source} is a PostgreSQL dump, but this site uses SQLite; "
                "restore it into a site configured with a PostgreSQL DATABASE_URL"
            )
        if not header.startswith(_SQLITE_HEADER):
            raise BackupFileInvalidError(f"{source} is not a SQLite database")
        _sqlite_restore(source)
    else:
        if header.startswith(_SQLITE_HEADER):
            raise BackupFileInvalidError(
                f"{source} is a SQLite database, but this site uses PostgreSQL; "
                "restore it into a site configured with a SQLite DATABASE_URL"
            )
        if not header.startswith(_POSTGRESQL_DUMP_HEADER):
            raise BackupFileInvalidError(
                f"{source} is not a PostgreSQL custom-format dump (as written by `cslab backup`)"
            )
        _postgresql_restore(source)


def _read_header(source: Path) -> bytes:
    try:
        with source.open("rb") as file:
            return file.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupFileInvalidError(f"{source} does not exist") from None
    except OSError as error:
        raise BackupFileInvalidError(f"cannot read {source}: {error.strerror or error}") from None


def _sqlite_path() -> str:
    name = str(settings.DATABASES["default"]["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return name


def _sqlite_backup(destination: Path) -> None:
    try:
        live = sqlite3.connect(_sqlite_path(), timeout=20)
        try:
            target = sqlite3.connect(destination)
            try:
                live.backup(target)
                # The live database uses WAL; the backup must be one self-contained file.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            live.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup failed: {error}") from None


def _sqlite_restore(source: Path) -> None:
    try:
        backup = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupFileInvalidError(f"cannot open {source}: {error}") from None
    try:
        _sqlite_check_backup(backup, source)
        live = sqlite3.connect(_sqlite_path(), timeout=20)
        try:
            # Copying pages through the backup API, rather than the file, keeps the live
            # database's WAL and shared-memory files consistent with its contents.
            backup.backup(live)
        except sqlite3.Error as error:
            raise BackupError(f"SQLite restore failed: {error}") from None
        finally:
            live.close()
    finally:
        backup.close()


def _sqlite_check_backup(backup: sqlite3.Connection, source: Path) -> None:
    try:
        problems = [row[0] for row in backup.execute("PRAGMA integrity_check")]
        has_migrations = backup.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.Error as error:
        raise BackupFileInvalidError(f"{source} is not a usable SQLite database: {error}") from None
    if problems != ["ok"]:
        raise BackupFileInvalidError(
            f"{source} failed SQLite's integrity check: {'; '.join(problems[:3])}"
        )
    if not has_migrations:
        raise BackupFileInvalidError(f"{source} is a SQLite database, but not a cslab backup")


def _postgresql_dump(destination: Path) -> None:
    database = settings.DATABASES["default"]
    _run_postgresql_tool(
        "pg_dump",
        [
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={destination}",
            f"--dbname={database['NAME']}",
        ],
    )


def _postgresql_restore(source: Path) -> None:
    database = settings.DATABASES["default"]
    _run_postgresql_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(source),
        ],
    )


def _run_postgresql_tool(tool: str, arguments: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} was not found on PATH; install the PostgreSQL client tools "
            "of the server's major version"
        )
    database = settings.DATABASES["default"]
    connection_arguments: list[str] = []
    if database.get("HOST"):
        connection_arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        connection_arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        connection_arguments.append(f"--username={database['USER']}")
    environment = {**os.environ}
    # The password goes in the environment: command lines are visible to every local user.
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in _LIBPQ_OPTIONS.items():
        value = database.get("OPTIONS", {}).get(option)
        if value is not None:
            environment[variable] = str(value)
    try:
        # No shell is involved: the arguments reach the tool as they are.
        completed = subprocess.run(  # noqa: S603
            [executable, "--no-password", *connection_arguments, *arguments],
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise BackupError(f"cannot run {tool}: {error.strerror or error}") from None
    if completed.returncode != 0:
        raise BackupError(f"{tool} failed: {_summarize(completed.stderr)}")


def _summarize(stderr: str) -> str:
    """Fold a tool's error output into one line, keeping its first few lines."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error output"
    summary = "; ".join(lines[:_STDERR_LINES_SHOWN])
    if len(lines) > _STDERR_LINES_SHOWN:
        summary += f" (and {len(lines) - _STDERR_LINES_SHOWN} more lines)"
    return summary
