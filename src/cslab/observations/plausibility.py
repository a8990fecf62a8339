"""Plausibility warnings for a new observation (pure: plain values in, warnings out).

A warning does not refuse anything: it is stored with the observation and puts it higher in the
moderation queue. The checks:

* ``outside_area``: the point is outside the project's area (its GeoJSON polygons, or its
  bounding box when the area has no polygons);
* ``in_future``: the observation time (or a date answer) is after now (ten minutes of clock
  difference allowed);
* ``before_project``: it is before the day the project started;
* ``numeric_outlier``: a number is far from what the form received so far, judged with a robust
  modified z-score (median and median absolute deviation; Iglewicz & Hoaglin, |z| > 3.5), and
  only once there are at least :data:`MIN_VALUES_FOR_OUTLIERS` earlier values.

Messages are in English msgids marked for translation when shown; the code is what programs
use. No message contains a coordinate.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.utils.translation import gettext as _

MIN_VALUES_FOR_OUTLIERS: Final = 10
OUTLIER_THRESHOLD: Final = 3.5
# 0.6745 is the 0.75 quantile of the standard normal: it scales the MAD to a standard deviation.
_MAD_SCALE: Final = 0.6745
# The mean absolute deviation times sqrt(pi/2) estimates a standard deviation when the MAD is 0.
_MEAN_AD_SCALE: Final = 1.2533
CLOCK_SKEW: Final = timedelta(minutes=10)


@dataclass(frozen=True)
class PlausibilityWarning:
    code: str
    message: str
    question: str | None = None

    def as_dict(self) -> dict[str, str]:
        found = {"code": self.code, "message": self.message}
        if self.question is not None:
            found["question"] = self.question
        return found


# --------------------------------------------------------------------------- area


def _polygons(geometry: Any) -> Iterator[list[list[list[float]]]]:
    """Every polygon (a list of rings of [lon, lat] positions) in a GeoJSON object."""
    if not isinstance(geometry, dict):
        return
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        for feature in geometry.get("features") or []:
            yield from _polygons(feature)
    elif kind == "Feature":
        yield from _polygons(geometry.get("geometry"))
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            yield from _polygons(part)
    elif kind == "Polygon":
        yield geometry.get("coordinates") or []
    elif kind == "MultiPolygon":
        yield from geometry.get("coordinates") or []


def _in_ring(longitude: float, latitude: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting: is the point inside the closed ring (points on an edge may go either way)?"""
    inside = False
    count = len(ring)
    for index in range(count):
        x1, y1 = float(ring[index][0]), float(ring[index][1])
        x2, y2 = float(ring[index - 1][0]), float(ring[index - 1][1])
        if (y1 > latitude) != (y2 > latitude):
            crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < crossing:
                inside = not inside
    return inside


def in_area(
    latitude: float,
    longitude: float,
    *,
    area: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> bool | None:
    """True or False when the project has an area to test against, None when it has none.

    ``area`` is GeoJSON (polygons count; points do not make an area); ``bbox`` is (west,
    south, east, north), used when the area has no polygons.
    """
    polygons = list(_polygons(area))
    if polygons:
        for rings in polygons:
            inside_outer = bool(rings) and _in_ring(longitude, latitude, rings[0])
            if inside_outer and not any(_in_ring(longitude, latitude, h) for h in rings[1:]):
                return True
        return False
    if bbox is not None and None not in bbox:
        west, south, east, north = bbox
        if west == east or south == north:  # a point, not an area
            return None
        in_longitude = west <= longitude <= east if west <= east else not east < longitude < west
        return south <= latitude <= north and in_longitude
    return None


# --------------------------------------------------------------------------- time


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def time_warnings(
    moments: Iterable[tuple[str | None, date | datetime]],
    *,
    now: datetime,
    project_start: date | None,
) -> list[PlausibilityWarning]:
    """Warnings for (question or None for the observation time, moment) pairs."""
    found: list[PlausibilityWarning] = []
    for question, moment in moments:
        if isinstance(moment, datetime):
            late = moment.tzinfo is not None and moment > now + CLOCK_SKEW
        else:
            late = moment > (now + CLOCK_SKEW).date()
        if late:
            found.append(
                PlausibilityWarning(
                    "in_future",
                    _("The date is in the future.")
                    if question
                    else _("The observation time is in the future."),
                    question,
                )
            )
        elif project_start is not None and _day(moment) < project_start:
            found.append(
                PlausibilityWarning(
                    "before_project",
                    _("The date is before the project started.")
                    if question
                    else _("The observation was made before the project started."),
                    question,
                )
            )
    return found


# --------------------------------------------------------------------------- numbers


def robust_z_score(value: float, history: Sequence[float]) -> float | None:
    """The modified z-score of the value against the history, or None when it cannot say."""
    values = [number for number in history if math.isfinite(number)]
    if len(values) < MIN_VALUES_FOR_OUTLIERS or not math.isfinite(value):
        return None
    median = statistics.median(values)
    deviations = [abs(number - median) for number in values]
    mad = statistics.median(deviations)
    if mad > 0:
        return _MAD_SCALE * (value - median) / mad
    mean_deviation = statistics.fmean(deviations)
    if mean_deviation > 0:
        return (value - median) / (_MEAN_AD_SCALE * mean_deviation)
    return None  # every earlier value is the same: nothing to judge the spread by


def numeric_outlier_warnings(
    numbers: dict[str, float], history: Mapping[str, Sequence[float]]
) -> list[PlausibilityWarning]:
    """Warnings for the numbers (by question) that are outliers against their history."""
    found: list[PlausibilityWarning] = []
    for question, value in sorted(numbers.items()):
        score = robust_z_score(value, history.get(question, ()))
        if score is not None and abs(score) > OUTLIER_THRESHOLD:
            found.append(
                PlausibilityWarning(
                    "numeric_outlier",
                    _("%(value)s is unusually %(direction)s for this question so far.")
                    % {"value": f"{value:g}", "direction": _("high") if score > 0 else _("low")},
                    question,
                )
            )
    return found


def as_number(value: Any) -> float | None:
    """The answer as a finite float, or None (booleans and non-numbers are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- together


def plausibility_warnings(
    *,
    latitude: float | None,
    longitude: float | None,
    area: Any,
    bbox: tuple[float, float, float, float] | None,
    moments: Iterable[tuple[str | None, date | datetime]],
    now: datetime,
    project_start: date | None,
    numbers: dict[str, float],
    history: Mapping[str, Sequence[float]],
) -> list[dict[str, str]]:
    """All warnings of one observation, as the dicts stored in `Observation.warnings`."""
    found: list[PlausibilityWarning] = []
    located = latitude is not None and longitude is not None
    if located and in_area(latitude, longitude, area=area, bbox=bbox) is False:  # type: ignore[arg-type]
        found.append(
            PlausibilityWarning("outside_area", _("The location is outside the project area."))
        )
    found += time_warnings(moments, now=now, project_start=project_start)
    found += numeric_outlier_warnings(numbers, history)
    return [warning.as_dict() for warning in found]
