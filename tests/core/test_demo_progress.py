"""Progress of `cslab demo`: a bar per stage on a terminal, plain lines anywhere else."""

import io
import re

import pytest

from cslab.core.progress import progress_advance, progress_stage


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_stage_on_a_terminal_draws_a_bar_with_its_counts_and_ends_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cslab.core.progress.REDRAW_EVERY_SECONDS", 0.0)
    stream = Terminal()
    with progress_stage(stream, "observations") as stage:
        progress_advance(10, total=40)
        progress_advance(10)
        stage.end("40 observations, 40 new")
    written = stream.getvalue()
    assert "[######------------------]  10/40" in written
    assert "[############------------]  20/40" in written
    # Every redraw goes back to the start of the same line: one line for the stage.
    assert written.count("\n") == 1
    last = written.rsplit("\r", 1)[-1]
    assert last.startswith("\033[KLoading observations  [############")
    assert re.search(r"20/40  done in \d+\.\d s: 40 observations, 40 new\n$", last)


def test_a_terminal_bar_is_redrawn_a_few_times_a_second_not_per_item() -> None:
    stream = Terminal()
    with progress_stage(stream, "observations") as stage:
        for _number in range(500):
            progress_advance(1, total=500)
        stage.end()
    assert stream.getvalue().count("\r") < 50
    assert re.search(r"500/500  done in \d+\.\d s\n$", stream.getvalue())


def test_a_stage_elsewhere_writes_a_line_when_it_starts_and_one_when_it_ends() -> None:
    stream = io.StringIO()
    with progress_stage(stream, "observations") as stage:
        for _number in range(500):
            progress_advance(1, total=500)
        stage.end("500 observations, 500 new")
    assert re.fullmatch(
        r"Loading observations…\n  done in \d+\.\d s: 500 observations, 500 new\n",
        stream.getvalue(),
    )


def test_a_stage_without_counts_on_a_terminal_shows_its_name_only() -> None:
    stream = Terminal()
    with progress_stage(stream, "people") as stage:
        stage.end("8 people, 8 new")
    assert re.search(
        r"\r\033\[KLoading people…  done in \d+\.\d s: 8 people, 8 new\n$", (stream.getvalue())
    )
    assert "/" not in stream.getvalue()


def test_progress_reported_outside_a_stage_is_ignored() -> None:
    progress_advance(3, total=10)  # a loader run from a test or a shell: nothing to show


def test_stages_count_only_their_own_items() -> None:
    stream = io.StringIO()
    with progress_stage(stream, "first") as first:
        progress_advance(2, total=5)
        with progress_stage(stream, "second") as second:
            progress_advance(1, total=1)
        progress_advance(1)
    assert (first.done, first.total) == (3, 5)
    assert (second.done, second.total) == (1, 1)
