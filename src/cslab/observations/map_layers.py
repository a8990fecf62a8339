"""The project map's data: H3 hexagons with counts at low zoom, single points when zoomed in.

Aggregation happens in the database: one ``GROUP BY`` on a stored H3 column, restricted to the
project and (when the view is small enough) to the cells covering the view, which the indexes
``(project, public_h3_resN)`` answer without reading rows one by one. Only the cells that come
back are turned into hexagon outlines, with the ``h3`` package, in Python.

What a viewer sees follows geoprivacy:

* Anyone who may not see true locations gets the *public* columns only (``public_h3_resN``,
  ``public_latitude``/``public_longitude``): an obscured observation is counted in the cell of
  its public point and drawn there, never at its true place.
* Project members whose role allows it (and Lab staff) get the true columns.
* Private observations have no public location and are never on the map, for anyone: the map
  is a place to look around, and a private location is looked at on its observation's page.

Speed. Counting a million observations takes a second or more even from an index, so a view
without filters reads its counts from the counts per cell that the services keep in the same
transaction as every change (:mod:`cslab.observations.map_counts`): the public location's for
viewers who see public points, the true location's for those who see true ones, the statuses
everyone sees plus, for the team, the rest. Such a view takes the same time at a thousand
observations as at a million, at every resolution (restricted to the cells covering the view),
and shows a submission, a moderation or a geoprivacy change at once. A signed-in viewer outside
the team also sees their own observations of other statuses: those few are counted live and
added. Views with filters, and embargoed views (an outsider sees only their own observations),
count the rows live: the finest resolution cell by cell, the coarser ones for the whole
project, kept in the cache for :data:`CACHE_SECONDS` (the cache key holds the project's newest
observation, so a new submission shows at once; a moderation shows within the minute). Points
are always read live, restricted to the cells covering the view.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, Final, Literal

import h3  # type: ignore[import-untyped,unused-ignore]
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.observations import geoprivacy, map_counts, selectors
from cslab.observations.filters import ObservationFilters
from cslab.observations.models import MapCellCount, Observation
from cslab.projects.models import Project

__all__ = [
    "MAX_POINTS",
    "POINTS_FROM_ZOOM",
    "Bbox",
    "MapLayer",
    "hexagon_feature",
    "map_layer_geojson",
    "observation_map_layer",
    "resolution_for_zoom",
]

Bbox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees; ``west > east`` crosses the antimeridian."""

WORLD: Final[Bbox] = (-180.0, -90.0, 180.0, 90.0)

POINTS_FROM_ZOOM: Final = 13
"""From this web-map zoom level on (a few streets wide), single observations are drawn."""

FEW_POINTS_FROM_ZOOM: Final = 8
"""From this zoom on, a view holding at most :data:`FEW_POINTS` observations shows them singly."""

FEW_POINTS: Final = 50

MAX_POINTS: Final = 1_000
"""More points than this in view are drawn as the finest hexagons instead."""

MAX_FILTER_CELLS: Final = 3_000

CELL_BY_CELL_FROM_RESOLUTION: Final = 7
"""From this H3 resolution on, a view is counted cell by cell, not from whole-project counts."""
"""Most H3 cells the view may be covered with; a larger view uses a coarser resolution."""

CACHE_SECONDS: Final = 60
"""How long whole-project counts per cell of a filtered view are reused (coarse resolutions)."""

CACHED_RESOLUTIONS: Final = frozenset({3, 5, 7})

# Web-map zoom level → H3 resolution: about 10 to 40 hexagons across the screen.
_RESOLUTION_BY_ZOOM: Final[tuple[tuple[int, int], ...]] = ((4, 3), (7, 5), (11, 7))
_FINEST_RESOLUTION: Final = max(geoprivacy.INDEX_RESOLUTIONS)


@dataclass(frozen=True)
class _Columns:
    """Where one kind of location is stored."""

    latitude: str
    longitude: str
    cell_prefix: str

    def cell(self, resolution: int) -> str:
        return f"{self.cell_prefix}{resolution}"


