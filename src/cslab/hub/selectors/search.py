"""The hub's search: one page of listed resources for a search, with every facet's counts.

Only listed resources (published, `resource_list_listed`) are ever found, counted or related;
a draft, a resource in review or a retired one never is. One page costs a constant number of
queries whatever the data. A small hub (under `facet_index.INDEX_MIN_RESOURCES` listed) is
counted in SQL: the total with every facet's counts (one query), the page's ids in relevance
order (one), the page's resources and their tags (two) and its snippets (one). A large one is
counted in memory over the per-process facet index (`hub.facet_index`; ~1 ms instead of
hundreds at 50,000 resources): its freshness token (one), the ids the words find (one), then
the page as above, its order from the index when newest first. When the words find nothing,
each word is corrected against what the hub knows (one query per word; none with the index,
which keeps the words) and the search runs once more with the correction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cslab.hub import states
from cslab.hub.facet_index import (
    COLUMN_FACETS,
    TAG_FACETS,
    FacetIndex,
    facet_index_for_search,
    facet_index_note_listed,
)
from cslab.hub.models import Resource, ResourceTag
from cslab.hub.queries import FACETS, SearchParams
from cslab.hub.search import (
    search_corrected_terms,
    search_filter,
    search_matching_ids,
    search_ranked_ids,
    search_snippets,
    search_terms,
)
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.vocabulary import (
    Audience,
    ParticipationLevel,
    ResearchPhase,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
)
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

PAGE_SIZE = 20
ORGANISATION_OPTIONS = 15
RELATED_CANDIDATES = 50

FACET_LABELS: dict[str, Promise] = {
    "kind": _("Kind"),
    "faculty": _("Faculty"),
    "domain": _("Research domain"),
    "level": _("Participation level"),
    "phase": _("Research phase"),
    "sdg": _("UN Sustainable Development Goal"),
    "audience": _("Audience"),
    "language": _("Language"),
    "licence": _("Licence"),
    "organisation": _("Organisation"),
}
_VALUE_LABELS: dict[str, Mapping[str, Any]] = {
    "kind": dict(ResourceKind.choices),
    "faculty": dict(Faculty.choices),
    "domain": dict(ResearchDomain.choices),
    "level": dict(ParticipationLevel.choices),
    "phase": dict(ResearchPhase.choices),
    "sdg": SUSTAINABLE_DEVELOPMENT_GOALS,
    "audience": dict(Audience.choices),
    "language": dict(ResourceLanguage.choices),
    "licence": dict(ResourceLicence.choices),
}

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_MOST_USED = "most_used"
SORT_LABELS: dict[str, Promise] = {
    SORT_RELEVANCE: _("Best match"),
    SORT_NEWEST: _("Newest first"),
    SORT_MOST_USED: _("Most used"),
}
_ORDERINGS: dict[str, tuple[str, ...]] = {
    SORT_NEWEST: ("-published_at", "-pk"),
    SORT_MOST_USED: ("-use_count", "-download_count", "-view_count", "-published_at", "-pk"),
}


def facet_value_label(facet: str, value: str) -> str:
    """Return the label a visitor reads for one value of a facet (the value itself if free)."""
    return _value_label(get_language(), facet, value)


def facet_label(facet: str) -> str:
    """Return a facet's label in the active language."""
    return _value_label(get_language(), "", facet)


# A page reads some 300 labels; each translation lookup costs tens of microseconds.
@functools.lru_cache(maxsize=4096)
def _value_label(language: str | None, facet: str, value: str) -> str:
    if not facet:
        return str(FACET_LABELS[value])
    labels = _VALUE_LABELS.get(facet)
    if labels is None or value not in labels:
        return value
    label = labels[value]
    if facet == "sdg":
        return f"{value}. {gettext(str(label))}"
    return str(label)


