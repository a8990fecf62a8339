"""Reads of the curation part: the curators' queue, a resource's review page, its versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.hub import states
from cslab.hub.models import QualityCriterion, Resource, ResourceVersion, Review
from cslab.hub.selectors.resources import resource_get
from cslab.hub.services.versions import resource_snapshot
from cslab.hub.versions import FieldChange, version_diff

QUEUE_LIMIT = 200
RECENT_DECISIONS = 20
RECENT_DAYS = 30


@dataclass
class CurationQueue:
    submitted: list[Resource]
    changes_requested: list[Resource]
    decided: list[Review]
    published_recently: int
    declined_recently: int


def curation_queue(viewer: Actor, *, now: datetime) -> CurationQueue:
    """Return what waits for curators (oldest first, with `waiting_days`), what waits on
    authors, and the latest decisions; NotFoundError for anyone but curators."""
    permissions.require(viewer, "hub.curation.browse")
    submitted = list(
        Resource.objects.filter(status=states.SUBMITTED)
        .select_related("submitted_by")
        .order_by("submitted_at", "id")[:QUEUE_LIMIT]
    )
    for resource in submitted:
        since = resource.submitted_at or resource.updated_at
        resource.waiting_days = max((now - since).days, 0)  # type: ignore[attr-defined]
    changes_requested = list(
        Resource.objects.filter(status=states.CHANGES_REQUESTED)
        .select_related("submitted_by")
        .order_by("updated_at", "id")[:QUEUE_LIMIT]
    )
    decided = list(
        Review.objects.select_related("resource", "reviewer").order_by("-created_at", "-id")[
            :RECENT_DECISIONS
        ]
    )
    recent = Review.objects.filter(created_at__gte=now - timedelta(days=RECENT_DAYS))
    return CurationQueue(
        submitted=submitted,
        changes_requested=changes_requested,
        decided=decided,
        published_recently=recent.filter(decision=Review.Decision.PUBLISH).count(),
        declined_recently=recent.filter(decision=Review.Decision.DECLINE).count(),
    )


@dataclass
class ReviewPage:
    resource: Resource
    criteria: list[QualityCriterion]
    reviews: list[Review]
    published: ResourceVersion | None
    changes: list[FieldChange] = field(default_factory=list)
    can_decide: bool = False


def resource_review_page(viewer: Actor, slug: str) -> ReviewPage:
    """Return a resource with what a curator needs to decide on it: the checklist, earlier
    reviews and the changes since the last published version. NotFoundError for non-curators."""
    resource = resource_get(viewer, slug)
    permissions.require(viewer, "hub.curation.browse", resource)
    published = resource.versions.order_by("-number").first()
    changes = version_diff(published.content, resource_snapshot(resource)) if published else []
    return ReviewPage(
        resource=resource,
        criteria=list(QualityCriterion.objects.filter(active=True)),
        reviews=list(resource.reviews.select_related("reviewer")),
        published=published,
        changes=changes,
        can_decide=resource.status == states.SUBMITTED
        and permissions.has_permission(viewer, "hub.resource.curate", resource),
    )


def criterion_labels() -> dict[str, QualityCriterion]:
    """Return every criterion (retired ones too) by code, to name the items of old reviews."""
    return {criterion.code: criterion for criterion in QualityCriterion.objects.all()}


@dataclass
class VersionRow:
    version: ResourceVersion
    changed: list[Any]


def resource_version_history(viewer: Actor, slug: str) -> tuple[Resource, list[VersionRow]]:
    """Return the resource and its versions, newest first, each with the labels of the fields
    that changed from the one before."""
    resource = resource_get(viewer, slug)
    versions = list(resource.versions.select_related("created_by").order_by("number"))
    rows: list[VersionRow] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        changed = (
            [change.label for change in version_diff(previous, version.content)]
            if previous is not None
            else []
        )
        rows.append(VersionRow(version=version, changed=changed))
        previous = version.content
    rows.reverse()
    return resource, rows


def resource_version_pair(
    viewer: Actor, slug: str, old: int, new: int
) -> tuple[Resource, ResourceVersion, ResourceVersion, list[FieldChange]]:
    """Return two versions of a resource and what changed between them, or NotFoundError."""
    resource = resource_get(viewer, slug)
    found = {
        version.number: version
        for version in resource.versions.select_related("created_by").filter(number__in=[old, new])
    }
    if old not in found or new not in found:
        raise NotFoundError()
    return resource, found[old], found[new], version_diff(found[old].content, found[new].content)
