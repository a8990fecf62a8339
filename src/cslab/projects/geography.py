"""Project areas as GeoJSON: validation and the bounding box and centre used for indexing.

Pure: no ORM. Accepts a GeoJSON geometry, Feature or FeatureCollection of (Multi)Polygons and
Points, in WGS84 longitude/latitude order as RFC 7946 requires.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ALLOWED_TYPES = {"Point", "MultiPoint", "Polygon", "MultiPolygon"}


class GeographyError(ValueError):
    """The GeoJSON is not an area cslab can use; the message says why, in words."""


@dataclass(frozen=True)
class Extent:
    west: float
    south: float
    east: float
    north: float

    @property
    def centre(self) -> tuple[float, float]:
        """Return (latitude, longitude) of the box's centre."""
        return (self.south + self.north) / 2, (self.west + self.east) / 2


def normalise_geometry(document: Any) -> dict[str, Any]:
    """Return one geometry (a GeometryCollection when there are several) or raise GeographyError."""
    if not isinstance(document, dict) or "type" not in document:
        raise GeographyError("The area is not GeoJSON: it needs a 'type'.")
    kind = document["type"]
    if kind == "FeatureCollection":
        geometries = [normalise_geometry(feature) for feature in document.get("features") or []]
        if not geometries:
            raise GeographyError("The FeatureCollection has no features.")
        if len(geometries) == 1:
            return geometries[0]
        return {"type": "GeometryCollection", "geometries": geometries}
    if kind == "Feature":
        return normalise_geometry(document.get("geometry"))
    if kind == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [normalise_geometry(g) for g in document.get("geometries") or []],
        }
    if kind not in ALLOWED_TYPES:
        raise GeographyError(f"Areas can be points or polygons, not {kind}.")
    coordinates = document.get("coordinates")
    if coordinates is None:
        raise GeographyError(f"The {kind} has no coordinates.")
    geometry = {"type": kind, "coordinates": coordinates}
    for longitude, latitude in _positions(geometry):
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            raise GeographyError(
                f"The position ({longitude}, {latitude}) is outside the world: GeoJSON gives "
                "longitude first, then latitude."
            )
    if kind in ("Polygon", "MultiPolygon"):
        rings = coordinates if kind == "Polygon" else [r for p in coordinates for r in p]
        for ring in rings:
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise GeographyError("Each polygon ring needs at least 4 positions and must close.")
    return geometry


def extent_of(geometry: dict[str, Any]) -> Extent:
    positions = list(_positions(geometry))
    if not positions:
        raise GeographyError("The area has no positions.")
    longitudes = [p[0] for p in positions]
    latitudes = [p[1] for p in positions]
    return Extent(min(longitudes), min(latitudes), max(longitudes), max(latitudes))


def _positions(geometry: dict[str, Any]) -> Iterator[tuple[float, float]]:
    if geometry["type"] == "GeometryCollection":
        for part in geometry["geometries"]:
            yield from _positions(part)
        return
    yield from _walk(geometry["coordinates"])


def _walk(value: Any) -> Iterator[tuple[float, float]]:
    if (
        isinstance(value, list | tuple)
        and len(value) >= 2
        and all(isinstance(number, int | float) for number in value[:2])
    ):
        yield float(value[0]), float(value[1])
        return
    if not isinstance(value, list | tuple):
        raise GeographyError("Coordinates must be nested lists of numbers.")
    for item in value:
        yield from _walk(item)