@dataclass(frozen=True)
class FacetOption:
    facet: str
    value: str
    label: str
    count: int
    selected: bool

    @property
    def element_id(self) -> str:
        """An HTML id that stays the same while counts change (htmx keeps focus on it)."""
        digest = hashlib.blake2s(self.value.encode(), digest_size=6).hexdigest()
        return f"hub-facet-{self.facet}-{digest}"


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)


@dataclass(frozen=True)
class SearchResult:
    resource: Resource
    # The passage where the words were found, words in <mark>; None without words.
    snippet: SafeString | None
    # A few labelled facet values for the card: (facet label, value label).
    facets: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    params: SearchParams
    results: list[SearchResult]
    total: int
    # Every facet of queries.FACETS, in that order; options sorted by count.
    facets: list[Facet]
    # The order applied: relevance only when there are words.
    sort: str
    page_size: int = PAGE_SIZE
    # The words searched instead of the ones typed, when those found nothing.
    corrected_query: str = ""

    @property
    def number(self) -> int:
        return self.params.page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.results else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.results) - 1 if self.results else 0

    @property
    def is_beyond_last_page(self) -> bool:
        return self.number > self.num_pages

    @property
    def page_range(self) -> list[int | None]:
        """Return the page numbers to link, None where a run of pages is left out."""
        last = self.num_pages
        wanted = {1, last, *range(self.number - 2, self.number + 3)}
        pages = sorted(page for page in wanted if 1 <= page <= last)
        elided: list[int | None] = []
        previous = 0
        for page in pages:
            if previous and page - previous > 1:
                elided.append(None)
            elided.append(page)
            previous = page
        return elided

    @property
    def sort_options(self) -> list[tuple[str, str]]:
        """The orders a visitor may choose now (best match only when there are words)."""
        names = [SORT_NEWEST, SORT_MOST_USED]
        if self.sort == SORT_RELEVANCE or search_terms(self.params.q):
            names.insert(0, SORT_RELEVANCE)
        return [(name, str(SORT_LABELS[name])) for name in names]

    @property
    def active_filters(self) -> list[FacetOption]:
        """The chosen facet values, each one a chip that removes it."""
        return [option for facet in self.facets for option in facet.options if option.selected]


# Filtering ------------------------------------------------------------------------------------


def _facet_condition(name: str, values: Sequence[str]) -> Q:
    """The condition a resource meets when it has any of `values` in this facet."""
    if name in COLUMN_FACETS:
        return Q(**{f"{COLUMN_FACETS[name]}__in": list(values)})
    tagged = ResourceTag.objects.filter(kind=TAG_FACETS[name], value__in=list(values))
    return Q(pk__in=tagged.values("resource_id"))


def _apply_facets(
    queryset: QuerySet[Resource], filters: Mapping[str, Sequence[str]]
) -> QuerySet[Resource]:
    """Narrow to resources with any chosen value of each facet (OR within, AND across)."""
    for name, values in filters.items():
        if name in FACETS and values:
            queryset = queryset.filter(_facet_condition(name, values))
    return queryset


def resource_matching(queryset: QuerySet[Resource], params: SearchParams) -> QuerySet[Resource]:
    """Return the resources of `queryset` that match the search's words and facets."""
    return _apply_facets(search_filter(queryset, search_terms(params.q)), params.filters)


def _facet_counts(
    index: FacetIndex, text: np.ndarray, filters: Mapping[str, Sequence[str]]
) -> tuple[np.ndarray, dict[str, dict[str, int]]]:
    """Return the mask of the matching resources and every facet's counts.

    `text` is the mask of the resources the words find. Each facet's counts apply every other
    facet's choice but not its own, so a visitor sees what ticking one more value of the same
    facet would add. Counted in memory over the facet index (`hub.facet_index`).
    """
    chosen = {
        name: index.facets[name].mask(values, index.size)
        for name, values in filters.items()
        if name in FACETS and values
    }
    matching = text.copy()
    for mask in chosen.values():
        matching &= mask
    counts: dict[str, dict[str, int]] = {}
    previous: np.ndarray | None = None
    base_rows = np.zeros(0, dtype=np.int64)
    for name in FACETS:
        if name in chosen:
            base = text.copy()
            for other, mask in chosen.items():
                if other != name:
                    base &= mask
        else:
            base = matching
        if base is not previous:
            previous, base_rows = base, np.flatnonzero(base)
        counts[name] = index.facets[name].counts(base, base_rows)
    return matching, counts


