"""What the benchmarks share: the result record, the folders under var/bench/, the settings."""

import os
import shutil
import sys
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
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DATABASE_PATH}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(SCRATCH_VAR_DIR, ignore_errors=True)
    SCRATCH_VAR_DIR.mkdir(parents=True)


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
