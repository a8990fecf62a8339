"""Geoprivacy and location indexing for observations (pure functions, no ORM, no settings).

Geoprivacy levels (per observation, with a project default):

* ``open``: the true point is published.
* ``obscured``: a random point inside the fixed grid cell that contains the true point is
  published, with the cell's bounds, and the time is coarsened to the day.
* ``private``: no location is published at all (and the time is coarsened as for obscured).

A sensitive category (a threatened species, an answer of a chosen question) forces *at least*
obscured: open becomes obscured, private stays private.

Why a fixed cell and not a jitter: a jitter is centred on the true point, so the mean of many
jittered publications converges to the true point. The grid here is fixed (cells aligned to
multiples of ``cell_size_degrees`` counted from -180° longitude and -90° latitude, as iNaturalist
does), and the public point depends only on the cell and a per-observation ``seed``, never on
where in the cell the true point lies. The public point is deterministic for a given seed, so
republishing (repeated exports, API pages) always shows the same point and cannot be averaged
either. Pass as ``seed`` a keyed hash such as ``HMAC(server_secret, observation_id)``; never the
bare observation id, which the public can see.

Locations are also indexed with H3 cells at :data:`INDEX_RESOLUTIONS` so that bounding-box
pre-filters and map aggregation are plain indexed equality/``IN`` lookups on any database.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

import h3  # type: ignore[import-untyped,unused-ignore]

from cslab.core.coordinates import (
    require_finite_number,
    validate_accuracy,
    validate_latitude,
    validate_location,
    validate_longitude,
)

__all__ = [
    "DEFAULT_CELL_SIZE_DEGREES",
    "DEFAULT_MAX_BBOX_CELLS",
    "INDEX_RESOLUTIONS",
    "GeoprivacyLevel",
    "GridCell",
    "PublicLocation",
    "TooManyCellsError",
    "cells_covering_bbox",
    "coarsen_time",
    "coarser_index_resolution",
    "effective_level",
    "grid_cell",
    "location_indexes",
    "obscure",
    "public_location",
    "public_time",
    "validate_accuracy",
    "validate_bbox",
    "validate_latitude",
    "validate_location",
    "validate_longitude",
]

DEFAULT_CELL_SIZE_DEGREES: Final = 0.2
"""Edge of an obscuring grid cell in degrees (about 22 km north-south)."""

INDEX_RESOLUTIONS: Final[tuple[int, ...]] = (3, 5, 7, 9)
"""H3 resolutions stored with every location: ~12,000 km², ~250 km², ~5 km², ~0.1 km² cells."""

DEFAULT_MAX_BBOX_CELLS: Final = 5_000
"""Largest number of cells :func:`cells_covering_bbox` returns before asking for a coarser one."""

EARTH_RADIUS_M: Final = 6_371_008.8
"""Mean Earth radius (IUGG), the same one H3 uses."""

# The public point is drawn from the middle 99.8 % of the cell along each axis, so it is never
# on (or rounded onto) a border and always belongs to the same cell as the true point.
_BORDER_MARGIN: Final = 0.001
_PUBLIC_DECIMALS: Final = 6  # ~0.1 m; far below the margin, so rounding never leaves the cell


class GeoprivacyLevel(StrEnum):
    OPEN = "open"
    OBSCURED = "obscured"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of the fixed obscuring grid; ``column``/``row`` count from -180°/-90°.

    A cell is half-open, ``[west, east) x [south, north)``: a point exactly on a border belongs
    to the cell to its east/north. Exception: longitude 180 belongs to the last column and
    latitude 90 to the last row (there is no cell beyond them). Longitude -180 is in the first
    column; -180 and 180 are the same meridian but are deliberately not folded together.
    """

    column: int
    row: int
    west: float
    south: float
    east: float
    north: float

    @property
    def center(self) -> tuple[float, float]:
        """(latitude, longitude) of the cell's centre."""
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    @property
    def half_diagonal_m(self) -> float:
        """Half the great-circle distance between opposite corners, in metres.

        This is the radius of the circle around the cell's centre that covers the whole cell.
        """
        return _distance_m(self.south, self.west, self.north, self.east) / 2

    def contains(self, latitude: float, longitude: float) -> bool:
        """True when the point belongs to this cell (same border rules as :func:`grid_cell`)."""
        return _cell_indexes(latitude, longitude, _step_for(self)) == (self.column, self.row)

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north), the order GeoJSON ``bbox`` uses."""
        return (self.west, self.south, self.east, self.north)


@dataclass(frozen=True, slots=True)
class PublicLocation:
    """What may be shown to people who may not see the true point.

    ``accuracy_m`` is the public positional accuracy in metres (``None`` when unknown). For an
    obscured location it is at least the cell's half-diagonal; ``cell`` is then the obscuring
    cell, for maps that draw it, and ``obscured`` is True.
    """

    latitude: float
    longitude: float
    accuracy_m: float | None
    obscured: bool
    cell: GridCell | None = None


class TooManyCellsError(ValueError):
    """The bounding box needs more H3 cells than allowed at the requested resolution.

    ``coarser_resolution`` is the next coarser resolution of :data:`INDEX_RESOLUTIONS` to try,
    or ``None`` when there is none (then filter on latitude/longitude ranges instead).
    """

    def __init__(self, *, resolution: int, estimated_cells: int, max_cells: int) -> None:
        self.resolution = resolution
        self.estimated_cells = estimated_cells
        self.max_cells = max_cells
        self.coarser_resolution = coarser_index_resolution(resolution)
        advice = (
            f"use resolution {self.coarser_resolution} instead"
            if self.coarser_resolution is not None
            else "filter on latitude and longitude ranges instead"
        )
        super().__init__(
            f"The bounding box needs about {estimated_cells} H3 cells at resolution {resolution}, "
            f"more than the limit of {max_cells}; {advice}."
        )


# --------------------------------------------------------------------------- validation


def validate_bbox(
    west: object, south: object, east: object, north: object
) -> tuple[float, float, float, float]:
    """Validate a (west, south, east, north) box in degrees.

    ``west > east`` is allowed and means the box crosses the antimeridian; ``south > north`` is
    not.
    """
    w, e = validate_longitude(west), validate_longitude(east)
    s, n = validate_latitude(south), validate_latitude(north)
    if s > n:
        raise ValueError(
            f"The southern edge of the box ({s}) must not be north of its northern edge ({n})."
        )
    return (w, s, e, n)


# --------------------------------------------------------------------------- obscuring grid


def _cell_step(cell_size_degrees: float) -> Decimal:
    size = require_finite_number(cell_size_degrees, "cell size")
    step = Decimal(repr(size))
    if step <= 0 or step > 180 or Decimal(180) % step != 0:
        raise ValueError(
            "The cell size must be a positive number of degrees that divides 180 evenly "
            f"(such as 0.1, 0.2 or 0.5); {size} is not."
        )
    return step


def _step_for(cell: GridCell) -> Decimal:
    return Decimal(repr(cell.east)) - Decimal(repr(cell.west))


def _cell_indexes(latitude: float, longitude: float, step: Decimal) -> tuple[int, int]:
    # Decimal(repr(x)) is the shortest decimal that round-trips to x, so a border written as
    # "12.4" in a form, CSV or JSON is treated as exactly 12.4 and not 12.399999999999999.
    columns = int(Decimal(360) / step)
    rows = int(Decimal(180) / step)
    column = int((Decimal(repr(float(longitude))) + 180) // step)
    row = int((Decimal(repr(float(latitude))) + 90) // step)
    return (min(column, columns - 1), min(row, rows - 1))


def grid_cell(
    latitude: float, longitude: float, *, cell_size_degrees: float = DEFAULT_CELL_SIZE_DEGREES
) -> GridCell:
    """The fixed obscuring cell that contains the point (borders: see :class:`GridCell`)."""
    latitude = validate_latitude(latitude)
    longitude = validate_longitude(longitude)
    step = _cell_step(cell_size_degrees)
    column, row = _cell_indexes(latitude, longitude, step)
    return GridCell(
        column=column,
        row=row,
        west=float(-180 + column * step),
        south=float(-90 + row * step),
        east=float(-180 + (column + 1) * step),
        north=float(-90 + (row + 1) * step),
    )


def _unit_fractions(seed: bytes, cell: GridCell, step: Decimal) -> tuple[float, float]:
    """Two numbers in [0, 1) derived from the seed and the cell only (never the true point)."""
    message = f"geoprivacy-cell:v1:{step}:{cell.column}:{cell.row}".encode()
    digest = hmac.new(seed, message, hashlib.sha256).digest()
    scale = float(2**53)
    u = (int.from_bytes(digest[:8], "big") >> 11) / scale
    v = (int.from_bytes(digest[8:16], "big") >> 11) / scale
    return (u, v)


def obscure(
    latitude: float,
    longitude: float,
    *,
    seed: bytes,
    cell_size_degrees: float = DEFAULT_CELL_SIZE_DEGREES,
    accuracy_m: float | None = None,
) -> PublicLocation:
    """Publishable stand-in for a true point: a seeded random point in its fixed grid cell.

    The public point depends only on ``seed`` and the cell, so every true point of one cell
    gives the same public point for one seed, and the same observation is always published at
    the same place. ``accuracy_m`` (the true accuracy, if known) only raises the public accuracy
    above the cell's half-diagonal; it never lowers it.
    """
    if not isinstance(seed, (bytes, bytearray)) or len(seed) == 0:
        raise ValueError("The seed must be non-empty bytes, e.g. an HMAC of the observation id.")
    true_accuracy = validate_accuracy(accuracy_m)
    cell = grid_cell(latitude, longitude, cell_size_degrees=cell_size_degrees)
    step = _cell_step(cell_size_degrees)
    u, v = _unit_fractions(bytes(seed), cell, step)
    span = 1.0 - 2 * _BORDER_MARGIN
    public_latitude = cell.south + (_BORDER_MARGIN + v * span) * (cell.north - cell.south)
    public_longitude = cell.west + (_BORDER_MARGIN + u * span) * (cell.east - cell.west)
    public_accuracy = cell.half_diagonal_m
    if true_accuracy is not None:
        public_accuracy = max(public_accuracy, true_accuracy)
    return PublicLocation(
        latitude=round(public_latitude, _PUBLIC_DECIMALS),
        longitude=round(public_longitude, _PUBLIC_DECIMALS),
        accuracy_m=public_accuracy,
        obscured=True,
        cell=cell,
    )


def effective_level(
    level: GeoprivacyLevel | str, *, forced_obscured: bool = False
) -> GeoprivacyLevel:
    """The level that applies: a sensitive category raises open to obscured; private stays."""
    try:
        chosen = GeoprivacyLevel(level)
    except ValueError:
        choices = ", ".join(item.value for item in GeoprivacyLevel)
        raise ValueError(f"Unknown geoprivacy level {level!r}; choose one of: {choices}.") from None
    if forced_obscured and chosen is GeoprivacyLevel.OPEN:
        return GeoprivacyLevel.OBSCURED
    return chosen


def public_location(
    level: GeoprivacyLevel | str,
    latitude: float,
    longitude: float,
    *,
    seed: bytes,
    forced_obscured: bool = False,
    accuracy_m: float | None = None,
    cell_size_degrees: float = DEFAULT_CELL_SIZE_DEGREES,
) -> PublicLocation | None:
    """The location anyone may see: open → the true point, obscured → :func:`obscure`,
    private → None. ``forced_obscured`` (a sensitive category) makes open behave as obscured.
    """
    applied = effective_level(level, forced_obscured=forced_obscured)
    if applied is GeoprivacyLevel.PRIVATE:
        return None
    if applied is GeoprivacyLevel.OBSCURED:
        return obscure(
            latitude,
            longitude,
            seed=seed,
            cell_size_degrees=cell_size_degrees,
            accuracy_m=accuracy_m,
        )
    lat, lng, accuracy = validate_location(latitude, longitude, accuracy_m)
    return PublicLocation(latitude=lat, longitude=lng, accuracy_m=accuracy, obscured=False)


# --------------------------------------------------------------------------- time


def coarsen_time(moment: datetime) -> date:
    """The calendar day of ``moment`` in its own timezone (naive datetimes are refused).

    An observation made at 00:30 in Amsterdam stays on that day although it is still the
    previous day in UTC: the day is the observer's local day, not the server's.
    """
    if not isinstance(moment, datetime):
        raise ValueError(f"Expected a datetime, not {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            "The observation time has no timezone; give it one before coarsening it to a day."
        )
    return moment.date()


def public_time(
    level: GeoprivacyLevel | str, moment: datetime, *, forced_obscured: bool = False
) -> datetime | date:
    """The time anyone may see: the full datetime when open, otherwise only the day.

    Private coarsens too: it is meant to be at least as protective as obscured.
    """
    applied = effective_level(level, forced_obscured=forced_obscured)
    if applied is GeoprivacyLevel.OPEN:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("The observation time has no timezone.")
        return moment
    return coarsen_time(moment)


# --------------------------------------------------------------------------- H3 indexes


def location_indexes(latitude: float, longitude: float) -> dict[int, str]:
    """H3 cell ids of the point at each of :data:`INDEX_RESOLUTIONS`.

    The finest id is the point's cell; the coarser ones are its *parents* (``cell_to_parent``),
    so the hierarchy is consistent: counts per coarse cell are the sums of their children's.
    H3 parents only approximate geometry: for about 6 % of points the parent differs from
    ``latlng_to_cell`` at that resolution (it is then always a direct neighbour of it), which
    :func:`cells_covering_bbox` allows for. Compute these from the *true* point for internal
    queries; for public map layers of obscured observations compute them from the public point.
    """
    lat = validate_latitude(latitude)
    lng = validate_longitude(longitude)
    finest = max(INDEX_RESOLUTIONS)
    cell: str = h3.latlng_to_cell(lat, lng, finest)
    return {
        res: (cell if res == finest else str(h3.cell_to_parent(cell, res)))
        for res in sorted(INDEX_RESOLUTIONS)
    }


def coarser_index_resolution(resolution: int) -> int | None:
    """The next coarser resolution of :data:`INDEX_RESOLUTIONS`, or None if there is none."""
    return max((res for res in INDEX_RESOLUTIONS if res < resolution), default=None)


def _validate_resolution(resolution: object) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise ValueError("The H3 resolution must be a whole number from 0 to 15.")
    if not 0 <= resolution <= 15:
        raise ValueError(f"The H3 resolution must be from 0 to 15; {resolution} is not.")
    return resolution


def _split_bbox(
    west: float, south: float, east: float, north: float
) -> list[tuple[float, float, float, float]]:
    """Cut the box into antimeridian-free parts at most 90° wide.

    H3 reads a polygon wider than 180° as crossing the antimeridian, so wide boxes are split.
    """
    spans = [(west, 180.0), (-180.0, east)] if west > east else [(west, east)]
    parts: list[tuple[float, float, float, float]] = []
    for start, end in spans:
        pieces = max(1, math.ceil((end - start) / 90.0))
        width = (end - start) / pieces
        for index in range(pieces):
            piece_west = start + index * width
            piece_east = end if index == pieces - 1 else start + (index + 1) * width
            parts.append((piece_west, south, piece_east, north))
    return parts


def _bbox_area_km2(west: float, south: float, east: float, north: float) -> float:
    width_deg = east - west if west <= east else 360.0 - (west - east)
    radius_km = EARTH_RADIUS_M / 1000
    return (
        radius_km**2
        * math.radians(width_deg)
        * abs(math.sin(math.radians(north)) - math.sin(math.radians(south)))
    )


def _cells_overlapping(part: tuple[float, float, float, float], resolution: int) -> set[str]:
    west, south, east, north = part
    shape = h3.LatLngPoly([(south, west), (south, east), (north, east), (north, west)])
    try:
        return set(h3.h3shape_to_cells_experimental(shape, resolution, contain="overlap"))
    except (AttributeError, TypeError):  # pragma: no cover - experimental API changed
        cells = set(h3.h3shape_to_cells(shape, resolution))
        for lat, lng in ((south, west), (south, east), (north, east), (north, west)):
            cells.add(h3.latlng_to_cell(lat, lng, resolution))
        return {near for cell in cells for near in h3.grid_disk(cell, 1)}


def cells_covering_bbox(
    west: float,
    south: float,
    east: float,
    north: float,
    resolution: int,
    *,
    max_cells: int = DEFAULT_MAX_BBOX_CELLS,
) -> set[str]:
    """H3 cells at ``resolution`` to pre-filter the box with: a superset that contains the
    :func:`location_indexes` id of every point inside the box (cells overlapping the box plus
    one ring around them, because a stored coarse id is a parent, not always the geometric
    cell). Use it as an indexed ``IN`` filter, then filter on latitude/longitude for the exact
    box.

    ``west > east`` means the box crosses the antimeridian. Raises :class:`TooManyCellsError`
    (a ValueError) when more than ``max_cells`` cells would be needed; its
    ``coarser_resolution`` says which resolution to try next.
    """
    w, s, e, n = validate_bbox(west, south, east, north)
    res = _validate_resolution(resolution)
    if max_cells < 1:
        raise ValueError("The maximum number of cells must be at least 1.")
    estimate = math.ceil(_bbox_area_km2(w, s, e, n) / h3.average_hexagon_area(res, unit="km^2"))
    # Cheap refusal before asking H3 for millions of cells; the exact count is checked below.
    if estimate > 2 * max_cells:
        raise TooManyCellsError(resolution=res, estimated_cells=estimate, max_cells=max_cells)
    cells: set[str] = set()
    for part in _split_bbox(w, s, e, n):
        cells |= _cells_overlapping(part, res)
        # A degenerate box (a line or a point) has no area; still cover its corners.
        for lat, lng in ((part[1], part[0]), (part[3], part[2])):
            cells.add(h3.latlng_to_cell(lat, lng, res))
    cells = {near for cell in cells for near in h3.grid_disk(cell, 1)}
    if len(cells) > max_cells:
        raise TooManyCellsError(resolution=res, estimated_cells=len(cells), max_cells=max_cells)
    return cells


# --------------------------------------------------------------------------- helpers


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