def _facet_counts_sql(
    searched: QuerySet[Resource], filters: Mapping[str, Sequence[str]]
) -> tuple[int, dict[str, dict[str, int]], int]:
    """Return the number of matching resources, every facet's counts and the number of listed
    resources, in one query (for a small hub, where this costs less than the facet index).

    Each facet's counts apply every other facet's choice but not its own, so a visitor sees
    what ticking one more value of the same facet would add. The candidates are read once, in a
    common table expression holding each resource's column facets and whether it meets each
    chosen facet; the counts are a UNION ALL of small GROUP BYs over it, plus the total.
    """
    chosen = {name: values for name, values in filters.items() if name in FACETS and values}
    flags = {
        f"matches_{name}": Case(
            When(_facet_condition(name, values), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for name, values in chosen.items()
    }
    columns = list(COLUMN_FACETS.values())
    candidates = searched.order_by().annotate(**flags).values("pk", *columns, *flags)
    compiler = candidates.query.get_compiler(using=candidates.db)
    candidates_sql, params = compiler.as_sql()
    names = [
        "id" if alias == "pk" else alias or expression.target.column
        for expression, _sql, alias in compiler.select
    ]
    connection = connections[candidates.db]
    quote = connection.ops.quote_name

    def meets_all_but(facet: str) -> str:
        tests = [f"c.{quote('matches_' + name)} = 1" for name in chosen if name != facet]
        return " AND ".join(tests) or "1 = 1"

    # Facet names and columns are constants of this module; values travel as parameters.
    branches = [f"SELECT '', '', COUNT(*) FROM c WHERE {meets_all_but('')}"]  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
    tag_kinds: list[str] = []
    for name in FACETS:
        if name in COLUMN_FACETS:
            column = f"c.{quote(COLUMN_FACETS[name])}"
            branches.append(
                f"SELECT '{name}', {column}, COUNT(*) FROM c "  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
                f"WHERE {meets_all_but(name)} GROUP BY {column}"
            )
        else:
            branches.append(
                f"SELECT '{name}', t.value, COUNT(*) "  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
                f"FROM {quote(ResourceTag._meta.db_table)} t JOIN c ON c.id = t.resource_id "
                f"WHERE t.kind = %s AND {meets_all_but(name)} GROUP BY t.value"
            )
            tag_kinds.append(TAG_FACETS[name])
    # How many resources are listed: the next search chooses the facet index when many are.
    branches.append(
        f"SELECT '#', '', COUNT(*) FROM {quote(Resource._meta.db_table)} "  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
        "WHERE status = %s"
    )
    sql = (
        f"WITH c ({', '.join(quote(name) for name in names)}) AS ({candidates_sql}) "
        + " UNION ALL ".join(branches)
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = listed = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *tag_kinds, states.PUBLISHED))
        for name, value, count in cursor.fetchall():
            if not name:
                total = count
            elif name == "#":
                listed = count
            elif value:
                counts[name][value] = count
    return total, counts, listed


def _text_mask(index: FacetIndex, terms: Sequence[str], using: str) -> np.ndarray:
    """The mask of the listed resources whose texts have every word (all without words)."""
    if not terms:
        return index.all_rows()
    return index.rows_of(search_matching_ids(terms, using=using))


def _among(ids: list[int], using: str) -> QuerySet[Resource]:
    """The listed resources with these ids, as one parameter however many there are."""
    vendor = connections[using].vendor
    listed = resource_list_listed().using(using)
    if vendor == "sqlite":
        chosen = RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))
        return listed.filter(pk__in=chosen)
    if vendor == "postgresql":
        chosen = RawSQL("SELECT unnest(%s::bigint[])", (ids,))
        return listed.filter(pk__in=chosen)
    return listed.filter(pk__in=ids)


