"""Removing photos and files of observations on request.

* `media_remove`: the observer (or a lead for a device's observation) removes a file of their
  observation, after a confirmation page; linked from the observation page ("Remove this photo").
* `media_removal_request`: anyone signed in who sees a file asks for its removal, with a
  reason; linked from the observation page ("Ask to remove this photo").
* `media_removal_requests`: the project's queue of open requests for its moderators, owners,
  researchers and Lab staff; linked from the moderation queue with the number waiting.
* `media_removal_decide`: remove or decline one request (POST from the queue).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.media.selectors import THUMBNAIL, media_url_for_viewer
from cslab.privacy.media_removal_forms import MediaRemovalDecideForm, MediaRemovalRequestForm
from cslab.privacy.media_removal_selectors import (
    media_get_for_removal,
    media_removal_request_get_for_deciding,
    media_removal_request_list_open,
)
from cslab.privacy.services.media_removal import (
    REMOVED_BY_OBSERVER,
    media_removal_request_create,
    media_removal_request_decide,
    media_remove,
)
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

# The queue shows the oldest requests first; a moderator works through them page by page.
QUEUE_SIZE = 100


def _observation_page(slug: str, observation_id: int) -> str:
    return reverse("observation_detail", kwargs={"slug": slug, "observation_id": observation_id})


@login_required
def media_remove_view(
    request: SignedInRequest, slug: str, observation_id: int, media_id: int
) -> HttpResponse:
    """Confirm, then remove a photo or file of one's own observation."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    media = media_get_for_removal(
        user=request.user, project=project, observation_id=observation_id, media_id=media_id
    )
    permissions.require(request.user, "media.remove", media.observation)
    if request.method == "POST":
        media_remove(actor=request.user, media=media, reason=REMOVED_BY_OBSERVER)
        messages.success(request, _("The photo or file has been removed."))
        return redirect(_observation_page(slug, observation_id))
    return render(
        request,
        "privacy/media_remove.html",
        {
            "project": project,
            "media": media,
            "thumbnail": media_url_for_viewer(user=request.user, media=media, size=THUMBNAIL),
            "observation_url": _observation_page(slug, observation_id),
        },
    )


@login_required
def media_removal_request_view(
    request: SignedInRequest, slug: str, observation_id: int, media_id: int
) -> HttpResponse:
    """Ask the project's moderators to remove a photo or file, with a reason."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    media = media_get_for_removal(
        user=request.user, project=project, observation_id=observation_id, media_id=media_id
    )
    permissions.require(request.user, "media_removal.request", media.observation)
    form = MediaRemovalRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                media_removal_request_create(
                    actor=request.user,
                    media=media,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except InvalidInputError as error:
                for field, problems in (error.details or {}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    _("Thank you: the project's moderators will look at your request."),
                )
                return redirect(_observation_page(slug, observation_id))
        status = 400
    return render(
        request,
        "privacy/media_removal_request.html",
        {
            "project": project,
            "media": media,
            "form": form,
            "thumbnail": media_url_for_viewer(user=request.user, media=media, size=THUMBNAIL),
            "observation_url": _observation_page(slug, observation_id),
        },
        status=status,
    )


@login_required
def media_removal_requests_view(request: SignedInRequest, slug: str) -> HttpResponse:
    """The project's open requests to remove photos and files, oldest first."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    return _queue(request, project)


def _queue(
    request: SignedInRequest, project: Project, *, status: int = 200, error: str = ""
) -> HttpResponse:
    open_requests = list(
        media_removal_request_list_open(user=request.user, project=project)[:QUEUE_SIZE]
    )
    items = [
        {
            "request": removal_request,
            "thumbnail": media_url_for_viewer(
                user=request.user, media=removal_request.media, size=THUMBNAIL
            ),
            "observation_url": _observation_page(
                removal_request.media.observation.project.slug,
                removal_request.media.observation_id,
            ),
        }
        for removal_request in open_requests
    ]
    return render(
        request,
        "privacy/media_removal_requests.html",
        {"project": project, "items": items, "error": error},
        status=status,
    )


@require_POST
@login_required
def media_removal_decide_view(request: SignedInRequest, slug: str, request_id: int) -> HttpResponse:
    """Remove the file a request is about, or decline the request with a note."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    removal_request = media_removal_request_get_for_deciding(
        user=request.user, project=project, request_id=request_id
    )
    form = MediaRemovalDecideForm(request.POST)
    if not form.is_valid():
        return _queue(
            request,
            project,
            status=400,
            error=_("Choose to remove or to decline, with a note of at most 1000 characters."),
        )
    remove = form.cleaned_data["decision"] == "remove"
    try:
        media_removal_request_decide(
            actor=request.user,
            removal_request=removal_request,
            remove=remove,
            note=form.cleaned_data["note"],
        )
    except ConflictError as error:
        return _queue(request, project, status=409, error=error.message)
    except InvalidInputError as error:
        return _queue(request, project, status=400, error=error.message)
    messages.success(
        request,
        _("The photo or file has been removed.") if remove else _("The request was declined."),
    )
    return redirect("media_removal_requests", slug=slug)


urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/observations/<int:observation_id>/media/<int:media_id>/remove/",
        media_remove_view,
        name="media_remove",
    ),
    path(
        "projects/<slug:slug>/observations/<int:observation_id>/media/<int:media_id>/"
        "removal-request/",
        media_removal_request_view,
        name="media_removal_request",
    ),
    path(
        "projects/<slug:slug>/media-removal-requests/",
        media_removal_requests_view,
        name="media_removal_requests",
    ),
    path(
        "projects/<slug:slug>/media-removal-requests/<int:request_id>/decide/",
        media_removal_decide_view,
        name="media_removal_decide",
    ),
]
