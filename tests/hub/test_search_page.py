"""The /hub/ search page and the search selector: facets, filters in the URL, drafts, queries."""

from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client

from cslab.hub.models import Resource
from cslab.hub.queries import SearchParams, search_params_from_query
from cslab.hub.selectors.search import resource_related, resource_search
from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db


def _search(**params: Any) -> Any:
    return resource_search(None, SearchParams(**params))


def test_drafts_resources_in_review_and_retired_ones_are_never_found() -> None:
    for status in ("draft", "submitted", "changes_requested", "declined", "retired"):
        make_resource(title=f"Secret bats {status}", status=status)
    make_resource(title="Public bats")
    found = _search(q="bats")
    assert [r.resource.title for r in found.results] == ["Public bats"]
    assert found.total == 1
    assert sum(o.count for f in found.facets if f.name == "kind" for o in f.options) == 1


def test_facet_counts_leave_out_the_facets_own_filter() -> None:
    make_resource(title="A", kind="tool", tags={"domain": ["biodiversity"]})
    make_resource(title="B", kind="tool", tags={"domain": ["health"]})
    make_resource(title="C", kind="template", tags={"domain": ["biodiversity"]})
    found = _search(filters={"kind": ("tool",)})
    assert found.total == 2
    facets = {f.name: {o.value: o.count for o in f.options} for f in found.facets}
    # Widening kind: both kinds still counted, under the other facets' filters (none).
    assert facets["kind"] == {"tool": 2, "template": 1}
    # Domains are counted among the tools only.
    assert facets["domain"] == {"biodiversity": 1, "health": 1}
    kinds = next(f for f in found.facets if f.name == "kind").options
    assert [o.value for o in kinds] == ["tool", "template"]  # sorted by count
    assert kinds[0].selected


def test_facets_are_or_within_and_across() -> None:
    make_resource(title="A", kind="tool", tags={"phase": ["design"]})
    make_resource(title="B", kind="template", tags={"phase": ["design"]})
    make_resource(title="C", kind="template", tags={"phase": ["analysis"]})
    found = _search(filters={"kind": ("tool", "template"), "phase": ("design",)})
    assert {r.resource.title for r in found.results} == {"A", "B"}


def test_the_organisation_facet_shows_the_top_fifteen() -> None:
    for number in range(18):
        make_resource(title=f"R{number}", organisation=f"Org {number:02d}")
    found = _search()
    organisations = next(f for f in found.facets if f.name == "organisation")
    assert len(organisations.options) == 15


def test_most_used_sorts_by_uses_then_downloads_then_views() -> None:
    make_resource(title="Viewed", view_count=100)
    make_resource(title="Used", use_count=1)
    make_resource(title="Downloaded", download_count=5)
    assert [r.resource.title for r in _search(sort="most_used").results] == [
        "Used",
        "Downloaded",
        "Viewed",
    ]


def test_relevance_without_words_is_newest_first() -> None:
    make_resource(title="Old")
    make_resource(title="New")
    found = _search(sort="relevance")
    assert found.sort == "newest"
    assert [r.resource.title for r in found.results] == ["New", "Old"]


def test_a_page_far_beyond_the_end_is_empty_with_the_total() -> None:
    make_resource(title="Only")
    found = _search(page=9_999)
    assert found.results == []
    assert found.total == 1
    assert found.is_beyond_last_page


def test_a_page_costs_the_same_queries_however_many_results(
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        make_resource(
            title=f"Bat guide {number}",
            tags={"domain": ["biodiversity"], "phase": ["design"]},
            participation_level="contributory",
        )
    params = SearchParams(q="bat", filters={"domain": ("biodiversity",), "kind": ("method_card",)})
    with django_assert_max_num_queries(5):
        found = resource_search(None, params)
        for result in found.results:
            _ = (result.resource.title, result.facets, result.snippet)
    assert len(found.results) == 20


def test_related_resources_share_tags_and_kind_and_are_listed() -> None:
    resource = make_resource(
        title="Base", kind="tool", tags={"domain": ["health"], "phase": ["design"]}
    )
    make_resource(
        title="Two tags", kind="template", tags={"domain": ["health"], "phase": ["design"]}
    )
    make_resource(title="One tag same kind", kind="tool", tags={"domain": ["health"]})
    make_resource(title="One tag", kind="template", tags={"domain": ["health"]})
    make_resource(title="Draft twin", status="draft", kind="tool", tags={"domain": ["health"]})
    make_resource(title="Same kind only", kind="tool")
    related = resource_related(Resource.objects.get(pk=resource.pk))
    assert [r.title for r in related] == [
        "Two tags",
        "One tag same kind",
        "One tag",
        "Same kind only",
    ]


def test_the_page_shows_results_with_highlighted_snippets(client: Client) -> None:
    make_resource(title="Bat walks", body="Listen for <b>bats</b> at dusk.")
    response = client.get("/hub/", {"q": "dusk"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>dusk</mark>" in html
    assert "<b>bats</b>" not in html
    assert 'type="search"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_a_corrected_search_says_so_with_a_link_to_the_words_typed(client: Client) -> None:
    make_resource(title="Counting pollinator visits")
    html = client.get("/hub/", {"q": "pollinatr"}).content.decode()
    assert "Showing results for" in html
    assert "exact=1" in html
    exact = client.get("/hub/", {"q": "pollinatr", "exact": "1"}).content.decode()
    assert "Showing results for" not in exact
    assert "No resource matches this search." in exact


def test_filters_round_trip_through_the_url(client: Client) -> None:
    make_resource(title="A", kind="tool", tags={"phase": ["design"]})
    query = urlencode([("q", "A"), ("kind", "tool"), ("phase", "design"), ("sort", "newest")])
    params = search_params_from_query(client.get("/hub/?" + query).wsgi_request.GET)
    assert params.filters == {"kind": ("tool",), "phase": ("design",)}
    again = search_params_from_query(QueryDict(params.query_string()))
    assert again == params
    html = client.get("/hub/?" + query).content.decode()
    # A chip removes its value and keeps the rest of the search.
    assert 'href="?q=A&amp;phase=design&amp;sort=newest"' in html
    assert "checked" in html


def test_hostile_input_gives_a_sane_page(client: Client) -> None:
    make_resource(title="Bats")
    hostile = [("q", "x" * 10_000), ("q", "\" * NEAR( ' \\ 🦇")]
    hostile += [("kind", "tool")] * 500 + [("organisation", "o" * 5000)] * 3
    hostile += [("page", "-5"), ("sort", "<script>")]
    response = client.get("/hub/?" + urlencode(hostile))
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</head>")[1].replace(b"<script src", b"")


def test_an_empty_hub_suggests_what_to_do(client: Client) -> None:
    html = client.get("/hub/", {"q": "nothing"}).content.decode()
    assert "No resource matches this search." in html
    assert "See every resource" in html
