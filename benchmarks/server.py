"""The production server (`cslab serve`: gunicorn) for benchmarks that drive it over HTTP.

`running_server(environment, log_path)` starts it on a free port of 127.0.0.1 in its own process
group, waits until /healthz answers 200, yields the port, and stops the whole group afterwards.
"""

import http.client
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.support import BENCH_DIR, cslab_executable

logger = logging.getLogger("benchmarks.server")

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def booted_workers(log_path: Path) -> int:
    """How many gunicorn workers the log says were booted so far."""
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return 0
    return text.count("Booting worker with pid")


def _healthz_status(port: int) -> int | None:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def wait_until_healthy(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"cslab serve exited with {process.returncode} before answering /healthz; "
                f"end of {log_path}:\n{log_tail(log_path)}"
            )
        if _healthz_status(port) == 200:
            return
        time.sleep(0.25)
    raise RuntimeError(
        f"cslab serve did not answer /healthz with 200 within {STARTUP_TIMEOUT:.0f} s; "
        f"end of {log_path}:\n{log_tail(log_path)}"
    )


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process's whole group (for a server: serve, gunicorn master and workers);
    the process must have been started with start_new_session=True."""
    group = process.pid  # start_new_session=True: the server leads its own group
    if not _group_alive(group):
        process.wait()
        return
    logger.info("stopping the server (process group %d)", group)
    os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        logger.warning("server did not stop within %.0f s; killing it", STOP_TIMEOUT)
    deadline = time.monotonic() + 5
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(group):
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running_server(environment: dict[str, str], log_path: Path, *options: str) -> Iterator[int]:
    """Run `cslab serve` with `environment` (and `options`) until the block ends; yield its
    port."""
    with running_server_process(environment, log_path, *options) as (port, _process):
        yield port


@contextmanager
def running_server_process(
    environment: dict[str, str], log_path: Path, *options: str
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """As `running_server`, yielding the port and the `cslab serve` process too (its
    process group holds the gunicorn master and workers: tests that kill workers need it)."""
    port = free_port()
    command = [str(cslab_executable()), "serve", "--host", HOST, "--port", str(port), *options]
    logger.info("starting cslab serve on http://%s:%d/ (log: %s)", HOST, port, log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # our own command
            command,
            env=environment,
            cwd=BENCH_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_healthy(process, port, log_path)
            yield port, process
        finally:
            stop_process_group(process)


@contextmanager
def running_worker(environment: dict[str, str], log_path: Path) -> Iterator[None]:
    """Run `cslab worker` (jobs) with `environment` in its own process group until the block
    ends."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # our own command
            [str(cslab_executable()), "worker"],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield
        finally:
            stop_process_group(process)
