"""`python -m benchmarks` (`make bench`): run every registered benchmark, print and save figures.

The table goes to stdout, progress to stderr; all results, with facts about the machine, go to
var/bench/results-<UTC timestamp>.json and var/bench/latest.json.
"""

import importlib
import json
import logging
import os
import platform
import sqlite3
import subprocess
import sys
import traceback
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from benchmarks import BENCHMARKS
from benchmarks.support import BENCH_DIR, REPO_ROOT, Result, database_engine

logger = logging.getLogger("benchmarks")

NO_RATIO = "—"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _git_commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def machine_facts() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "database_engine": database_engine(),
        "sqlite_version": sqlite3.sqlite_version,
        "redis": bool(os.environ.get("REDIS_URL")),
        "packages": {name: _package_version(name) for name in ("django", "gunicorn", "cslab")},
        "git_commit": _git_commit(),
    }


def _format_figure(result: Result) -> str:
    if result.unit in {"responses", "errors"} or result.figure.is_integer():
        return f"{result.figure:,.0f}"
    if abs(result.figure) >= 100:
        return f"{result.figure:,.1f}"
    return f"{result.figure:,.2f}"


def _format_ratio(result: Result) -> str:
    ratio = result.ratio
    return NO_RATIO if ratio is None else f"{ratio:.2f}x"


def format_table(results: list[Result]) -> str:
    header = ("benchmark", "name", "scale", "figure", "unit", "ratio")
    rows = [
        (r.benchmark, r.name, r.scale, _format_figure(r), r.unit, _format_ratio(r)) for r in results
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    right_aligned = {3, 5}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if column in right_aligned else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"


def selected_benchmarks() -> list[str]:
    """BENCHMARKS, or the ones BENCH_ONLY names (comma-separated, e.g. "submissions,consensus")."""
    wanted = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    if not wanted:
        return list(BENCHMARKS)
    unknown = wanted - {name.removeprefix("benchmarks.") for name in BENCHMARKS}
    if unknown:
        raise SystemExit(f"benchmarks: BENCH_ONLY names unknown benchmarks: {sorted(unknown)}")
    return [name for name in BENCHMARKS if name.removeprefix("benchmarks.") in wanted]


def run_all() -> tuple[list[Result], list[dict[str, str]]]:
    results: list[Result] = []
    failures: list[dict[str, str]] = []
    for module_name in selected_benchmarks():
        logger.info("benchmark %s", module_name)
        try:
            module = importlib.import_module(module_name)
            results.extend(module.run())
        except Exception as error:
            logger.exception("benchmark %s failed", module_name)
            failures.append(
                {"benchmark": module_name, "error": str(error), "traceback": traceback.format_exc()}
            )
    return results, failures


def write_json(document: dict[str, Any], stamp: str) -> list[str]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    written = []
    for path in (BENCH_DIR / f"results-{stamp}.json", BENCH_DIR / "latest.json"):
        path.write_text(text)
        written.append(str(path.relative_to(REPO_ROOT)))
    return written


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    started = datetime.now(UTC)
    results, failures = run_all()
    finished = datetime.now(UTC)
    document = {
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "machine": machine_facts(),
        "benchmarks": BENCHMARKS,
        "results": [result.as_json() for result in results],
        "failures": failures,
    }
    written = write_json(document, started.strftime("%Y%m%dT%H%M%SZ"))
    sys.stdout.write("\n" + format_table(results))
    facts = document["machine"]
    sys.stdout.write(
        f"\nmachine: {facts['cpu_count']} CPUs, Python {facts['python_version']}, "
        f"{facts['platform']}, database {facts['database_engine']}\n"
        f"ratio: figure / peer-platform figure ({NO_RATIO} where no peer figure applies)\n"
        f"written: {', '.join(written)}\n"
    )
    if failures:
        failed = ", ".join(failure["benchmark"] for failure in failures)
        sys.stdout.write(f"FAILED: {failed} (details in the JSON and above)\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
