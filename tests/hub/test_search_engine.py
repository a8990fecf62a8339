"""The hub's full-text index on both engines: ranking, snippets, typos, hostile words."""

import pytest
from django.db import connection

from cslab.hub.models import Resource
from cslab.hub.queries import SearchParams
from cslab.hub.search import (
    MARK_END,
    MARK_START,
    highlighted,
    search_corrected_terms,
    search_filter,
    search_index_problems,
    search_ranked_ids,
    search_snippets,
    search_terms,
)
from cslab.hub.selectors.search import resource_search
from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db


def _search(q: str, **params: object) -> list[str]:
    found = resource_search(None, SearchParams(q=q, **params))  # type: ignore[arg-type]
    return [result.resource.title for result in found.results]


def test_the_search_index_is_installed_by_the_migrations() -> None:
    assert search_index_problems() == []


def test_a_title_match_ranks_above_a_summary_match_above_a_body_match() -> None:
    make_resource(title="Field notes", summary="How to write them.", body="Count the bats.")
    make_resource(title="Evening walks", summary="Listening for bats at dusk.")
    make_resource(title="Bats in the belfry", summary="A church survey.")
    assert _search("bats") == ["Bats in the belfry", "Evening walks", "Field notes"]


def test_ranked_ids_page_through_without_overlap() -> None:
    for number in range(5):
        make_resource(title=f"Bat guide {number}")
    queryset = search_filter(Resource.objects.all(), ["bat"])
    first = search_ranked_ids(queryset, ["bat"], offset=0, limit=3)
    second = search_ranked_ids(queryset, ["bat"], offset=3, limit=3)
    assert len(first) == 3
    assert len(second) == 2
    assert not set(first) & set(second)


def test_the_last_word_is_a_prefix() -> None:
    make_resource(title="Pollinators in the city", body="Café gardens and bees.")
    assert _search("pollin") == ["Pollinators in the city"]
    assert _search("café") == ["Pollinators in the city"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 folds accents; 'simple' does not")
def test_accents_fold_on_sqlite() -> None:
    make_resource(title="Pollinators in the city", body="Café gardens and bees.")
    assert _search("cafe") == ["Pollinators in the city"]


def test_a_snippet_marks_the_words_and_escapes_the_text() -> None:
    resource = make_resource(
        title="Hostile",
        summary="Plain summary.",
        body='Beware <script>alert("x")</script> of the moths & bats in the night.',
    )
    snippets = search_snippets([resource.pk], search_terms("moths"), using=connection.alias)
    html = str(snippets[resource.pk])
    assert "<mark>moths</mark>" in html
    assert "<script" not in html
    # SQLite keeps the text (escaped); PostgreSQL's parser drops what looks like a tag.
    assert "&lt;script&gt;" in html or "script&gt;" not in html
    assert "&amp;" in html


def test_a_page_of_results_carries_escaped_snippets() -> None:
    make_resource(title="Moth trap", body="<img src=x onerror=alert(1)> Moths at night.")
    result = resource_search(None, SearchParams(q="night")).results[0]  # type: ignore[arg-type]
    assert result.snippet is not None
    assert "<img" not in str(result.snippet)
    assert "<mark>night</mark>" in str(result.snippet)


def test_unpaired_markers_in_a_text_are_dropped_not_left_open() -> None:
    assert str(highlighted(f"a {MARK_START}b")) == "a b"
    assert str(highlighted(f"<{MARK_START}b{MARK_END}>")) == "&lt;<mark>b</mark>&gt;"


def test_a_typo_is_corrected_against_what_the_hub_knows() -> None:
    make_resource(title="Counting pollinator visits", summary="Bees and hoverflies.")
    assert search_corrected_terms(["pollinatr"], using=connection.alias) == ["pollinator"]
    found = resource_search(None, SearchParams(q="pollinatr"))  # type: ignore[arg-type]
    assert [r.resource.title for r in found.results] == ["Counting pollinator visits"]
    assert found.corrected_query == "pollinator"


def test_a_search_for_exactly_what_was_typed_is_not_corrected() -> None:
    make_resource(title="Counting pollinator visits")
    found = resource_search(None, SearchParams(q="pollinatr"), correct_typos=False)  # type: ignore[arg-type]
    assert found.total == 0
    assert found.corrected_query == ""


def test_words_with_nothing_close_stay_as_typed() -> None:
    make_resource(title="Counting pollinator visits")
    assert search_corrected_terms(["zzyzx"], using=connection.alias) == ["zzyzx"]
    assert resource_search(None, SearchParams(q="zzyzx")).total == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "NEAR(",
        "'",
        "\\",
        "bats OR",
        "-bats",
        "bats:*",
        "🦇 bats",
        "a" * 10_000,
        "AND NOT",
        "title:bats",
        "(((",
        "\x00bats",
    ],
)
def test_any_typed_text_is_a_valid_search(text: str) -> None:
    make_resource(title="Bats at night")
    found = resource_search(None, SearchParams(q=text[:200]))  # type: ignore[arg-type]
    assert found.total >= 0
