"""The project directory: search, facets, sorting, pages, "near me" and the map's data.

Only listed projects (approved and public, `project_list_listed`) ever appear; unlisted,
private and unapproved ones are never found, counted or mapped.

One page of the directory costs at most four queries, whatever the data: the total with every
facet's counts (one query), the page (its ids first when sorted by relevance) and the page's
domain tags. The figures on its cards (`with_card_facts`) cost a query or two per area.

The directory's card is the shared project card: the home page lists its recently active
projects with it (`project_ids_recently_active`, `project_cards`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from cslab.core import project_page
from cslab.projects.models import Project, ProjectTag
from cslab.projects.search import search_filter, search_ranked_ids, search_terms
from cslab.projects.selectors import project_list_listed
from cslab.projects.vocabulary import (
    Faculty,
    InitiatorType,
    ParticipationTask,
    ResearchDomain,
    TagKind,
)

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 50
MAX_OPTIONS_PER_FACET = 30
WITHIN_KM_CHOICES = (5, 10, 25, 50, 100, 250, 500, 1000)
DEFAULT_WITHIN_KM = 50.0
MAX_WITHIN_KM = 20_000.0
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = 110.574
MAP_LIMIT = 1000

SORT_RELEVANCE = "relevance"
SORT_NEAREST = "nearest"
SORT_NAME = "name"
SORT_NEWEST = "newest"
SORT_UPDATED = "updated"
SORT_LABELS: dict[str, Promise] = {
    SORT_RELEVANCE: gettext_lazy("Best match"),
    SORT_NEAREST: gettext_lazy("Nearest first"),
    SORT_NAME: gettext_lazy("Name (A to Z)"),
    SORT_NEWEST: gettext_lazy("Newest first"),
    SORT_UPDATED: gettext_lazy("Recently updated"),
}
_ORDERINGS: dict[str, tuple[str, ...]] = {
    SORT_NAME: ("name", "pk"),
    SORT_NEWEST: ("-approved_at", "-pk"),
    SORT_UPDATED: ("-updated_at", "-pk"),
    SORT_NEAREST: ("distance_km", "name", "pk"),
}


def _label_from(choices: Any) -> Callable[[str], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def _country_label(value: str) -> str:
    name = countries.name(value.upper()) if len(value) == 2 else ""
    return str(name or value)


def _language_label(value: str) -> str:
    try:
        return str(get_language_info(value.lower())["name_translated"])
    except KeyError:
        return value


@dataclass(frozen=True)
class FacetSpec:
    """A facet: its URL parameter, its heading, and where its values live."""

    name: str
    label: Promise
    value_label: Callable[[str], str]
    column: str = ""
    tag_kind: str = ""
    # The vocabulary's order, for facets with a fixed vocabulary; others list by count.
    order: tuple[str, ...] = ()


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec(
        "domain",
        gettext_lazy("Research domain"),
        _label_from(ResearchDomain),
        tag_kind=TagKind.DOMAIN,
        order=tuple(ResearchDomain.values),
    ),
    FacetSpec(
        "faculty",
        gettext_lazy("Faculty"),
        _label_from(Faculty),
        column="faculty",
        order=tuple(Faculty.values),
    ),
    FacetSpec(
        "status",
        gettext_lazy("Status"),
        _label_from(Project.Status),
        column="status",
        order=tuple(Project.Status.values),
    ),
    FacetSpec(
        "task",
        gettext_lazy("How people take part"),
        _label_from(ParticipationTask),
        tag_kind=TagKind.PARTICIPATION_TASK,
        order=tuple(ParticipationTask.values),
    ),
    FacetSpec(
        "initiator",
        gettext_lazy("Started by"),
        _label_from(InitiatorType),
        column="initiator_type",
        order=tuple(InitiatorType.values),
    ),
    FacetSpec("country", gettext_lazy("Country"), _country_label, tag_kind=TagKind.COUNTRY),
    FacetSpec("language", gettext_lazy("Language"), _language_label, tag_kind=TagKind.LANGUAGE),
)
FACETS_BY_NAME = {spec.name: spec for spec in FACETS}


@dataclass(frozen=True)
class DirectoryQuery:
    """What a visitor asked the directory for, already checked and bounded."""

    text: str = ""
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    near: tuple[float, float] | None = None
    # The position as typed, to show it again (also when it could not be read).
    near_text: str = ""
    within_km: float = DEFAULT_WITHIN_KM
    page: int = 1
    # Parts of the request that could not be used, in words for the visitor.
    problems: tuple[str, ...] = ()


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
        return f"facet-{self.facet}-{digest}"


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)


@dataclass(frozen=True)
class DirectoryEntry:
    project: Project
    domains: list[str]
    distance_km: float | None = None
    # The figures the card shows (participants, observations…), from `with_card_facts`.
    facts: project_page.Facts | None = None


@dataclass(frozen=True)
class DirectoryPage:
    query: DirectoryQuery
    entries: list[DirectoryEntry]
    total: int
    number: int
    facets: list[Facet]
    sort: str
    sort_options: list[tuple[str, str]]
    sort_selected: str
    page_size: int = PAGE_SIZE

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
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.entries else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.entries) - 1 if self.entries else 0

    @property
    def page_range(self) -> list[int | None]:
        """Return the page numbers to link, None where a run of pages is left out."""
        wanted = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        pages = sorted(page for page in wanted if 1 <= page <= self.num_pages)
        elided: list[int | None] = []
        previous = 0
        for page in pages:
            if previous and page - previous > 1:
                elided.append(None)
            elided.append(page)
            previous = page
        return elided

    @property
    def within_km_options(self) -> list[tuple[float, bool]]:
        """The distances to offer, with the current one (also an unusual one) selected."""
        current = self.query.within_km
        values = sorted({float(km) for km in WITHIN_KM_CHOICES} | {current})
        return [(value, value == current) for value in values]

    @property
    def is_filtered(self) -> bool:
        return bool(self.query.text.strip() or self.query.selected or self.query.near)


# Reading the request --------------------------------------------------------------------------


def _clean(text: str, limit: int) -> str:
    """Drop control characters (PostgreSQL refuses NUL in text) and bound the length."""
    return "".join(character for character in text if character.isprintable())[:limit]


def directory_query_from_params(params: QueryDict) -> DirectoryQuery:
    """Read the directory's GET parameters; what cannot be used is dropped with a problem noted.

    Parameters: q, one list per facet (domain, faculty, status, task, initiator, country,
    language), sort, near ("latitude,longitude"), within_km, page.
    """
    problems: list[str] = []
    selected: dict[str, tuple[str, ...]] = {}
    for spec in FACETS:
        values: list[str] = []
        for raw in params.getlist(spec.name):
            value = _clean(raw, 200).strip()
            if value and value not in values:
                values.append(value)
        if values:
            selected[spec.name] = tuple(values[:MAX_VALUES_PER_FACET])
    near_text = _clean(params.get("near", ""), 60).strip()
    near = parse_position(near_text)
    if near_text and near is None:
        problems.append(
            _("“%(near)s” is not a position: give latitude and longitude, like 52.16, 4.49.")
            % {"near": near_text}
        )
    within_km = DEFAULT_WITHIN_KM
    within_text = params.get("within_km", "").strip()
    if within_text:
        try:
            within_km = float(within_text)
        except ValueError:
            within_km = math.nan
        if not 0 < within_km <= MAX_WITHIN_KM:  # also false for NaN
            problems.append(
                _("The distance must be a number of kilometres up to %(max)d.")
                % {"max": MAX_WITHIN_KM}
            )
            within_km = DEFAULT_WITHIN_KM
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return DirectoryQuery(
        text=_clean(params.get("q", ""), MAX_QUERY_LENGTH),
        selected=selected,
        sort=_clean(params.get("sort", ""), 20).strip(),
        near=near,
        near_text=near_text,
        within_km=within_km,
        page=min(page, 1_000_000),
        problems=tuple(problems),
    )


def parse_position(text: str) -> tuple[float, float] | None:
    """Return (latitude, longitude) from "lat,lon" (or "lat lon"), or None if it is not one."""
    parts = text.replace(";", ",").replace(",", " ").split()
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """Return (west, south, east, north) from "west,south,east,north", or None."""
    parts = text.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    inside = -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90
    return (west, south, east, north) if inside else None


# Filtering ------------------------------------------------------------------------------------


def _distance_km(latitude: float, longitude: float) -> Combinable:
    """The great-circle (haversine) distance in km from a position to each project's centre."""
    half_latitude = Sin(Radians(F("centre_latitude") - latitude) / 2)
    half_longitude = Sin(Radians(F("centre_longitude") - longitude) / 2)
    haversine = Power(half_latitude, 2) + math.cos(math.radians(latitude)) * Cos(
        Radians(F("centre_latitude"))
    ) * Power(half_longitude, 2)
    # Rounding can push the term a hair above 1, outside ASIN's domain.
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(Least(Value(1.0), haversine)))


