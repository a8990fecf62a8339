"""The search's in-memory facet index is never stale: a resource published, retired, re-tagged,
re-kinded or deleted a moment ago is counted right by the next search; unchanged, it is reused."""

from collections.abc import Iterator
from typing import Any

import pytest

from cslab.hub import facet_index as facet_index_module
from cslab.hub.facet_index import facet_index, facet_index_clear, facet_index_for_search
from cslab.hub.models import QualityCriterion, Resource, ResourceTag
from cslab.hub.queries import SearchParams
from cslab.hub.selectors.search import resource_search
from cslab.hub.services.curation import resource_transition
from cslab.hub.services.resources import resource_update
from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def always_the_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every search counts with the facet index, however small the hub."""
    monkeypatch.setattr(facet_index_module, "INDEX_MIN_RESOURCES", 0)
    facet_index_clear()
    yield
    facet_index_clear()


def _counts(**filters: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]]:
    found = resource_search(None, SearchParams(filters=dict(filters)))
    return found.total, {
        facet.name: {option.value: option.count for option in facet.options if option.count}
        for facet in found.facets
    }


def _all_met() -> dict[str, bool]:
    return {
        code: True
        for code in QualityCriterion.objects.filter(active=True).values_list("code", flat=True)
    }


def test_a_resource_published_a_moment_ago_is_counted(staff: Any, volunteer: Any) -> None:
    make_resource(kind="tool", tags={"domain": ["health"]})
    resource = make_resource(
        submitted_by=volunteer, status="submitted", kind="tool", tags={"domain": ["health"]}
    )
    assert _counts(domain=("health",))[0] == 1
    resource_transition(actor=staff, resource=resource, action="publish", criteria=_all_met())
    total, counts = _counts(domain=("health",))
    assert total == 2
    assert counts["kind"] == {"tool": 2}


def test_a_resource_retired_a_moment_ago_is_no_longer_counted(staff: Any) -> None:
    make_resource(kind="tool", tags={"phase": ["design"]})
    resource = make_resource(kind="tool", tags={"phase": ["design"]})
    assert _counts()[1]["phase"] == {"design": 2}
    resource_transition(actor=staff, resource=resource, action="retire", notice="Outdated.")
    total, counts = _counts()
    assert total == 1
    assert counts["phase"] == {"design": 1}


def test_a_tag_only_change_a_moment_ago_moves_the_counts(volunteer: Any) -> None:
    resource = make_resource(submitted_by=volunteer, tags={"domain": ["health"]})
    make_resource(tags={"domain": ["health"]})
    assert _counts()[1]["domain"] == {"health": 2}
    resource_update(actor=volunteer, resource=resource, tags={"domain": ["environment"]})
    # The service saves nothing but the tags (and the search text).
    assert _counts()[1]["domain"] == {"health": 1, "environment": 1}
    assert _counts(domain=("environment",))[0] == 1


def test_tags_removed_without_new_ones_are_no_longer_counted(volunteer: Any) -> None:
    resource = make_resource(submitted_by=volunteer, tags={"audience": ["volunteers"]})
    assert _counts()[1]["audience"] == {"volunteers": 1}
    resource_update(actor=volunteer, resource=resource, tags={})
    assert _counts()[1]["audience"] == {}


def test_a_tag_row_deleted_directly_is_no_longer_counted() -> None:
    resource = make_resource(tags={"sdg": ["13", "15"]})
    assert _counts()[1]["sdg"] == {"13": 1, "15": 1}
    ResourceTag.objects.filter(resource=resource, value="15").delete()
    assert _counts()[1]["sdg"] == {"13": 1}


def test_a_facet_column_edited_a_moment_ago_is_counted_under_its_new_value(
    volunteer: Any,
) -> None:
    resource = make_resource(submitted_by=volunteer, kind="tool", language="en")
    assert _counts()[1]["language"] == {"en": 1}
    resource_update(actor=volunteer, resource=resource, language="nl", change_note="Dutch.")
    total, counts = _counts(language=("nl",))
    assert total == 1
    assert counts["language"] == {"nl": 1}


def test_a_deleted_resource_is_no_longer_counted() -> None:
    make_resource(kind="tool")
    gone = make_resource(kind="template")
    assert _counts()[1]["kind"] == {"tool": 1, "template": 1}
    Resource.objects.filter(pk=gone.pk).delete()
    assert _counts()[1]["kind"] == {"tool": 1}


def test_an_unchanged_hub_reuses_its_index_and_a_change_rebuilds_it() -> None:
    make_resource(kind="tool")
    first = facet_index()
    assert facet_index() is first
    resource_search(None, SearchParams(q="resource"))
    assert facet_index() is first
    make_resource(kind="template")
    rebuilt = facet_index()
    assert rebuilt is not first
    assert rebuilt.size == 2


def test_a_search_with_a_built_index_costs_a_constant_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        make_resource(title=f"Bat guide {number}", tags={"domain": ["biodiversity"]})
    params = SearchParams(q="bat", filters={"domain": ("biodiversity",), "kind": ("method_card",)})
    resource_search(None, params)  # builds the index
    # Freshness token, words, ranked page, resources, their tags, snippets.
    with django_assert_max_num_queries(6):
        found = resource_search(None, params)
        for result in found.results:
            _ = (result.resource.title, result.facets, result.snippet)
    assert len(found.results) == 20


def test_a_small_hub_counts_in_sql_and_a_large_one_with_the_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(facet_index_module, "INDEX_MIN_RESOURCES", 3)
    make_resource()
    make_resource()
    resource_search(None, SearchParams())
    assert facet_index_for_search() is None
    make_resource()
    resource_search(None, SearchParams())  # counted in SQL: sees three listed
    assert facet_index_for_search() is not None
