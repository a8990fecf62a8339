"""The guided start: which hub resources help a project in incubation.

Two pure mappings say what a project needs from its status and from who started it
(`phases_for_status`, `participation_levels_for`); `guide_for_project` finds the listed
resources that match, plus, per incubation-checklist item, the templates made for it. Only
listed (published) resources: a draft or a retired resource is never suggested.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When

from cslab.core.actors import Actor
from cslab.hub.models import Resource
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.vocabulary import (
    ParticipationLevel,
    ResearchPhase,
    ResourceKind,
    ResourceTagKind,
    TemplateType,
)
from cslab.projects.vocabulary import InitiatorType, TagKind

MAX_SUGGESTIONS = 6
MAX_TEMPLATES_PER_ITEM = 3
# Templates are few; this bounds the one query that reads them all.
MAX_TEMPLATES = 60

# The templates that help with each item of the incubation checklist
# (`projects.lifecycle.checklist` field names). The mentor item has none.
CHECKLIST_TEMPLATE_TYPES: dict[str, tuple[str, ...]] = {
    "research_questions": (TemplateType.RESEARCH_QUESTION,),
    "protocol": (TemplateType.PROTOCOL,),
    "data_management_plan": (TemplateType.DATA_MANAGEMENT_PLAN,),
    "ethics": (TemplateType.ETHICS_APPLICATION,),
    "consent_text": (TemplateType.CONSENT_FORM,),
    "recruitment_plan": (TemplateType.RECRUITMENT_PLAN, TemplateType.RECRUITMENT_POSTER),
    "mentor": (),
}


def phases_for_status(status: str) -> tuple[str, ...]:
    """Return the research phases a project in `status` is in.

    Before approval (idea, incubating, in review, changes requested) a project shapes its
    question and designs its study; active or paused it collects data; analysing it analyses
    and interprets; completed or archived it shares what it found. An unknown status has none.
    """
    before_approval = {"idea", "incubating", "in_review", "changes_requested"}
    if status in before_approval:
        return (ResearchPhase.QUESTION, ResearchPhase.DESIGN)
    if status in {"active", "paused"}:
        return (ResearchPhase.COLLECTION,)
    if status == "analysing":
        return (ResearchPhase.ANALYSIS, ResearchPhase.INTERPRETATION)
    if status in {"completed", "archived"}:
        return (ResearchPhase.DISSEMINATION,)
    return ()


def participation_levels_for(initiator_type: str) -> tuple[str, ...]:
    """Return the participation levels that fit who started a project.

    A researcher-led project asks volunteers to contribute or to collaborate; a community-led
    or co-created one shapes the research with its participants: co-created.
    """
    if initiator_type == InitiatorType.RESEARCHER_LED:
        return (ParticipationLevel.CONTRIBUTORY, ParticipationLevel.COLLABORATIVE)
    if initiator_type in (InitiatorType.COMMUNITY_LED, InitiatorType.CO_CREATED):
        return (ParticipationLevel.CO_CREATED,)
    return ()


@dataclass
class Guide:
    """Per checklist field the templates for it, and resources suggested for the project."""

    templates: dict[str, list[Resource]] = field(default_factory=dict)
    suggestions: list[Resource] = field(default_factory=list)


def _templates_by_item() -> dict[str, list[Resource]]:
    wanted = {value for values in CHECKLIST_TEMPLATE_TYPES.values() for value in values}
    templates = list(
        resource_list_listed()
        .filter(kind=ResourceKind.TEMPLATE, template_type__in=wanted)
        .order_by("-use_count", "title", "id")[:MAX_TEMPLATES]
    )
    return {
        item: [t for t in templates if t.template_type in types][:MAX_TEMPLATES_PER_ITEM]
        for item, types in CHECKLIST_TEMPLATE_TYPES.items()
    }


def _suggestions(project: Any) -> list[Resource]:
    domains = project.tags_of(TagKind.DOMAIN)
    phases = phases_for_status(project.status)
    levels = participation_levels_for(project.initiator_type)
    score = Count(
        "tags",
        filter=Q(tags__kind=ResourceTagKind.DOMAIN, tags__value__in=domains)
        | Q(tags__kind=ResourceTagKind.PHASE, tags__value__in=phases),
        distinct=True,
    ) + Case(
        When(participation_level__in=levels, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        resource_list_listed()
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-use_count", "-published_at", "-id")[:MAX_SUGGESTIONS]
    )


def guide_for_project(project: Any, viewer: Actor) -> Guide:
    """Return the templates for each checklist item and up to MAX_SUGGESTIONS resources ranked
    by how many of the project's domains, phases and participation level they match.

    Listed resources only, the same for every viewer who may open the checklist; two queries
    (the project's tags are read from its prefetch when present).
    """
    return Guide(templates=_templates_by_item(), suggestions=_suggestions(project))
