"""An OData feed of a form's observations, shaped like ODK Central's (pure: tables and rows in,
XML and JSON out).

The tables are the export's (`cslab.exports.columns`), so the feed shows exactly what an export
by the same person would: this module only renames and reshapes. Central's conventions:

* the observations are the entity set ``Submissions``; each repeat is its own entity set
  ``Submissions.<repeat>`` (nested repeats ``Submissions.<outer>.<inner>``) whose rows link to
  their parent by ``__Submissions-id`` (``__Submissions.<outer>-id`` when nested);
* every entity's key is ``__id``; the submission's metadata is the complex ``__system``
  (``submissionDate``, ``reviewState``, ``formVersion`` and, for those who see observers,
  ``submitterName``);
* a geopoint is a GeoJSON Point ``{"type": "Point", "coordinates": [lon, lat, alt],
  "properties": {"accuracy": …}}``.

Unlike Central, groups are see-through (cslab stores answers flat), so every question is a
top-level property. OData v2 clients (which ask with ``MaxDataServiceVersion: 2.0``) get the
same data in v2's JSON and metadata: v2 has no geography or date types, so there a geopoint is
WKT text and a date an ISO string.

`$filter` is a small, safe subset parsed here: comparisons (``eq ne gt ge lt le``) of
``__system/submissionDate`` with a date or date-time, and of ``__system/reviewState`` with a
quoted review state or ``null``, joined by ``and``. Anything else is refused.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from cslab.exports.columns import Column, Table

ROOT_SET = "Submissions"
SYSTEM_TYPE = "org.opendatakit.submission.metadata"
USER_NAMESPACE_PREFIX = "org.opendatakit.user."
# Central's own caps: a page of at most this many entities, and a $filter this long.
MAX_TOP = 10_000
MAX_FILTER_LENGTH = 1000
# cslab's moderation statuses as Central's review states (Central: null is "received").
REVIEW_STATES = {
    "pending": None,
    "accepted": "approved",
    "flagged": "hasIssues",
    "rejected": "rejected",
}
# The export's leading columns this module places itself (in __system or as cslab's extras).
_LEADING = frozenset(
    {
        "key",
        "parent_key",
        "form_version",
        "observed_at",
        "submitted_at",
        "status",
        "latitude",
        "longitude",
        "coordinate_uncertainty_m",
        "coordinates_obscured",
        "geoprivacy",
        "observer",
    }
)


class ODataQueryError(ValueError):
    """A query option this feed does not understand or allow (answered with 400)."""


@dataclass(frozen=True)
class Property:
    name: str
    v4_type: str
    v2_type: str
    # Reads the value from an export row.
    read: Callable[[Mapping[str, Any]], Any]


def entity_set_name(table: Table) -> str:
    return ".".join((ROOT_SET, *table.path))


def parent_link_name(table: Table) -> str:
    """The property of a repeat's rows naming their parent's __id, as Central names it."""
    return f"__{'.'.join((ROOT_SET, *table.path[:-1]))}-id"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _geojson_point(latitude: Any, longitude: Any, altitude: Any, accuracy: Any) -> Any:
    if latitude is None or longitude is None:
        return None
    coordinates = [float(longitude), float(latitude)]
    if altitude is not None:
        coordinates.append(float(altitude))
    point: dict[str, Any] = {"type": "Point", "coordinates": coordinates}
    if accuracy is not None:
        point["properties"] = {"accuracy": float(accuracy)}
    return point


def _geopoint_reader(question: str) -> Callable[[Mapping[str, Any]], Any]:
    def read(row: Mapping[str, Any]) -> Any:
        return _geojson_point(
            row.get(f"{question}-latitude"),
            row.get(f"{question}-longitude"),
            row.get(f"{question}-altitude"),
            row.get(f"{question}-accuracy"),
        )

    return read


def _cell_reader(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda row: row.get(name)


_V4_TYPES = {
    "string": "Edm.String",
    "integer": "Edm.Int64",
    "number": "Edm.Double",
    "boolean": "Edm.Boolean",
    "date": "Edm.Date",
    "datetime": "Edm.DateTimeOffset",
}
# v2 has no Edm.Date; dates and date-times stay ISO text there (a time zone-less v2 DateTime
# would lose the offset).
_V2_TYPES = {**_V4_TYPES, "date": "Edm.String", "datetime": "Edm.String"}


def answer_properties(table: Table) -> list[Property]:
    """The properties of a table's answers: one a question, a geopoint's four columns as one
    point, a select_multiple's 0/1 choice columns left out (Central has only the chosen names)."""
    properties: list[Property] = []
    seen_geopoints: set[str] = set()
    for column in table.columns:
        if column.name in _LEADING and not column.question:
            continue
        if column.reads == "choice":
            continue
        if column.reads == "geopoint":
            if column.question not in seen_geopoints:
                seen_geopoints.add(column.question)
                properties.append(
                    Property(
                        column.question,
                        "Edm.GeographyPoint",
                        "Edm.String",
                        _geopoint_reader(column.question),
                    )
                )
            continue
        properties.append(_column_property(column))
    return properties


