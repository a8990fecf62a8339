"""The project map: hexagons when zoomed out, points when zoomed in, and geoprivacy on both."""

import json
from typing import Any

import h3
import pytest

from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.forms.models import FormVersion
from cslab.observations import map_layers
from cslab.observations.map_layers import (
    hexagon_feature,
    map_layer_geojson,
    observation_map_layer,
    resolution_for_zoom,
)
from cslab.observations.services.moderation import observation_moderate
from cslab.projects.models import Project
from tests.collection.test_observation_views import (
    CANARY,
    member_of,
    observe,
    publish_birds,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# A view of about 35 by 45 km around the canary, drawn with resolution 7 hexagons at zoom 9.
REGION = (4.9, 51.9, 5.4, 52.3)
AROUND_CANARY = (CANARY[1] - 0.001, CANARY[0] - 0.001, CANARY[1] + 0.001, CANARY[0] + 0.001)


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish_birds(project)


@pytest.fixture
def observer(project: Project, make_user: Any) -> Any:
    return member_of(project, make_user(), ProjectRole.MEMBER)


def layer_for(user: Any, project: Project, zoom: int, bbox: Any = None) -> Any:
    return observation_map_layer(user=user, project=project, zoom=zoom, bbox=bbox)


def test_the_zoom_chooses_coarse_hexagons_far_away_and_fine_ones_close_by() -> None:
    assert [resolution_for_zoom(zoom) for zoom in (0, 4, 5, 7, 8, 11, 12, 18)] == [
        3,
        3,
        5,
        5,
        7,
        7,
        9,
        9,
    ]


def test_hexagons_at_low_zoom_count_the_observations_per_cell(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    for number in range(3):
        observe(observer, version, f"uuid:near-{number}", location=Location(52.09, 5.12))
    observe(observer, version, "uuid:far", location=Location(-33.9, 18.4))

    layer = layer_for(volunteer, project, zoom=3)

    assert layer.mode == "hexagons" and layer.resolution == 3
    counts = dict(layer.hexagons)
    assert counts[h3.latlng_to_cell(52.09, 5.12, 3)] == 3
    assert sum(counts.values()) == 4 and layer.total == 4


def test_points_at_high_zoom_link_to_each_observation(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    first, _ = observe(observer, version, "uuid:a", location=Location(52.0901, 5.1201))
    second, _ = observe(observer, version, "uuid:b", location=Location(52.0902, 5.1202))

    layer = layer_for(volunteer, project, zoom=15, bbox=(5.11, 52.08, 5.13, 52.10))
    collection = map_layer_geojson(layer, project=project)

    assert layer.mode == "points"
    assert {feature["id"] for feature in collection["features"]} == {first.pk, second.pk}
    feature = next(item for item in collection["features"] if item["id"] == first.pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.1201, 52.0901]}
    assert feature["properties"]["url"] == f"/projects/{project.slug}/observations/{first.pk}/"
    assert feature["properties"]["obscured"] is False


def test_points_outside_the_view_are_left_out(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observe(observer, version, "uuid:in", location=Location(52.0901, 5.1201))
    observe(observer, version, "uuid:out", location=Location(52.2, 5.3))

    layer = layer_for(volunteer, project, zoom=15, bbox=(5.11, 52.08, 5.13, 52.10))

    assert [point.latitude for point in layer.points] == [52.0901]


def test_a_few_observations_are_shown_as_points_from_a_middle_zoom(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observe(observer, version, "uuid:one", location=Location(52.09, 5.12))

    assert layer_for(volunteer, project, zoom=9).mode == "points"
    assert layer_for(volunteer, project, zoom=5).mode == "hexagons"


def test_too_many_points_in_view_are_counted_in_the_finest_hexagons(
    project: Project,
    version: FormVersion,
    observer: Any,
    volunteer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(map_layers, "MAX_POINTS", 2)
    for number in range(3):
        observe(observer, version, f"uuid:{number}", location=Location(52.09, 5.12 + number / 1e4))

    layer = layer_for(volunteer, project, zoom=15, bbox=(5.11, 52.08, 5.13, 52.10))

    assert layer.mode == "hexagons" and layer.resolution == 9 and layer.total == 3


def test_the_public_map_of_an_obscured_observation_shows_the_public_cell_never_the_true_one(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:hidden", geoprivacy="obscured")
    assert observation.public_h3_res7 and observation.public_h3_res7 != observation.h3_res7

    for user in (volunteer, None):
        viewer = user if user is not None else _anonymous()
        layer = layer_for(viewer, project, zoom=9)
        assert layer.mode == "points"  # few points
        assert [(point.latitude, point.longitude, point.obscured) for point in layer.points] == [
            (observation.public_latitude, observation.public_longitude, True)
        ]
        # Zoomed in on the true place, the public finds nothing there.
        assert layer_for(viewer, project, zoom=16, bbox=AROUND_CANARY).points == []


def test_the_public_hexagons_of_an_obscured_observation_are_its_public_cells(
    project: Project, version: FormVersion, observer: Any, volunteer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(map_layers, "FEW_POINTS", 0)
    observation, _ = observe(observer, version, "uuid:hidden", geoprivacy="obscured")

    layer = layer_for(volunteer, project, zoom=9, bbox=REGION)

    assert layer.resolution == 7
    assert dict(layer.hexagons) == {observation.public_h3_res7: 1}
    assert observation.h3_res7 not in dict(layer.hexagons)


def test_the_project_leads_see_the_true_cell_of_an_obscured_observation(
    project: Project, version: FormVersion, observer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(map_layers, "FEW_POINTS", 0)
    observation, _ = observe(observer, version, "uuid:hidden", geoprivacy="obscured")

    layer = layer_for(project.initiator, project, zoom=9, bbox=REGION)

    assert layer.true_locations is True
    assert dict(layer.hexagons) == {observation.h3_res7: 1}
    points = layer_for(project.initiator, project, zoom=16, bbox=AROUND_CANARY).points
    assert [(point.latitude, point.longitude) for point in points] == [CANARY]


def test_moderators_and_members_see_only_public_locations_on_the_map(
    project: Project, version: FormVersion, observer: Any, make_user: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:hidden", geoprivacy="obscured")
    moderator = member_of(project, make_user(), ProjectRole.MODERATOR)

    layer = layer_for(moderator, project, zoom=9)

    assert layer.true_locations is False
    assert [(point.latitude, point.longitude) for point in layer.points] == [
        (observation.public_latitude, observation.public_longitude)
    ]


def test_private_observations_never_appear_on_the_map(
    project: Project, version: FormVersion, observer: Any, volunteer: Any, monkeypatch: Any
) -> None:
    observe(observer, version, "uuid:private", geoprivacy="private")

    for viewer in (volunteer, project.initiator, observer, _anonymous()):
        for zoom in (2, 5, 9, 12, 16):
            assert layer_for(viewer, project, zoom=zoom).total == 0
            assert layer_for(viewer, project, zoom=zoom, bbox=AROUND_CANARY).total == 0
    monkeypatch.setattr(map_layers, "FEW_POINTS", 0)
    assert layer_for(project.initiator, project, zoom=9).hexagons == []


def test_rejected_observations_are_not_on_the_public_map(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:bad")
    observation_moderate(
        actor=project.initiator, observation=observation, status="rejected", reason="Blurred."
    )

    assert layer_for(volunteer, project, zoom=3).total == 0
    assert layer_for(project.initiator, project, zoom=3).total == 1


def test_filters_narrow_the_map(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    from cslab.observations.filters import ObservationFilters

    observe(observer, version, "uuid:robin", answers={"species": "robin", "count": 1})
    observe(observer, version, "uuid:wren", answers={"species": "wren", "count": 1})

    filtered = observation_map_layer(
        user=volunteer,
        project=project,
        zoom=3,
        filters=ObservationFilters(answers={"species": "wren"}),
    )

    assert filtered.total == 1


def test_the_map_layer_takes_one_aggregate_query_however_many_observations(
    project: Project,
    version: FormVersion,
    observer: Any,
    volunteer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        observe(observer, version, f"uuid:{number}", location=Location(50 + number / 10, 5.0))
    project = Project.objects.get(pk=project.pk)

    with django_assert_max_num_queries(4):
        layer = layer_for(volunteer, project, zoom=3)

    assert layer.total == 30


def test_a_hexagon_feature_is_a_closed_polygon_with_its_count() -> None:
    cell = h3.latlng_to_cell(52.09, 5.12, 5)

    feature = hexagon_feature(cell, 7)

    ring = feature["geometry"]["coordinates"][0]
    assert feature["properties"] == {"cell": cell, "count": 7, "resolution": 5}
    assert ring[0] == ring[-1] and len(ring) == 7
    assert all(4.9 < lng < 5.4 and 51.9 < lat < 52.3 for lng, lat in ring)


def test_a_hexagon_across_the_antimeridian_is_drawn_in_one_piece() -> None:
    cell = h3.latlng_to_cell(0.0, 179.99, 3)

    ring = hexagon_feature(cell, 1)["geometry"]["coordinates"][0]

    longitudes = [lng for lng, _lat in ring]
    assert max(longitudes) - min(longitudes) < 10


# --------------------------------------------------------------------------- API


def api_url(project: Project, **query: Any) -> str:
    text = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/api/v1/projects/{project.slug}/observations/map?{text}"


def test_the_api_answers_a_geojson_feature_collection_of_hexagons(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:a", location=Location(52.09, 5.12))

    response = client.get(api_url(project, zoom=2))

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["properties"] == {
        "mode": "hexagons",
        "resolution": 3,
        "total": 1,
        "true_locations": False,
    }
    assert body["features"][0]["properties"]["count"] == 1
    assert body["features"][0]["geometry"]["type"] == "Polygon"


def test_the_api_answers_points_when_zoomed_in(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:a", location=Location(52.09, 5.12))

    body = client.get(api_url(project, zoom=15, bbox="5.11,52.08,5.13,52.10")).json()

    assert body["properties"]["mode"] == "points"
    assert body["features"][0]["geometry"]["coordinates"] == [5.12, 52.09]


def test_the_api_refuses_a_box_that_makes_no_sense(client: Any, project: Project) -> None:
    response = client.get(api_url(project, zoom=5, bbox="5,53,6,52"))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"


def test_the_api_hides_the_map_of_a_private_project(client: Any, volunteer: Any) -> None:
    hidden = ProjectFactory(status=Project.Status.ACTIVE)
    client.force_login(volunteer)

    assert client.get(api_url(hidden, zoom=3)).status_code == 404


def test_the_true_point_of_an_obscured_observation_is_nowhere_in_the_public_map_layers(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:canary", geoprivacy="obscured")
    # Coarse true cells may be the public ones too; the fine ones never are.
    assert observation.h3_res7 != observation.public_h3_res7
    true_texts = {f"{CANARY[0]}", f"{CANARY[1]}", observation.h3_res7, observation.h3_res9}
    boxes = [None, "-180,-90,180,90", ",".join(map(str, AROUND_CANARY)), "4,51,7,53"]

    for zoom in (0, 3, 5, 8, 9, 11, 13, 16, 19):
        for box in boxes:
            query: dict[str, Any] = {"zoom": zoom}
            if box:
                query["bbox"] = box
            body = client.get(api_url(project, **query)).content.decode()
            assert not any(text in body for text in true_texts), (zoom, box)
            parsed = json.loads(body)
            for feature in parsed["features"]:
                if feature["geometry"]["type"] == "Point":
                    assert feature["geometry"]["coordinates"] != [CANARY[1], CANARY[0]]


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_new_observation_shows_on_the_map_at_once_although_counts_are_cached(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observe(observer, version, "uuid:first", location=Location(52.09, 5.12))
    assert layer_for(volunteer, project, zoom=3).total == 1

    observe(observer, version, "uuid:second", location=Location(52.09, 5.12))

    assert layer_for(volunteer, project, zoom=3).total == 2


def test_viewers_who_see_differently_never_share_cached_counts(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:bad")
    observation_moderate(
        actor=project.initiator, observation=observation, status="rejected", reason="Blurred."
    )

    assert layer_for(project.initiator, project, zoom=3).total == 1
    assert layer_for(volunteer, project, zoom=3).total == 0
    assert layer_for(observer, project, zoom=3).total == 1  # their own, whatever its status