def _near_box(latitude: float, longitude: float, within_km: float) -> Q:
    """A box around the position that holds the circle: an indexed range to test first."""
    latitude_delta = within_km / KM_PER_DEGREE_LATITUDE
    south, north = latitude - latitude_delta, latitude + latitude_delta
    condition = Q(centre_latitude__gte=max(-90.0, south), centre_latitude__lte=min(90.0, north))
    widest = max(abs(south), abs(north))
    if widest >= 89.9:
        return condition  # the circle holds a pole: every longitude
    longitude_delta = within_km / (111.320 * math.cos(math.radians(widest)))
    if longitude_delta >= 180:
        return condition
    west, east = longitude - longitude_delta, longitude + longitude_delta
    if west < -180:
        across = Q(centre_longitude__gte=west + 360) | Q(centre_longitude__lte=east)
    elif east > 180:
        across = Q(centre_longitude__gte=west) | Q(centre_longitude__lte=east - 360)
    else:
        across = Q(centre_longitude__gte=west, centre_longitude__lte=east)
    return condition & across


def _apply_facets(
    queryset: QuerySet[Project], selected: Mapping[str, Sequence[str]]
) -> QuerySet[Project]:
    """Narrow to projects with any selected value of each facet (OR within, AND across)."""
    for name, values in selected.items():
        spec = FACETS_BY_NAME.get(name)
        if spec is not None and values:
            queryset = queryset.filter(_facet_condition(spec, values))
    return queryset


