"""`cslab backup` and `cslab restore`, run as an operator would: the real CLI in a subprocess.

Each test works on its own scratch database named by DATABASE_URL, so none needs the
pytest-django database and the module runs the same in the SQLite and PostgreSQL suites.
"""

import hashlib
import io
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import skip_or_fail

CSLAB = str(Path(sys.executable).with_name("cslab"))
POSTGRESQL_SERVER = "postgres://postgres@127.0.0.1:5432"
# Variables of the developer's shell that the subprocesses may keep; all others are dropped,
# so the test settings that pytest-django exported (DJANGO_SETTINGS_MODULE, SECRET_KEY …)
# cannot leak into a production-settings run.
# PYTHONPATH is kept so that a checkout run with PYTHONPATH=src tests its own code.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
LIST_EMAILS = (
    "import json, sys; from cslab.accounts.models import User; "
    "sys.stdout.write(json.dumps(sorted(User.objects.values_list('email', flat=True))))"
)


def cslab(
    environment: dict[str, str], *arguments: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CSLAB, *arguments],
        env=environment,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cslab_ok(environment: dict[str, str], *arguments: str) -> str:
    completed = cslab(environment, *arguments)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def site_environment(*, var_dir: Path, database_url: str) -> dict[str, str]:
    inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    return {
        **inherited,
        "DATABASE_URL": database_url,
        "CSLAB_VAR_DIR": str(var_dir),
        "CSLAB_DEMO": "true",
        "DEBUG": "false",
        "SECRET_KEY": "",
        "REDIS_URL": "",
    }


def emails(environment: dict[str, str]) -> list[str]:
    output = cslab_ok(environment, "shell", "--verbosity", "0", "--command", LIST_EMAILS)
    return list(json.loads(output.strip().splitlines()[-1]))


def create_user(environment: dict[str, str], email: str) -> None:
    cslab_ok(environment, "user", "create", "--email", email)


