"""One migrated scratch SQLite site per test run, copied by the tests that need a fresh site.

`cslab migrate` on an empty SQLite file takes 40–60 s on a 2-core machine (Django renders the
state of over a hundred migrations); the backup, worker and tombstone tests each needed a fresh
site, and migrating for every one of them cost CI minutes. The first test process to ask builds
the file under a lock in the run's shared temporary folder (xdist's base folder), the others wait
and copy it. A copied file is byte for byte what `migrate` would have written.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MIGRATE_TIMEOUT_SECONDS = 600


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The path of a SQLite file after `cslab migrate` (production settings, demo mode)."""
    folder = _shared_folder(tmp_path_factory) / "migrated-sqlite-site"
    database = folder / "site.sqlite3"
    with (folder.parent / "migrated-sqlite-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / "built").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                environment = {
                    **{key: value for key, value in os.environ.items() if key != "SECRET_KEY"},
                    "DATABASE_URL": f"sqlite:///{database}",
                    "CSLAB_VAR_DIR": str(folder / "var"),
                    "CSLAB_DEMO": "true",
                    "DEBUG": "false",
                    "REDIS_URL": "",
                    "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
                }
                completed = subprocess.run(  # our own command
                    [
                        str(Path(sys.executable).with_name("cslab")),
                        "migrate",
                        "--noinput",
                        "-v",
                        "0",
                    ],
                    env=environment,
                    capture_output=True,
                    text=True,
                    timeout=MIGRATE_TIMEOUT_SECONDS,
                    check=False,
                )
                assert completed.returncode == 0, completed.stderr
                (folder / "built").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return database


@pytest.fixture
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of the migrated site's database file, in the test's own folder."""
    copy = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated_sqlite_template(tmp_path_factory), copy)
    return copy
