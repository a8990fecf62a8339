"""Geoprivacy (fixed-cell obscuring, time coarsening, levels) and H3 location indexes."""

import hashlib
import hmac
import itertools
import math
import random
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import h3
import pytest

from cslab.observations.geoprivacy import (
    INDEX_RESOLUTIONS,
    GeoprivacyLevel,
    GridCell,
    TooManyCellsError,
    cells_covering_bbox,
    coarsen_time,
    coarser_index_resolution,
    effective_level,
    grid_cell,
    location_indexes,
    obscure,
    public_location,
    public_time,
    validate_accuracy,
    validate_bbox,
    validate_latitude,
    validate_location,
    validate_longitude,
)

SECRET = b"test-server-secret"


def seed_for(observation_id: int) -> bytes:
    return hmac.new(SECRET, str(observation_id).encode(), hashlib.sha256).digest()


def make_rng(seed: int) -> random.Random:
    """Reproducible pseudo-random numbers for test data (not for secrets)."""
    return random.Random(seed)  # noqa: S311


def random_point(rng: random.Random) -> tuple[float, float]:
    return (rng.uniform(-90, 90), rng.uniform(-180, 180))


# --------------------------------------------------------------------------- obscure()


@pytest.mark.parametrize("rng_seed", [1, 2, 3])
def test_obscured_point_always_lies_in_the_cell_of_the_true_point(rng_seed: int) -> None:
    rng = make_rng(rng_seed)
    for observation_id in range(500):
        lat, lng = random_point(rng)
        public = obscure(lat, lng, seed=seed_for(observation_id))
        cell = grid_cell(lat, lng)
        assert public.obscured is True
        assert public.cell == cell
        assert cell.contains(lat, lng)
        assert cell.contains(public.latitude, public.longitude)
        assert grid_cell(public.latitude, public.longitude) == cell
        assert cell.south < public.latitude < cell.north
        assert cell.west < public.longitude < cell.east


def test_every_true_point_of_a_cell_gets_the_same_public_point_for_one_seed() -> None:
    rng = make_rng(7)
    seed = seed_for(42)
    published = {
        (p.latitude, p.longitude)
        for p in (
            obscure(rng.uniform(52.2, 52.4), rng.uniform(4.8, 5.0), seed=seed) for _ in range(200)
        )
    }
    assert len(published) == 1


def test_averaging_many_obscured_publications_does_not_reveal_the_true_points() -> None:
    # 2,000 observations, all truly in the south-west corner of the cell [4.8, 5.0) x [52.2, 52.4).
    rng = make_rng(11)
    true_points = [(rng.uniform(52.2, 52.21), rng.uniform(4.8, 4.81)) for _ in range(2000)]
    public = [
        obscure(lat, lng, seed=seed_for(observation_id))
        for observation_id, (lat, lng) in enumerate(true_points)
    ]
    cell = grid_cell(52.205, 4.805)
    assert all(p.cell == cell for p in public)
    true_mean = (
        sum(lat for lat, _ in true_points) / len(true_points),
        sum(lng for _, lng in true_points) / len(true_points),
    )
    public_mean = (
        sum(p.latitude for p in public) / len(public),
        sum(p.longitude for p in public) / len(public),
    )
    centre = cell.center
    # The average of the publications converges to the centre of the cell ...
    assert abs(public_mean[0] - centre[0]) < 0.01
    assert abs(public_mean[1] - centre[1]) < 0.01
    # ... and stays far (~0.1°, half a cell) from where the observations really are.
    assert abs(public_mean[0] - true_mean[0]) > 0.08
    assert abs(public_mean[1] - true_mean[1]) > 0.08


def test_republishing_the_same_observation_gives_the_same_public_point() -> None:
    first = obscure(52.3702, 4.8952, seed=seed_for(1))
    again = obscure(52.3702, 4.8952, seed=seed_for(1))
    moved_in_cell = obscure(52.2501, 4.9901, seed=seed_for(1))
    assert first == again
    assert (first.latitude, first.longitude) == (moved_in_cell.latitude, moved_in_cell.longitude)


