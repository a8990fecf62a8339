"""Observation counts per map cell, kept in the same transaction as every change to observations.

The map of a project shows hexagons with the number of observations in each. Counting them
from the observations takes time in proportion to their number (a second at a million), so
the services keep :class:`~cslab.observations.models.MapCellCount` rows instead: for each
project, H3 cell at each of :data:`RESOLUTIONS`, location kind (public or true point) and
audience (statuses everyone sees, or only the team), how many *current* observations are
there. An observation counts when it is the latest version (no edit replaced it), is not
private and has a location of that kind; this is exactly what the live map counts.

Writers call, inside their transaction:

* :func:`observations_added` right after inserting observations (an edit also takes the
  version it replaces off the map);
* :func:`observations_changing` around any other change (status, geoprivacy, location,
  deletion) of some observations: it reads their counted facts before and after the block
  and writes the difference;
* :class:`CountChange` directly when they already hold each row before and after (a loop
  over a whole project);
* :func:`counts_rebuild` to recount a project (or all) from the rows, for repairs
  (`cslab map_counts_rebuild`).

Each write is one ``INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count``
statement (SQLite ≥ 3.24 and PostgreSQL), with its rows in sorted order so that two
transactions lock the rows they share in the same order and cannot deadlock. A cell is spread
over :data:`SLOTS` rows (by observation id) so that concurrent submissions, which all add to
their project's few coarse cells, seldom wait for each other. Rows that reach zero stay;
readers leave out cells whose sum is zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import QuerySet, Sum

from cslab.observations.geoprivacy import INDEX_RESOLUTIONS
from cslab.observations.models import MapCellCount, Observation

__all__ = [
    "RESOLUTIONS",
    "SLOTS",
    "CountChange",
    "cell_counts",
    "counts_rebuild",
    "observation_status_changed",
    "observations_added",
    "observations_changing",
]

RESOLUTIONS: Final = INDEX_RESOLUTIONS
SLOTS: Final = 8
"""Rows each cell is spread over, so that concurrent submissions rarely wait on one row."""

# The statuses everyone who may see the project sees (cslab.observations.selectors.PUBLIC_STATUSES).
_EVERYONE_STATUSES: Final = frozenset(
    {Observation.Status.PENDING, Observation.Status.ACCEPTED, Observation.Status.FLAGGED}
)
# (project id, location, audience, resolution, cell, slot)
Key = tuple[int, str, str, int, str, int]
# The columns that decide where an observation is counted.
FACT_FIELDS: Final = (
    "id",
    "project_id",
    "status",
    "geoprivacy",
    "latitude",
    "public_latitude",
    "deprecates_id",
    *[f"h3_res{resolution}" for resolution in RESOLUTIONS],
    *[f"public_h3_res{resolution}" for resolution in RESOLUTIONS],
)
_LOCATIONS: Final = (
    (MapCellCount.Location.TRUE, "latitude", "h3_res"),
    (MapCellCount.Location.PUBLIC, "public_latitude", "public_h3_res"),
)
_TABLE: Final = MapCellCount._meta.db_table
_OBSERVATIONS: Final = Observation._meta.db_table
_KEY_COLUMNS: Final = "project_id, location, resolution, cell, audience, slot"
_BATCH: Final = 200  # rows per statement: 1,400 parameters, far below SQLite's limit
_IN_BATCH: Final = 500


def audience_of(status: str) -> str:
    if status in _EVERYONE_STATUSES:
        return MapCellCount.Audience.EVERYONE.value
    return MapCellCount.Audience.TEAM.value


def counted_keys(observation: Observation, *, status: str | None = None) -> list[Key]:
    """The count rows a *current* observation adds one to (none when private or unlocated),
    with ``status`` instead of its own when given."""
    if observation.geoprivacy == Observation.Geoprivacy.PRIVATE:
        return []
    audience = audience_of(observation.status if status is None else status)
    slot = observation.pk % SLOTS
    keys: list[Key] = []
    for location, latitude, prefix in _LOCATIONS:
        if getattr(observation, latitude) is None:
            continue
        for resolution in RESOLUTIONS:
            cell = getattr(observation, f"{prefix}{resolution}")
            if cell:
                keys.append(
                    (observation.project_id, location.value, audience, resolution, cell, slot)
                )
    return keys


class CountChange:
    """Additions and removals gathered in memory, written by :meth:`save` in one statement per
    :data:`_BATCH` rows."""

    def __init__(self) -> None:
        self._delta: Counter[Key] = Counter()

    def add(self, observation: Observation, *, status: str | None = None) -> None:
        """Count a current observation (as if of ``status`` when given)."""
        for key in counted_keys(observation, status=status):
            self._delta[key] += 1

    def remove(self, observation: Observation, *, status: str | None = None) -> None:
        """Stop counting an observation that was current (as if of ``status`` when given)."""
        for key in counted_keys(observation, status=status):
            self._delta[key] -= 1

    def save(self) -> None:
        rows = sorted((key, count) for key, count in self._delta.items() if count)
        self._delta.clear()
        for start in range(0, len(rows), _BATCH):
            _upsert(rows[start : start + _BATCH])


def _upsert(rows: Sequence[tuple[Key, int]]) -> None:
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    parameters: list[Any] = []
    for (project_id, location, audience, resolution, cell, slot), count in rows:
        parameters += [project_id, location, resolution, cell, audience, slot, count]
    sql = (
        f"INSERT INTO {_TABLE} ({_KEY_COLUMNS}, count) VALUES {placeholders} "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
        f"ON CONFLICT ({_KEY_COLUMNS}) DO UPDATE SET count = {_TABLE}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)


def observations_added(observations: Sequence[Observation]) -> None:
    """Count observations just inserted, in the inserting transaction.

    Call it before anything changes the versions they edit: an edit takes the version it
    replaces off the map (when that version was current until now), counted as it is stored.
    """
    change = CountChange()
    for observation in observations:
        change.add(observation)
    new_ids = [observation.pk for observation in observations]
    edited = {o.deprecates_id for o in observations if o.deprecates_id is not None}
    if edited:
        replaced_before = set(
            Observation.objects.filter(deprecates_id__in=edited)
            .exclude(pk__in=new_ids)
            .values_list("deprecates_id", flat=True)
        )
        for earlier in Observation.objects.filter(pk__in=edited - replaced_before).only(
            *FACT_FIELDS
        ):
            change.remove(earlier)
    change.save()


def observation_status_changed(observation: Observation, *, previous: str) -> None:
    """Move a (locked) observation that now holds its new status from the audience of its
    ``previous`` status to its new one: nothing to do between statuses everyone sees, and
    nothing for a version an edit replaced (it is not on the map)."""
    if audience_of(previous) == audience_of(observation.status):
        return
    if Observation.objects.filter(deprecates_id=observation.pk).exists():
        return
    change = CountChange()
    change.remove(observation, status=previous)
    change.add(observation)
    change.save()


@contextmanager
def observations_changing(observations: QuerySet[Observation] | Iterable[int]) -> Iterator[None]:
    """Keep the counts right across whatever the block does to these observations (change
    their status, geoprivacy or location, or delete them), in one transaction with it.

    The rows are locked first (PostgreSQL), so a concurrent change of the same observations
    waits and is counted after this one. Deleting an edit makes the version it replaced
    current again: those versions are included.
    """
    if isinstance(observations, QuerySet):
        ids = set(observations.order_by().values_list("pk", flat=True))
    else:
        ids = set(observations)
    if not ids:
        yield
        return
    with transaction.atomic():  # a savepoint in the caller's transaction, if any
        for chunk in _chunks(sorted(ids)):
            ids.update(
                Observation.objects.filter(pk__in=chunk, deprecates__isnull=False).values_list(
                    "deprecates_id", flat=True
                )
            )
        before = _current(ids, lock=True)
        yield
        after = _current(ids, lock=False)
        change = CountChange()
        for observation in before:
            change.remove(observation)
        for observation in after:
            change.add(observation)
        change.save()


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_BATCH):
        yield ids[start : start + _IN_BATCH]


def _current(ids: set[int], *, lock: bool) -> list[Observation]:
    """The observations among ``ids`` that are current (no edit replaced them)."""
    found: list[Observation] = []
    for chunk in _chunks(sorted(ids)):
        rows = Observation.objects.filter(pk__in=chunk).order_by("pk")
        if lock:
            rows = rows.select_for_update()
        found += rows.only(*FACT_FIELDS)
    replaced: set[int] = set()
    for chunk in _chunks(sorted(ids)):
        replaced.update(
            Observation.objects.filter(deprecates_id__in=chunk).values_list(
                "deprecates_id", flat=True
            )
        )
    return [observation for observation in found if observation.pk not in replaced]


# --------------------------------------------------------------------------- reading


def cell_counts(
    *,
    project_id: int,
    true_locations: bool,
    audiences: Iterable[str],
    resolution: int,
    cells: Iterable[str] | None,
) -> list[tuple[str, int]]:
    """(cell, count) of the project at a resolution, by cell, cells holding none left out;
    restricted to ``cells`` when given."""
    location = MapCellCount.Location.TRUE if true_locations else MapCellCount.Location.PUBLIC
    rows = MapCellCount.objects.filter(
        project_id=project_id,
        location=location,
        resolution=resolution,
        audience__in=sorted(audiences),
    )
    if cells is not None:
        rows = rows.filter(cell__in=sorted(cells))
    counted = (
        rows.values_list("cell")
        .annotate(total=Sum("count"))
        .filter(total__gt=0)
        .order_by("cell")
        .values_list("cell", "total")
    )
    return [(str(cell), int(total)) for cell, total in counted]


# --------------------------------------------------------------------------- rebuilding


def rebuild_statements(project_id: int | None) -> list[tuple[str, list[Any]]]:
    """SQL that counts the current observations of one project (or all) into an empty table:
    one ``INSERT … SELECT … GROUP BY`` per location kind and resolution ("%%" is the modulo
    operator, escaped for the driver's parameters)."""
    everyone = ", ".join(f"'{status}'" for status in sorted(_EVERYONE_STATUSES))
    audience = (
        f"CASE WHEN o.status IN ({everyone}) "
        f"THEN '{MapCellCount.Audience.EVERYONE.value}' "
        f"ELSE '{MapCellCount.Audience.TEAM.value}' END"
    )
    statements: list[tuple[str, list[Any]]] = []
    for location, latitude, prefix in _LOCATIONS:
        for resolution in RESOLUTIONS:
            cell = f"o.{prefix}{resolution}"
            scope = "" if project_id is None else "AND o.project_id = %s"
            sql = (
                f"INSERT INTO {_TABLE} ({_KEY_COLUMNS}, count) "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
                f"SELECT o.project_id, %s, %s, {cell}, {audience}, o.id %% {SLOTS}, COUNT(*) "
                f"FROM {_OBSERVATIONS} o "
                f"WHERE o.geoprivacy <> %s AND o.{latitude} IS NOT NULL AND {cell} <> '' {scope} "
                f"AND NOT EXISTS (SELECT 1 FROM {_OBSERVATIONS} e WHERE e.deprecates_id = o.id) "
                f"GROUP BY o.project_id, {cell}, {audience}, o.id %% {SLOTS} "
                # A submission that committed its count row while this ran is counted here.
                f"ON CONFLICT ({_KEY_COLUMNS}) DO UPDATE SET count = excluded.count"
            )
            parameters: list[Any] = [
                location.value,
                resolution,
                Observation.Geoprivacy.PRIVATE.value,
            ]
            if project_id is not None:
                parameters.append(project_id)
            statements.append((sql, parameters))
    return statements


@transaction.atomic
def counts_rebuild(*, project_id: int | None = None) -> int:
    """Recount a project's map cells (every project's when None) from its observations;
    return the number of count rows written. Idempotent.

    Meant for repairs: run it while the project is quiet. (A submission that commits while it
    runs is counted; on PostgreSQL one that commits between its reads can be missed.)"""
    existing = MapCellCount.objects.all()
    if project_id is not None:
        existing = existing.filter(project_id=project_id)
    existing.delete()
    written = 0
    with connection.cursor() as cursor:
        for sql, parameters in rebuild_statements(project_id):
            cursor.execute(sql, parameters)
            written += max(cursor.rowcount, 0)
    return written
