"""Writing an export of one form's observations to a file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.exports.columns import Table
from cslab.exports.selectors import (
    ExportMetadata,
    export_observation_count,
    export_plan,
    export_rows,
)
from cslab.exports.writers import FORMATS, WRITERS
from cslab.projects.models import Project

PROGRESS_EVERY_OBSERVATIONS = 1000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: dict[str, int]  # rows written per table
    metadata: ExportMetadata


def export_write(
    *,
    actor: Actor,
    project: Project,
    form_id: str,
    format: str,
    destination: Path,
    public: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write `project`'s observations of form `form_id` as `format` to `destination`.

    What is written is what `actor` may see (a `public` export: what an anonymous visitor may
    see). NotFoundError when the project or form is hidden from that viewer; InvalidInputError
    for an unknown format. `on_progress(done, total)` is told the observations written so far.
    """
    if format not in FORMATS:
        message = f"Unknown export format {format!r}; choose one of {', '.join(FORMATS)}."
        raise InvalidInputError(message, details={"format": [message]})
    plan = export_plan(user=actor, project=project, form_id=form_id, public=public)
    total = export_observation_count(plan) if on_progress else 0
    counted: Counter[str] = Counter()

    def counting() -> Iterator[tuple[Table, dict[str, Any]]]:
        for table, cells in export_rows(plan):
            counted[table.name] += 1
            if on_progress and not table.path:
                done = counted[table.name]
                if done % PROGRESS_EVERY_OBSERVATIONS == 0:
                    on_progress(done, total)
            yield table, cells

    WRITERS[format](destination, plan.tables, counting(), plan.metadata)
    if on_progress:
        on_progress(counted[plan.tables.name], total)
    rows = {table.name: counted[table.name] for table in plan.tables.every_table()}
    return ExportResult(path=destination, format=format, rows=rows, metadata=plan.metadata)