def _searched(query: DirectoryQuery, terms: Sequence[str]) -> QuerySet[Project]:
    """Listed projects matching the search and the "near me" circle, before any facet."""
    queryset = search_filter(project_list_listed(), terms)
    if query.near is not None:
        latitude, longitude = query.near
        queryset = (
            queryset.filter(_near_box(latitude, longitude, query.within_km))
            .alias(distance_from_here=_distance_km(latitude, longitude))
            .filter(distance_from_here__lte=query.within_km)
        )
    return queryset


def _facet_condition(spec: FacetSpec, values: Sequence[str]) -> Q:
    """The condition a project meets when it has any of `values` in this facet."""
    if spec.column:
        return Q(**{f"{spec.column}__in": list(values)})
    tagged = ProjectTag.objects.filter(kind=spec.tag_kind, value__in=list(values))
    return Q(pk__in=tagged.values("project_id"))


def _facet_counts(
    searched: QuerySet[Project], query: DirectoryQuery
) -> tuple[int, dict[str, dict[str, int]]]:
    """Return the number of matching projects and every facet's counts, in one query.

    Each facet's counts apply every other facet's selection but not its own (so a visitor sees
    what ticking one more value of the same facet would add). The candidates (listed, searched,
    near) are read once, in a common table expression holding, per project, its column facets
    and whether it meets each selected facet; the counts are then a UNION ALL of small GROUP
    BYs over it, one per facet, plus the total.
    """
    selected = {name: values for name, values in query.selected.items() if name in FACETS_BY_NAME}
    flags = {
        f"matches_{name}": Case(
            When(_facet_condition(FACETS_BY_NAME[name], values), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for name, values in selected.items()
    }
    columns = [spec.column for spec in FACETS if spec.column]
    candidates = searched.order_by().annotate(**flags).values("pk", *columns, *flags)
    compiler = candidates.query.get_compiler(using=candidates.db)
    candidates_sql, params = compiler.as_sql()
    # The names of the candidates' columns, in the order Django selects them.
    names = [
        "id" if alias == "pk" else alias or expression.target.column
        for expression, _sql, alias in compiler.select
    ]
    connection = connections[candidates.db]
    quote = connection.ops.quote_name

    def meets_all_but(facet: str) -> str:
        tests = [f"c.{quote('matches_' + name)} = 1" for name in selected if name != facet]
        return " AND ".join(tests) or "1 = 1"

    # Facet names and columns come from FACETS; values and tag kinds travel as parameters.
    branches = [f"SELECT '', '', COUNT(*) FROM c WHERE {meets_all_but('')}"]  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
    tag_kinds: list[str] = []
    for spec in FACETS:
        if spec.column:
            column = f"c.{quote(spec.column)}"
            branches.append(
                f"SELECT '{spec.name}', {column}, COUNT(*) FROM c "  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
                f"WHERE {meets_all_but(spec.name)} GROUP BY {column}"
            )
        else:
            branches.append(
                f"SELECT '{spec.name}', t.value, COUNT(*) "  # noqa: S608 (facet names and columns are constants; values are parameters)  # nosec B608
                f"FROM {quote(ProjectTag._meta.db_table)} t JOIN c ON c.id = t.project_id "
                f"WHERE t.kind = %s AND {meets_all_but(spec.name)} GROUP BY t.value"
            )
            tag_kinds.append(spec.tag_kind)
    sql = (
        f"WITH c ({', '.join(quote(name) for name in names)}) AS ({candidates_sql}) "
        + " UNION ALL ".join(branches)
    )
    counts: dict[str, dict[str, int]] = {spec.name: {} for spec in FACETS}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *tag_kinds))
        for name, value, count in cursor.fetchall():
            if not name:
                total = count
            elif value:
                counts[name][value] = count
    return total, counts


