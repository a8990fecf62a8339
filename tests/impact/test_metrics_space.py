"""Spread in space and data quality as pure functions: the area H3 cells cover, the cells of
a project's area (bounded for huge areas), the share of that area with data, and the
consensus confidence bins."""

from __future__ import annotations

import math
from typing import Any

import h3
import pytest

from cslab.impact.metrics import (
    MAX_EXTENT_CELLS,
    area_share,
    cells_area_km2,
    confidence_bins,
    extent_cells,
)

# A rectangle over Amsterdam: (west, south, east, north).
AMSTERDAM = (4.80, 52.33, 4.98, 52.42)


def _rectangle(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def _polygon(box: tuple[float, float, float, float]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [_rectangle(*box)]}


def _inside(cell: str, box: tuple[float, float, float, float]) -> bool:
    latitude, longitude = h3.cell_to_latlng(cell)
    west, south, east, north = box
    return bool(west <= longitude <= east and south <= latitude <= north)


# --- Area of cells ----------------------------------------------------------------------


def test_the_area_of_cells_is_the_sum_of_their_areas_each_counted_once() -> None:
    first = h3.latlng_to_cell(52.37, 4.89, 7)
    second = h3.grid_disk(first, 1)[1]
    expected = h3.cell_area(first, unit="km^2") + h3.cell_area(second, unit="km^2")

    assert cells_area_km2([first, second, first]) == pytest.approx(expected)
    # A resolution-7 cell covers about 5 km².
    assert 4 < cells_area_km2([first]) < 7


def test_no_cells_cover_no_area() -> None:
    assert cells_area_km2([]) == 0


def test_an_invalid_cell_is_rejected() -> None:
    with pytest.raises(ValueError):
        cells_area_km2(["not-a-cell"])


# --- Cells of a project's area ----------------------------------------------------------


def test_the_cells_of_a_polygon_have_their_centres_inside_it() -> None:
    cells = extent_cells(_polygon(AMSTERDAM), None, 7)

    assert cells
    assert {h3.get_resolution(cell) for cell in cells} == {7}
    assert all(_inside(cell, AMSTERDAM) for cell in cells)
    # About 12 km × 10 km: some twenty-odd cells of about 5 km².
    assert 15 <= len(cells) <= 40


def test_a_bounding_box_gives_the_cells_of_the_same_rectangle() -> None:
    assert extent_cells(None, AMSTERDAM, 8) == extent_cells(_polygon(AMSTERDAM), None, 8)


def test_the_geometry_wins_over_the_bounding_box() -> None:
    small = (4.88, 52.36, 4.90, 52.38)

    assert extent_cells(_polygon(small), AMSTERDAM, 9) == extent_cells(_polygon(small), None, 9)


def test_a_hole_in_the_area_has_no_cells() -> None:
    hole = (4.86, 52.36, 4.92, 52.39)
    with_hole = {
        "type": "Polygon",
        "coordinates": [_rectangle(*AMSTERDAM), _rectangle(*hole)[::-1]],
    }

    cells = extent_cells(with_hole, None, 9)

    assert cells
    assert not any(_inside(cell, hole) for cell in cells)
    assert cells < extent_cells(_polygon(AMSTERDAM), None, 9)


def test_a_multipolygon_covers_each_of_its_polygons() -> None:
    west_part = (4.80, 52.33, 4.85, 52.36)
    east_part = (4.93, 52.39, 4.98, 52.42)
    both = {
        "type": "MultiPolygon",
        "coordinates": [[_rectangle(*west_part)], [_rectangle(*east_part)]],
    }

    assert extent_cells(both, None, 9) == (
        extent_cells(_polygon(west_part), None, 9) | extent_cells(_polygon(east_part), None, 9)
    )


def test_points_only_fall_back_to_the_bounding_box() -> None:
    points = {"type": "MultiPoint", "coordinates": [[4.80, 52.33], [4.98, 52.42]]}

    assert extent_cells(points, AMSTERDAM, 7) == extent_cells(None, AMSTERDAM, 7)


def test_the_polygons_of_a_geometry_collection_count() -> None:
    collection = {
        "type": "GeometryCollection",
        "geometries": [{"type": "Point", "coordinates": [5.0, 52.0]}, _polygon(AMSTERDAM)],
    }

    assert extent_cells(collection, None, 7) == extent_cells(_polygon(AMSTERDAM), None, 7)


def test_an_area_smaller_than_a_cell_gets_the_cell_it_lies_in() -> None:
    tiny = (4.8900, 52.3700, 4.8901, 52.3701)

    assert extent_cells(_polygon(tiny), None, 5) == {h3.latlng_to_cell(52.37, 4.89, 5)}


def test_no_area_has_no_cells() -> None:
    assert extent_cells(None, None, 7) == set()


def test_a_box_across_the_antimeridian_covers_both_sides() -> None:
    across = extent_cells(None, (179.0, -17.0, -179.0, -16.0), 6)

    longitudes = [h3.cell_to_latlng(cell)[1] for cell in across]
    assert any(longitude > 179 for longitude in longitudes)
    assert any(longitude < -179 for longitude in longitudes)
    assert all(abs(longitude) > 178.9 for longitude in longitudes)
    # 2° of longitude by 1° of latitude near 16.5° S: about 23,700 km², not the rest of the
    # world's belt the other way round.
    box_km2 = (2 * 111.32 * math.cos(math.radians(16.5))) * 110.6
    assert cells_area_km2(across) == pytest.approx(box_km2, rel=0.1)


def test_a_box_wrapping_most_of_the_world_the_other_way_keeps_its_width() -> None:
    # West of east: 340° of longitude, from 10° E east to 10° W, crossing the antimeridian.
    wrapping = extent_cells(None, (10.0, 0.0, -10.0, 1.0), 4)

    longitudes = [h3.cell_to_latlng(cell)[1] for cell in wrapping]
    assert not any(-9.5 < longitude < 9.5 for longitude in longitudes)
    box_km2 = 340 * 111.32 * 110.6
    assert cells_area_km2(wrapping) == pytest.approx(box_km2, rel=0.1)


def test_a_huge_area_is_given_in_coarser_cells_not_enumerated() -> None:
    # Most of the world at resolution 7 would be some 80 million cells.
    cells = extent_cells(None, (-180.0, -70.0, 180.0, 70.0), 7)

    resolutions = {h3.get_resolution(cell) for cell in cells}
    assert len(resolutions) == 1
    assert resolutions.pop() < 7
    assert len(cells) <= MAX_EXTENT_CELLS


def test_an_area_within_the_bound_keeps_the_resolution_asked_for() -> None:
    # About 80,000 km²: some 110,000 cells at resolution 8, within the bound.
    netherlands = (3.4, 50.8, 7.2, 53.5)

    cells = extent_cells(None, netherlands, 8)

    assert {h3.get_resolution(cell) for cell in cells} == {8}
    assert 50_000 < len(cells) <= MAX_EXTENT_CELLS


@pytest.mark.parametrize(
    ("geometry", "bounding_box", "resolution", "message"),
    [
        ({"type": "LineString", "coordinates": [[4, 52], [5, 53]]}, None, 7, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[4, 52], [5, 53], [4, 52]]]}, None, 7, "4"),
        ({"type": "Polygon", "coordinates": [_rectangle(52, 4, 53, 95)]}, None, 7, "world"),
        ({"type": "Polygon", "coordinates": [[["a", 1]] * 4]}, None, 7, "numbers"),
        (None, (4.0, 53.0, 5.0, 52.0), 7, "south"),
        (None, AMSTERDAM, 16, "resolution"),
        (None, AMSTERDAM, -1, "resolution"),
    ],
)
def test_an_area_that_is_no_area_is_rejected(
    geometry: dict[str, Any] | None,
    bounding_box: tuple[float, float, float, float] | None,
    resolution: int,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        extent_cells(geometry, bounding_box, resolution)


# --- Share of the area with data --------------------------------------------------------


def _small_area() -> list[str]:
    cells = sorted(extent_cells(_polygon(AMSTERDAM), None, 7))
    assert len(cells) >= 4
    return cells


def test_the_share_of_a_small_polygon_with_half_its_cells_holding_data() -> None:
    cells = _small_area()
    half = len(cells) // 2
    outside = h3.latlng_to_cell(48.85, 2.35, 7)  # Paris: not in the area

    share = area_share([*cells[:half], outside], set(cells))

    assert share == pytest.approx(half / len(cells))


def test_finer_data_cells_count_for_the_area_cell_they_lie_in() -> None:
    cells = _small_area()
    data = [child for cell in cells[:3] for child in h3.cell_to_children(cell, 9)]

    assert area_share(data, set(cells)) == pytest.approx(3 / len(cells))


def test_data_cells_count_for_the_coarsened_cells_of_a_huge_area() -> None:
    area = extent_cells(None, (-180.0, -70.0, 180.0, 70.0), 7)
    area_resolution = h3.get_resolution(next(iter(area)))
    amsterdam = h3.latlng_to_cell(52.37, 4.89, 7)
    assert h3.cell_to_parent(amsterdam, area_resolution) in area

    assert area_share([amsterdam], area) == pytest.approx(1 / len(area))


def test_a_coarser_data_cell_covers_the_area_cells_inside_it() -> None:
    cells = _small_area()
    parent = h3.cell_to_parent(cells[0], 6)
    inside = {cell for cell in cells if h3.cell_to_parent(cell, 6) == parent}

    assert area_share([parent], set(cells)) == pytest.approx(len(inside) / len(cells))


def test_an_area_without_data_has_a_share_of_zero() -> None:
    assert area_share([], set(_small_area())) == 0


def test_no_area_has_no_share() -> None:
    assert area_share([h3.latlng_to_cell(52.37, 4.89, 7)], set()) is None


# --- Consensus confidence ---------------------------------------------------------------


def test_confidences_fall_in_ten_equal_bins_with_one_in_the_last() -> None:
    bins = confidence_bins([0.0, 0.05, 0.1, 0.3, 0.7, 0.95, 1.0])

    assert bins == [2, 1, 0, 1, 0, 0, 0, 1, 0, 2]


def test_confidences_fall_in_as_many_bins_as_asked() -> None:
    bins = confidence_bins([0.2, 0.25, 0.5, 0.74, 0.75, 1.0], bins=4)

    assert bins == [1, 1, 2, 2]


def test_a_bin_edge_is_not_lost_to_floating_point() -> None:
    # 0.57 × 100 is 56.99999999999999 in binary floating point.
    bins = confidence_bins([0.57], bins=100)

    assert bins.index(1) == 57


def test_no_confidences_fill_no_bins() -> None:
    assert confidence_bins([]) == [0] * 10


@pytest.mark.parametrize("confidence", [-0.1, 1.01, math.nan])
def test_a_confidence_outside_zero_to_one_is_rejected(confidence: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        confidence_bins([0.5, confidence])


def test_at_least_one_bin_is_needed() -> None:
    with pytest.raises(ValueError, match="one bin"):
        confidence_bins([0.5], bins=0)


def test_a_project_placed_by_one_point_has_no_area_to_share() -> None:
    point = {"type": "Point", "coordinates": [4.497, 52.1601]}
    assert extent_cells(point, (4.497, 52.1601, 4.497, 52.1601), 7) == set()


def test_a_ring_with_all_its_corners_on_one_line_stands_for_its_corners_cells() -> None:
    flat = {
        "type": "Polygon",
        "coordinates": [[[4.49, 52.16], [4.50, 52.16], [4.51, 52.16], [4.49, 52.16]]],
    }
    cells = extent_cells(flat, None, 7)
    assert cells and all(h3.get_resolution(cell) == 7 for cell in cells)