def test_different_seeds_give_different_public_points() -> None:
    points = {
        (p.latitude, p.longitude)
        for p in (obscure(52.3702, 4.8952, seed=seed_for(i)) for i in range(300))
    }
    assert len(points) == 300


def test_the_public_point_does_not_sit_at_the_true_point_or_the_cell_centre() -> None:
    public = obscure(52.3702, 4.8952, seed=seed_for(5))
    assert (public.latitude, public.longitude) != (52.3702, 4.8952)
    assert (public.latitude, public.longitude) != pytest.approx(grid_cell(52.3702, 4.8952).center)


@pytest.mark.parametrize(
    ("latitude", "longitude", "west", "south"),
    [
        (52.37, 4.9, 4.8, 52.2),
        # exactly on a border: the point belongs to the cell to its east / north
        (52.4, 4.8, 4.8, 52.4),
        (0.0, 0.0, 0.0, 0.0),
        (-0.2, -0.2, -0.2, -0.2),
        (52.399999, 4.799999, 4.6, 52.2),
        # edges of the world
        (90.0, 180.0, 179.8, 89.8),
        (90.0, 0.0, 0.0, 89.8),
        (-90.0, -180.0, -180.0, -90.0),
        (0.0, 180.0, 179.8, 0.0),
        (0.0, -180.0, -180.0, 0.0),
        (89.9999999, 179.9999999, 179.8, 89.8),
        (-89.8, -179.8, -179.8, -89.8),
    ],
)
def test_grid_cell_borders_poles_and_antimeridian(
    latitude: float, longitude: float, west: float, south: float
) -> None:
    cell = grid_cell(latitude, longitude)
    assert (cell.west, cell.south) == pytest.approx((west, south))
    assert (cell.east, cell.north) == pytest.approx((west + 0.2, south + 0.2))
    assert -180 <= cell.west < cell.east <= 180
    assert -90 <= cell.south < cell.north <= 90
    public = obscure(latitude, longitude, seed=seed_for(3))
    assert public.cell == cell
    assert cell.contains(public.latitude, public.longitude)


def test_a_point_on_a_border_belongs_to_exactly_one_cell() -> None:
    owner = grid_cell(52.4, 4.8)
    south_west = grid_cell(52.3, 4.7)
    south = grid_cell(52.3, 4.9)
    west = grid_cell(52.5, 4.7)
    assert len({owner, south_west, south, west}) == 4
    assert owner.contains(52.4, 4.8)
    assert not any(c.contains(52.4, 4.8) for c in (south_west, south, west))


def test_grid_has_1800_columns_and_900_rows() -> None:
    last = grid_cell(90, 180)
    first = grid_cell(-90, -180)
    assert (first.column, first.row) == (0, 0)
    assert (last.column, last.row) == (1799, 899)


def test_public_accuracy_is_the_cell_half_diagonal_or_the_true_accuracy_if_worse() -> None:
    at_equator = obscure(0.1, 0.1, seed=seed_for(1))
    expected = math.hypot(0.2, 0.2) / 2 * 111_195  # metres per degree on the mean sphere
    assert at_equator.accuracy_m == pytest.approx(expected, rel=0.001)
    assert obscure(0.1, 0.1, seed=seed_for(1), accuracy_m=5).accuracy_m == at_equator.accuracy_m
    assert obscure(0.1, 0.1, seed=seed_for(1), accuracy_m=50_000).accuracy_m == 50_000
    # cells shrink east-west towards the poles
    near_pole = obscure(89.9, 0.1, seed=seed_for(1))
    assert near_pole.accuracy_m is not None
    assert near_pole.accuracy_m < at_equator.accuracy_m


@pytest.mark.parametrize("size", [0.1, 0.5, 1.0, 0.25])
def test_other_cell_sizes_that_divide_180_work(size: float) -> None:
    rng = make_rng(int(size * 100))
    for observation_id in range(100):
        lat, lng = random_point(rng)
        public = obscure(lat, lng, seed=seed_for(observation_id), cell_size_degrees=size)
        assert public.cell is not None
        assert public.cell.east - public.cell.west == pytest.approx(size)
        assert public.cell.contains(lat, lng)
        assert public.cell.contains(public.latitude, public.longitude)


