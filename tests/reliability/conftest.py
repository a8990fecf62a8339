"""The reliability suite (`make reliability`, issue 18): each test proves one promise of
docs/reliability.md and reports its figure; the run ends with a table of every figure.

`make reliability` runs the short form (CI); `make reliability FULL=1` the full one, at the scale
the promises state. A test reads the scale with the `scale` fixture (`scale.pick(short=…,
full=…)`) and reports with `report_figure(...)` BEFORE it asserts, so that a failing promise
shows its figure in the table too.
"""

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REPORT_DIR = REPO_ROOT / "var" / "reliability"
SCALES = ("short", "full")

Value = TypeVar("Value")


@dataclass(frozen=True)
class Scale:
    """How big the run is: `short` (CI, minutes) or `full` (on demand, the stated figures)."""

    name: str

    @property
    def full(self) -> bool:
        return self.name == "full"

    def pick(self, *, short: Value, full: Value) -> Value:
        return full if self.full else short


@dataclass(frozen=True)
class Figure:
    """One line of the summary table: `item` is the issue's item ("1 retry storm"), `measure`
    what was counted, `value` what this run measured, `target` the promise, `passed` whether the
    value keeps it."""

    item: str
    measure: str
    value: str
    target: str
    passed: bool
    test: str = ""


_FIGURES: list[Figure] = []


def current_scale() -> Scale:
    name = os.environ.get("RELIABILITY_SCALE", "short").strip() or "short"
    if name not in SCALES:
        raise pytest.UsageError(f"RELIABILITY_SCALE must be one of {SCALES}, not {name!r}")
    return Scale(name)


@pytest.fixture(scope="session")
def scale() -> Scale:
    return current_scale()


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[..., Figure]:
    def report(*, item: str, measure: str, value: str, target: str, passed: bool) -> Figure:
        figure = Figure(item, measure, value, target, bool(passed), request.node.nodeid)
        _FIGURES.append(figure)
        return figure

    return report


def _item_number(figure: Figure) -> tuple[int, str]:
    head = figure.item.split(" ", 1)[0]
    return (int(head) if head.isdigit() else 99, figure.item)


def summary_table(figures: list[Figure], scale: Scale) -> str:
    rows = [
        f"Reliability suite ({scale.name} form): {sum(f.passed for f in figures)} of "
        f"{len(figures)} figures keep their promise",
        "",
        "| item | measure | this run | promise | kept |",
        "|---|---|---|---|---|",
    ]
    rows.extend(
        f"| {figure.item} | {figure.measure} | {figure.value} | {figure.target} | "
        f"{'yes' if figure.passed else '**no**'} |"
        for figure in sorted(figures, key=_item_number)
    )
    return "\n".join(rows)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES:
        return
    scale = current_scale()
    table = summary_table(_FIGURES, scale)
    terminalreporter.write_sep("=", "reliability figures")
    terminalreporter.write_line(table)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"summary-{scale.name}.md").write_text(table + "\n")
    (REPORT_DIR / f"figures-{scale.name}.json").write_text(
        json.dumps([asdict(figure) for figure in _FIGURES], indent=2) + "\n"
    )
    terminalreporter.write_line(f"(written to {REPORT_DIR / f'summary-{scale.name}.md'})")
