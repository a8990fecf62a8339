"""Reads for removing photos and files on request: the file one may ask about, the project's
queue of open requests (its moderators, owners, researchers and Lab staff)."""

from __future__ import annotations

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.media.models import Media
from cslab.media.selectors import observation_get_for_media
from cslab.privacy.models import MediaRemovalRequest
from cslab.projects.models import Project


def media_get_for_removal(
    *, user: Actor, project: Project, observation_id: int, media_id: int
) -> Media:
    """Return a file of an observation the user may see, not removed yet; NotFoundError when
    the observation is not visible, not of this project, or has no such file."""
    observation = observation_get_for_media(user=user, observation_id=observation_id)
    if observation.project_id != project.pk:
        raise NotFoundError()
    media = (
        Media.objects.filter(observation=observation, pk=media_id, removed_at__isnull=True)
        .select_related("observation__project")
        .first()
    )
    if media is None:
        raise NotFoundError()
    return media


def media_removal_request_list_open(
    *, user: Actor, project: Project
) -> QuerySet[MediaRemovalRequest]:
    """The project's open requests, oldest first, for those who decide them (else 403/404)."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "media_removal.decide", project)
    return (
        MediaRemovalRequest.objects.filter(
            media__observation__project=project, status=MediaRemovalRequest.Status.OPEN
        )
        .select_related("media__observation__project", "requested_by")
        .order_by("created_at", "pk")
    )


def media_removal_request_count_open(*, user: Actor, project: Project) -> int | None:
    """How many requests of the project wait for a decision; None for people who do not decide
    them (the link to the queue is not shown to them)."""
    if not permissions.has_permission(user, "media_removal.decide", project):
        return None
    return MediaRemovalRequest.objects.filter(
        media__observation__project=project, status=MediaRemovalRequest.Status.OPEN
    ).count()


def media_removal_request_get_for_deciding(
    *, user: Actor, project: Project, request_id: int
) -> MediaRemovalRequest:
    """Return a request of the project for someone who decides them; NotFoundError for a
    request of another project or none."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "media_removal.decide", project)
    found = (
        MediaRemovalRequest.objects.filter(pk=request_id, media__observation__project=project)
        .select_related("media__observation__project", "requested_by")
        .first()
    )
    if found is None:
        raise NotFoundError()
    return found
