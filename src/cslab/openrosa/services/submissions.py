"""Receiving an OpenRosa submission: its XML becomes an observation, its parts its media."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.media.services import media_attach
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.openrosa import documents
from cslab.openrosa.actors import AppUserActor
from cslab.openrosa.models import AppUserSubmission
from cslab.openrosa.selectors import form_version_for_submission
from cslab.projects.models import Project

# The largest XML part read at all; the answers themselves may be at most 1 MB.
MAX_XML_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SubmissionResult:
    observation: Observation
    created: bool
    attached: int


def openrosa_submission_receive(
    *,
    actor: Actor,
    project: Project,
    xml: bytes,
    attachments: dict[str, UploadedFile],
) -> SubmissionResult:
    """Store one OpenRosa submission and the attachments it names; safe to repeat.

    The root element's `id` and `version` name the form version (unknown ones raise
    InvalidInputError `unknown_form`); `meta/instanceID` and `meta/deprecatedID` key and link
    the observation. An identical resubmission stores nothing twice but adds attachments not
    yet stored, which is also how the parts of a split upload (`*isIncomplete*`) come
    together. Attachments are stored only under file names the answers use; other parts are
    ignored. Errors of `observation_submit` and `media_attach` propagate unchanged.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "observation.submit", project)
    try:
        document = documents.submission_read(xml)
    except documents.SubmissionXmlError as error:
        raise InvalidInputError(
            _("The submission is not a valid form instance: %(error)s") % {"error": error},
            code=ProblemCode.INVALID_SUBMISSION,
        ) from None
    version = form_version_for_submission(
        user=actor, project=project, form_id=document.form_id, version=document.version
    )
    if version is None:
        raise InvalidInputError(
            _("This project has no published form “%(form)s” in version “%(version)s”.")
            % {"form": document.form_id, "version": document.version or "?"},
            code=ProblemCode.UNKNOWN_FORM,
        )
    version.form.project = project  # the instance whose role cache the actor entered
    answers = documents.answers_from(document.root, version.form_definition)
    app_user = actor.app_user if isinstance(actor, AppUserActor) else None
    # The observation and the record of the device that sent it commit together: a copy of
    # the same submission arriving meanwhile (a retry, a resend after a lost answer) finds
    # both or neither, and its attachments are not refused as another device's.
    with transaction.atomic():
        observation, created = observation_submit(
            actor=actor,
            form_version=version,
            instance_id=document.instance_id,
            answers=answers,
            deprecated_id=document.deprecated_id,
        )
        if app_user is not None and created:
            AppUserSubmission.objects.create(app_user=app_user, observation=observation)
    named = {name: part for name, part in attachments.items() if name in document.file_names}
    if not named:
        return SubmissionResult(observation=observation, created=created, attached=0)
    attach = _attacher(actor, observation, created=created)
    attached = sum(attach(name, uploaded_file) for name, uploaded_file in named.items())
    return SubmissionResult(observation=observation, created=created, attached=attached)


def _attacher(
    actor: Actor, observation: Observation, *, created: bool
) -> Callable[[str, UploadedFile], bool]:
    """Return a function storing one attachment of the observation for this actor (checked
    once for all the submission's attachments); True when it stored a new file."""
    if isinstance(actor, AppUserActor):
        # An app user may add files to what it sent itself; the collection rule for
        # attaching knows observers, and an app user's observation has none.
        sent_by_it = (
            created
            or AppUserSubmission.objects.filter(
                app_user=actor.app_user, observation=observation
            ).exists()
        )
        if not sent_by_it:
            raise PermissionDeniedError(_("Another device sent this submission."))
        return lambda name, uploaded_file: media_attach(
            actor=None,
            observation=observation,
            name=name,
            uploaded_file=uploaded_file,
            trusted=True,
        )[1]
    return lambda name, uploaded_file: media_attach(
        actor=actor, observation=observation, name=name, uploaded_file=uploaded_file
    )[1]
