"""A project as schema.org JSON-LD, for the `<script type="application/ld+json">` of its page.

Pure: reads the project and its prefetched tags, organisation and initiator (as
`selectors.project_get_for_viewing` loads them) and writes nothing.

schema.org's `ResearchProject` is a kind of `Organization`, so the project's dates, languages
and area use Organization's properties: `foundingDate`/`dissolutionDate` for the start and end
dates, `knowsLanguage` for the languages and `areaServed` for the area and countries
(`startDate`, `inLanguage` and `spatialCoverage` belong to events and creative works).
"""

from typing import Any
from urllib.parse import urljoin

from django_countries import countries

from cslab.projects.models import Project
from cslab.projects.vocabulary import ResearchDomain, TagKind

SCHEMA_CONTEXT = "https://schema.org"


def project_jsonld(project: Project, *, base_url: str) -> dict[str, Any]:
    """Return the schema.org `ResearchProject` describing `project`.

    `base_url` is the site's origin (e.g. "https://lab.example.org"); every URL in the result
    is absolute. Only filled fields appear. The initiator is named only if their profile is
    public; the contact person and e-mail address are the ones the team published.
    """
    url = urljoin(base_url, project.get_absolute_url())
    document: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ResearchProject",
        "@id": f"{url}#project",
        "name": project.name,
        "url": url,
    }
    description = project.description.strip() or project.aim.strip()
    if description:
        document["description"] = description
    if project.aim.strip() and project.description.strip():
        document["disambiguatingDescription"] = project.aim.strip()
    if project.start_date:
        document["foundingDate"] = project.start_date.isoformat()
    if project.end_date:
        document["dissolutionDate"] = project.end_date.isoformat()
    keywords = project.tags_of(TagKind.KEYWORD) + [
        str(ResearchDomain(value).label) if value in ResearchDomain.values else value
        for value in project.tags_of(TagKind.DOMAIN)
    ]
    if keywords:
        document["keywords"] = keywords
    languages = project.tags_of(TagKind.LANGUAGE)
    if languages:
        document["knowsLanguage"] = languages
    areas = _areas(project)
    if areas:
        document["areaServed"] = areas
    if project.funding.strip():
        document["funder"] = {"@type": "Organization", "name": project.funding.strip()}
    if project.organisation is not None:
        document["parentOrganization"] = {
            "@type": "Organization",
            "name": project.organisation.name,
            "url": urljoin(base_url, project.organisation.get_absolute_url()),
        }
    initiator = project.initiator
    if initiator is not None and getattr(initiator, "profile_public", False):
        document["founder"] = {
            "@type": "Person",
            "name": initiator.public_name,
            "url": urljoin(base_url, initiator.get_absolute_url()),
        }
    if project.contact_email or project.contact_name:
        contact: dict[str, Any] = {"@type": "ContactPoint", "contactType": "project contact"}
        if project.contact_name:
            contact["name"] = project.contact_name
        if project.contact_email:
            contact["email"] = project.contact_email
        document["contactPoint"] = contact
    if project.website:
        document["sameAs"] = project.website
    if project.image:
        image: dict[str, Any] = {
            "@type": "ImageObject",
            "contentUrl": urljoin(base_url, project.image_url),
        }
        if project.image_alt_text:
            image["description"] = project.image_alt_text
        if project.image_credit:
            image["creditText"] = project.image_credit
        document["image"] = image
    return document


def _areas(project: Project) -> list[dict[str, Any]]:
    """Return the project's place (with its bounding box) and countries as schema.org Places."""
    areas: list[dict[str, Any]] = []
    has_box = None not in (
        project.extent_south,
        project.extent_west,
        project.extent_north,
        project.extent_east,
    )
    if has_box or project.locality:
        place: dict[str, Any] = {"@type": "Place"}
        if project.locality:
            place["name"] = project.locality
        if has_box:
            # A GeoShape box is "south west north east": two corners, each latitude longitude.
            place["geo"] = {
                "@type": "GeoShape",
                "box": f"{project.extent_south} {project.extent_west} "
                f"{project.extent_north} {project.extent_east}",
            }
        areas.append(place)
    areas.extend(
        {"@type": "Country", "name": str(countries.name(code) or code), "identifier": code}
        for code in project.tags_of(TagKind.COUNTRY)
    )
    return areas
