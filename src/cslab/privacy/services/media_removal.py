"""Removing photos and files of observations on request (issue 14: "media with faces or names
can be removed on request").

Two ways lead to a removal. The observer (or the project's leads for a device's observation)
removes a file of their own observation at once (`media_remove`). Anyone else who may see the
file asks for its removal (`media_removal_request_create`); the project's moderators remove it
or decline with a note (`media_removal_request_decide`), and the requester is told.

A removed file is gone from storage (original, public copy, thumbnail: deleted once the
transaction commits) but its row stays, marked `removed_at`, with nothing left to serve: the
answer that names it reads "removed on request", a classification subject made from it keeps
its classifications, and a replay of the same file from an offline device finds the row and
stores nothing again. The audit entry names the media by its id and kind, never by the file
name (which may be a person's name or the moment the photo was taken).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.media.models import Media
from cslab.media.selectors import observation_get_for_media
from cslab.notifications.services.notifications import notification_send
from cslab.observations.services.moderation import observation_url
from cslab.privacy.models import MediaRemovalRequest

# The reason recorded when the observer (or a lead for a device) removes a file directly.
REMOVED_BY_OBSERVER = "observer"
REMOVAL_REASONS = frozenset({REMOVED_BY_OBSERVER, *MediaRemovalRequest.Reason.values})
MAX_TEXT_LENGTH = 1000
NOTIFICATION_KIND = "moderation.media_removal"


def media_remove(*, actor: Any, media: Media, reason: str) -> Media:
    """Remove a photo or file from its observation: the files go from storage after commit,
    the row stays marked removed, open requests about it are closed as removed (and their
    requesters told), and an audit entry is written.

    The actor must see the observation (NotFoundError otherwise) and hold "media.remove" (its
    observer, the project's leads for a device's observation, Lab staff; PermissionDeniedError
    otherwise). `reason` is "observer" or one of `MediaRemovalRequest.Reason`. Removing a file
    removed already changes nothing.
    """
    observation = observation_get_for_media(user=actor, observation_id=media.observation_id)
    permissions.require(actor, "media.remove", observation)
    if reason not in REMOVAL_REASONS:
        raise InvalidInputError(_("Choose a reason for the removal."))
    with transaction.atomic():
        locked = Media.objects.select_for_update().get(pk=media.pk)
        if locked.removed_at is None:
            _remove_locked(actor=actor, media=locked, reason=reason, note="")
    return locked


def media_removal_request_create(
    *, actor: Any, media: Media, reason: str, details: str = ""
) -> MediaRemovalRequest:
    """Ask the project's moderators to remove a photo or file; return the open request.

    The actor must be signed in and see the file (NotFoundError otherwise, also for a file
    removed already). `details` (at most 1000 characters) says more, and is required for the
    reason "other". Asking again while one's request is open returns that request.
    """
    observation = observation_get_for_media(user=actor, observation_id=media.observation_id)
    permissions.require(actor, "media_removal.request", observation)
    if media.removed_at is not None or media.observation_id != observation.pk:
        raise NotFoundError()
    details = (details or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in MediaRemovalRequest.Reason.values:
        errors["reason"] = [_("Choose why the photo should be removed.")]
    if len(details) > MAX_TEXT_LENGTH:
        errors["details"] = [_("Keep it to at most 1000 characters.")]
    elif reason == MediaRemovalRequest.Reason.OTHER and not details:
        errors["details"] = [_("Say why the photo should be removed.")]
    if errors:
        raise InvalidInputError(_("The request is not complete."), details=errors)
    request = MediaRemovalRequest(media=media, requested_by=actor, reason=reason, details=details)
    try:
        request.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The request is not complete."), details=error.message_dict
        ) from error
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # The one open request per person and file exists already (a double click, a retry).
        existing = MediaRemovalRequest.objects.filter(
            media=media, requested_by=actor, status=MediaRemovalRequest.Status.OPEN
        ).first()
        if existing is None:
            raise
        return existing
    return request


def media_removal_request_decide(
    *, actor: Any, removal_request: MediaRemovalRequest, remove: bool, note: str = ""
) -> MediaRemovalRequest:
    """Remove the file a request is about (`media_remove`'s effects) or decline the request
    with a note (required when declining); the requester is told either way.

    The actor must hold "media_removal.decide" on the project (its moderators, owners and
    researchers, Lab staff). A request decided already raises ConflictError
    `media_removal_already_decided`. A declined request keeps the file as it was.
    """
    project = removal_request.media.observation.project
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "media_removal.decide", project)
    note = (note or "").strip()
    if len(note) > MAX_TEXT_LENGTH:
        raise InvalidInputError(
            _("Keep it to at most 1000 characters."),
            details={"note": [_("Keep it to at most 1000 characters.")]},
        )
    if not remove and not note:
        # The person who asked is told why their photo stays.
        raise InvalidInputError(
            _("Say in a note why the request is declined."),
            details={"note": [_("Say in a note why the request is declined.")]},
        )
    with transaction.atomic():
        # The file first, then the request: the order `media_remove` locks them in.
        media = Media.objects.select_for_update().get(pk=removal_request.media_id)
        locked = MediaRemovalRequest.objects.select_for_update().get(pk=removal_request.pk)
        if locked.status != MediaRemovalRequest.Status.OPEN:
            raise ConflictError(
                _("This request has been decided already."),
                code=ProblemCode.MEDIA_REMOVAL_ALREADY_DECIDED,
            )
        if remove:
            _remove_locked(actor=actor, media=media, reason=locked.reason, note=note)
            locked.refresh_from_db()
            return locked
        locked.status = MediaRemovalRequest.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="media_removal.declined",
            target=locked.media.observation,
            details={"media_id": locked.media_id, "request_id": locked.pk},
        )
        _tell_requesters(actor=actor, requests=[locked], removed=False)
    return locked


def _remove_locked(*, actor: Any, media: Media, reason: str, note: str) -> None:
    """Remove a file whose row the caller has locked in the open transaction."""
    storage = media.original.storage
    names = [field.name for field in (media.original, media.public_file, media.thumbnail) if field]
    media.original = ""
    media.public_file = ""
    media.thumbnail = ""
    media.width = None
    media.height = None
    media.removed_at = timezone.now()
    media.save(
        update_fields=["original", "public_file", "thumbnail", "width", "height", "removed_at"]
    )
    open_requests = list(
        MediaRemovalRequest.objects.select_for_update(of=("self",))
        .filter(media=media, status=MediaRemovalRequest.Status.OPEN)
        .select_related("requested_by")
    )
    for request in open_requests:
        request.status = MediaRemovalRequest.Status.REMOVED
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.decided_at = media.removed_at
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    observation = media.observation
    audit_record(
        actor=actor,
        action="media.removed",
        target=observation,
        details={
            "media_id": media.pk,
            "kind": media.kind,
            "reason": reason,
            "requests_closed": [request.pk for request in open_requests],
        },
    )
    _tell_requesters(actor=actor, requests=open_requests, removed=True)

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


def _tell_requesters(*, actor: Any, requests: list[MediaRemovalRequest], removed: bool) -> None:
    for request in requests:
        if request.requested_by is None:
            continue
        observation = request.media.observation
        if removed:
            message = gettext_noop(
                "The photo or file you asked about in observation %(observation)s has been removed."
            )
        else:
            message = gettext_noop(
                "Your request to remove a photo or file of observation %(observation)s was "
                "declined: %(note)s"
            )
        notification_send(
            recipients=[request.requested_by],
            kind=NOTIFICATION_KIND,
            message=message,
            params={
                "observation": f"#{observation.pk}",
                "note": request.decision_note or "—",
            },
            url=observation_url(observation),
            actor=actor,
        )
