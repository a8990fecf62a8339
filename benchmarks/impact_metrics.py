"""The pure impact metrics (`cslab.impact.metrics`) at the scale of issue 15's largest project.

Issue 15 (item 8) asks for a project dashboard with 50,000 participants (and 1,000,000
observations) in under 1 s; the metrics are the part of that budget spent outside the
database. Data (seeded): 50,000 participants with Pareto-skewed contribution counts,
300,000 (participant, day) activity rows over two years, the hourly roll-up of those two
years (17,520 rows), the cells of a 30 × 30 km area at H3 resolution 7 with data in
200,000 finer cells, and 100,000 consensus confidences. Each figure is the best of several
runs (`time.perf_counter`), in ms; lower is better.

Run on its own: `PYTHONPATH=src .venv/bin/python -m benchmarks.impact_metrics`. It has a
`run() -> list[Result]` like every benchmark, but is not in `benchmarks.BENCHMARKS` (and so
not in `make bench`) until the impact roll-up's benchmark registers it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import h3
import numpy as np

from benchmarks.support import Result
from cslab.impact.metrics import (
    area_share,
    confidence_bins,
    extent_cells,
    inequality,
    retention_cohorts,
    time_spread,
    weekly_activity,
)

BENCHMARK = "impact_metrics"
SEED = 20_251_206
PARTICIPANTS = 50_000
ACTIVITY_ROWS = 300_000
DAYS = 730
RUNS = 5
FIRST_DAY = date(2023, 1, 2)
# About 30 × 30 km around Utrecht: (west, south, east, north).
AREA = (4.90, 51.95, 5.34, 52.22)


def _best_milliseconds(function: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _data() -> dict[str, Any]:
    generator = np.random.default_rng(SEED)
    counts = (np.floor(generator.pareto(1.1, PARTICIPANTS) * 2) + 1).astype(int).tolist()
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(DAYS)]
    participants = generator.integers(0, PARTICIPANTS, ACTIVITY_ROWS).tolist()
    day_offsets = generator.integers(0, DAYS, ACTIVITY_ROWS).tolist()
    activity = [
        (participant, days[offset])
        for participant, offset in zip(participants, day_offsets, strict=True)
    ]
    first_days: dict[int, date] = {}
    for participant, day in activity:
        if participant not in first_days or day < first_days[participant]:
            first_days[participant] = day
    hourly = [
        (day, hour, int(contributions))
        for day in days
        for hour, contributions in enumerate(generator.integers(0, 40, 24))
    ]
    west, south, east, north = AREA
    data_cells = [
        h3.latlng_to_cell(latitude, longitude, 9)
        for latitude, longitude in zip(
            generator.uniform(south, north, 200_000),
            generator.uniform(west, east, 200_000),
            strict=True,
        )
    ]
    return {
        "counts": counts,
        "activity": activity,
        "daily": [(participant, day, 1) for participant, day in activity],
        "first_days": first_days,
        "hourly": hourly,
        "area_cells": extent_cells(None, AREA, 7),
        "data_cells": data_cells,
        "confidences": generator.uniform(0, 1, 100_000).tolist(),
    }


def run() -> list[Result]:
    data = _data()
    until = FIRST_DAY + timedelta(days=DAYS - 1)
    measured: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "inequality (Gini, Lorenz, top shares)",
            f"{PARTICIPANTS:,} participants",
            lambda: inequality(data["counts"]),
        ),
        (
            "weekly activity",
            f"{ACTIVITY_ROWS:,} rows, {PARTICIPANTS:,} participants",
            lambda: weekly_activity(data["daily"], data["first_days"]),
        ),
        (
            "retention cohorts, weekly",
            f"{ACTIVITY_ROWS:,} rows, {PARTICIPANTS:,} participants",
            lambda: retention_cohorts(data["activity"], "week", until),
        ),
        (
            "retention cohorts, monthly",
            f"{ACTIVITY_ROWS:,} rows, {PARTICIPANTS:,} participants",
            lambda: retention_cohorts(data["activity"], "month", until),
        ),
        (
            "time spread",
            f"{len(data['hourly']):,} hourly rows",
            lambda: time_spread(data["hourly"]),
        ),
        (
            "project area cells",
            f"~{len(data['area_cells']):,} cells, resolution 7",
            lambda: extent_cells(None, AREA, 7),
        ),
        (
            "share of the area with data",
            f"{len(data['data_cells']):,} resolution-9 cells",
            lambda: area_share(data["data_cells"], data["area_cells"]),
        ),
        (
            "confidence bins",
            f"{len(data['confidences']):,} confidences",
            lambda: confidence_bins(data["confidences"]),
        ),
    ]
    return [
        Result(
            benchmark=BENCHMARK,
            name=name,
            scale=scale,
            figure=round(_best_milliseconds(function), 2),
            unit="ms",
            better="lower",
            details={"runs": RUNS, "seed": SEED},
        )
        for name, scale, function in measured
    ]


def main() -> None:
    for result in run():
        print(f"{result.name:<40} {result.scale:<45} {result.figure:>9.2f} {result.unit}")


if __name__ == "__main__":
    main()