def _facets(counts: Mapping[str, Mapping[str, int]], query: DirectoryQuery) -> list[Facet]:
    facets = []
    for spec in FACETS:
        selected = set(query.selected.get(spec.name, ()))
        values = set(counts[spec.name]) | selected
        position = {value: index for index, value in enumerate(spec.order)}

        def sort_key(
            value: str, spec: FacetSpec = spec, position: dict[str, int] = position
        ) -> Any:
            if spec.order:
                return (position.get(value, len(position)), spec.value_label(value).casefold())
            return (-counts[spec.name].get(value, 0), spec.value_label(value).casefold())

        ordered = sorted(values, key=sort_key)
        kept = [value for value in ordered if value in selected]
        kept += [value for value in ordered if value not in selected][
            : max(0, MAX_OPTIONS_PER_FACET - len(kept))
        ]
        options = [
            FacetOption(
                facet=spec.name,
                value=value,
                label=spec.value_label(value),
                count=counts[spec.name].get(value, 0),
                selected=value in selected,
            )
            for value in ordered
            if value in kept
        ]
        facets.append(Facet(name=spec.name, label=str(spec.label), options=options))
    return facets


def _sort_choice(
    terms: Sequence[str], query: DirectoryQuery
) -> tuple[str, list[tuple[str, str]], str]:
    """Return the sort to apply, the choices to offer and the choice to mark as selected.

    The first choice (value "") is the automatic order, named after what it means now: best
    match when searching, nearest first near a position, name otherwise. A visitor's own choice
    stays when the search changes; the automatic one follows it.
    """
    default = SORT_RELEVANCE if terms else SORT_NEAREST if query.near is not None else SORT_NAME
    applicable = [SORT_NAME, SORT_NEWEST, SORT_UPDATED]
    if query.near is not None:
        applicable.insert(0, SORT_NEAREST)
    if terms:
        applicable.insert(0, SORT_RELEVANCE)
    effective = query.sort if query.sort in applicable else default
    options = [("", str(SORT_LABELS[default]))]
    options += [(name, str(SORT_LABELS[name])) for name in applicable if name != default]
    selected = effective if effective != default else ""
    return effective, options, selected


