"""Back up and restore the site: the `default` database and every uploaded file (media).

A backup is one tar archive holding `cslab-backup.json` (the format, the engine, and the size
and SHA-256 of the database and of every media file, with its name), the database
(`database.sqlite3`, a plain SQLite file made with the online backup API so it can be taken
while the site runs, or `database.dump`, a `pg_dump --format=custom` archive) and the media files
under `media/`, read through the storage API (file system or S3 alike). Restoring checks the whole
archive first (that it ends with tar's end-of-archive marker, so a truncated copy is refused, and
the database and every media file against their checksums), then replaces every table the backup
holds and writes every media file back under its name; media files that are not in the backup
are left alone. A plain database file written by an older `cslab backup` is still restored (the
database only). Stop the web and worker processes first. The checksums detect damage (a cut-off
copy, a flipped bit), not deliberate forgery: keep backups where only the operators can write.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections

from cslab.core.errors import DomainError
from cslab.core.problems import ProblemCode

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
_MANIFEST = "cslab-backup.json"
_MEDIA_PREFIX = "media/"
_FORMAT = 1
_TAR_MAGIC_OFFSET = 257
_TAR_BLOCK = tarfile.BLOCKSIZE
_TAR_END_OF_ARCHIVE = 2 * tarfile.BLOCKSIZE  # two zero blocks close a complete tar archive
_CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup or restore could not be made; the message says why in one line."""

    code = ProblemCode.BACKUP_FAILED


class BackupFileInvalidError(BackupError):
    """The file is not a backup this database can be restored from."""

    code = ProblemCode.BACKUP_FILE_INVALID


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
    """Return `directory/cslab-<engine>-<UTC timestamp>.tar` for a backup taken `now`.

    `now` must be timezone-aware.
    """
    engine = database_engine()
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"cslab-{engine}-{stamp}.tar"


def _database_member() -> str:
    return "database.sqlite3" if database_engine() == "sqlite" else "database.dump"


def backup_database(destination: Path) -> Path:
    """Write a backup of the `default` database and of every media file to `destination` (a
    tar archive) and return its absolute path.

    The file appears only once complete (written beside it, then renamed), replaces any file
    already at `destination`, and is readable by its owner only: it holds personal data.
    """
    destination = destination.expanduser().resolve()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create {destination.parent}: {error.strerror}") from None
    partial = destination.with_name(f".{destination.name}.partial")
    database = destination.with_name(f".{destination.name}.database.partial")
    try:
        for scratch in (partial, database):
            scratch.unlink(missing_ok=True)
            scratch.touch(mode=0o600)
        if database_engine() == "sqlite":
            _sqlite_backup(database)
        else:
            _postgresql_dump(database)
        _write_archive(partial, database, default_storage)
        partial.chmod(0o600)
        partial.replace(destination)
    except OSError as error:
        raise BackupError(f"cannot write {destination}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
        database.unlink(missing_ok=True)
    return destination


@dataclass(frozen=True)
class MediaEntry:
    """One media file as the backup's manifest lists it."""

    name: str
    size: int
    sha256: str


def media_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Yield the name of every file in the storage, walking its folders."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # no media were ever stored
        return
    for file_name in sorted(files):
        yield f"{directory}/{file_name}" if directory else file_name
    for folder in sorted(folders):
        yield from media_names(storage, f"{directory}/{folder}" if directory else folder)


def _write_archive(archive_path: Path, database: Path, storage: Storage) -> None:
    entries: list[MediaEntry] = []
    with database.open("rb") as handle:
        database_sha256, database_size = _digest(handle)
    with tarfile.open(archive_path, "w", format=tarfile.PAX_FORMAT) as archive:
        archive.add(database, arcname=_database_member(), recursive=False)
        for name in media_names(storage):
            with storage.open(name, "rb") as handle:
                digest, size = _digest(handle)
                handle.seek(0)
                info = tarfile.TarInfo(_MEDIA_PREFIX + name)
                info.size = size
                info.mode = 0o600
                archive.addfile(info, handle)
            entries.append(MediaEntry(name=name, size=size, sha256=digest))
        manifest = json.dumps(
            {
                "format": _FORMAT,
                "engine": database_engine(),
                "database": _database_member(),
                "database_size": database_size,
                "database_sha256": database_sha256,
                "media": [entry.__dict__ for entry in entries],
            },
            indent=1,
        ).encode()
        info = tarfile.TarInfo(_MANIFEST)
        info.size = len(manifest)
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(manifest))