def assert_one_line_error(completed: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def sqlite_site(tmp_path: Path, migrated_sqlite_file: Path) -> dict[str, str]:
    """Return the environment of a migrated SQLite site holding the user a@example.org."""
    environment = site_environment(
        var_dir=tmp_path / "var", database_url=f"sqlite:///{migrated_sqlite_file}"
    )
    create_user(environment, "a@example.org")
    return environment


@pytest.fixture
def postgresql_database() -> Iterator[str]:
    """Create a scratch PostgreSQL database, yield its URL and drop it afterwards."""
    name = f"cslab_backup_test_{secrets.token_hex(4)}"
    try:
        server = psycopg.connect(
            f"{POSTGRESQL_SERVER}/postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError:
        skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432")
    with server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"{POSTGRESQL_SERVER}/{name}"
        finally:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_sqlite_restore_brings_back_the_data_as_it_was_at_backup_time(
    sqlite_site: dict[str, str],
) -> None:
    backup = Path(cslab_ok(sqlite_site, "backup").strip())
    create_user(sqlite_site, "b@example.org")

    restored = cslab(sqlite_site, "restore", str(backup), "--yes")

    assert restored.returncode == 0, restored.stderr
    assert emails(sqlite_site) == ["a@example.org"]


def test_backup_without_output_writes_a_private_timestamped_file_under_var_backups(
    sqlite_site: dict[str, str],
) -> None:
    backup = Path(cslab_ok(sqlite_site, "backup").strip())

    assert backup.parent == Path(sqlite_site["CSLAB_VAR_DIR"]) / "backups"
    assert re.fullmatch(r"cslab-sqlite-\d{8}T\d{6}Z\.tar", backup.name)
    assert backup.stat().st_mode & 0o077 == 0
    assert list(backup.parent.iterdir()) == [backup]


def test_postgresql_restore_brings_back_the_data_as_it_was_at_backup_time(
    postgresql_database: str, tmp_path: Path
) -> None:
    environment = site_environment(var_dir=tmp_path / "var", database_url=postgresql_database)
    cslab_ok(environment, "migrate", "--noinput", "--verbosity", "0")
    create_user(environment, "a@example.org")
    media = store_media(environment)
    stored = media_checksums(media)
    backup = Path(cslab_ok(environment, "backup", "--output", str(tmp_path / "site.dump")).strip())
    create_user(environment, "b@example.org")
    damage_media(media)

    restored = cslab(environment, "restore", str(backup), "--yes")

    assert restored.returncode == 0, restored.stderr
    assert emails(environment) == ["a@example.org"]
    assert media_checksums(media) == stored


def media_root(environment: dict[str, str]) -> Path:
    return Path(environment["CSLAB_VAR_DIR"]) / "media"


def store_media(environment: dict[str, str]) -> Path:
    """Write uploaded files into the site's MEDIA_ROOT, in nested folders as uploads are."""
    root = media_root(environment)
    files = {
        "observations/original/2026/01/Zq3-secret_original.jpg": b"\xff\xd8\xff original",
        "observations/public/2026/01/0123abcd.jpg": b"\xff\xd8\xff public copy",
        "subjects/2026/01/bee.png": b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(300_000),
        "projects/cover.png": b"\x89PNG\r\n\x1a\n cover",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def media_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def damage_media(root: Path) -> None:
    """Lose one file and overwrite another, as a failed disk or a mistaken script would."""
    (root / "subjects/2026/01/bee.png").unlink()
    (root / "observations/original/2026/01/Zq3-secret_original.jpg").write_bytes(b"overwritten")


def test_a_backup_holds_the_media_files_and_a_restore_brings_them_back_unchanged(
    sqlite_site: dict[str, str],
) -> None:
    media = store_media(sqlite_site)
    stored = media_checksums(media)
    backup = Path(cslab_ok(sqlite_site, "backup").strip())
    damage_media(media)

    restored = cslab(sqlite_site, "restore", str(backup), "--yes")

    assert restored.returncode == 0, restored.stderr
    assert media_checksums(media) == stored
    with tarfile.open(backup) as archive:
        manifest = json.loads(archive.extractfile("cslab-backup.json").read())  # type: ignore[union-attr]
    assert {entry["name"]: entry["sha256"] for entry in manifest["media"]} == stored


def test_a_backup_whose_media_file_was_altered_is_refused_and_changes_nothing(
    sqlite_site: dict[str, str], tmp_path: Path
) -> None:
    media = store_media(sqlite_site)
    backup = Path(cslab_ok(sqlite_site, "backup").strip())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(backup) as original, tarfile.open(tampered, "w") as copy:
        for member in original.getmembers():
            content = original.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "media/projects/cover.png":
                content = b"\x89PNG\r\n\x1a\n other"
                member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    create_user(sqlite_site, "b@example.org")
    damage_media(media)
    damaged = media_checksums(media)

    restored = cslab(sqlite_site, "restore", str(tampered), "--yes")

    assert_one_line_error(restored, "projects/cover.png does not match its checksum")
    assert emails(sqlite_site) == ["a@example.org", "b@example.org"]
    assert media_checksums(media) == damaged


def test_a_plain_database_file_from_an_older_backup_is_still_restored(
    sqlite_site: dict[str, str], tmp_path: Path
) -> None:
    database = sqlite_site["DATABASE_URL"].removeprefix("sqlite:///")
    older_backup = tmp_path / "cslab-sqlite-20250101T000000Z.sqlite3"
    live, target = sqlite3.connect(database), sqlite3.connect(older_backup)
    live.backup(target)
    target.execute("PRAGMA journal_mode=DELETE")
    live.close()
    target.close()
    create_user(sqlite_site, "b@example.org")

    restored = cslab(sqlite_site, "restore", str(older_backup), "--yes")

    assert restored.returncode == 0, restored.stderr
    assert emails(sqlite_site) == ["a@example.org"]


def test_postgresql_site_refuses_a_sqlite_backup(
    postgresql_database: str, sqlite_site: dict[str, str], tmp_path: Path
) -> None:
    sqlite_backup = cslab_ok(sqlite_site, "backup").strip()
    environment = site_environment(var_dir=tmp_path / "var", database_url=postgresql_database)

    restored = cslab(environment, "restore", sqlite_backup, "--yes")

    assert_one_line_error(restored, "is a SQLite database, but this site uses PostgreSQL")


@pytest.mark.parametrize(
    ("content", "explanation"),
    [
        (b"name,email\nA,a@example.org\n", "is not a SQLite database"),
        (
            b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x00",
            "is a PostgreSQL dump, but this site uses SQLite",
        ),
    ],
    ids=["text-file", "postgresql-dump"],
)
def test_restoring_a_file_that_is_not_a_sqlite_backup_fails_in_one_line_and_keeps_the_data(
    sqlite_site: dict[str, str], tmp_path: Path, content: bytes, explanation: str
) -> None:
    not_a_backup = tmp_path / "not-a-backup"
    not_a_backup.write_bytes(content)

    restored = cslab(sqlite_site, "restore", str(not_a_backup), "--yes")

    assert_one_line_error(restored, explanation)
    assert emails(sqlite_site) == ["a@example.org"]


def test_restore_without_yes_refuses_when_standard_input_is_not_a_terminal(
    sqlite_site: dict[str, str],
) -> None:
    backup = cslab_ok(sqlite_site, "backup").strip()
    create_user(sqlite_site, "b@example.org")

    restored = cslab(sqlite_site, "restore", backup)

    assert_one_line_error(restored, "--yes")
    assert emails(sqlite_site) == ["a@example.org", "b@example.org"]