@pytest.mark.parametrize("size", [0.0, -0.2, 0.7, 200.0, math.nan])
def test_cell_sizes_that_do_not_divide_180_are_refused(size: float) -> None:
    with pytest.raises(ValueError, match=r"cell size|finite"):
        obscure(1.0, 1.0, seed=b"s", cell_size_degrees=size)


@pytest.mark.parametrize("seed", [b"", "text-seed"])
def test_seed_must_be_non_empty_bytes(seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        obscure(1.0, 1.0, seed=seed)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- levels


def test_open_publishes_the_true_point() -> None:
    public = public_location("open", 52.3702, 4.8952, seed=seed_for(1), accuracy_m=8)
    assert public is not None
    assert (public.latitude, public.longitude, public.accuracy_m) == (52.3702, 4.8952, 8.0)
    assert public.obscured is False
    assert public.cell is None


def test_obscured_publishes_a_point_in_the_cell_not_the_true_point() -> None:
    public = public_location(GeoprivacyLevel.OBSCURED, 52.3702, 4.8952, seed=seed_for(1))
    assert public == obscure(52.3702, 4.8952, seed=seed_for(1))
    assert (public.latitude, public.longitude) != (52.3702, 4.8952)


@pytest.mark.parametrize("forced", [False, True])
def test_private_publishes_no_location(forced: bool) -> None:
    assert public_location("private", 52.37, 4.89, seed=b"s", forced_obscured=forced) is None


def test_a_sensitive_category_forces_open_to_obscured() -> None:
    public = public_location("open", 52.3702, 4.8952, seed=seed_for(1), forced_obscured=True)
    assert public is not None
    assert public.obscured is True
    assert public == obscure(52.3702, 4.8952, seed=seed_for(1))


@pytest.mark.parametrize(
    ("level", "forced", "expected"),
    [
        ("open", False, GeoprivacyLevel.OPEN),
        ("open", True, GeoprivacyLevel.OBSCURED),
        ("obscured", False, GeoprivacyLevel.OBSCURED),
        ("obscured", True, GeoprivacyLevel.OBSCURED),
        ("private", False, GeoprivacyLevel.PRIVATE),
        ("private", True, GeoprivacyLevel.PRIVATE),
    ],
)
def test_effective_level(level: str, forced: bool, expected: GeoprivacyLevel) -> None:
    assert effective_level(level, forced_obscured=forced) is expected


def test_unknown_level_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="Unknown geoprivacy level 'secret'"):
        public_location("secret", 1.0, 1.0, seed=b"s")


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 00:30 in Amsterdam is still the previous day in UTC: the local day is kept
        (datetime(2024, 6, 2, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam")), date(2024, 6, 2)),
        # 23:30 in Los Angeles is already the next day in UTC
        (datetime(2024, 6, 1, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")), date(2024, 6, 1)),
        (datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), date(2024, 12, 31)),
        (datetime(2024, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))), date(2024, 1, 1)),
        (
            datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
            date(2024, 2, 29),
        ),
    ],
)
def test_coarsen_time_keeps_the_day_in_the_observations_own_timezone(
    moment: datetime, expected: date
) -> None:
    assert coarsen_time(moment) == expected
    assert not isinstance(coarsen_time(moment), datetime)