def _column_property(column: Column) -> Property:
    return Property(
        column.name, _V4_TYPES[column.type], _V2_TYPES[column.type], _cell_reader(column.name)
    )


def _location(row: Mapping[str, Any]) -> Any:
    return _geojson_point(
        row.get("latitude"), row.get("longitude"), None, row.get("coordinate_uncertainty_m")
    )


# cslab's own top-level properties of a submission (not in Central): where and when it was
# observed as the viewer may see it, and whether geoprivacy moved the point.
_SUBMISSION_EXTRAS = [
    Property("observedAt", "Edm.String", "Edm.String", _cell_reader("observed_at")),
    Property("location", "Edm.GeographyPoint", "Edm.String", _location),
    Property(
        "coordinatesObscured", "Edm.Boolean", "Edm.Boolean", _cell_reader("coordinates_obscured")
    ),
    Property("geoprivacy", "Edm.String", "Edm.String", _cell_reader("geoprivacy")),
]


def _system_fields(*, personal_data: bool) -> list[tuple[str, str]]:
    fields = [
        ("submissionDate", "Edm.DateTimeOffset"),
        ("reviewState", "Edm.String"),
        ("formVersion", "Edm.String"),
    ]
    if personal_data:
        fields.append(("submitterName", "Edm.String"))
    return fields


def _wkt(point: Any) -> Any:
    if not isinstance(point, dict):
        return point
    return "POINT (" + " ".join(str(part) for part in point["coordinates"]) + ")"


def _v2_value(prop: Property, value: Any) -> Any:
    """v2's JSON writes 64-bit integers as text, and (having no geography) a point as WKT."""
    if value is None:
        return None
    if prop.v2_type == "Edm.Int64":
        return str(value)
    if prop.v4_type == "Edm.GeographyPoint":
        return _wkt(value)
    return value


def _iso_with_zone(value: Any) -> Any:
    """An export's ISO time as an OData DateTimeOffset (a coarsened day: its midnight, UTC)."""
    moment = parse_moment(value)
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def entity(
    table: Table, row: Mapping[str, Any], *, personal_data: bool, odata_version: int = 4
) -> dict[str, Any]:
    """One export row as an entity of its table's set."""
    result: dict[str, Any] = {"__id": row["key"]}
    properties = answer_properties(table)
    if table.path:
        result[parent_link_name(table)] = row["parent_key"]
    else:
        system = {
            "submissionDate": _iso_with_zone(row.get("submitted_at")),
            "reviewState": REVIEW_STATES.get(str(row.get("status"))),
            "formVersion": row.get("form_version"),
        }
        if personal_data:
            system["submitterName"] = row.get("observer")
        result["__system"] = system
        properties = [*_SUBMISSION_EXTRAS, *properties]
    for prop in properties:
        value = prop.read(row)
        if odata_version < 4:
            value = _v2_value(prop, value)
        result[prop.name] = value
    return result


def every_table(root: Table) -> list[Table]:
    return list(root.every_table())


def table_for_set(root: Table, name: str) -> Table | None:
    return next((table for table in root.every_table() if entity_set_name(table) == name), None)


def service_document(root: Table, *, metadata_url: str) -> dict[str, Any]:
    return {
        "@odata.context": metadata_url,
        "value": [
            {"name": entity_set_name(table), "kind": "EntitySet", "url": entity_set_name(table)}
            for table in root.every_table()
        ],
    }


