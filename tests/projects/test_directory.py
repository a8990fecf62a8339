"""The project directory: what is listed, facets and their counts, near me, sorting, pages,
the page without JavaScript, the htmx partial and the map's GeoJSON."""

import itertools
import json
import math
from datetime import timedelta
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cslab.projects.models import Project
from cslab.projects.selectors.directory import (
    PAGE_SIZE,
    DirectoryPage,
    directory_query_from_params,
    parse_bbox,
    parse_position,
    project_directory,
    project_directory_map,
    rewound,
)
from cslab.projects.services.projects import project_create, project_update

pytestmark = pytest.mark.django_db

LEIDEN = (52.1601, 4.4970)
AMSTERDAM = (52.3676, 4.9041)  # about 36 km from Leiden
MAASTRICHT = (50.8514, 5.6910)  # about 170 km from Leiden


def _point(latitude: float, longitude: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def _project(name: str, **fields: Any) -> Project:
    fields.setdefault("status", Project.Status.ACTIVE)
    fields.setdefault("visibility", Project.Visibility.PUBLIC)
    return project_create(actor=None, name=name, **fields)


def _directory(query_string: str = "") -> DirectoryPage:
    return project_directory(query=directory_query_from_params(QueryDict(query_string)))


def _names(page: DirectoryPage) -> list[str]:
    return [entry.project.name for entry in page.entries]


def _counts(page: DirectoryPage, facet: str) -> dict[str, int]:
    for candidate in page.facets:
        if candidate.name == facet:
            return {option.value: option.count for option in candidate.options}
    raise AssertionError(f"no facet {facet}")


# What is listed -------------------------------------------------------------------------------


def test_only_approved_public_projects_are_listed_searched_counted_and_mapped() -> None:
    area = _point(*LEIDEN)
    _project("Listed otters", aim="otters", geographic_extent=area, faculty="science")
    _project(
        "Unlisted otters",
        aim="otters",
        visibility="unlisted",
        geographic_extent=area,
        faculty="science",
    )
    _project(
        "Private otters",
        aim="otters",
        visibility="private",
        geographic_extent=area,
        faculty="science",
    )
    for status in ("idea", "incubating", "in_review", "changes_requested"):
        _project(
            f"Unapproved otters {status}",
            aim="otters",
            status=status,
            geographic_extent=area,
            faculty="science",
        )

    for query_string in ("", "q=otters", "faculty=science", f"near={LEIDEN[0]},{LEIDEN[1]}"):
        page = _directory(query_string)
        assert _names(page) == ["Listed otters"], query_string
        assert page.total == 1
        assert _counts(page, "faculty") == {"science": 1}
        collection = project_directory_map(
            query=directory_query_from_params(QueryDict(query_string))
        )
        assert [f["properties"]["name"] for f in collection["features"]] == ["Listed otters"]


# Facets ---------------------------------------------------------------------------------------


def test_values_of_one_facet_combine_with_or_and_facets_with_and() -> None:
    _project("Health science", faculty="science", tags={"domain": ["health"]})
    _project("Climate science", faculty="science", tags={"domain": ["climate"]})
    _project("Water law", faculty="law", tags={"domain": ["water"]})
    _project("Health law", faculty="law", tags={"domain": ["health"]})

    assert _names(_directory("domain=health&domain=climate")) == [
        "Climate science",
        "Health law",
        "Health science",
    ]
    assert _names(_directory("domain=health&domain=climate&faculty=science")) == [
        "Climate science",
        "Health science",
    ]
    assert _names(_directory("faculty=law&faculty=science&domain=water")) == ["Water law"]


def test_each_facet_counts_ignore_its_own_selection_but_apply_the_others() -> None:
    _project("A", faculty="science", tags={"domain": ["health", "climate"]})
    _project("B", faculty="science", tags={"domain": ["climate"]})
    _project("C", faculty="law", tags={"domain": ["health"]})

    page = _directory("domain=health&faculty=science")

    assert _names(page) == ["A"]
    # Domain counts: faculty=science applies, the domain selection does not.
    assert _counts(page, "domain") == {"health": 1, "climate": 2}
    # Faculty counts: domain=health applies, the faculty selection does not.
    assert _counts(page, "faculty") == {"science": 1, "law": 1}


def test_every_facet_is_counted() -> None:
    _project(
        "Everything",
        faculty="medicine",
        initiator_type="community_led",
        status="completed",
        tags={
            "domain": ["health"],
            "participation_task": ["collecting_data"],
            "country": ["NL"],
            "language": ["nl"],
        },
    )

    page = _directory()

    assert _counts(page, "domain") == {"health": 1}
    assert _counts(page, "faculty") == {"medicine": 1}
    assert _counts(page, "status") == {"completed": 1}
    assert _counts(page, "task") == {"collecting_data": 1}
    assert _counts(page, "initiator") == {"community_led": 1}
    assert _counts(page, "country") == {"NL": 1}
    assert _counts(page, "language") == {"nl": 1}


def test_facets_filter_on_participation_task_initiator_type_country_and_language() -> None:
    _project(
        "Dutch data",
        initiator_type="community_led",
        tags={"participation_task": ["collecting_data"], "country": ["NL"], "language": ["nl"]},
    )
    _project(
        "Belgian analysis",
        initiator_type="researcher_led",
        tags={"participation_task": ["analysing_data"], "country": ["BE"], "language": ["fr"]},
    )

    assert _names(_directory("task=collecting_data")) == ["Dutch data"]
    assert _names(_directory("initiator=researcher_led")) == ["Belgian analysis"]
    assert _names(_directory("country=BE")) == ["Belgian analysis"]
    assert _names(_directory("language=nl")) == ["Dutch data"]
    assert _names(_directory("status=active&country=NL&language=fr")) == []


def test_facet_options_have_readable_labels_and_keep_a_selected_value_with_no_results() -> None:
    _project("Dutch", faculty="science", tags={"country": ["NL"], "language": ["nl"]})

    def labels(page: DirectoryPage) -> dict[str, dict[str, tuple[str, int, bool]]]:
        return {
            facet.name: {o.value: (o.label, o.count, o.selected) for o in facet.options}
            for facet in page.facets
        }

    listed = labels(_directory("faculty=science"))
    empty = _directory("faculty=science&domain=astronomy")

    assert listed["faculty"]["science"] == ("Faculty of Science", 1, True)
    assert listed["country"]["NL"] == ("Netherlands", 1, False)
    assert listed["language"]["nl"] == ("Dutch", 1, False)
    assert empty.total == 0
    assert labels(empty)["domain"]["astronomy"] == ("Astronomy", 0, True)
    assert "NL" not in labels(empty)["country"]


def test_search_narrows_the_results_and_the_facet_counts() -> None:
    _project("Otter watch", aim="otters", faculty="science")
    _project("Heron watch", aim="herons", faculty="law")

    page = _directory("q=otter")

    assert _names(page) == ["Otter watch"]
    assert _counts(page, "faculty") == {"science": 1}


# Near me --------------------------------------------------------------------------------------


def test_near_me_keeps_projects_within_the_distance_nearest_first_with_distances() -> None:
    _project("Maastricht", geographic_extent=_point(*MAASTRICHT))
    _project("Amsterdam", geographic_extent=_point(*AMSTERDAM))
    _project("Leiden", geographic_extent=_point(*LEIDEN))
    _project("Nowhere")

    page = _directory(f"near={LEIDEN[0]},{LEIDEN[1]}&within_km=50")
    wide = _directory(f"near={LEIDEN[0]}, {LEIDEN[1]}&within_km=250")

    assert page.sort == "nearest"
    assert _names(page) == ["Leiden", "Amsterdam"]
    distances = [entry.distance_km for entry in page.entries]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] == pytest.approx(36.0, abs=1.5)
    assert _names(wide) == ["Leiden", "Amsterdam", "Maastricht"]
    assert wide.entries[2].distance_km == pytest.approx(171, abs=5)