def _digest(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def restore_database(source: Path) -> None:
    """Replace the contents of the `default` database with the backup in `source`, and write
    its media files back.

    Raise BackupFileInvalidError, before touching the database or any file, when `source` is
    not a backup of the configured engine or a media file in it does not match its checksum.
    Django's connections in this process are closed first.
    """
    source = source.expanduser().resolve()
    if _is_tar(source):
        _restore_archive(source, default_storage)
        return
    _restore_database_file(source)


def _is_tar(source: Path) -> bool:
    try:
        with source.open("rb") as file:
            file.seek(_TAR_MAGIC_OFFSET)
            return file.read(5) == b"ustar"
    except OSError:
        return False


def _restore_archive(source: Path, storage: Storage) -> None:
    try:
        archive = tarfile.open(source, "r:")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as error:
        raise BackupFileInvalidError(f"{source} is not a readable backup: {error}") from None
    with archive, tempfile.TemporaryDirectory(prefix="cslab-restore-") as scratch:
        _check_complete(archive, source)
        manifest = _read_manifest(archive, source)
        media = _check_media(archive, manifest, source)
        database = Path(scratch) / str(manifest["database"])
        _extract_to(archive, str(manifest["database"]), database, source)
        _check_database(database, manifest, source)
        _restore_database_file(database, shown_as=source)
        for entry in media:
            member = archive.extractfile(_MEDIA_PREFIX + entry.name)
            if member is None:  # checked above; a regular file
                raise BackupFileInvalidError(f"{source} lacks the media file {entry.name}")
            with member:
                _write_media(storage, entry.name, member)


def _check_complete(archive: tarfile.TarFile, source: Path) -> None:
    """Refuse an archive that stops before its last member's data and the end-of-archive
    marker: a copy cut off in transfer or by a full disk."""
    try:
        members = archive.getmembers()
    except (tarfile.TarError, OSError) as error:
        raise BackupFileInvalidError(
            f"{source} is truncated or damaged ({error}); copy the backup again"
        ) from None
    if not members:
        raise BackupFileInvalidError(f"{source} is an empty tar archive, not a cslab backup")
    last = members[-1]
    end = last.offset_data + -(-last.size // _TAR_BLOCK) * _TAR_BLOCK
    handle = archive.fileobj
    if handle is None:  # opened from a path above, so never None
        raise BackupFileInvalidError(f"cannot read {source}")
    handle.seek(end)
    if handle.read(_TAR_END_OF_ARCHIVE) != bytes(_TAR_END_OF_ARCHIVE):
        raise BackupFileInvalidError(
            f"{source} is truncated: it ends before the end of its last file "
            f"({last.name}); copy the backup again"
        )


def _read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, object]:
    try:
        member = archive.extractfile(_MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise BackupFileInvalidError(f"{source} is a tar archive, but not a cslab backup")
    if manifest.get("database") not in ("database.sqlite3", "database.dump"):
        raise BackupFileInvalidError(f"{source} names no database in its manifest")
    return manifest


def _check_media(
    archive: tarfile.TarFile, manifest: dict[str, object], source: Path
) -> list[MediaEntry]:
    """Return the media entries after checking each name and each file's SHA-256."""
    listed = manifest.get("media")
    if not isinstance(listed, list):
        raise BackupFileInvalidError(f"{source} has no list of media files in its manifest")
    entries: list[MediaEntry] = []
    for item in listed:
        try:
            entry = MediaEntry(str(item["name"]), int(item["size"]), str(item["sha256"]))
        except (KeyError, TypeError, ValueError):
            raise BackupFileInvalidError(f"{source} has a malformed media entry") from None
        path = PurePosixPath(entry.name)
        if path.is_absolute() or ".." in path.parts or not entry.name:
            raise BackupFileInvalidError(f"{source} names a media file outside media: {path}")
        try:
            member = archive.getmember(_MEDIA_PREFIX + entry.name)
        except KeyError:
            raise BackupFileInvalidError(f"{source} lacks the media file {entry.name}") from None
        handle = archive.extractfile(member) if member.isfile() else None
        if handle is None:
            raise BackupFileInvalidError(f"{source}: {entry.name} is not a regular file")
        with handle:
            if _digest(handle) != (entry.sha256, entry.size):
                raise BackupFileInvalidError(
                    f"{source}: the media file {entry.name} does not match its checksum"
                )
        entries.append(entry)
    return entries


def _check_database(database: Path, manifest: dict[str, object], source: Path) -> None:
    """Compare the extracted database with the checksum the manifest gives (backups made
    before cslab wrote one have none, and are restored as before)."""
    expected = manifest.get("database_sha256")
    if expected is None:
        return
    with database.open("rb") as handle:
        actual, size = _digest(handle)
    if (actual, size) != (expected, manifest.get("database_size")):
        raise BackupFileInvalidError(
            f"{source}: the database ({manifest['database']}) does not match its checksum"
        )


def _extract_to(archive: tarfile.TarFile, name: str, target: Path, source: Path) -> None:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupFileInvalidError(f"{source} lacks its database ({name})") from None
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupFileInvalidError(f"{source}: {name} is not a regular file")
    with handle, target.open("wb") as written:
        shutil.copyfileobj(handle, written, _CHUNK)


def _write_media(storage: Storage, name: str, content: IO[bytes]) -> None:
    """Write a media file back under exactly its name, replacing what is there."""
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, File(content, name=PurePosixPath(name).name))
    if stored != name:
        storage.delete(stored)
        raise BackupError(f"cannot write the media file {name} back under its name")


def _restore_database_file(source: Path, *, shown_as: Path | None = None) -> None:
    """Replace the `default` database's contents with a plain SQLite file or pg_dump archive;
    messages name `shown_as` (the backup the file was taken from) when given."""
    header = _read_header(source)
    engine = database_engine()
    label = shown_as or source
    connections.close_all()
    if engine == "sqlite":
        if header.startswith(_POSTGRESQL_DUMP_HEADER):
            raise BackupFileInvalidError(
                f"{label} is a PostgreSQL dump, but this site uses SQLite; "
                "restore it into a site configured with a PostgreSQL DATABASE_URL"
            )
        if not header.startswith(_SQLITE_HEADER):
            raise BackupFileInvalidError(f"{label} is not a SQLite database")
        _sqlite_restore(source)
    else:
        if header.startswith(_SQLITE_HEADER):
            raise BackupFileInvalidError(
                f"{label} is a SQLite database, but this site uses PostgreSQL; "
                "restore it into a site configured with a SQLite DATABASE_URL"
            )
        if not header.startswith(_POSTGRESQL_DUMP_HEADER):
            raise BackupFileInvalidError(
                f"{label} is not a PostgreSQL custom-format dump (as written by `cslab backup`)"
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
        completed = subprocess.run(  # noqa: S603  # nosec B603
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
