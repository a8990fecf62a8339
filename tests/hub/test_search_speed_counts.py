"""The facet index counts exactly what SQL counts: on a few hundred generated resources, every
search gives the same total, facet counts and pages with the index as with SQL, and the counts
equal a plain count of the rows."""

import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from cslab.hub import facet_index as facet_index_module
from cslab.hub.facet_index import COLUMN_FACETS, TAG_FACETS, facet_index_clear
from cslab.hub.models import Resource, ResourceTag
from cslab.hub.queries import SearchParams
from cslab.hub.selectors.search import SearchResults, resource_search
from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db

KINDS = ["tool", "template", "method_card", "case_study"]
DOMAINS = ["health", "environment", "biodiversity", "heritage"]
PHASES = ["design", "collection", "analysis"]
AUDIENCES = ["volunteers", "researchers", "educators"]
WORDS = ["bats", "moths", "consent", "survey", "water", "noise"]

SEARCHES = [
    SearchParams(),
    SearchParams(filters={"kind": ("tool",)}),
    SearchParams(filters={"domain": ("health", "heritage"), "phase": ("design",)}),
    SearchParams(filters={"kind": ("template",), "domain": ("environment",), "language": ("nl",)}),
    SearchParams(filters={"organisation": ("Lab 1", "Lab 3"), "audience": ("volunteers",)}),
    SearchParams(filters={"level": ("co_created",), "licence": ("CC0-1.0",), "sdg": ("13",)}),
    SearchParams(q="bats"),
    SearchParams(q="consent survey", filters={"phase": ("analysis",)}),
    SearchParams(q="water", filters={"kind": ("tool", "template"), "audience": ("educators",)}),
    SearchParams(q="noise", sort="most_used", filters={"domain": ("environment",)}),
    SearchParams(q="moths", sort="newest", page=2),
    SearchParams(sort="most_used", filters={"phase": ("collection",)}),
    SearchParams(sort="newest", page=3),
    SearchParams(q="nothingmatches"),
    SearchParams(q="mothz"),
    SearchParams(q="survy", filters={"kind": ("tool", "template")}),
    SearchParams(filters={"organisation": ("Nobody",)}),
]


@pytest.fixture
def generated_hub() -> None:
    """Some 240 resources with every facet varied, a few not listed."""
    chance = random.Random(1206)  # noqa: S311 (repeatable test data)
    for number in range(240):
        words = chance.sample(WORDS, 2)
        make_resource(
            status=chance.choice(["published"] * 9 + ["draft", "retired"]),
            kind=chance.choice(KINDS),
            title=f"{words[0].capitalize()} guide {number}",
            summary=f"About {words[1]} and more.",
            language=chance.choice(["en", "en", "nl"]),
            licence=chance.choice(["CC-BY-4.0", "CC0-1.0"]),
            organisation=chance.choice(["", "Lab 1", "Lab 2", "Lab 3"]),
            participation_level=chance.choice(["", "contributory", "co_created"]),
            use_count=chance.randint(0, 5),
            view_count=chance.randint(0, 50),
            tags={
                "domain": chance.sample(DOMAINS, chance.randint(0, 2)),
                "phase": chance.sample(PHASES, chance.randint(1, 2)),
                "audience": chance.sample(AUDIENCES, chance.randint(0, 2)),
                "sdg": chance.sample(["3", "13", "15"], chance.randint(0, 1)),
                "faculty": [chance.choice(["science", "medicine"])],
                "keyword": [words[0]],
            },
        )


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    facet_index_clear()
    yield
    facet_index_clear()


def _search(params: SearchParams, *, index: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(facet_index_module, "INDEX_MIN_RESOURCES", 0 if index else 10**9)
    return _summary(resource_search(None, params))


def test_typos_are_corrected_with_the_index_as_without(
    generated_hub: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in (False, True):
        found = _search(SearchParams(q="mothz"), index=index, monkeypatch=monkeypatch)
        assert found[2] == "moths"
        assert found[0] > 0


def _summary(found: SearchResults) -> Any:
    return (
        found.total,
        found.sort,
        found.corrected_query,
        [r.resource.pk for r in found.results],
        [r.snippet for r in found.results],
        [[(o.value, o.count, o.selected) for o in facet.options] for facet in found.facets],
    )


@pytest.mark.parametrize("params", SEARCHES, ids=lambda params: params.query_string() or "all")
def test_the_index_finds_and_counts_what_sql_does(
    generated_hub: None, params: SearchParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_sql = _search(params, index=False, monkeypatch=monkeypatch)
    with_index = _search(params, index=True, monkeypatch=monkeypatch)
    assert with_index == with_sql


def _plain_counts(filters: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, Counter[str]]]:
    """Count by reading every listed resource and its tags, one facet at a time."""
    listed = list(Resource.objects.filter(status="published").prefetch_related("tags"))

    def values(resource: Resource, facet: str) -> list[str]:
        if facet in COLUMN_FACETS:
            value = getattr(resource, COLUMN_FACETS[facet])
            return [value] if value else []
        return [tag.value for tag in resource.tags.all() if tag.kind == TAG_FACETS[facet]]

    def meets(resource: Resource, leave_out: str = "") -> bool:
        return all(
            set(values(resource, facet)) & set(chosen)
            for facet, chosen in filters.items()
            if facet != leave_out
        )

    total = sum(1 for resource in listed if meets(resource))
    counts = {
        facet: Counter(
            value
            for resource in listed
            if meets(resource, leave_out=facet)
            for value in values(resource, facet)
        )
        for facet in [*COLUMN_FACETS, *TAG_FACETS]
    }
    return total, counts


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"domain": ("health",), "kind": ("tool", "template"), "phase": ("design",)},
        {"audience": ("volunteers", "educators"), "organisation": ("Lab 2",)},
    ],
)
def test_the_index_counts_equal_a_plain_count_of_the_rows(
    generated_hub: None, filters: dict[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facet_index_module, "INDEX_MIN_RESOURCES", 0)
    found = resource_search(None, SearchParams(filters=filters))
    total, counts = _plain_counts(filters)
    assert ResourceTag.objects.count() > 500
    assert found.total == total
    for facet in found.facets:
        shown = {option.value: option.count for option in facet.options if option.count}
        if facet.name == "organisation":
            assert shown == dict(counts[facet.name].most_common(15))
        else:
            assert shown == dict(counts[facet.name])