def test_near_me_works_across_the_antimeridian_and_near_a_pole() -> None:
    _project("Fiji east", geographic_extent=_point(-17.0, 179.9))
    _project("Fiji west", geographic_extent=_point(-17.0, -179.9))
    _project("Svalbard", geographic_extent=_point(89.95, 10.0))

    assert _names(_directory("near=-17,179.95&within_km=50")) == ["Fiji east", "Fiji west"]
    assert _names(_directory("near=-17,-179.95&within_km=50")) == ["Fiji west", "Fiji east"]
    assert _names(_directory("near=89.95,-170&within_km=50")) == ["Svalbard"]


def test_near_me_combines_with_search_and_facets() -> None:
    _project("Leiden birds", aim="birds", faculty="science", geographic_extent=_point(*LEIDEN))
    _project("Leiden law", aim="birds", faculty="law", geographic_extent=_point(*LEIDEN))
    _project("Far birds", aim="birds", faculty="science", geographic_extent=_point(*MAASTRICHT))

    page = _directory(f"q=birds&faculty=science&near={LEIDEN[0]},{LEIDEN[1]}")

    assert _names(page) == ["Leiden birds"]
    assert _counts(page, "faculty") == {"science": 1, "law": 1}


# Sorting and pages ----------------------------------------------------------------------------


