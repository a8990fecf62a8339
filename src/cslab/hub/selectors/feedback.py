"""Reads of feedback: what a resource's page shows about its use, endorsements, ratings and
comments for one viewer; the resources a project uses; the comment moderation queue.

Uses are shown only for projects the viewer may see (`projects.selectors.project_list_visible`),
so a private project's interest in a resource is never told to outsiders. A hidden comment's
text goes only to moderators; everyone else sees that it was hidden, and why.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Case, Count, IntegerField, QuerySet, Value, When

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.hub import states
from cslab.hub.models import Endorsement, Rating, Resource, ResourceComment, ResourceUse
from cslab.hub.selectors.resources import resource_list_visible
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_visible

LEADS = (ProjectRole.OWNER, ProjectRole.RESEARCHER)
# The comment thread of one resource is shown whole up to this many comments.
MAX_COMMENTS = 200
MAX_QUEUE = 200


@dataclass(frozen=True)
class CommentEntry:
    comment: ResourceComment
    author_name: str
    # None when the viewer may not read a hidden comment's text.
    text: str | None
    hidden: bool
    hidden_reason: str
    can_flag: bool


@dataclass
class FeedbackSummary:
    resource: Resource
    published: bool
    rating_average: float | None
    rating_count: int
    my_rating: int | None
    endorsements: list[Endorsement]
    endorsed_by_me: bool
    uses: list[ResourceUse]
    comments: list[CommentEntry]
    # The viewer's projects (they lead) that may add a use, and those already using it.
    my_projects: list[Project] = field(default_factory=list)
    can_give_feedback: bool = False
    can_endorse: bool = False
    can_moderate: bool = False

    @property
    def my_uses(self) -> list[ResourceUse]:
        mine = {project.pk for project in self.my_projects}
        return [use for use in self.uses if use.project_id in mine]

    @property
    def projects_to_add(self) -> list[Project]:
        using = {use.project_id for use in self.uses}
        return [project for project in self.my_projects if project.pk not in using]


def projects_led_by(viewer: Actor) -> QuerySet[Project]:
    """Return the projects the viewer leads (owner or researcher): where they may add a use."""
    person = person_or_none(viewer)
    if person is None:
        return Project.objects.none()
    return Project.objects.filter(
        memberships__user_id=person.pk, memberships__role__in=LEADS
    ).order_by("name")


def resource_uses_visible(resource: Resource, viewer: Actor) -> list[ResourceUse]:
    """Return the uses of a resource by projects the viewer may see, newest first."""
    return list(
        ResourceUse.objects.filter(
            resource=resource, project__in=project_list_visible(user=viewer)
        ).select_related("project")
    )


def resource_feedback_summary(resource: Resource, viewer: Actor) -> FeedbackSummary:
    """Return everything the feedback part of a resource's page shows to this viewer.

    The caller has checked the viewer may open the resource (`resource_get`). Bounded queries:
    ratings, endorsements, uses, comments with their authors, and the viewer's projects.
    """
    can_moderate = permissions.has_permission(viewer, "hub.comment.moderate")
    published = resource.status == states.PUBLISHED
    figures = Rating.objects.filter(resource=resource).aggregate(
        average=Avg("stars"), count=Count("id")
    )
    my_rating = None
    flagged_by_me: set[int] = set()
    person = person_or_none(viewer)
    if person is not None:
        my_rating = (
            Rating.objects.filter(resource=resource, user_id=person.pk)
            .values_list("stars", flat=True)
            .first()
        )
        flagged_by_me = set(
            ResourceComment.objects.filter(resource=resource, flags__user_id=person.pk).values_list(
                "pk", flat=True
            )
        )
    endorsements = list(Endorsement.objects.filter(resource=resource).select_related("endorsed_by"))
    comments = [
        CommentEntry(
            comment=comment,
            author_name=comment.author.public_name if comment.author else "",
            text=comment.text if (not comment.is_hidden or can_moderate) else None,
            hidden=comment.is_hidden,
            hidden_reason=comment.hidden_reason,
            can_flag=(
                viewer.is_authenticated
                and published
                and comment.author_id != viewer.pk
                and comment.pk not in flagged_by_me
                and not comment.is_hidden
            ),
        )
        for comment in ResourceComment.objects.filter(resource=resource).select_related("author")[
            :MAX_COMMENTS
        ]
    ]
    average = figures["average"]
    return FeedbackSummary(
        resource=resource,
        published=published,
        rating_average=round(float(average), 1) if average is not None else None,
        rating_count=figures["count"],
        my_rating=my_rating,
        endorsements=endorsements,
        endorsed_by_me=any(e.endorsed_by_id == viewer.pk for e in endorsements),
        uses=resource_uses_visible(resource, viewer),
        comments=comments,
        my_projects=list(projects_led_by(viewer)) if published else [],
        can_give_feedback=published
        and permissions.has_permission(viewer, "hub.resource.feedback", resource),
        can_endorse=published
        and permissions.has_permission(viewer, "hub.resource.curate", resource),
        can_moderate=can_moderate,
    )


def resources_used_by_project(project: Any, viewer: Actor) -> QuerySet[Resource]:
    """Return the resources a project uses that the viewer may open, most recently added first.

    The caller has checked the viewer may see the project.
    """
    return (
        resource_list_visible(viewer)
        .filter(uses__project=project)
        .order_by("-uses__created_at", "-id")
    )


def feedback_project_get(viewer: Actor, project_id: int) -> Project:
    """Return a project the viewer may see by id, or raise NotFoundError."""
    project = project_list_visible(user=viewer).filter(pk=project_id).first()
    if project is None:
        raise NotFoundError()
    return project


def resource_use_get(viewer: Actor, use_id: int) -> ResourceUse:
    """Return a use whose project the viewer may see, or raise NotFoundError."""
    use = (
        ResourceUse.objects.filter(pk=use_id, project__in=project_list_visible(user=viewer))
        .select_related("resource", "project")
        .first()
    )
    if use is None:
        raise NotFoundError()
    return use


def resource_comment_get(viewer: Actor, comment_id: int) -> ResourceComment:
    """Return a comment on a resource the viewer may open, or raise NotFoundError."""
    comment = (
        ResourceComment.objects.filter(pk=comment_id).select_related("resource", "author").first()
    )
    if comment is None:
        raise NotFoundError()
    permissions.require(viewer, "hub.resource.view", comment.resource)
    return comment


def resource_comment_list_for_moderation(viewer: Actor) -> list[ResourceComment]:
    """Return the comments moderators look at: flagged and still shown first (most flags
    first), then hidden ones, then the most recent others."""
    permissions.require(viewer, "hub.comment.moderate")
    needs_look = Case(
        When(flag_count__gt=0, hidden_at__isnull=True, then=Value(0)),
        When(hidden_at__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        ResourceComment.objects.annotate(needs_look=needs_look)
        .select_related("resource", "author", "hidden_by")
        .prefetch_related("flags")
        .order_by("needs_look", "-flag_count", "-created_at", "-id")[:MAX_QUEUE]
    )
