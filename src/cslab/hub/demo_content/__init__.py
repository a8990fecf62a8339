"""The demo hub's texts, as plain data: one module per group of resources.

`hub.demo` stores them. A resource's natural key is its slug. Each entry says what a reader
sees (title, summary, Markdown body, facets, authors, links) and where it stands in the demo
(its curation status, how many days ago it was published, how many versions it went through).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoResource:
    slug: str
    kind: str
    title: str
    summary: str
    body: str
    faculties: tuple[str, ...]
    domains: tuple[str, ...]
    phases: tuple[str, ...]
    audiences: tuple[str, ...]
    sdgs: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str = "en"
    licence: str = "CC-BY-4.0"
    organisation: str = "Citizen Science Lab"
    department: str = ""
    participation_level: str = ""
    template_type: str = ""
    # Authors in order: a demo e-mail links the account, anything else is a free name.
    authors: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    submitted_by: str = "staff@demo.cslab.test"
    status: str = "published"
    # Days before the load that it was (first) published, or submitted when not published.
    age_days: int = 30
    # The slug of the same resource in the other language (set on the Dutch side).
    translation_of: str = ""
    # Change notes of versions 2, 3, ...: each earlier version lacks one more last section.
    revisions: tuple[str, ...] = ()
    # A generated cover image and what it shows (the alt text); empty: no cover.
    cover_alt: str = ""
    # Files made at load time: "csv", "pdf" or "png".
    files: tuple[str, ...] = ()
    # A curator's comment for a review that asked for changes or declined.
    review_comment: str = ""
    retirement_notice: str = ""
    views: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoCaseStudy:
    """The structure of a case study whose resource (kind case_study) has the same slug."""

    slug: str
    context: str
    methods: str
    lessons: str
    period: tuple[str, str]
    place: str
    # (participant kind, count, description)
    groups: tuple[tuple[str, int, str], ...]
    # (demo e-mail or "", name, role)
    people: tuple[tuple[str, str, str], ...]
    # (output kind, title, url, year)
    outputs: tuple[tuple[str, str, str, int], ...]
    # (impact kind, what changed, ((evidence title, url), ...))
    impacts: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
    # The external_id of the demo project it tells about ("" for none).
    project: str = ""
