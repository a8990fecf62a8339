"""HTTP throughput of the production server (`cslab serve`: gunicorn) on the demo data.

The server runs on 127.0.0.1 against a scratch SQLite database under var/bench/. For each URL,
CLIENTS threads, each with one persistent (keep-alive) connection, send GET requests back to
back for BENCH_SECONDS after a warm-up whose figures are thrown away.
"""

import http.client
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.server import HOST, booted_workers, running_server
from benchmarks.support import (
    BENCH_DIR,
    Result,
    bench_seconds,
    cslab_environment,
    cslab_executable,
    percentile,
    reset_scratch,
    run_checked,
)

logger = logging.getLogger("benchmarks.http_throughput")

BENCHMARK = "http_throughput"
URLS = ["/", "/api/v1/openapi.json"]
CLIENTS = 20
WARMUP_SECONDS = 2.0
REQUEST_TIMEOUT = 30.0
SERVER_LOG = BENCH_DIR / "http_throughput-server.log"

# A reused keep-alive connection the server has closed in the meantime (gunicorn recycles
# workers after --max-requests) fails this way; like any HTTP client, retry such a GET once.
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class _Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    body_bytes: int = 0
    finished_at: float = 0.0


@dataclass
class _Window:
    started_at: float = 0.0


class _Client:
    """One simulated client: a persistent connection, reopened when it has to be."""

    def __init__(self, port: int, tally: _Tally) -> None:
        self.port = port
        self.tally = tally
        self.connection: http.client.HTTPConnection | None = None
        self.reused = False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None
        self.reused = False

    def get(self, path: str) -> str:
        """GET `path`; return the status code, or the name of the error that stopped it."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self.connection.request("GET", path, headers={"User-Agent": "cslab-bench"})
                response = self.connection.getresponse()
                self.tally.body_bytes += len(response.read())
            except _STALE_CONNECTION:
                retry = attempt == 1 and self.reused
                self.close()
                if retry:
                    self.tally.reconnects += 1
                    continue
                return "connection-error"
            except (OSError, http.client.HTTPException) as error:
                self.close()
                return type(error).__name__
            self.reused = True
            if response.will_close:
                self.close()
            return str(response.status)
        return "connection-error"


def _drive(port: int, path: str, seconds: float) -> tuple[list[_Tally], float]:
    """Run CLIENTS clients on `path` for `seconds`; return their tallies and the elapsed time."""
    window = _Window()
    barrier = threading.Barrier(
        CLIENTS, action=lambda: setattr(window, "started_at", time.perf_counter())
    )
    tallies = [_Tally() for _ in range(CLIENTS)]

    def client_loop(tally: _Tally) -> None:
        client = _Client(port, tally)
        barrier.wait(timeout=30)
        deadline = window.started_at + seconds
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                outcome = client.get(path)
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                tally.statuses[outcome] += 1
        finally:
            tally.finished_at = time.perf_counter()
            client.close()

    threads = [
        threading.Thread(target=client_loop, args=(tally,), name=f"bench-client-{number}")
        for number, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Bounded: one request started before the deadline ends within REQUEST_TIMEOUT (twice,
        # with the one retry).
        thread.join(timeout=seconds + 2 * REQUEST_TIMEOUT + 30)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"benchmark clients on {path} did not finish in time")
    elapsed = max(tally.finished_at for tally in tallies) - window.started_at
    return tallies, elapsed


def _measure(port: int, path: str, seconds: float, server: dict[str, object]) -> list[Result]:
    logger.info("warming up GET %s for %.0f s", path, WARMUP_SECONDS)
    _drive(port, path, min(WARMUP_SECONDS, seconds))
    logger.info("measuring GET %s: %d clients for %g s", path, CLIENTS, seconds)
    tallies, elapsed = _drive(port, path, seconds)
    latencies = sorted(latency for tally in tallies for latency in tally.latencies_ms)
    statuses: Counter[str] = Counter()
    for tally in tallies:
        statuses.update(tally.statuses)
    ok = statuses["200"]
    errors = sum(statuses.values()) - ok
    scale = f"{CLIENTS} clients, {seconds:g} s"
    details: dict[str, object] = {
        "url": path,
        "clients": CLIENTS,
        "seconds": seconds,
        "elapsed_seconds": round(elapsed, 3),
        "warmup_seconds": min(WARMUP_SECONDS, seconds),
        "requests": len(latencies),
        "ok": ok,
        "statuses": dict(sorted(statuses.items())),
        "reconnects": sum(tally.reconnects for tally in tallies),
        "body_bytes_mean": round(sum(t.body_bytes for t in tallies) / len(latencies))
        if latencies
        else 0,
        "latency_ms_mean": round(sum(latencies) / len(latencies), 3) if latencies else 0.0,
        "latency_ms_max": round(latencies[-1], 3) if latencies else 0.0,
        "server": server,
    }
    return [
        Result(
            BENCHMARK,
            f"GET {path} throughput",
            scale,
            ok / elapsed,
            "req/s",
            "higher",
            details=details,
        ),
        Result(
            BENCHMARK,
            f"GET {path} latency p50",
            scale,
            percentile(latencies, 0.50),
            "ms",
            "lower",
            details=details,
        ),
        Result(
            BENCHMARK,
            f"GET {path} latency p95",
            scale,
            percentile(latencies, 0.95),
            "ms",
            "lower",
            details=details,
        ),
        Result(
            BENCHMARK,
            f"GET {path} errors",
            scale,
            float(errors),
            "responses",
            "lower",
            details=details,
        ),
    ]


def _cslab(*arguments: str) -> None:
    run_checked(
        [str(cslab_executable()), *arguments],
        cslab_environment(),
        f"cslab {' '.join(arguments)}",
        timeout=600,
    )


def run() -> list[Result]:
    seconds = bench_seconds()
    reset_scratch()
    _cslab("migrate", "--noinput")
    _cslab("demo")
    results: list[Result] = []
    with running_server(cslab_environment(), SERVER_LOG) as port:
        time.sleep(1)  # let the remaining workers finish booting before counting them
        server: dict[str, object] = {
            "command": "cslab serve",
            "workers_booted_at_start": booted_workers(SERVER_LOG),
            "web_concurrency_env": os.environ.get("WEB_CONCURRENCY", ""),
            "web_threads_env": os.environ.get("WEB_THREADS", ""),
            "cpu_count": os.cpu_count(),
            "note": "clients and server share this machine",
        }
        for path in URLS:
            results.extend(_measure(port, path, seconds, server))
        # Shared with every result's details: workers recycled by --max-requests show here.
        server["workers_booted_in_total"] = booted_workers(SERVER_LOG)
    return results