def test_sorting_by_name_newest_and_recently_updated(staff: Any) -> None:
    beta, alpha, gamma = _project("Beta"), _project("Alpha"), _project("Gamma")
    now = timezone.now()
    for project, days_ago in ((beta, 1), (alpha, 3), (gamma, 2)):
        Project.objects.filter(pk=project.pk).update(approved_at=now - timedelta(days=days_ago))
    project_update(actor=staff, project=alpha, aim="changed last")

    assert _names(_directory()) == ["Alpha", "Beta", "Gamma"]
    assert _names(_directory("sort=newest")) == ["Beta", "Gamma", "Alpha"]
    assert _names(_directory("sort=updated")) == ["Alpha", "Gamma", "Beta"]


def test_relevance_is_the_default_when_searching_and_a_chosen_sort_is_kept() -> None:
    _project("Aardvark notes", aim="a note on bees among many other animals and plants")
    _project("Zebra bees", aim="bees bees bees")

    searched = _directory("q=bees")
    by_name = _directory("q=bees&sort=name")

    assert searched.sort == "relevance"
    assert _names(searched) == ["Zebra bees", "Aardvark notes"]
    assert by_name.sort == "name"
    assert _names(by_name) == ["Aardvark notes", "Zebra bees"]
    assert by_name.sort_selected == "name"
    assert searched.sort_options[0] == ("", "Best match")


def test_a_sort_that_does_not_apply_falls_back_to_the_default() -> None:
    _project("Only")

    assert _directory("sort=nearest").sort == "name"
    assert _directory("sort=relevance").sort == "name"
    assert _directory("sort=nonsense").sort == "name"


def test_pages_hold_twenty_projects_and_a_page_beyond_the_last_shows_the_last() -> None:
    for number in range(PAGE_SIZE * 2 + 5):
        _project(f"Project {number:03d}")

    first = _directory()
    third = _directory("page=3")
    beyond = _directory("page=99")

    assert len(first.entries) == PAGE_SIZE
    assert first.num_pages == 3
    assert _names(third) == [f"Project {number:03d}" for number in range(40, 45)]
    assert beyond.number == 3
    assert (third.start_index, third.end_index) == (41, 45)
    assert first.page_range == [1, 2, 3]


def test_page_range_leaves_out_distant_pages() -> None:
    page = DirectoryPage(
        query=directory_query_from_params(QueryDict("")),
        entries=[],
        total=400,
        number=10,
        facets=[],
        sort="name",
        sort_options=[],
        sort_selected="",
    )

    assert page.page_range == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_a_page_costs_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    for number in range(30):
        _project(
            f"Bees {number}",
            aim="bees",
            faculty="science",
            geographic_extent=_point(LEIDEN[0] + number / 1000, LEIDEN[1]),
            tags={
                "domain": ["health", "climate"],
                "country": ["NL"],
                "participation_task": ["collecting_data"],
                "language": ["nl"],
            },
        )
    query_strings = [
        "",
        "q=bees&domain=health&faculty=science&country=NL",
        "q=bees&sort=name&task=collecting_data",
        f"q=bees&near={LEIDEN[0]},{LEIDEN[1]}&language=nl&page=2",
    ]
    for query_string in query_strings:
        with django_assert_max_num_queries(4):
            page = _directory(query_string)
            # Reading what a card shows costs nothing more.
            for entry in page.entries:
                _ = (entry.project.organisation, entry.domains, entry.distance_km)
        assert page.total > 0


