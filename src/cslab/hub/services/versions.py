"""Published versions of a resource (owned by the curation part; see hub.versions for the diff).

`version_record` is called by every service that publishes a text: `resource_transition` on
publish and `resource_update` when a published resource is edited.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError
from cslab.hub.models import CaseStudy, Resource, ResourceVersion
from cslab.hub.vocabulary import ResourceTagKind


def resource_snapshot(resource: Resource) -> dict[str, Any]:
    """Return what a reader of the resource sees, as a flat dict of texts and lists of texts.

    Read from the database (not from prefetched rows the caller may hold), so it is what was
    just saved.
    """
    fresh = Resource.objects.prefetch_related("tags", "authors", "links", "files").get(
        pk=resource.pk
    )
    content: dict[str, Any] = {
        "title": fresh.title,
        "summary": fresh.summary,
        "body": fresh.body,
        "kind": fresh.kind,
        "template_type": fresh.template_type,
        "organisation": fresh.organisation,
        "department": fresh.department,
        "participation_level": fresh.participation_level,
        "language": fresh.language,
        "licence": fresh.licence,
    }
    for kind in ResourceTagKind:
        content[str(kind.value)] = fresh.tags_of(kind)
    content["authors"] = [author.name for author in fresh.authors.all()]
    content["links"] = [f"{link.title} <{link.url}>" for link in fresh.links.all()]
    content["files"] = [
        f"{file.original_name} (sha256 {file.sha256})" for file in fresh.files.all()
    ]
    if fresh.is_case_study:
        content.update(_case_study_snapshot(fresh))
    return content


def _case_study_snapshot(resource: Resource) -> dict[str, Any]:
    case_study = (
        CaseStudy.objects.filter(resource=resource)
        .prefetch_related("participant_groups", "people", "outputs", "impacts", "projects__project")
        .first()
    )
    if case_study is None:
        return {}
    start, end = case_study.period_start, case_study.period_end
    period = (
        " – ".join(day.isoformat() if day else "…" for day in (start, end)) if start or end else ""
    )
    return {
        "case_study_context": case_study.context,
        "case_study_methods": case_study.methods,
        "case_study_lessons": case_study.lessons,
        "case_study_period": period,
        "case_study_place": case_study.place,
        "case_study_participants": [
            " ".join(
                part
                for part in (
                    group.kind,
                    "" if group.count is None else str(group.count),
                    group.description,
                )
                if part
            )
            for group in case_study.participant_groups.all()
        ],
        "case_study_people": [
            f"{person.name} ({person.role})" if person.role else person.name
            for person in case_study.people.all()
        ],
        "case_study_outputs": [
            " ".join(
                part
                for part in (
                    f"{output.kind}:",
                    output.title,
                    f"({output.year})" if output.year else "",
                    f"<{output.url}>" if output.url else "",
                )
                if part
            )
            for output in case_study.outputs.all()
        ],
        "case_study_impacts": [
            f"{impact.kind}: {impact.description}"
            + "".join(
                f" <{item.get('url', '')}>"
                for item in (impact.evidence or [])
                if isinstance(item, dict)
            )
            for impact in case_study.impacts.all()
        ],
        "case_study_projects": sorted(link.project.slug for link in case_study.projects.all()),
    }


def version_record(
    *, actor: Actor | None, resource: Resource, change_note: str = ""
) -> ResourceVersion:
    """Store the resource as it now reads as its next version; call inside the transaction.

    The number follows the highest one stored (and `resource.version`); the unique constraint
    on (resource, number) settles a race: the loser tries once more, then gets a ConflictError.
    Sets `resource.version` on the object passed in too.
    """
    content = resource_snapshot(resource)
    for attempt in range(2):
        stored = Resource.objects.filter(pk=resource.pk).values_list("version", flat=True).get()
        highest = resource.versions.aggregate(highest=Max("number"))["highest"] or 0
        number = max(stored, highest) + 1
        try:
            with transaction.atomic():
                version = ResourceVersion(
                    resource=resource,
                    number=number,
                    content=content,
                    change_note=change_note.strip()[:500],
                    created_by=person_or_none(actor),
                )
                version.full_clean(
                    exclude=["created_by"], validate_unique=False, validate_constraints=False
                )
                version.save()
        except IntegrityError:
            if attempt == 0:
                continue
            raise ConflictError(
                _("Someone published this resource at the same moment; try again.")
            ) from None
        Resource.objects.filter(pk=resource.pk).update(version=number)
        resource.version = number
        return version
    raise AssertionError("unreachable")  # pragma: no cover