def _facets(counts: Mapping[str, Mapping[str, int]], params: SearchParams) -> list[Facet]:
    language = get_language()  # once: a page reads some 300 labels
    facets = []
    for name in FACETS:
        chosen = set(params.filters.get(name, ()))
        values = set(counts[name]) | chosen
        ordered = sorted(
            values,
            key=lambda value, name=name: (  # type: ignore[misc]
                -counts[name].get(value, 0),
                _value_label(language, name, value).casefold(),
            ),
        )
        if name == "organisation":
            shown = [value for value in ordered if value in chosen]
            shown += [value for value in ordered if value not in chosen][
                : max(0, ORGANISATION_OPTIONS - len(shown))
            ]
            ordered = [value for value in ordered if value in shown]
        options = [
            FacetOption(
                facet=name,
                value=value,
                label=_value_label(language, name, value),
                count=counts[name].get(value, 0),
                selected=value in chosen,
            )
            for value in ordered
        ]
        facets.append(Facet(name=name, label=_value_label(language, "", name), options=options))
    return facets


def _card_facets(resource: Resource, language: str | None) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    if resource.participation_level:
        shown.append(
            (
                _value_label(language, "", "level"),
                _value_label(language, "level", resource.participation_level),
            )
        )
    for name in ("domain", "phase"):
        values = resource.tags_of(TAG_FACETS[name])
        shown.extend(
            (_value_label(language, "", name), _value_label(language, name, value))
            for value in values[:2]
        )
    shown.append(
        (
            _value_label(language, "", "language"),
            _value_label(language, "language", resource.language),
        )
    )
    return shown


# The search -----------------------------------------------------------------------------------


def _by_ids(ids: Sequence[int], using: str) -> list[Resource]:
    found = Resource.objects.using(using).filter(pk__in=ids).prefetch_related("tags")
    by_id = {resource.pk: resource for resource in found}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class _Counted:
    """What a search found: the total, each facet's counts, and (with the index) the matches."""

    searched: QuerySet[Resource]  # the listed resources with the words (facets not applied)
    total: int
    counts: dict[str, dict[str, int]]
    matching: np.ndarray | None = None


def _count(
    index: FacetIndex | None, terms: Sequence[str], filters: Mapping[str, Sequence[str]]
) -> _Counted:
    searched = search_filter(resource_list_listed(), terms)
    if index is None:
        total, counts, listed = _facet_counts_sql(searched, filters)
        facet_index_note_listed(listed, using=searched.db)
        return _Counted(searched, total, counts)
    matching, counts = _facet_counts(index, _text_mask(index, terms, searched.db), filters)
    return _Counted(searched, int(np.count_nonzero(matching)), counts, matching)


def _page(
    index: FacetIndex | None,
    counted: _Counted,
    filters: Mapping[str, Sequence[str]],
    terms: Sequence[str],
    sort: str,
    offset: int,
    page_size: int,
) -> list[Resource]:
    using = counted.searched.db
    if index is None or counted.matching is None:
        candidates = _apply_facets(counted.searched, filters)
    elif sort == SORT_NEWEST:
        return _by_ids(index.newest_ids(counted.matching, offset, page_size), using)
    elif any(name in FACETS and values for name, values in filters.items()):
        # Relevance and use change without the index knowing: the engine orders the matches.
        candidates = _among(index.ids_of(counted.matching), using)
    else:
        candidates = counted.searched
    if sort == SORT_RELEVANCE:
        return _by_ids(search_ranked_ids(candidates, terms, offset=offset, limit=page_size), using)
    ordered = candidates.prefetch_related("tags").order_by(*_ORDERINGS[sort])
    return list(ordered[offset : offset + page_size])


