"""Writes of case studies: the structure of a `Resource` of kind `case_study`.

`case_study_update` replaces the whole structure at once (text sections, who took part, people,
outputs, impacts with their evidence, linked projects), the way the edit form sends it. The
resource itself (title, summary, tags, curation) belongs to the resources and curation parts.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.hub import states
from cslab.hub.documents import resource_search_document
from cslab.hub.models import (
    CaseStudy,
    CaseStudyImpact,
    CaseStudyOutput,
    CaseStudyParticipantGroup,
    CaseStudyPerson,
    CaseStudyProject,
    Resource,
)
from cslab.hub.vocabulary import ResourceKind
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

MAX_ROWS = 20
MAX_EVIDENCE = 10
MAX_LINK_TITLE = 200
EDITABLE = states.EDITABLE_BY_AUTHOR | states.EDITABLE_AFTER_PUBLICATION

_web_address = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ParticipantGroupRow:
    kind: str
    count: int | None = None
    description: str = ""


@dataclass(frozen=True)
class PersonRow:
    name: str
    role: str = ""


@dataclass(frozen=True)
class OutputRow:
    kind: str
    title: str
    url: str = ""
    year: int | None = None


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    title: str = ""


@dataclass(frozen=True)
class ImpactRow:
    kind: str
    description: str
    evidence: list[EvidenceLink] = field(default_factory=list)


def _check_bounds(name: str, rows: list[Any], limit: int) -> None:
    if len(rows) > limit:
        raise InvalidInputError(
            _("At most %(limit)d rows are allowed.") % {"limit": limit},
            details={name: [_("At most %(limit)d rows.") % {"limit": limit}]},
        )


def _check_web_address(name: str, url: str) -> None:
    """Only http(s) addresses: a `javascript:` or `data:` link must never reach a page."""
    try:
        if len(url) > 1000:
            raise ValidationError("too long")
        _web_address(url)
    except ValidationError:
        raise InvalidInputError(
            _("Links must be web addresses starting with http:// or https://."),
            code=ProblemCode.INVALID_LINK,
            details={name: [_("Not a web address: %(url)s") % {"url": url[:100]}]},
        ) from None


def _checked(row: Any, name: str) -> Any:
    try:
        row.full_clean(exclude=["case_study"])
    except ValidationError as error:
        raise InvalidInputError(
            _("The case study has invalid values."), details={name: error.messages}
        ) from None
    return row


def _evidence(impact: ImpactRow, index: int) -> list[dict[str, str]]:
    _check_bounds(f"impacts.{index}.evidence", impact.evidence, MAX_EVIDENCE)
    links = []
    for link in impact.evidence:
        _check_web_address(f"impacts.{index}.evidence", link.url)
        links.append({"title": link.title.strip()[:MAX_LINK_TITLE], "url": link.url})
    return links


def _linked_projects(actor: Actor, project_slugs: list[str]) -> list[Project]:
    """The projects by slug, each one the actor may see; NotFoundError (never a leak) else."""
    _check_bounds("projects", project_slugs, MAX_ROWS)
    slugs = dict.fromkeys(slug.strip() for slug in project_slugs if slug.strip())
    return [project_get_for_viewing(user=actor, slug=slug) for slug in slugs]


def _record_version(*, actor: Actor, resource: Resource) -> None:
    # Imported here: `versions` is the curation part's module, built alongside this one.
    from cslab.hub.services.versions import version_record

    version_record(actor=actor, resource=resource, change_note=_("Case study structure updated."))


@transaction.atomic
def case_study_update(
    *,
    actor: Actor,
    resource: Resource,
    context: str,
    methods: str,
    lessons: str,
    period_start: date | None,
    period_end: date | None,
    place: str,
    participant_groups: list[ParticipantGroupRow],
    people: list[PersonRow],
    outputs: list[OutputRow],
    impacts: list[ImpactRow],
    project_slugs: list[str],
) -> CaseStudy:
    """Replace the structure of a case study the actor may edit, and return it.

    Every list replaces what was stored (at most MAX_ROWS rows each; MAX_EVIDENCE http(s)
    evidence links per impact). A linked project must be one the actor may see: any other slug
    is NotFoundError, whether or not it exists; projects linked earlier that the actor may not
    see stay linked. Editing a published case study records a new version
    (`versions.version_record`) once the structure is written.
    """
    locked = Resource.objects.select_for_update().filter(pk=resource.pk).first()
    if locked is None or locked.kind != ResourceKind.CASE_STUDY:
        raise NotFoundError()
    permissions.require(actor, "hub.resource.view", locked)
    permissions.require(actor, "hub.resource.edit", locked)
    if locked.status not in EDITABLE:
        raise ConflictError(
            _("This case study cannot be changed in its current status."),
            code=ProblemCode.INVALID_TRANSITION,
        )
    for name, rows in (
        ("participant_groups", participant_groups),
        ("people", people),
        ("outputs", outputs),
        ("impacts", impacts),
    ):
        _check_bounds(name, rows, MAX_ROWS)
    for index, output in enumerate(outputs):
        if output.url:
            _check_web_address(f"outputs.{index}.url", output.url)
    evidence = [_evidence(impact, index) for index, impact in enumerate(impacts)]
    projects = _linked_projects(actor, project_slugs)

    case_study, _created = CaseStudy.objects.get_or_create(resource=locked)
    # Projects linked by someone who could see them stay linked: this editor never saw them
    # in the form, so leaving them out says nothing about them.
    kept = [
        link.project
        for link in case_study.projects.select_related("project")
        if not permissions.has_permission(actor, "project.view", link.project)
    ]
    projects = [*projects, *(project for project in kept if project not in projects)]
    case_study.context = context
    case_study.methods = methods
    case_study.lessons = lessons
    case_study.period_start = period_start
    case_study.period_end = period_end
    case_study.place = place.strip()
    try:
        case_study.full_clean(exclude=["resource"])
    except ValidationError as error:
        raise InvalidInputError(
            _("The case study has invalid values."), details=error.message_dict
        ) from None
    case_study.save(
        update_fields=["context", "methods", "lessons", "period_start", "period_end", "place"]
    )

    groups = [
        _checked(
            CaseStudyParticipantGroup(
                case_study=case_study,
                kind=row.kind,
                count=row.count,
                description=row.description.strip(),
                position=position,
            ),
            "participant_groups",
        )
        for position, row in enumerate(participant_groups)
    ]
    persons = [
        _checked(
            CaseStudyPerson(
                case_study=case_study,
                name=row.name.strip(),
                role=row.role.strip(),
                position=position,
            ),
            "people",
        )
        for position, row in enumerate(people)
    ]
    made = [
        _checked(
            CaseStudyOutput(
                case_study=case_study,
                kind=row.kind,
                title=row.title.strip(),
                url=row.url,
                year=row.year,
                position=position,
            ),
            "outputs",
        )
        for position, row in enumerate(outputs)
    ]
    changes = [
        _checked(
            CaseStudyImpact(
                case_study=case_study,
                kind=row.kind,
                description=row.description.strip(),
                evidence=evidence[position],
                position=position,
            ),
            "impacts",
        )
        for position, row in enumerate(impacts)
    ]
    case_study.participant_groups.all().delete()
    case_study.people.all().delete()
    case_study.outputs.all().delete()
    case_study.impacts.all().delete()
    case_study.projects.all().delete()
    CaseStudyParticipantGroup.objects.bulk_create(groups)
    CaseStudyPerson.objects.bulk_create(persons)
    CaseStudyOutput.objects.bulk_create(made)
    CaseStudyImpact.objects.bulk_create(changes)
    CaseStudyProject.objects.bulk_create(
        CaseStudyProject(case_study=case_study, project=project) for project in projects
    )

    locked.search_document = resource_search_document(locked)
    locked.save(update_fields=["search_document", "updated_at"])
    if locked.status == states.PUBLISHED:
        _record_version(actor=actor, resource=locked)
    audit_record(
        actor=actor,
        action="hub.case_study.update",
        target=locked,
        details={
            "participant_groups": len(groups),
            "people": len(persons),
            "outputs": len(made),
            "impacts": len(changes),
            "projects": [project.slug for project in projects],
        },
    )
    return case_study