PUBLIC_COLUMNS: Final = _Columns("public_latitude", "public_longitude", "public_h3_res")
TRUE_COLUMNS: Final = _Columns("latitude", "longitude", "h3_res")


@dataclass(frozen=True)
class MapPoint:
    observation_id: int
    latitude: float
    longitude: float
    status: str
    obscured: bool


@dataclass(frozen=True)
class MapLayer:
    """What the map shows for one view: hexagons with counts, or points."""

    mode: Literal["hexagons", "points"]
    resolution: int | None
    true_locations: bool
    hexagons: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    points: list[MapPoint] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        if self.mode == "points":
            return len(self.points)
        return sum(count for _cell, count in self.hexagons)


def resolution_for_zoom(zoom: int) -> int:
    """The H3 resolution of :data:`geoprivacy.INDEX_RESOLUTIONS` drawn at a web-map zoom."""
    for highest_zoom, resolution in _RESOLUTION_BY_ZOOM:
        if zoom <= highest_zoom:
            return resolution
    return _FINEST_RESOLUTION


# Any here: `_cache_key` reads the viewer as a person after an `is_authenticated`
# check that mypy cannot follow; typing it needs that body narrowed.
def observation_map_layer(
    *,
    user: Any,
    project: Project,
    zoom: int,
    bbox: Bbox | None = None,
    filters: ObservationFilters | None = None,
) -> MapLayer:
    """Return the map layer of the observations the viewer may see in the view.

    Raises NotFoundError when the viewer may not see the project's observations. ``filters``
    narrow the observations as on the table; their own ``bbox`` is ignored in favour of
    ``bbox`` (the map's view), which is applied to the columns the viewer may see.
    """
    if filters is not None and filters.bbox is not None:
        filters = dataclasses.replace(filters, bbox=None)
    visible = selectors.observation_list_visible(user=user, project=project, filters=filters)
    true_locations = selectors.sees_true_locations_of_project(user, project)
    columns = TRUE_COLUMNS if true_locations else PUBLIC_COLUMNS
    mappable = _mappable(visible, columns)
    view = bbox or WORLD
    if (filters is None or filters.is_empty()) and not selectors.embargo_hides_observations(
        user, project
    ):
        source = _table_source(user, project, mappable, columns, true_locations)
    else:
        source = _CountSource(
            mappable, columns, true_locations, _cache_key(user, project, filters, true_locations)
        )
    if zoom >= POINTS_FROM_ZOOM:
        points = _points(mappable, columns, view, limit=MAX_POINTS)
        if points is not None:
            return MapLayer("points", None, true_locations, points=points)
        return _hexagon_layer(source, view, _FINEST_RESOLUTION)
    layer = _hexagon_layer(source, view, resolution_for_zoom(zoom))
    if zoom >= FEW_POINTS_FROM_ZOOM and layer.total <= FEW_POINTS:
        points = _points(mappable, columns, view, limit=FEW_POINTS)
        if points is not None:
            return MapLayer("points", None, true_locations, points=points)
    return layer


@dataclass(frozen=True)
class _CountSource:
    """Where hexagon counts come from: the rows, which columns, and the cache key prefix; or,
    with ``audiences``, the kept counts of those audiences plus the live ``own_hidden`` rows."""

    mappable: QuerySet[Observation]
    columns: _Columns
    true_locations: bool
    cache_key: str
    project_id: int | None = None
    audiences: frozenset[str] | None = None
    own_hidden: QuerySet[Observation] | None = None


def _table_source(
    user: Any,
    project: Project,
    mappable: QuerySet[Observation],
    columns: _Columns,
    true_locations: bool,
) -> _CountSource:
    """Counts from the kept counts: every status for the team, the statuses everyone sees for
    the others, plus a signed-in outsider's own observations of the other statuses, live."""
    own_hidden = None
    if permissions.has_permission(user, "observation.view_all", project):
        audiences = frozenset(MapCellCount.Audience.values)
    else:
        audiences = frozenset({MapCellCount.Audience.EVERYONE.value})
        if user.is_authenticated:
            own_hidden = mappable.filter(observer_id=user.pk).exclude(
                status__in=selectors.PUBLIC_STATUSES
            )
    return _CountSource(
        mappable,
        columns,
        true_locations,
        cache_key="",
        project_id=project.pk,
        audiences=audiences,
        own_hidden=own_hidden,
    )


