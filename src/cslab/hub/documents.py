"""The text the search indexes read for a resource (`Resource.search_document`).

Lower case; the body, authors, organisation, department and the labels of every tag in English
and Dutch, so a search in either language finds a resource by its facets' names too. Title and
summary have columns of their own (ranked higher), so they are not repeated here.
"""

from typing import Any

from django.utils import translation

from cslab.hub.models import Resource
from cslab.hub.vocabulary import Audience, ResearchPhase, ResourceKind, ResourceTagKind
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

_TAG_LABELS: dict[str, dict[str, Any]] = {
    ResourceTagKind.FACULTY: dict(Faculty.choices),
    ResourceTagKind.DOMAIN: dict(ResearchDomain.choices),
    ResourceTagKind.PHASE: dict(ResearchPhase.choices),
    ResourceTagKind.AUDIENCE: dict(Audience.choices),
    ResourceTagKind.SDG: SUSTAINABLE_DEVELOPMENT_GOALS,
}


def resource_search_document(resource: Resource) -> str:
    """Return the search document of a saved resource (reads its tags and authors)."""
    words: list[str] = [resource.body, resource.organisation, resource.department]
    words.extend(author.name for author in resource.authors.all())
    for language in ("en", "nl"):
        with translation.override(language):
            words.append(str(dict(ResourceKind.choices).get(resource.kind, "")))
            for tag in resource.tags.all():
                labels = _TAG_LABELS.get(tag.kind)
                label = labels.get(tag.value, tag.value) if labels else tag.value
                words.append(translation.gettext(str(label)) if labels else str(label))
    return " ".join(word for word in words if word).lower()
