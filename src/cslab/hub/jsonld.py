"""A hub resource as schema.org JSON-LD, for the `<script type="application/ld+json">` of its page.

Pure: reads the resource and the relations `selectors.resources.resource_get` prefetches
(tags, authors with their people, files, the translation) and, for a case study, its linked
projects; writes nothing. The schema.org type follows the kind: `LearningResource` for method
cards, guides, training material and templates, `ScholarlyArticle` for publications,
`Dataset`, `SoftwareApplication` for tools, `VideoObject` for a recording with a video file
(else `CreativeWork`), and `Article` for case studies, `about` the projects they tell of.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin

from cslab.hub.models import Resource
from cslab.hub.vocabulary import (
    Audience,
    ResearchPhase,
    ResourceKind,
    ResourceLicence,
    ResourceTagKind,
)
from cslab.projects.vocabulary import ResearchDomain

SCHEMA_CONTEXT = "https://schema.org"

TYPES: dict[str, str] = {
    ResourceKind.METHOD_CARD: "LearningResource",
    ResourceKind.BEST_PRACTICE: "LearningResource",
    ResourceKind.TRAINING_MATERIAL: "LearningResource",
    ResourceKind.TEMPLATE: "LearningResource",
    ResourceKind.PUBLICATION: "ScholarlyArticle",
    ResourceKind.DATASET: "Dataset",
    ResourceKind.TOOL: "SoftwareApplication",
    ResourceKind.RECORDING: "CreativeWork",
    ResourceKind.CASE_STUDY: "Article",
}

LICENCE_URLS: dict[str, str] = {
    ResourceLicence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    ResourceLicence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    ResourceLicence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    ResourceLicence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    ResourceLicence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
}


def resource_schema_type(resource: Resource) -> str:
    """Return the schema.org type of a resource's kind."""
    if resource.kind == ResourceKind.RECORDING and any(
        file.content_type.startswith("video/") for file in resource.files.all()
    ):
        return "VideoObject"
    return TYPES.get(resource.kind, "CreativeWork")


def resource_jsonld(
    resource: Resource, *, base_url: str, about_projects: Sequence[Any] = ()
) -> dict[str, Any]:
    """Return the schema.org description of `resource`; every URL in it is absolute.

    `about_projects` are the listed cslab projects a case study tells of (the caller chooses
    them, so a private project is never named). Only filled fields appear. A linked author is
    named with a link to their profile only if that profile is public; otherwise by the name
    the resource gives.
    """
    url = urljoin(base_url, resource.get_absolute_url())
    kind = resource_schema_type(resource)
    document: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": kind,
        "@id": f"{url}#resource",
        "name": resource.title,
        "url": url,
        "inLanguage": resource.language,
        "isAccessibleForFree": True,
    }
    if kind in ("ScholarlyArticle", "Article"):
        document["headline"] = resource.title[:110]
    if resource.summary.strip():
        document["description"] = resource.summary.strip()
    if resource.licence in LICENCE_URLS:
        document["license"] = LICENCE_URLS[resource.licence]
    if resource.published_at:
        document["datePublished"] = resource.published_at.isoformat()
    if resource.updated_at:
        document["dateModified"] = resource.updated_at.isoformat()
    if resource.version:
        document["version"] = str(resource.version)
    authors = [_author(author, base_url) for author in resource.authors.all()]
    if authors:
        document["author"] = authors
    if resource.organisation.strip():
        document["publisher"] = {"@type": "Organization", "name": resource.organisation.strip()}
    keywords = _keywords(resource)
    if keywords:
        document["keywords"] = keywords
    audiences = [
        {"@type": "Audience", "audienceType": str(Audience(value).label)}
        for value in resource.tags_of(ResourceTagKind.AUDIENCE)
        if value in Audience.values
    ]
    if audiences:
        document["audience"] = audiences
    if kind == "LearningResource":
        document["learningResourceType"] = str(ResourceKind(resource.kind).label)
    if resource.cover_image:
        image: dict[str, Any] = {
            "@type": "ImageObject",
            "contentUrl": urljoin(base_url, resource.cover_image.url),
        }
        if resource.cover_alt_text:
            image["description"] = resource.cover_alt_text
        document["image"] = image
    translation = resource.translation
    if translation is not None and translation.is_public:
        document["workTranslation"] = {
            "@type": resource_schema_type(translation),
            "@id": f"{urljoin(base_url, translation.get_absolute_url())}#resource",
            "name": translation.title,
            "url": urljoin(base_url, translation.get_absolute_url()),
            "inLanguage": translation.language,
        }
    if about_projects:
        document["about"] = [
            {
                "@type": "ResearchProject",
                "name": project.name,
                "url": urljoin(base_url, project.get_absolute_url()),
            }
            for project in about_projects
        ]
    return document


def _author(author: Any, base_url: str) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": author.name}
    user = author.user
    if user is not None and getattr(user, "profile_public", False):
        person["url"] = urljoin(base_url, user.get_absolute_url())
    return person


def _keywords(resource: Resource) -> list[str]:
    def labelled(kind: ResourceTagKind, choices: Any) -> list[str]:
        return [
            str(choices(value).label) if value in choices.values else value
            for value in resource.tags_of(kind)
        ]

    return [
        *resource.tags_of(ResourceTagKind.KEYWORD),
        *labelled(ResourceTagKind.DOMAIN, ResearchDomain),
        *labelled(ResourceTagKind.PHASE, ResearchPhase),
    ]