def _type_name(table: Table) -> str:
    # A type's name is a simple identifier (no dots), unlike a set's.
    return entity_set_name(table).replace(".", "_")


def metadata_xml(root: Table, *, form_id: str, personal_data: bool, odata_version: int = 4) -> str:
    """The service's CSDL: EDMX 4.0 for v4 clients; for v2 clients EDMX 1.0 with v2's types."""
    v4 = odata_version >= 4
    namespace = USER_NAMESPACE_PREFIX + re.sub(r"[^A-Za-z0-9_.]", "_", form_id)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if v4:
        lines.append(
            '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">'
        )
        lines.append("<edmx:DataServices>")
        schema_xmlns = "http://docs.oasis-open.org/odata/ns/edm"
    else:
        lines.append(
            '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">'
        )
        lines.append(
            '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/'
            'dataservices/metadata" m:DataServiceVersion="2.0">'
        )
        schema_xmlns = "http://schemas.microsoft.com/ado/2008/09/edm"

    def typed(prop_type: str) -> str:
        return prop_type if prop_type.startswith("Edm.") else f"{namespace}.{prop_type}"

    lines.append(f'<Schema xmlns="{schema_xmlns}" Namespace="{SYSTEM_TYPE.rsplit(".", 1)[0]}">')
    lines.append('<ComplexType Name="metadata">')
    for name, edm_type in _system_fields(personal_data=personal_data):
        edm_type = (
            edm_type if v4 else "Edm.String" if edm_type == "Edm.DateTimeOffset" else edm_type
        )
        lines.append(f"<Property Name={quoteattr(name)} Type={quoteattr(edm_type)}/>")
    lines.append("</ComplexType>")
    lines.append("</Schema>")
    lines.append(f'<Schema xmlns="{schema_xmlns}" Namespace={quoteattr(namespace)}>')
    for table in root.every_table():
        lines.append(f"<EntityType Name={quoteattr(_type_name(table))}>")
        lines.append('<Key><PropertyRef Name="__id"/></Key>')
        lines.append('<Property Name="__id" Type="Edm.String" Nullable="false"/>')
        if table.path:
            lines.append(f'<Property Name={quoteattr(parent_link_name(table))} Type="Edm.String"/>')
            properties = answer_properties(table)
        else:
            lines.append(f'<Property Name="__system" Type="{SYSTEM_TYPE}"/>')
            properties = [*_SUBMISSION_EXTRAS, *answer_properties(table)]
        for prop in properties:
            edm_type = prop.v4_type if v4 else prop.v2_type
            lines.append(
                f"<Property Name={quoteattr(prop.name)} Type={quoteattr(typed(edm_type))}/>"
            )
        lines.append("</EntityType>")
    lines.append('<EntityContainer Name="SubmissionsContainer"')
    lines.append(">" if v4 else ' m:IsDefaultEntityContainer="true">')
    for table in root.every_table():
        name = entity_set_name(table)
        lines.append(
            f"<EntitySet Name={quoteattr(name)} "
            f"EntityType={quoteattr(f'{namespace}.{_type_name(table)}')}/>"
        )
    lines.append("</EntityContainer>")
    lines.append("</Schema>")
    lines.append("</edmx:DataServices>")
    lines.append("</edmx:Edmx>")
    return "\n".join(lines)


# --- query options -----------------------------------------------------------------------------


