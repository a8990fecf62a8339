"""Writing an export of one form's observations to a file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.exports import darwin_core
from cslab.exports.columns import Table
from cslab.exports.selectors import (
    OBSERVER_ID_CELL,
    ExportMetadata,
    ExportPlan,
    export_credit_name,
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
    darwin_core_mapping: Mapping[str, str] | None = None,
) -> ExportResult:
    """Write `project`'s observations of form `form_id` as `format` to `destination`.

    What is written is what `actor` may see (a `public` export: what an anonymous visitor may
    see). NotFoundError when the project or form is hidden from that viewer; InvalidInputError
    for an unknown format or a Darwin Core mapping that does not fit the form.
    `on_progress(done, total)` is told the observations written so far. `darwin_core_mapping`
    (Darwin Core term → question name) overrides the defaults of a ``dwca`` export.
    """
    if format not in FORMATS:
        message = f"Unknown export format {format!r}; choose one of {', '.join(FORMATS)}."
        raise InvalidInputError(message, details={"format": [message]})
    plan = export_plan(
        user=actor,
        project=project,
        form_id=form_id,
        public=public,
        darwin_core_mapping=darwin_core_mapping,
    )
    # Checked before any row is read, so that a wrong mapping fails without a half-written file.
    darwin_core.darwin_core_mapping(plan.tables, plan.metadata.darwin_core_mapping)
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

    rows: Iterable[tuple[Table, dict[str, Any]]] = counting()
    if format == "dwca" and plan.metadata.true_locations:
        rows = _with_credit_names(plan, rows)
    WRITERS[format](destination, plan.tables, rows, plan.metadata)
    if on_progress:
        on_progress(counted[plan.tables.name], total)
    written = {table.name: counted[table.name] for table in plan.tables.every_table()}
    return ExportResult(path=destination, format=format, rows=written, metadata=plan.metadata)


def _with_credit_names(
    plan: ExportPlan, rows: Iterable[tuple[Table, dict[str, Any]]]
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Each observation row with the name its observer chose to be credited by (Darwin Core's
    recordedBy). One look-up per observer, kept for the export: a project has far fewer
    observers than observations."""
    names: dict[int, str | None] = {}
    for table, cells in rows:
        observer_id = cells.get(OBSERVER_ID_CELL)
        if not table.path and observer_id is not None:
            if observer_id not in names:
                names[observer_id] = export_credit_name(plan, observer_id)
            cells[darwin_core.RECORDED_BY_CELL] = names[observer_id]
        yield table, cells