def _cache_key(
    user: User, project: Project, filters: ObservationFilters | None, true_locations: bool
) -> str:
    """A key for what this viewer sees of the project now (equal for viewers who see alike)."""
    sees_all = permissions.has_permission(user, "observation.view_all", project)
    # A signed-in person outside the team also sees their own observations of every status.
    # Under an embargo an outsider sees only their own observations.
    embargoed = selectors.embargo_hides_observations(user, project)
    personal = (
        bool(filters is not None and filters.mine)
        or embargoed
        or (
            user.is_authenticated
            and not sees_all
            and Observation.objects.filter(project=project, observer_id=user.pk)
            .exclude(status__in=selectors.PUBLIC_STATUSES)
            .exists()
        )
    )
    newest = (
        Observation.objects.filter(project=project)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    parts = (
        project.pk,
        newest,
        true_locations,
        sees_all,
        user.pk if personal else None,
        repr(filters),
    )
    return "collection-map:v1:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _mappable(visible: QuerySet[Observation], columns: _Columns) -> QuerySet[Observation]:
    """Observations that have a location of this kind, private ones left out for everyone."""
    return (
        visible.exclude(geoprivacy=Observation.Geoprivacy.PRIVATE)
        .filter(**{f"{columns.latitude}__isnull": False})
        .order_by()
    )


def _covering_cells(view: Bbox, resolution: int) -> tuple[int, set[str] | None]:
    """The resolution to draw and the cells covering the view (None: the view is too large).

    A view needing more than :data:`MAX_FILTER_CELLS` cells is drawn at a coarser resolution;
    at the coarsest one it is not filtered at all (it is most of the world anyway).
    """
    while True:
        try:
            return resolution, geoprivacy.cells_covering_bbox(
                *view, resolution, max_cells=MAX_FILTER_CELLS
            )
        except geoprivacy.TooManyCellsError as error:
            if error.coarser_resolution is None:
                return resolution, None
            resolution = error.coarser_resolution


def _hexagon_layer(source: _CountSource, view: Bbox, resolution: int) -> MapLayer:
    resolution, cells = _covering_cells(view, resolution)
    if source.audiences is not None:
        hexagons = _kept_counts(source, resolution, cells)
        return MapLayer("hexagons", resolution, source.true_locations, hexagons=hexagons)
    if cells is not None and resolution >= CELL_BY_CELL_FROM_RESOLUTION:
        # A province, a city, a district: counting just the cells in view through the index is
        # quicker than counting the whole project, even from a cold cache. (For the country
        # scale, where the view holds nearly every observation, one scan of the whole index is.)
        return MapLayer(
            "hexagons",
            resolution,
            source.true_locations,
            hexagons=_count(source, resolution, cells),
        )
    if resolution in CACHED_RESOLUTIONS:
        counts = _project_counts(source, resolution)
        hexagons = [(cell, count) for cell, count in counts if cells is None or cell in cells]
    else:
        hexagons = _count(source, resolution, cells)
    return MapLayer("hexagons", resolution, source.true_locations, hexagons=hexagons)


def _project_counts(source: _CountSource, resolution: int) -> list[tuple[str, int]]:
    """Counts per cell of the whole project at a coarse resolution, from the cache if fresh."""
    key = f"{source.cache_key}:{resolution}"
    cached: list[tuple[str, int]] | None = cache.get(key)
    if cached is None:
        cached = _count(source, resolution, None)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _kept_counts(
    source: _CountSource, resolution: int, cells: set[str] | None
) -> list[tuple[str, int]]:
    """The kept counts per cell, with the viewer's own hidden observations counted live."""
    assert source.project_id is not None and source.audiences is not None  # noqa: S101
    counts = map_counts.cell_counts(
        project_id=source.project_id,
        true_locations=source.true_locations,
        audiences=source.audiences,
        resolution=resolution,
        cells=cells,
    )
    if source.own_hidden is None:
        return counts
    own = _count_rows(source.own_hidden, source.columns, resolution, cells)
    if not own:
        return counts
    merged: dict[str, int] = dict(counts)
    for cell, count in own:
        merged[cell] = merged.get(cell, 0) + count
    return sorted(merged.items())


def _count(source: _CountSource, resolution: int, cells: set[str] | None) -> list[tuple[str, int]]:
    return _count_rows(source.mappable, source.columns, resolution, cells)


def _count_rows(
    mappable: QuerySet[Observation], columns: _Columns, resolution: int, cells: set[str] | None
) -> list[tuple[str, int]]:
    """One GROUP BY on the stored cell column, restricted to ``cells`` when given."""
    column = columns.cell(resolution)
    rows = mappable.exclude(**{column: ""})
    if cells is not None:
        rows = rows.filter(**{f"{column}__in": sorted(cells)})
    counted = rows.values_list(column).annotate(count=Count("*")).order_by(column)
    return [(str(cell), int(count)) for cell, count in counted]


def _points(
    mappable: QuerySet[Observation], columns: _Columns, view: Bbox, *, limit: int
) -> list[MapPoint] | None:
    """The points in the view, newest first; None when there are more than ``limit``."""
    west, south, east, north = view
    in_view = Q(**{f"{columns.latitude}__gte": south, f"{columns.latitude}__lte": north})
    if west <= east:
        in_view &= Q(**{f"{columns.longitude}__gte": west, f"{columns.longitude}__lte": east})
    else:  # across the antimeridian
        in_view &= Q(**{f"{columns.longitude}__gte": west}) | Q(
            **{f"{columns.longitude}__lte": east}
        )
    rows = mappable.filter(in_view)
    # An indexed pre-filter on the cells around the view, when the view is small enough.
    resolution, cells = _covering_cells(view, _FINEST_RESOLUTION)
    if cells is not None:
        rows = rows.filter(**{f"{columns.cell(resolution)}__in": sorted(cells)})
    found = list(
        rows.order_by("-id").values_list(
            "id",
            columns.latitude,
            columns.longitude,
            "status",
            "geoprivacy",
            "geoprivacy_forced",
        )[: limit + 1]
    )
    if len(found) > limit:
        return None
    return [
        MapPoint(
            observation_id=observation_id,
            latitude=latitude,
            longitude=longitude,
            status=status,
            obscured=level != Observation.Geoprivacy.OPEN or forced,
        )
        for observation_id, latitude, longitude, status, level, forced in found
    ]


# --------------------------------------------------------------------------- GeoJSON


def hexagon_feature(cell: str, count: int) -> dict[str, Any]:
    """A GeoJSON Polygon feature of one H3 cell with its observation count."""
    boundary = [(float(lng), float(lat)) for lat, lng in h3.cell_to_boundary(cell)]
    longitudes = [lng for lng, _lat in boundary]
    if max(longitudes) - min(longitudes) > 180:  # the cell crosses the antimeridian
        boundary = [(lng + 360 if lng < 0 else lng, lat) for lng, lat in boundary]
    ring = [[lng, lat] for lng, lat in boundary]
    ring.append(ring[0])
    return {
        "type": "Feature",
        "id": cell,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"cell": cell, "count": count, "resolution": h3.get_resolution(cell)},
    }


def _point_feature(point: MapPoint, url: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": point.observation_id,
        "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
        "properties": {
            "id": point.observation_id,
            "url": url,
            "status": point.status,
            "obscured": point.obscured,
        },
    }


def map_layer_geojson(layer: MapLayer, *, project: Project) -> dict[str, Any]:
    """The layer as a GeoJSON FeatureCollection, with what it is in ``properties``."""
    if layer.mode == "points":
        features = [
            _point_feature(
                point,
                reverse(
                    "observation_detail",
                    kwargs={"slug": project.slug, "observation_id": point.observation_id},
                ),
            )
            for point in layer.points
        ]
    else:
        features = [hexagon_feature(cell, count) for cell, count in layer.hexagons]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "mode": layer.mode,
            "resolution": layer.resolution,
            "total": layer.total,
            "true_locations": layer.true_locations,
        },
    }