def parse_moment(value: Any) -> datetime | None:
    """An ISO date or date-time as an aware datetime (a date: its midnight, UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_ORDERED = frozenset({"gt", "ge", "lt", "le"})
_CLAUSE = re.compile(
    r"\s*(?P<field>__system/submissionDate|__system/reviewState)"
    r"\s+(?P<op>eq|ne|gt|ge|lt|le)"
    r"\s+(?P<value>'(?:[^']|'')*'|null|[0-9][0-9:.+TZ-]*)\s*"
)


@dataclass(frozen=True)
class Condition:
    """One comparison of a `$filter`, applied by the query that reads the rows
    (`cslab.exports.selectors`), so that a page of a filtered feed reads only its rows.

    `field` is "submissionDate" (compared with `moment`) or "reviewState" (compared with
    `review_state`; None is Central's null, "received")."""

    field: Literal["submissionDate", "reviewState"]
    op: str
    moment: datetime | None = None
    review_state: str | None = None

    def statuses(self) -> list[str]:
        """cslab's statuses whose review state satisfies a reviewState comparison."""
        compare = _COMPARISONS[self.op]
        return [
            status for status, state in REVIEW_STATES.items() if compare(state, self.review_state)
        ]


def parse_filter(text: str) -> list[Condition]:
    """The conditions of a `$filter` (all must hold); ODataQueryError for anything else."""
    if len(text) > MAX_FILTER_LENGTH:
        raise ODataQueryError(f"$filter is too long (at most {MAX_FILTER_LENGTH} characters).")
    conditions: list[Condition] = []
    for clause in re.split(r"\s+and\s+", text.strip()):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            raise ODataQueryError(
                "This $filter is not supported. Supported: comparisons (eq, ne, gt, ge, lt, le) "
                "of __system/submissionDate with a date or date-time and of "
                "__system/reviewState with a quoted review state or null, joined by 'and'."
            )
        conditions.append(_condition(match["field"], match["op"], match["value"]))
    return conditions


def _condition(field: str, op: str, literal: str) -> Condition:
    if field == "__system/reviewState":
        if op in _ORDERED:
            raise ODataQueryError("__system/reviewState can only be compared with eq or ne.")
        if literal == "null":
            wanted = None
        elif literal.startswith("'"):
            wanted = literal[1:-1].replace("''", "'")
        else:
            raise ODataQueryError("Compare __system/reviewState with a quoted text or null.")
        return Condition("reviewState", op, review_state=wanted)
    moment = parse_moment(literal) if not literal.startswith("'") else None
    if moment is None:
        raise ODataQueryError(
            "Compare __system/submissionDate with a date (2024-05-01) or a date-time "
            "(2024-05-01T12:00:00Z)."
        )
    return Condition("submissionDate", op, moment=moment)


@dataclass(frozen=True)
class Query:
    top: int | None
    skip: int
    count: bool
    conditions: tuple[Condition, ...]


def _whole_number(name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise ODataQueryError(f"{name} must be a whole number of at most nine digits.")
    return int(value)


SUPPORTED_OPTIONS = frozenset({"$top", "$skip", "$count", "$filter", "$format", "$wkt"})


def parse_query(params: Mapping[str, str], *, filterable: bool) -> Query:
    """The supported query options; ODataQueryError for unknown ones or bad values."""
    for name in params:
        if name.startswith("$") and name not in SUPPORTED_OPTIONS:
            raise ODataQueryError(
                f"The query option {name} is not supported here; supported: "
                "$top, $skip, $count and $filter."
            )
    top = None
    if params.get("$top", "") != "":
        top = _whole_number("$top", params["$top"])
        if top > MAX_TOP:
            raise ODataQueryError(f"$top is at most {MAX_TOP}.")
    skip = _whole_number("$skip", params["$skip"]) if params.get("$skip", "") != "" else 0
    count_text = params.get("$count", "false").lower()
    if count_text not in ("true", "false"):
        raise ODataQueryError("$count must be true or false.")
    if params.get("$format", "json").lower() not in ("json", "application/json"):
        raise ODataQueryError("Only $format=json is offered.")
    if params.get("$wkt", "false").lower() not in ("false", ""):
        raise ODataQueryError("$wkt=true is not supported: geopoints are GeoJSON.")
    conditions: list[Condition] = []
    if params.get("$filter", "").strip():
        if not filterable:
            raise ODataQueryError("$filter is supported on Submissions only.")
        conditions = parse_filter(params["$filter"])
    return Query(top=top, skip=skip, count=count_text == "true", conditions=tuple(conditions))


def page(rows: Iterable[Mapping[str, Any]], query: Query) -> tuple[list[Mapping[str, Any]], int]:
    """The rows of one page of all `rows` (already narrowed by the query's conditions) and
    how many there are in all."""
    selected: list[Mapping[str, Any]] = []
    matched = 0
    end = None if query.top is None else query.skip + query.top
    for row in rows:
        if matched >= query.skip and (end is None or matched < end):
            selected.append(row)
        matched += 1
    return selected, matched