def resource_search(
    viewer: Any, params: SearchParams, *, page_size: int = PAGE_SIZE, correct_typos: bool = True
) -> SearchResults:
    """Return one page of listed resources for the search, with every facet's counts.

    Sorting: by relevance when there are words (otherwise newest first), newest first by
    publication, or most used (projects using it, then downloads, then views). A page beyond the
    last is empty, not an error. When the words find nothing and `correct_typos`, the search
    runs again with each word corrected (`corrected_query` says so). Anyone sees the same:
    only listed resources are searched, so `viewer` changes nothing yet.
    """
    terms = search_terms(params.q)
    using = resource_list_listed().db
    index = facet_index_for_search(using=using)
    counted = _count(index, terms, params.filters)
    corrected_query = ""
    if correct_typos and terms and counted.total == 0:
        corrected = search_corrected_terms(
            terms,
            using=using,
            known_words=None if index is None else lambda: index.known_words(using),
        )
        if corrected != terms:
            corrected_counted = _count(index, corrected, params.filters)
            if corrected_counted.total:
                terms, counted = corrected, corrected_counted
                corrected_query = " ".join(corrected)
    total, counts = counted.total, counted.counts
    sort = params.sort
    if sort == SORT_RELEVANCE and not terms:
        sort = SORT_NEWEST
    offset = (params.page - 1) * page_size
    resources = (
        _page(index, counted, params.filters, terms, sort, offset, page_size)
        if total and offset < total
        else []
    )
    snippets = search_snippets([r.pk for r in resources], terms, using=using)
    language = get_language()
    results = [
        SearchResult(resource=r, snippet=snippets.get(r.pk), facets=_card_facets(r, language))
        for r in resources
    ]
    return SearchResults(
        params=params,
        results=results,
        total=total,
        facets=_facets(counts, params),
        sort=sort,
        page_size=page_size,
        corrected_query=corrected_query,
    )


# Related resources ----------------------------------------------------------------------------


def resource_related(resource: Resource, limit: int = 4) -> list[Resource]:
    """Return up to `limit` listed resources like this one, the most alike first.

    Alike: tags in common (two points each, keywords included) and the same kind (one point);
    ties go to the newest. Three queries at most whatever the hub's size: the resources sharing
    a tag (the best RELATED_CANDIDATES of them), more of the same kind when those are too few,
    and the chosen ones with their tags.
    """
    own_tags = [(tag.kind, tag.value) for tag in resource.tags.all()]
    listed = resource_list_listed().exclude(pk=resource.pk)
    scores: dict[int, tuple[int, Any]] = {}
    if own_tags:
        shared_tag = Q()
        for kind, value in own_tags:
            shared_tag |= Q(kind=kind, value=value)
        rows = (
            ResourceTag.objects.filter(shared_tag, resource__in=listed)
            .values("resource_id", "resource__kind", "resource__published_at")
            .annotate(shared=Count("id"))
            .order_by("-shared", "-resource__published_at", "-resource_id")[:RELATED_CANDIDATES]
        )
        for row in rows:
            score = 2 * row["shared"] + (1 if row["resource__kind"] == resource.kind else 0)
            scores[row["resource_id"]] = (score, row["resource__published_at"])
    chosen = sorted(scores, key=lambda pk: (scores[pk][0], scores[pk][1], pk), reverse=True)
    chosen = chosen[:limit]
    if len(chosen) < limit:
        same_kind = (
            listed.filter(kind=resource.kind)
            .exclude(pk__in=chosen)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[: limit - len(chosen)]
        )
        chosen.extend(same_kind)
    if not chosen:
        return []
    by_id = {r.pk: r for r in Resource.objects.filter(pk__in=chosen).prefetch_related("tags")}
    return [by_id[pk] for pk in chosen if pk in by_id]
