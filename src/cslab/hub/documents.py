"""The text the search indexes read for a resource (`Resource.search_document`).

Lower case; the body, authors, organisation, department, a case study's structure and the
labels of every tag (and of a case study's participant and impact kinds) in English and Dutch,
so a search in either language finds a resource by its facets' names too. Title and summary
have columns of their own (ranked higher), so they are not repeated here.
"""

from typing import Any

from django.utils import translation

from cslab.hub.models import CaseStudy, Resource
from cslab.hub.vocabulary import (
    Audience,
    ImpactKind,
    ParticipantKind,
    ResearchPhase,
    ResourceKind,
    ResourceTagKind,
)
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
    case_study = (
        CaseStudy.objects.filter(resource=resource).first() if resource.is_case_study else None
    )
    if case_study is not None:
        words.append(case_study_search_text(case_study))
    return " ".join(word for word in words if word).lower()


def case_study_search_text(case_study: CaseStudy) -> str:
    """Lower-case text of a saved case study's structure for `Resource.search_document`:
    its sections, place, participant kinds (English and Dutch), people, outputs and impacts."""
    words: list[str] = [
        case_study.context,
        case_study.methods,
        case_study.lessons,
        case_study.place,
    ]
    groups = list(case_study.participant_groups.all())
    impacts = list(case_study.impacts.all())
    words.extend(group.description for group in groups)
    words.extend(f"{person.name} {person.role}" for person in case_study.people.all())
    words.extend(output.title for output in case_study.outputs.all())
    words.extend(impact.description for impact in impacts)
    labels: list[tuple[Any, set[str]]] = [
        (dict(ParticipantKind.choices), {group.kind for group in groups}),
        (dict(ImpactKind.choices), {impact.kind for impact in impacts}),
    ]
    for language in ("en", "nl"):
        with translation.override(language):
            for choices, used in labels:
                words.extend(str(choices[kind]) for kind in sorted(used) if kind in choices)
    return " ".join(word.strip() for word in words if word and word.strip()).lower()
