"""The question pages' maps find Leaflet's marker images at their static addresses (issue 11,
item 6).

Leaflet looks for its marker images next to leaflet.css by a file name that hashed static files
(ManifestStaticFilesStorage) no longer have, and then asks for marker-icon.png relative to the
page, a 404. The pages hand questions.js the addresses instead.
"""

from typing import Any

import pytest
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db

MARKER_ADDRESSES = {
    "data-marker-icon": static("js_lib_leaflet/images/marker-icon.png"),
    "data-marker-icon-retina": static("js_lib_leaflet/images/marker-icon-2x.png"),
    "data-marker-shadow": static("js_lib_leaflet/images/marker-shadow.png"),
}


def test_a_question_page_with_a_place_gives_its_map_the_static_marker_images(
    client: Client, propose: Any
) -> None:
    question = propose(place_name="Hortus botanicus", latitude=52.157, longitude=4.486)

    html = client.get(question.get_absolute_url()).content.decode()

    assert "data-question-map" in html
    for attribute, address in MARKER_ADDRESSES.items():
        assert f'{attribute}="{address}"' in html


def test_the_propose_page_gives_its_map_picker_the_static_marker_images(
    client: Client, volunteer: Any
) -> None:
    client.force_login(volunteer)

    html = client.get("/questions/propose/").content.decode()

    assert "data-question-map-picker" in html
    for attribute, address in MARKER_ADDRESSES.items():
        assert f'{attribute}="{address}"' in html


def test_questions_js_hands_the_addresses_to_leaflet() -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("cslab/questions.js")
    assert path
    with open(path, encoding="utf-8") as script:
        source = script.read()
    assert 'L.Icon.Default.imagePath = ""' in source
    assert "data.markerIcon" in source


def test_the_propose_page_offers_drawing_the_area_with_geojson_as_the_advanced_way(
    client: Client, volunteer: Any
) -> None:
    client.force_login(volunteer)

    html = client.get("/questions/propose/").content.decode()

    assert 'data-map-editor="id_area"' in html
    assert "Draw the area on the map" in html
    assert "Advanced: paste GeoJSON (longitude first)" in html
    assert "Area as GeoJSON" not in html