def _for_page(queryset: QuerySet[Project], query: DirectoryQuery) -> QuerySet[Project]:
    """Load what a result card shows: organisation, domain tags, distance from the position."""
    queryset = queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "tags",
            queryset=ProjectTag.objects.filter(kind=TagKind.DOMAIN).order_by("value"),
            to_attr="domain_tags",
        )
    )
    if query.near is not None:
        queryset = queryset.annotate(distance_km=_distance_km(*query.near))
    return queryset


# The directory --------------------------------------------------------------------------------


def project_directory(*, query: DirectoryQuery) -> DirectoryPage:
    """Return one page of listed projects for the query, with every facet's counts.

    Sorting: by relevance when there are search words, nearest first when a position is given,
    otherwise by name (the visitor may choose any sort that applies).
    """
    terms = search_terms(query.text)
    searched = _searched(query, terms)
    filtered = _apply_facets(searched, query.selected)
    total, counts = _facet_counts(searched, query)
    sort, sort_options, sort_selected = _sort_choice(terms, query)
    number = min(query.page, max(1, math.ceil(total / PAGE_SIZE)))
    offset = (number - 1) * PAGE_SIZE

    projects: list[Project]
    if total == 0:
        projects = []
    elif sort == SORT_RELEVANCE:
        ids = search_ranked_ids(filtered, terms, offset=offset, limit=PAGE_SIZE)
        by_id = {
            project.pk: project for project in _for_page(Project.objects.filter(pk__in=ids), query)
        }
        projects = [by_id[pk] for pk in ids if pk in by_id]
    else:
        ordered = _for_page(filtered, query).order_by(*_ORDERINGS[sort])
        projects = list(ordered[offset : offset + PAGE_SIZE])

    domain_label = FACETS_BY_NAME["domain"].value_label
    entries = [
        DirectoryEntry(
            project=project,
            domains=[domain_label(tag.value) for tag in getattr(project, "domain_tags", [])],
            distance_km=getattr(project, "distance_km", None),
        )
        for project in projects
    ]
    return DirectoryPage(
        query=query,
        entries=entries,
        total=total,
        number=number,
        facets=_facets(counts, query),
        sort=sort,
        sort_options=sort_options,
        sort_selected=sort_selected,
    )


# Cards ----------------------------------------------------------------------------------------


def with_card_facts(entries: list[DirectoryEntry]) -> list[DirectoryEntry]:
    """The entries with the figures their cards show, a query or two per area for all of them."""
    facts = project_page.card_facts([entry.project.pk for entry in entries])
    return [replace(entry, facts=facts.get(entry.project.pk)) for entry in entries]


