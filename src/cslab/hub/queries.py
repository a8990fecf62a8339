"""The hub's search in the URL: parameter names, their allowed values, and one normal form.

`/hub/?q=bats&domain=biodiversity&domain=water&phase=collection&sort=newest&page=2`. A facet
may repeat (values of one facet are OR-ed, facets are AND-ed). Unknown parameters and values
outside a facet's vocabulary are dropped, so any shared link opens a valid search. The normal
form (`SearchParams.query_string(for_following=True)`) is what a followed search stores.
Pure: no ORM.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from cslab.hub.vocabulary import (
    Audience,
    ParticipationLevel,
    ResearchPhase,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
)
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
MAX_ORGANISATION_LENGTH = 200
SORTS = ("relevance", "newest", "most_used")

# Facet parameter -> its allowed values (None: free text, such as an organisation's name).
FACETS: dict[str, frozenset[str] | None] = {
    "kind": frozenset(ResourceKind.values),
    "faculty": frozenset(Faculty.values),
    "domain": frozenset(ResearchDomain.values),
    "level": frozenset(ParticipationLevel.values),
    "phase": frozenset(ResearchPhase.values),
    "sdg": frozenset(SUSTAINABLE_DEVELOPMENT_GOALS),
    "audience": frozenset(Audience.values),
    "language": frozenset(ResourceLanguage.values),
    "licence": frozenset(ResourceLicence.values),
    "organisation": None,
}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1

    def query_string(self, *, for_following: bool = False) -> str:
        """Return the URL query of this search; for following, without sort and page."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in sorted(self.filters):
            pairs.extend((name, value) for value in sorted(self.filters[name]))
        if not for_following:
            if self.sort != "relevance":
                pairs.append(("sort", self.sort))
            if self.page != 1:
                pairs.append(("page", str(self.page)))
        return urlencode(pairs)

    @property
    def is_empty(self) -> bool:
        """True when nothing narrows the search (no words, no facet)."""
        return not self.q and not self.filters


def search_params_from_query(query: Mapping[str, object]) -> SearchParams:
    """Read a search from a QueryDict (or a dict of lists); never raises on odd input."""

    def values_of(name: str) -> list[str]:
        getlist = getattr(query, "getlist", None)
        raw: object = getlist(name) if getlist else query.get(name, [])
        if isinstance(raw, str):
            return [raw]
        if isinstance(raw, list | tuple):
            return [str(value) for value in raw]
        return []

    words = " ".join(values_of("q")).strip()[:MAX_QUERY_LENGTH]
    filters: dict[str, tuple[str, ...]] = {}
    for name, allowed in FACETS.items():
        chosen: list[str] = []
        for value in values_of(name):
            value = value.strip()
            if not value:
                continue
            if allowed is None:
                value = value[:MAX_ORGANISATION_LENGTH]
            elif value not in allowed:
                continue
            if value not in chosen:
                chosen.append(value)
        if chosen:
            filters[name] = tuple(chosen[:MAX_VALUES_PER_FACET])
    sort = next((value for value in values_of("sort") if value in SORTS), "relevance")
    try:
        page = int(next(iter(values_of("page")), "1"))
    except ValueError:
        page = 1
    return SearchParams(q=words, filters=filters, sort=sort, page=max(1, min(page, 10_000)))