# Reading the request --------------------------------------------------------------------------


def test_unusable_parameters_are_dropped_with_a_word_for_the_visitor() -> None:
    query = directory_query_from_params(
        QueryDict("near=somewhere&within_km=-3&page=x&domain=&domain=health&domain=health")
    )

    assert query.near is None
    assert query.near_text == "somewhere"
    assert query.within_km == 50
    assert query.page == 1
    assert dict(query.selected) == {"domain": ("health",)}
    assert len(query.problems) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52.16,4.49", (52.16, 4.49)),
        (" 52.16 , 4.49 ", (52.16, 4.49)),
        ("52.16 4.49", (52.16, 4.49)),
        ("-33.9;18.4", (-33.9, 18.4)),
        ("91,0", None),
        ("0,181", None),
        ("nan,nan", None),
        ("1,2,3", None),
        ("", None),
    ],
)
def test_positions_are_read_as_latitude_then_longitude(
    text: str, expected: tuple[float, float] | None
) -> None:
    assert parse_position(text) == expected


def test_a_bounding_box_is_west_south_east_north() -> None:
    assert parse_bbox("4,52,5,53") == (4.0, 52.0, 5.0, 53.0)
    assert parse_bbox("4,53,5,52") is None
    assert parse_bbox("4,52,5") is None
    assert parse_bbox("a,b,c,d") is None


# The page -------------------------------------------------------------------------------------