def project_ids_recently_active(*, limit: int) -> list[int]:
    """The listed projects that take part now (active) first, then the others; in each, the
    most recently active first: the latest contribution anyone may see, else the approval.
    Activity is read for every listed project (a query or two per area), so callers may cache
    the ids; `project_cards` reads them again as listed."""
    listed = list(project_list_listed().values_list("pk", "approved_at", "status"))
    facts = project_page.card_facts([pk for pk, _approved, _status in listed])

    def rank(row: tuple[int, Any, str]) -> tuple[bool, Any]:
        pk, approved_at, status = row
        latest = max(moment for moment in (facts[pk].last_active_at, approved_at) if moment)
        return status == Project.Status.ACTIVE, latest

    return [row[0] for row in sorted(listed, key=rank, reverse=True)[:limit]]


def project_cards(project_ids: list[int]) -> list[DirectoryEntry]:
    """The listed ones of these projects as cards with their figures, in the order given."""
    shown = _for_page(project_list_listed().filter(pk__in=project_ids), DirectoryQuery())
    projects = {project.pk: project for project in shown}
    domain_label = FACETS_BY_NAME["domain"].value_label
    entries = [
        DirectoryEntry(
            project=projects[pk],
            domains=[domain_label(tag.value) for tag in getattr(projects[pk], "domain_tags", [])],
        )
        for pk in project_ids
        if pk in projects
    ]
    return with_card_facts(entries)


# The map --------------------------------------------------------------------------------------


def project_directory_map(
    *,
    query: DirectoryQuery,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = MAP_LIMIT,
) -> dict[str, Any]:
    """Return the areas of the listed projects matching the query as an RFC 7946 FeatureCollection.

    Each project with an area is one Feature: its area (rings wound counter-clockwise outside,
    clockwise for holes, as RFC 7946 asks), or its centre as a Point. With `bbox`
    (west, south, east, north) only areas meeting that box are included. At most `limit`
    features; the foreign member "truncated" says whether more matched.
    """
    terms = search_terms(query.text)
    filtered = _apply_facets(_searched(query, terms), query.selected).filter(
        centre_latitude__isnull=False, centre_longitude__isnull=False
    )
    if bbox is not None:
        west, south, east, north = bbox
        filtered = filtered.filter(extent_south__lte=north, extent_north__gte=south)
        if west <= east:
            filtered = filtered.filter(extent_west__lte=east, extent_east__gte=west)
        else:  # the box crosses the antimeridian
            filtered = filtered.filter(Q(extent_east__gte=west) | Q(extent_west__lte=east))
    rows = list(
        filtered.order_by("name", "pk").values_list(
            "slug", "name", "status", "geographic_extent", "centre_latitude", "centre_longitude"
        )[: limit + 1]
    )
    status_label = FACETS_BY_NAME["status"].value_label
    features = []
    for slug, name, status, extent, latitude, longitude in rows[:limit]:
        geometry = (
            rewound(extent)
            if isinstance(extent, dict) and extent.get("type")
            else {"type": "Point", "coordinates": [longitude, latitude]}
        )
        features.append(
            {
                "type": "Feature",
                "id": slug,
                "geometry": geometry,
                "properties": {
                    "name": name,
                    "url": Project(slug=slug).get_absolute_url(),
                    "status": status_label(status),
                    "centre": [longitude, latitude],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit}


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Twice the signed area of a ring in the lon/lat plane: positive when counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))


def _wound(ring: list[Any], *, counter_clockwise: bool) -> list[Any]:
    is_counter_clockwise = _signed_area(ring) > 0
    return ring if is_counter_clockwise == counter_clockwise else list(reversed(ring))


def _rewound_polygon(rings: list[Any]) -> list[Any]:
    return [_wound(ring, counter_clockwise=index == 0) for index, ring in enumerate(rings)]


def rewound(geometry: dict[str, Any]) -> dict[str, Any]:
    """Return the geometry with polygon rings in RFC 7946 order (right-hand rule)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _rewound_polygon(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_rewound_polygon(p) for p in geometry["coordinates"]]}
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [rewound(g) for g in geometry.get("geometries", [])]}
    return geometry
