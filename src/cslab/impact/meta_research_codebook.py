"""What a meta-research export holds: its files, their fields, and how each value was made.

One table (`RESOURCES`) describes every column; the export's Frictionless descriptor
(`datapackage.json`) and its human-readable codebook (`codebook.md`) are both rendered from it,
so the two never disagree. Pure: no ORM, no settings, no clock (the creation time is passed in).

The codebook is a research artefact shared with meta-researchers in English, like the column
names it documents; it is not user interface and is not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The H3 resolution of the location column: cells of about 253 km² (about 10 km edges), coarse
# enough that a cell holds a town and its surroundings, never a garden.
H3_RESOLUTION = 5
H3_CELL_AREA_KM2 = 252.9
H3_CELL_EDGE_KM = 9.9
PSEUDONYM_HEX_DIGITS = 16
EVENT_KINDS = ("observation", "classification", "question", "comment")


@dataclass(frozen=True)
class Column:
    """One column of a CSV file: its Frictionless type, meaning and constraints."""

    name: str
    type: str
    description: str
    constraints: dict[str, Any] = field(default_factory=dict)
    # Frictionless' datetime format; empty: the type's default.
    format: str = ""

    def as_frictionless(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if self.format:
            descriptor["format"] = self.format
        if self.constraints:
            descriptor["constraints"] = self.constraints
        return descriptor


@dataclass(frozen=True)
class Resource:
    """One CSV file of the package."""

    name: str
    path: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    # (column, other resource, its column)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    def as_frictionless(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [column.as_frictionless() for column in self.columns],
            "missingValues": [""],
        }
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": resource, "fields": other}}
                for column, resource, other in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


EVENTS = Resource(
    name="events",
    path="events.csv",
    title="Participation events",
    description=(
        "One row per contribution of a participant who consented to meta-research: an "
        "observation (its current version), a classification, a research question proposed, "
        "or a comment (on a research question or on a subject)."
    ),
    columns=(
        Column(
            "participant",
            "string",
            f"Pseudonym of the participant (a person, or one shared device of a project): the "
            f"first {PSEUDONYM_HEX_DIGITS} hexadecimal digits of HMAC-SHA256 of their internal "
            f"identifier under a random key made for this export and never stored. Stable "
            f"within this export, unlinkable to other exports and to cslab accounts.",
            {"required": True, "pattern": f"[0-9a-f]{{{PSEUDONYM_HEX_DIGITS}}}"},
        ),
        Column(
            "project",
            "string",
            "The project contributed to (its slug; see projects.csv).",
            {"required": True},
        ),
        Column(
            "kind",
            "string",
            "The kind of contribution: observation, classification, question (a research "
            "question proposed) or comment.",
            {"required": True, "enum": list(EVENT_KINDS)},
        ),
        Column(
            "timestamp_hour",
            "datetime",
            "When the contribution was stored in cslab (UTC), rounded down to the hour. For an "
            "edited observation: when its current version was stored.",
            {"required": True},
        ),
        Column(
            "h3_cell",
            "string",
            f"For observations with a location: the H3 cell at resolution {H3_RESOLUTION} "
            f"(about {H3_CELL_AREA_KM2} km², edges of about {H3_CELL_EDGE_KM} km) of the "
            f"location the public sees (an obscured observation's public, displaced point). "
            f"Empty for other kinds, for observations without a location and for private "
            f"locations.",
            {"pattern": "[0-9a-f]{15}"},
        ),
    ),
    foreign_keys=(("project", "projects", "slug"),),
)

PROJECTS = Resource(
    name="projects",
    path="projects.csv",
    title="Projects",
    description="The projects that appear in events.csv, for context.",
    columns=(
        Column("slug", "string", "The project's identifier in cslab.", {"required": True}),
        Column("name", "string", "The project's name.", {"required": True}),
        Column("faculty", "string", "The faculty that runs it; empty when none was given."),
        Column(
            "domains",
            "string",
            "Its research domains, separated by semicolons; empty when none were given.",
        ),
        Column(
            "initiator_type",
            "string",
            "Who initiated it: researcher_led, community_led or co_created.",
        ),
        Column(
            "data_licence",
            "string",
            "The licence of the project's open data (an SPDX identifier).",
        ),
    ),
    primary_key=("slug",),
)

RESOURCES: tuple[Resource, ...] = (EVENTS, PROJECTS)


def data_package(*, created: datetime, filters: dict[str, Any]) -> dict[str, Any]:
    """Return the Frictionless descriptor (`datapackage.json`) of an export."""
    return {
        "profile": "tabular-data-package",
        "name": "cslab-meta-research-events",
        "title": "cslab participation events for meta-research",
        "description": (
            "Pseudonymous participation events of the participants who consented to "
            "meta-research (the science of citizen science). See codebook.md."
        ),
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["citizen science", "participation", "meta-research"],
        "licenses": [
            {
                "name": "other-closed",
                "title": (
                    "For meta-research by the Lab only, within the consent the participants "
                    "gave; not to be shared further or linked to other data."
                ),
            }
        ],
        "cslab:filters": filters,
        "resources": [resource.as_frictionless() for resource in RESOURCES],
    }


def codebook_markdown(*, created: datetime, filters: dict[str, Any]) -> str:
    """Return the human-readable codebook (`codebook.md`) of an export."""
    projects = filters.get("projects") or []
    scope = f"{len(projects)} selected project(s)" if projects else "every project"
    period = (
        f"from {filters.get('start') or 'the beginning'} to {filters.get('end') or 'today'} "
        f"(days in Europe/Amsterdam time, both included)"
    )
    lines = [
        "# Codebook: cslab participation events for meta-research",
        "",
        f"Created {created.strftime('%Y-%m-%d %H:%M')} UTC, for {scope}, contributions {period}.",
        "",
        "## Who is included",
        "",
        "Only contributions of participants whose **current** consent to the project is to "
        "the project's consent version **in force** (its latest published version), where that "
        "version asks for consent to meta-research and the participant said yes. A consent "
        "that was withdrawn, or that was given to an earlier version and not renewed, does not "
        "count; nor does one that said no to meta-research. Projects that ask for no consent, "
        "or whose version in force does not ask about meta-research, contribute nobody.",
        "",
        "A participant is a person, or a shared device (an OpenRosa app user of a project, "
        "whose consent the team recorded when handing it out) for observations sent from it. "
        "Contributions of anonymous classifiers and of erased accounts are never included.",
        "",
        "## Pseudonyms",
        "",
        f"`participant` is HMAC-SHA256 of the participant's internal identifier under a "
        f"256-bit key drawn at random for this export and never stored, cut to its first "
        f"{PSEUDONYM_HEX_DIGITS} hexadecimal digits. Within this export one participant has one "
        f"pseudonym across projects; another export draws another key, so pseudonyms cannot be "
        f"linked between exports, nor to accounts.",
        "",
        "## Time and place",
        "",
        "`timestamp_hour` is when the contribution was stored, in UTC, rounded **down** to the "
        "hour (ISO 8601, e.g. `2025-05-01T14:00:00Z`): enough for diurnal and weekly patterns, "
        "too coarse to match single records against other sources.",
        "",
        f"`h3_cell` is an [H3](https://h3geo.org/) cell at resolution {H3_RESOLUTION}: "
        f"hexagons of about {H3_CELL_AREA_KM2} km² on average (edges of about "
        f"{H3_CELL_EDGE_KM} km). It is derived from the location the public sees, so an "
        f"obscured observation gives the cell of its displaced public point and a private "
        f"one gives no cell.",
        "",
    ]
    for resource in RESOURCES:
        lines += [
            f"## `{resource.path}`: {resource.title}",
            "",
            resource.description,
            "",
            "| field | type | required | meaning |",
            "|---|---|---|---|",
        ]
        for column in resource.columns:
            required = "yes" if column.constraints.get("required") else "no"
            lines.append(
                f"| `{column.name}` | {column.type} | {required} | "
                f"{column.description.replace('|', '/')} |"
            )
        lines.append("")
    lines += [
        "## Use",
        "",
        "For meta-research by the Lab only, within the consent the participants gave. Do not "
        "try to re-identify participants, link this file to other data about them, or share it "
        "further. The file is deleted from cslab 7 days after it was made.",
        "",
    ]
    return "\n".join(lines)