def test_coarsen_time_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        coarsen_time(datetime(2024, 6, 1, 12, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("level", "forced", "coarse"),
    [
        ("open", False, False),
        ("open", True, True),
        ("obscured", False, True),
        ("private", False, True),
    ],
)
def test_public_time_is_coarsened_unless_open(level: str, forced: bool, coarse: bool) -> None:
    moment = datetime(2024, 6, 2, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    shown = public_time(level, moment, forced_obscured=forced)
    assert shown == (date(2024, 6, 2) if coarse else moment)
    assert isinstance(shown, datetime) is not coarse


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("value", [90.0001, -90.5, 1e9, math.nan, math.inf, True, "52.1", None])
def test_invalid_latitudes_are_refused_in_words(value: object) -> None:
    with pytest.raises(ValueError, match="latitude"):
        validate_latitude(value)


@pytest.mark.parametrize("value", [180.0001, -181, math.nan, -math.inf, False, "4.9"])
def test_invalid_longitudes_are_refused_in_words(value: object) -> None:
    with pytest.raises(ValueError, match="longitude"):
        validate_longitude(value)


@pytest.mark.parametrize("value", [-0.001, -5, math.nan, "3"])
def test_invalid_accuracies_are_refused_in_words(value: object) -> None:
    with pytest.raises(ValueError, match="accuracy"):
        validate_accuracy(value)


def test_valid_locations_pass_through_as_floats() -> None:
    assert validate_location(90, -180, 0) == (90.0, -180.0, 0.0)
    assert validate_location(-90, 180) == (-90.0, 180.0, None)
    with pytest.raises(ValueError, match="latitude"):
        obscure(91.0, 0.0, seed=b"s")
    with pytest.raises(ValueError, match="longitude"):
        public_location("open", 0.0, 190.0, seed=b"s")
    with pytest.raises(ValueError, match="accuracy"):
        public_location("open", 0.0, 0.0, seed=b"s", accuracy_m=-1)


def test_a_box_with_south_north_of_north_is_refused() -> None:
    with pytest.raises(ValueError, match="southern edge"):
        validate_bbox(4.0, 53.0, 5.0, 52.0)


# --------------------------------------------------------------------------- H3 indexes


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(52.3702, 4.8952), (90.0, 180.0), (-90.0, -180.0), (0.0, 179.9999), (-33.9, 18.4)],
)
def test_location_indexes_are_parents_of_each_other(latitude: float, longitude: float) -> None:
    indexes = location_indexes(latitude, longitude)
    assert sorted(indexes) == sorted(INDEX_RESOLUTIONS)
    finest = max(INDEX_RESOLUTIONS)
    assert indexes[finest] == h3.latlng_to_cell(latitude, longitude, finest)
    for resolution, cell in indexes.items():
        assert h3.is_valid_cell(cell)
        assert h3.get_resolution(cell) == resolution
        # a parent is the geometric cell at that resolution or one of its direct neighbours
        assert cell in h3.grid_disk(h3.latlng_to_cell(latitude, longitude, resolution), 1)
    for coarse, fine in itertools.pairwise(sorted(indexes)):
        assert h3.cell_to_parent(indexes[fine], coarse) == indexes[coarse]


def test_location_indexes_at_random_points_are_consistent() -> None:
    rng = make_rng(5)
    for _ in range(300):
        lat, lng = random_point(rng)
        indexes = location_indexes(lat, lng)
        finest = indexes[max(INDEX_RESOLUTIONS)]
        assert all(h3.cell_to_parent(finest, r) == c for r, c in indexes.items())


@pytest.mark.parametrize("resolution", INDEX_RESOLUTIONS)
def test_bbox_cells_include_the_cell_of_every_point_inside_the_box(resolution: int) -> None:
    rng = make_rng(resolution)
    box_size = {3: 20.0, 5: 3.0, 7: 0.3, 9: 0.05}[resolution]
    for _ in range(10):
        south = rng.uniform(-80, 80 - box_size)
        west = rng.uniform(-180, 180 - box_size)
        east, north = west + box_size, south + box_size * rng.uniform(0.2, 1.0)
        cells = cells_covering_bbox(west, south, east, north, resolution)
        assert all(h3.get_resolution(c) == resolution for c in cells)
        for _ in range(200):
            lat, lng = rng.uniform(south, north), rng.uniform(west, east)
            assert location_indexes(lat, lng)[resolution] in cells
        # corners and edges are inside the box too
        for lat, lng in ((south, west), (north, east), (south, east), (north, west)):
            assert h3.latlng_to_cell(lat, lng, resolution) in cells


