"""pyodk, the official ODK Python client, in a virtual environment of its own.

pyodk pins pydantic below the version cslab's API needs (pyodk 1.3.0: `pydantic<=2.14`; cslab
pins 2.14.4 for django-ninja), so it cannot share cslab's environment. The tests build
`var/pyodk-venv/` on first use from `requirements/pyodk-constraints.txt` (pyodk and every
dependency pinned, from `pip freeze` of that environment) and run pyodk there as a separate
program against a live server. The build happens once: a file lock keeps parallel workers from
building it twice, and a stamp holding the pins' hash reuses it until the pins change.

To move to a newer pyodk: build a fresh environment with `pip install pyodk==<version>`, and
write its `pip freeze` to requirements/pyodk-constraints.txt.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
CONSTRAINTS = REPOSITORY / "requirements" / "pyodk-constraints.txt"
VENV = REPOSITORY / "var" / "pyodk-venv"
STAMP = VENV / "cslab-constraints.sha256"
CALLS_SCRIPT = Path(__file__).resolve().with_name("pyodk_calls.py")
# pip reaches PyPI in CI on a clean clone; a slow mirror should not hang the run.
BUILD_TIMEOUT_SECONDS = 300
CALL_TIMEOUT_SECONDS = 60


class PyodkUnavailableError(Exception):
    """The environment could not be built (no network, or PyPI refused a pin)."""


def _pins_hash() -> str:
    return hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()


def _python() -> Path:
    return VENV / "bin" / "python"


@contextmanager
def _build_lock() -> Iterator[None]:
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "pyodk-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PyodkUnavailableError(
            f"{' '.join(command[:4])} … took more than {BUILD_TIMEOUT_SECONDS} s"
        ) from error
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PyodkUnavailableError(f"{' '.join(command[:4])} … failed: " + " | ".join(tail))


def pyodk_python() -> Path:
    """The pyodk environment's interpreter, building the environment first if needed."""
    pins = _pins_hash()
    with _build_lock():
        if _python().exists() and STAMP.exists() and STAMP.read_text().strip() == pins:
            return _python()
        shutil.rmtree(VENV, ignore_errors=True)
        # The base interpreter of cslab's own environment: the same Python 3.11.
        base = getattr(sys, "_base_executable", sys.executable)
        _run([base, "-m", "venv", str(VENV)])
        _run(
            [
                str(_python()),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "--timeout",
                "60",
                "-c",
                str(CONSTRAINTS),
                "pyodk",
            ]
        )
        # Written last: an interrupted build is not taken for a finished one.
        STAMP.write_text(pins + "\n")
    return _python()


def pyodk_run(
    python: Path,
    *,
    base_url: str,
    email: str,
    password: str,
    project_id: int,
    cache_path: Path,
    calls: list[dict[str, Any]],
    config_dir: Path,
) -> dict[str, Any]:
    """Run pyodk's calls (see pyodk_calls.py) as the given person; their results by name."""
    config_path = config_dir / f"pyodk-config-{uuid.uuid4().hex}.toml"
    config_path.write_text(
        "[central]\n"
        f"base_url = {json.dumps(base_url)}\n"
        f"username = {json.dumps(email)}\n"
        f"password = {json.dumps(password)}\n"
        f"default_project_id = {int(project_id)}\n"
    )
    request = {"config_path": str(config_path), "cache_path": str(cache_path), "calls": calls}
    # pyodk reads PYODK_* variables and the home folder; neither should leak in from the user.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYODK_")}
    environment["HOME"] = str(config_dir)
    result = subprocess.run(
        [str(python), str(CALLS_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=CALL_TIMEOUT_SECONDS,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers: dict[str, Any] = json.loads(result.stdout)
    return answers