def test_the_directory_page_works_without_javascript(client: Client) -> None:
    _project(
        "Otter watch",
        aim="Count otters along the Rhine",
        faculty="science",
        tags={"domain": ["biodiversity"]},
        locality="Leiden",
    )
    _project("Heron watch", aim="Herons", faculty="law")

    response = client.get(reverse("project_directory"), {"faculty": "science"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="get"' in html
    assert '<input type="search" id="directory-q" name="q"' in html
    assert "<legend>Faculty</legend>" in html
    assert 'name="faculty" value="science" checked' in html
    assert 'name="faculty" value="law"' in html
    assert "Otter watch" in html
    assert "Heron watch" not in html
    assert "Count otters along the Rhine" in html
    assert "Biodiversity" in html
    assert "Leiden" in html
    assert "/projects/otter-watch/" in html
    assert 'role="status"' in html
    assert "1 project found" in html
    assert 'for="directory-sort"' in html
    assert "Vary" in response and "HX-Request" in response["Vary"]


def test_checkbox_ids_stay_the_same_when_counts_change(client: Client) -> None:
    _project("One", faculty="science")
    before = client.get(reverse("project_directory")).content.decode()
    _project("Two", faculty="science")
    after = client.get(reverse("project_directory")).content.decode()

    def checkbox_id(html: str) -> str:
        start = html.index('name="faculty" value="science"')
        return html[html.rindex('id="', 0, start) : start]

    assert checkbox_id(before) == checkbox_id(after)


def test_pagination_links_keep_the_search_and_filters(client: Client) -> None:
    for number in range(PAGE_SIZE + 1):
        _project(f"Survey {number:02d}", aim="bees", faculty="science")

    html = client.get(reverse("project_directory"), {"q": "bees", "faculty": "science"}).content
    text = html.decode()

    assert 'href="?q=bees&amp;faculty=science&amp;page=2"' in text
    assert 'aria-current="page"' in text


def test_an_htmx_request_gets_only_the_results_and_the_count(client: Client) -> None:
    _project("Otter watch")

    response = client.get(reverse("project_directory"), {"q": "otter"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="directory-count" hx-swap-oob="innerHTML"' in html
    assert "Otter watch" in html


def test_an_htmx_history_restore_gets_the_whole_page(client: Client) -> None:
    response = client.get(
        reverse("project_directory"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%22%27%28%29*%3A&sort=%00&page=-1",
        "near=%00&within_km=nan",
        "domain=%00&faculty=" + "x" * 1000,
        "near=91,0&within_km=1e309",
        "q=" + "%F0%9F%90%9D" * 100,
        "page=99999999999999999999",
    ],
)
def test_any_query_string_gets_a_page(client: Client, query_string: str) -> None:
    _project("Bees")

    response = client.get(f"{reverse('project_directory')}?{query_string}")
    map_response = client.get(f"{reverse('project_map_geojson')}?{query_string}&bbox=%00")

    assert response.status_code == 200
    assert map_response.status_code == 200


def test_the_home_page_links_to_the_directory(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("project_directory")}"' in html


# The map --------------------------------------------------------------------------------------


def _clockwise_square(west: float, south: float, size: float) -> list[list[float]]:
    return [
        [west, south],
        [west, south + size],
        [west + size, south + size],
        [west + size, south],
        [west, south],
    ]


def test_the_map_data_is_an_rfc_7946_feature_collection(client: Client) -> None:
    _project(
        "Polder area",
        geographic_extent={"type": "Polygon", "coordinates": [_clockwise_square(4.4, 52.1, 0.2)]},
    )
    _project("Leiden point", geographic_extent=_point(*LEIDEN))
    _project("Nowhere")
    _project("Hidden", visibility="unlisted", geographic_extent=_point(*LEIDEN))

    response = client.get(reverse("project_map_geojson"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    features = {feature["properties"]["name"]: feature for feature in collection["features"]}
    assert set(features) == {"Polder area", "Leiden point"}
    point = features["Leiden point"]
    assert point["type"] == "Feature"
    assert point["geometry"] == {"type": "Point", "coordinates": [LEIDEN[1], LEIDEN[0]]}
    assert point["properties"]["url"].endswith("/projects/leiden-point/")
    ring = features["Polder area"]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert _signed_area(ring) > 0  # exterior ring counter-clockwise (right-hand rule)


def test_the_map_data_follows_the_directorys_filters_and_a_bounding_box(client: Client) -> None:
    _project("Leiden birds", aim="birds", geographic_extent=_point(*LEIDEN))
    _project("Maastricht birds", aim="birds", geographic_extent=_point(*MAASTRICHT))
    _project("Leiden fish", aim="fish", geographic_extent=_point(*LEIDEN))

    def names(**params: str) -> set[str]:
        response = client.get(reverse("project_map_geojson"), params)
        return {f["properties"]["name"] for f in json.loads(response.content)["features"]}

    assert names(q="birds") == {"Leiden birds", "Maastricht birds"}
    assert names(q="birds", bbox="4,52,5,53") == {"Leiden birds"}
    assert names(bbox="5.5,50.5,6,51") == {"Maastricht birds"}


def test_the_map_says_when_it_left_projects_out() -> None:
    for number in range(3):
        _project(f"Site {number}", geographic_extent=_point(*LEIDEN))

    query = directory_query_from_params(QueryDict(""))

    assert project_directory_map(query=query, limit=2)["truncated"] is True
    assert len(project_directory_map(query=query, limit=2)["features"]) == 2
    assert project_directory_map(query=query, limit=3)["truncated"] is False


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))


def test_rewinding_makes_outer_rings_counter_clockwise_and_holes_clockwise() -> None:
    outer = _clockwise_square(0, 0, 10)
    hole = list(reversed(_clockwise_square(2, 2, 2)))  # counter-clockwise: wrong for a hole

    polygon = rewound({"type": "Polygon", "coordinates": [outer, hole]})
    multi = rewound({"type": "MultiPolygon", "coordinates": [[outer, hole]]})

    assert _signed_area(polygon["coordinates"][0]) > 0
    assert _signed_area(polygon["coordinates"][1]) < 0
    assert multi["coordinates"][0] == polygon["coordinates"]
    assert math.isclose(abs(_signed_area(polygon["coordinates"][0])), 200)