def test_bbox_cells_exclude_far_away_places() -> None:
    cells = cells_covering_bbox(4.8, 52.3, 5.0, 52.4, 7)
    assert location_indexes(52.37, 4.9)[7] in cells
    assert location_indexes(48.85, 2.35)[7] not in cells  # Paris is not in Amsterdam's box


def test_a_box_across_the_antimeridian_covers_both_sides() -> None:
    cells = cells_covering_bbox(179.0, -18.0, -179.0, -16.0, 5)
    for lng in (179.5, 179.999, -179.999, -179.5, 180.0, -180.0):
        assert location_indexes(-17.0, lng)[5] in cells
    assert location_indexes(-17.0, 0.0)[5] not in cells
    assert location_indexes(-17.0, 178.0)[5] not in cells


def test_a_box_around_the_whole_world_at_a_coarse_resolution() -> None:
    cells = cells_covering_bbox(-180, -90, 180, 90, 3, max_cells=50_000)
    assert len(cells) == h3.get_num_cells(3)


def test_a_point_box_gives_the_cell_of_the_point_and_its_neighbours() -> None:
    cells = cells_covering_bbox(4.9, 52.37, 4.9, 52.37, 9)
    assert cells == set(h3.grid_disk(location_indexes(52.37, 4.9)[9], 1))


@pytest.mark.parametrize("resolution", INDEX_RESOLUTIONS)
def test_tiny_boxes_contain_the_stored_index_even_where_the_parent_is_not_the_geometric_cell(
    resolution: int,
) -> None:
    rng = make_rng(100 + resolution)
    mismatches = 0
    for _ in range(400):
        lat, lng = rng.uniform(-85, 85), rng.uniform(-179, 179)
        stored = location_indexes(lat, lng)[resolution]
        mismatches += stored != h3.latlng_to_cell(lat, lng, resolution)
        cells = cells_covering_bbox(lng - 1e-6, lat - 1e-6, lng + 1e-6, lat + 1e-6, resolution)
        assert stored in cells
    # the case that needs the extra ring really occurs (except at the finest resolution)
    assert mismatches > 0 or resolution == max(INDEX_RESOLUTIONS)


@pytest.mark.parametrize(
    ("resolution", "coarser"), [(9, 7), (7, 5), (5, 3), (3, None), (8, 7), (2, None)]
)
def test_too_many_cells_asks_for_a_coarser_resolution(resolution: int, coarser: int | None) -> None:
    assert coarser_index_resolution(resolution) == coarser
    with pytest.raises(TooManyCellsError) as caught:
        cells_covering_bbox(-10.0, 40.0, 10.0, 60.0, resolution, max_cells=1)
    assert caught.value.coarser_resolution == coarser
    assert caught.value.max_cells == 1
    assert "more than the limit of 1" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_exact_cell_count_is_checked_not_only_the_estimate() -> None:
    cells = cells_covering_bbox(4.8, 52.3, 5.0, 52.4, 7)
    with pytest.raises(TooManyCellsError):
        cells_covering_bbox(4.8, 52.3, 5.0, 52.4, 7, max_cells=len(cells) - 1)
    assert cells_covering_bbox(4.8, 52.3, 5.0, 52.4, 7, max_cells=len(cells)) == cells


@pytest.mark.parametrize("resolution", [-1, 16, 7.0, True])
def test_invalid_resolutions_are_refused(resolution: object) -> None:
    with pytest.raises(ValueError, match="resolution"):
        cells_covering_bbox(4.8, 52.3, 5.0, 52.4, resolution)  # type: ignore[arg-type]


def test_grid_cell_is_a_frozen_value() -> None:
    cell = grid_cell(52.37, 4.9)
    assert isinstance(cell, GridCell)
    assert cell.bounds() == pytest.approx((4.8, 52.2, 5.0, 52.4))
    with pytest.raises(AttributeError):
        cell.west = 0.0  # type: ignore[misc]
