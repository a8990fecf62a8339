"""Progress of long commands (`cslab demo`): one line per stage.

On a terminal a stage is one line redrawn in place, with a bar when the stage reports counts
("observations  [#######-------------]  1,800/5,000"). Anywhere else (a pipe, a log file, a
test's StringIO) a stage writes a plain line when it starts and one when it ends, never the
redrawn bar: logs stay readable and tests quiet.

Code deep inside a stage (a demo loader) reports through `progress_advance` without knowing
whether anyone shows it: the stage that runs it is found in a context variable.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

BAR_WIDTH = 24
# A terminal is redrawn at most this often: redrawing per item would cost more than the item.
REDRAW_EVERY_SECONDS = 0.1


class Stream(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


def is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class Stage:
    """One stage of a command: started by `progress_stage`, advanced by `progress_advance`."""

    def __init__(self, stream: Stream, label: str, *, terminal: bool) -> None:
        self.stream = stream
        self.label = label
        self.terminal = terminal
        self.done = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self._drawn_at = 0.0

    def begin(self) -> None:
        if self.terminal:
            self._draw(force=True)
        else:
            # A line of its own: log lines written during the stage may come before the end.
            self.stream.write(f"Loading {self.label}…\n")
            self.stream.flush()

    def advance(self, count: int, *, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        self.done += count
        if self.terminal:
            self._draw(force=False)

    def end(self, summary: str = "") -> float:
        """Write the stage's last line ("done in 1.2 s" and the summary); return its seconds."""
        seconds = time.monotonic() - self.started
        line = f"done in {seconds:.1f} s" + (f": {summary}" if summary else "")
        if self.terminal:
            # Replaces the bar: what is left on screen is one line per stage.
            self.stream.write(f"\r\033[K{self._bar()}  {line}\n")
        else:
            self.stream.write(f"  {line}\n")
        self.stream.flush()
        return seconds

    def _bar(self) -> str:
        if not self.total:
            return f"Loading {self.label}…" + (f"  {self.done:,}" if self.done else "")
        shown = min(self.done, self.total)
        filled = BAR_WIDTH * shown // self.total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"Loading {self.label}  [{bar}]  {shown:,}/{self.total:,}"

    def _draw(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW_EVERY_SECONDS:
            return
        self._drawn_at = now
        self.stream.write(f"\r\033[K{self._bar()}")
        self.stream.flush()


_current: ContextVar[Stage | None] = ContextVar("cslab_progress_stage", default=None)


@contextmanager
def progress_stage(stream: Stream, label: str, *, terminal: bool | None = None) -> Iterator[Stage]:
    """Show a stage on `stream` while the block runs; the caller ends it with `stage.end()`.

    `terminal` None asks the stream (`isatty()`).
    """
    stage = Stage(stream, label, terminal=is_terminal(stream) if terminal is None else terminal)
    token = _current.set(stage)
    stage.begin()
    try:
        yield stage
    finally:
        _current.reset(token)


def progress_advance(count: int = 1, *, total: int | None = None) -> None:
    """Count `count` more items done in the running stage (out of `total`, if known).

    Does nothing outside a stage, so code that reports progress runs the same from a test.
    """
    stage = _current.get()
    if stage is not None:
        stage.advance(count, total=total)
