"""Plausibility warnings: the pure checks, and what observation_submit stores."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cslab.forms.models import FormVersion
from cslab.observations import plausibility
from cslab.observations.models import Observation
from cslab.observations.selectors import observation_list_for_moderation
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, publish
from tests.projects.factories import ProjectFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
UTRECHT = {
    "type": "Polygon",
    "coordinates": [[[5.0, 52.0], [5.2, 52.0], [5.2, 52.2], [5.0, 52.2], [5.0, 52.0]]],
}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
        [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]],
    ],
}


def test_a_point_inside_the_project_polygon_is_in_the_area() -> None:
    assert plausibility.in_area(52.09, 5.12, area=UTRECHT) is True
    assert plausibility.in_area(51.5, 5.12, area=UTRECHT) is False


def test_a_hole_in_the_polygon_is_outside_the_area() -> None:
    assert plausibility.in_area(2.0, 2.0, area=WITH_HOLE) is True
    assert plausibility.in_area(5.0, 5.0, area=WITH_HOLE) is False


def test_a_feature_collection_and_multipolygon_count_every_polygon() -> None:
    other = {"type": "Polygon", "coordinates": [[[20, 20], [21, 20], [21, 21], [20, 20]]]}
    area = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": UTRECHT, "properties": {}},
            {
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": [other["coordinates"]]},
                "properties": {},
            },
        ],
    }
    assert plausibility.in_area(52.1, 5.1, area=area) is True
    assert plausibility.in_area(20.2, 20.8, area=area) is True
    assert plausibility.in_area(40.0, 40.0, area=area) is False


def test_without_polygons_the_bounding_box_decides_and_without_either_nothing_is_said() -> None:
    points_only = {"type": "Point", "coordinates": [5.1, 52.1]}
    assert plausibility.in_area(52.1, 5.1, area=points_only, bbox=(5.0, 52.0, 5.2, 52.2)) is True
    assert plausibility.in_area(53.0, 5.1, area=None, bbox=(5.0, 52.0, 5.2, 52.2)) is False
    assert plausibility.in_area(53.0, 5.1, area=points_only) is None
    assert plausibility.in_area(53.0, 5.1, bbox=(5.1, 52.1, 5.1, 52.1)) is None  # a point
    assert plausibility.in_area(0.0, 179.5, bbox=(170.0, -10.0, -170.0, 10.0)) is True


def test_times_in_the_future_or_before_the_project_are_warned_about() -> None:
    found = plausibility.time_warnings(
        [
            (None, NOW + timedelta(days=2)),
            ("seen_on", date(2020, 1, 1)),
            ("checked_on", NOW.date()),
            (None, NOW + timedelta(minutes=5)),  # clock difference, not a warning
        ],
        now=NOW,
        project_start=date(2025, 1, 1),
    )

    assert [(item.code, item.question) for item in found] == [
        ("in_future", None),
        ("before_project", "seen_on"),
    ]


def test_an_outlier_needs_enough_history_and_is_judged_robustly() -> None:
    history = [10.0, 11, 9, 10, 12, 10, 9, 11, 10, 10, 250]  # one earlier outlier
    assert plausibility.robust_z_score(10.5, history) is not None
    assert abs(plausibility.robust_z_score(10.5, history) or 0) < 3.5
    assert (plausibility.robust_z_score(400, history) or 0) > 3.5
    assert (plausibility.robust_z_score(-50, history) or 0) < -3.5
    assert plausibility.robust_z_score(400, history[:5]) is None  # too few values
    assert plausibility.robust_z_score(7, [3.0] * 20) is None  # no spread to judge by


def test_a_history_with_half_identical_values_still_judges_by_the_mean_deviation() -> None:
    history = [1.0] * 8 + [2.0, 3.0, 2.0, 4.0]
    assert (plausibility.robust_z_score(1000, history) or 0) > 3.5


def test_numeric_outlier_warnings_name_the_question() -> None:
    found = plausibility.numeric_outlier_warnings(
        {"count": 900.0, "depth": 2.0}, {"count": [3.0, 4, 5, 3, 4, 6, 5, 4, 3, 5]}
    )
    assert [(item.code, item.question) for item in found] == [("numeric_outlier", "count")]
    assert "900" in found[0].message and "high" in found[0].message


def test_as_number_reads_numbers_and_numeric_text_only() -> None:
    assert plausibility.as_number("3.5") == 3.5 and plausibility.as_number(4) == 4.0
    assert plausibility.as_number(True) is None and plausibility.as_number("nan") is None
    assert plausibility.as_number("robin") is None and plausibility.as_number(None) is None


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(
        status=Project.Status.ACTIVE,
        geographic_extent=UTRECHT,
        extent_west=5.0,
        extent_south=52.0,
        extent_east=5.2,
        extent_north=52.2,
        start_date=date(2026, 1, 1),
    )
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


def submit(project: Project, version: FormVersion, instance_id: str, **kwargs: Any) -> Any:
    kwargs.setdefault("answers", ANSWERS)
    observation, _created = observation_submit(
        actor=project.initiator, form_version=version, instance_id=instance_id, **kwargs
    )
    return observation


@pytest.mark.django_db
def test_a_plausible_observation_has_no_warnings(project: Project, version: FormVersion) -> None:
    observation = submit(project, version, "uuid:1")
    assert observation.warnings == [] and observation.warning_count == 0


@pytest.mark.django_db
def test_submission_stores_area_time_and_outlier_warnings(
    project: Project, version: FormVersion
) -> None:
    for number in range(12):
        submit(project, version, f"uuid:{number}", answers={**ANSWERS, "count": 3 + number % 3})

    without_day = {name: value for name, value in ANSWERS.items() if name != "seen_on"}
    odd = submit(
        project,
        version,
        "uuid:odd",
        answers={**without_day, "count": 500, "location": "48.85 2.35"},
        observed_at=datetime.now(UTC) + timedelta(days=3),
    )
    early = submit(project, version, "uuid:early", answers={**ANSWERS, "seen_on": "2025-06-01"})

    codes = {(item["code"], item.get("question")) for item in odd.warnings}
    assert codes == {
        ("outside_area", None),
        ("in_future", None),
        ("numeric_outlier", "count"),
    }
    assert odd.warning_count == 3
    # The day answered is the observation's time: warned about once, naming the question.
    assert [(item["code"], item.get("question")) for item in early.warnings] == [
        ("before_project", "seen_on")
    ]
    assert all("48.85" not in item["message"] for item in odd.warnings)
    queue = list(observation_list_for_moderation(user=project.initiator, project=project))
    assert queue[0] == odd  # most warnings first
    assert Observation.objects.filter(warning_count=0).count() == 12
