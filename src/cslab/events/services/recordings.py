"""After an event: its recording and slides become hub resources linked to it.

The resources are made with the hub's own services (`hub.services.resources`: the file checks,
the link checks, the audit) and sent through its curation (`hub.services.curation`): submitted
for review, and published at once when the organiser may curate the hub or is a trainer. They
carry the event's faculty, domain and audience tags and its language, and are linked to the
event as its recording or slides (`EventResource`).

Known limit: the hub's curation refuses a curator's decision on a resource they submitted
(four eyes), so "published at once" needs a step in `hub.services.curation` for trusted
organisers; until it exists the resource stays submitted and the event page says a curator
will publish it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.core.services.audit import audit_record
from cslab.events.models import Event, EventResource
from cslab.events.vocabulary import EventResourceRelation, EventTagKind
from cslab.hub.models import Resource
from cslab.hub.services import curation
from cslab.hub.services.resources import LinkInput, resource_create, resource_file_add
from cslab.hub.vocabulary import ResourceKind, ResourceLicence, ResourceTagKind

TAG_KINDS = {
    EventTagKind.FACULTY: ResourceTagKind.FACULTY,
    EventTagKind.DOMAIN: ResourceTagKind.DOMAIN,
    EventTagKind.AUDIENCE: ResourceTagKind.AUDIENCE,
}


@dataclass
class RecordingResult:
    resources: list[Resource] = field(default_factory=list)
    published: bool = False


def may_publish_at_once(actor: Actor) -> bool:
    """Curators of the hub and trainers publish an event's recording without review."""
    return permissions.has_permission(actor, "hub.resource.publish_trusted")


@transaction.atomic
def recording_publish(
    *,
    actor: Actor,
    event: Event,
    title: str,
    video_url: str = "",
    slides: Any = None,
    licence: str = ResourceLicence.CC_BY,
) -> RecordingResult:
    """Make the recording (a link) and/or the slides (an uploaded file) hub resources of the
    event. InvalidInputError when neither is given, or when the hub refuses the link or file."""
    permissions.require(actor, "events.event.manage", event)
    title = (title or "").strip()
    video_url = (video_url or "").strip()
    if not title:
        raise InvalidInputError(
            _("Give the recording a title."), details={"title": [_("This field is required.")]}
        )
    if not video_url and slides is None:
        message = _("Give a link to the recording, slides to upload, or both.")
        raise InvalidInputError(message, details={"video_url": [message]})
    if licence not in ResourceLicence.values:
        raise InvalidInputError(_("Choose one of the licences."))
    common: dict[str, Any] = {
        "actor": actor,
        "summary": (event.summary or title)[:600],
        "language": event.language,
        "licence": licence,
        "tags": _tags_of(event),
        "organisation": "",
    }
    made: list[tuple[Resource, str]] = []
    if video_url:
        recording = resource_create(
            kind=ResourceKind.RECORDING,
            title=title[:200],
            links=[LinkInput(url=video_url, title=_("Watch the recording"))],
            **common,
        )
        made.append((recording, EventResourceRelation.RECORDING))
    if slides is not None:
        slides_title = (_("%(title)s: slides") % {"title": title})[:200]
        deck = resource_create(kind=ResourceKind.TRAINING_MATERIAL, title=slides_title, **common)
        resource_file_add(actor=actor, resource=deck, upload=slides, title=slides_title)
        made.append((deck, EventResourceRelation.SLIDES))
    result = RecordingResult(published=True)
    position = event.resource_links.count()
    for offset, (resource, relation) in enumerate(made):
        curation.resource_transition(actor=actor, resource=resource, action="submit")
        if not _publish_at_once(actor, resource):
            result.published = False
        link = EventResource(
            event=event, resource=resource, relation=relation, position=position + offset
        )
        link.full_clean(validate_constraints=False)
        link.save()
        result.resources.append(resource)
    audit_record(
        actor=actor,
        action="event.recording_published",
        target=event,
        details={
            "resources": [resource.pk for resource in result.resources],
            "published": result.published,
        },
    )
    return result


def _publish_at_once(actor: Actor, resource: Resource) -> bool:
    """Publish at once if the actor is trusted to (trainers, staff); False if it stays submitted
    for a curator."""
    if not may_publish_at_once(actor):
        return False
    curation.resource_publish_trusted(
        actor=actor, resource=resource, reason=_("Published with the event it belongs to.")
    )
    return True


def _tags_of(event: Event) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for tag in event.tags.all():
        kind = TAG_KINDS.get(tag.kind)  # type: ignore[call-overload]
        if kind is not None:
            tags.setdefault(kind, []).append(tag.value)
    return tags
