"""Writing an event: create, edit (sessions, people, tags, linked resources and projects, cover),
publish and cancel.

An event's times are its sessions' (one or more, at most MAX_SESSIONS): `Event.starts_at` and
`ends_at` are kept here from them. A webinar is online; an event people attend in person needs a
venue address. The capacity may not drop below the places already taken. Linked resources are
published hub resources ("material"); linked projects are ones the actor may see. A cover image
is checked by its content and re-encoded without metadata (`hub.files.check_cover_image`).
Every write is audited; cancelling tells the registered and waitlisted people after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.events.models import (
    Event,
    EventPerson,
    EventProject,
    EventResource,
    EventSession,
    EventTag,
    Registration,
)
from cslab.events.services.registrations import waitlist_promote_free_places
from cslab.events.services.reminder_schedule import reminders_schedule_for_event
from cslab.events.vocabulary import (
    RESERVED_SLUGS,
    AttendanceMode,
    EventKind,
    EventPersonRole,
    EventResourceRelation,
    EventTagKind,
)
from cslab.hub import files as hub_files
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.vocabulary import Audience
from cslab.notifications.services.notifications import notification_send
from cslab.projects import selectors as project_selectors
from cslab.projects.models import Membership, Project
from cslab.projects.vocabulary import Faculty, ResearchDomain

MAX_SESSIONS = 20
MAX_PEOPLE = 30
MAX_LINKS = 30
MAX_DESCRIPTION = 50_000
SLUG_MAX_LENGTH = 120

PLAIN_FIELDS = (
    "kind",
    "attendance_mode",
    "title",
    "summary",
    "description",
    "language",
    "online_url",
    "online_details",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "capacity",
    "registration_closes_at",
    "ask_dietary_needs",
    "ask_accessibility_needs",
    "ask_organisation",
    "cover_alt_text",
)
RELATIONS = ("sessions", "people", "tags", "resources", "projects", "cover_image", "remove_cover")

TAG_VOCABULARIES: dict[str, frozenset[str]] = {
    EventTagKind.FACULTY: frozenset(Faculty.values),
    EventTagKind.DOMAIN: frozenset(ResearchDomain.values),
    EventTagKind.AUDIENCE: frozenset(Audience.values),
}


@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime
    ends_at: datetime
    title: str = ""


@dataclass(frozen=True)
class PersonInput:
    """An organiser or speaker: a linked account (`user_id`) or a free name."""

    name: str
    role: str
    user_id: int | None = None
    affiliation: str = ""


# --- create and update ---------------------------------------------------------------------------


def event_create(*, actor: Actor, project: Project | None = None, **fields: Any) -> Event:
    """Create a draft event organised by the Lab (no project) or by `project`.

    `fields` are the plain fields of `Event` (PLAIN_FIELDS) and the relations `sessions`
    (SessionInput, at least one), `people` (PersonInput), `tags` ({kind: values}), `resources`
    (hub resource ids), `projects` (project ids) and `cover_image` (an upload).
    """
    if project is not None:
        permissions.require(actor, "events.event.create_for_project", project)
    else:
        permissions.require(actor, "events.event.create")
    _refuse_unknown(fields)
    sessions = _clean_sessions(fields.get("sessions") or [])
    event = Event(project=project, created_by=person_or_none(actor))
    _apply_plain(event, fields)
    _check_event(event, has_cover=fields.get("cover_image") is not None)
    with transaction.atomic():
        _save_with_unique_slug(event)
        _replace_sessions(event, sessions)
        people = fields.get("people")
        _replace_people(event, actor, people or [], project=project)
        _replace_tags(event, fields.get("tags") or {})
        _replace_resources(event, fields.get("resources") or [])
        _replace_projects(event, actor, fields.get("projects") or [])
        if fields.get("cover_image") is not None:
            _store_cover(event, fields["cover_image"])
        audit_record(
            actor=actor,
            action="event.created",
            target=event,
            details={"slug": event.slug, "project": project.pk if project else None},
        )
    return event


def event_update(*, actor: Actor, event: Event, **changes: Any) -> Event:
    """Change an event: any of PLAIN_FIELDS and the relations named in `event_create` (a
    relation given replaces the stored one), plus `remove_cover`. A cancelled event is not
    edited (409). The capacity may not drop below the places already taken (400)."""
    _require_manage(actor, event)
    _refuse_unknown(changes)
    with transaction.atomic():
        locked = (
            Event.objects.select_for_update(of=("self",)).select_related("project").get(pk=event.pk)
        )
        if locked.status == Event.Status.CANCELLED:
            raise ConflictError(
                _("This event is cancelled; it can no longer be changed."),
                code=ProblemCode.EVENT_CANCELLED,
            )
        before = {name: getattr(locked, name) for name in PLAIN_FIELDS}
        _apply_plain(locked, changes)
        new_cover = changes.get("cover_image")
        remove_cover = bool(changes.get("remove_cover")) and new_cover is None
        has_cover = new_cover is not None or (bool(locked.cover_image) and not remove_cover)
        if locked.capacity is not None and locked.capacity < locked.registered_count:
            message = _(
                "%(count)d people are already registered: the number of places cannot be lower."
            ) % {"count": locked.registered_count}
            raise InvalidInputError(
                message,
                code=ProblemCode.CAPACITY_BELOW_REGISTERED,
                details={"capacity": [message]},
            )
        _check_event(locked, has_cover=has_cover)
        changed = [name for name in PLAIN_FIELDS if getattr(locked, name) != before[name]]
        if remove_cover and locked.cover_image:
            locked.cover_image.delete(save=False)
            locked.cover_image = ""
            changed.append("cover_image")
        try:
            locked.save()
        except IntegrityError as error:
            raise InvalidInputError(_("Please correct the errors below.")) from error
        if "sessions" in changes:
            _replace_sessions(locked, _clean_sessions(changes["sessions"] or []))
            changed.append("sessions")
        if "people" in changes:
            _replace_people(locked, actor, changes["people"] or [], project=locked.project)
            changed.append("people")
        if "tags" in changes:
            _replace_tags(locked, changes["tags"] or {})
            changed.append("tags")
        if "resources" in changes:
            _replace_resources(locked, changes["resources"] or [])
            changed.append("resources")
        if "projects" in changes:
            _replace_projects(locked, actor, changes["projects"] or [])
            changed.append("projects")
        if new_cover is not None:
            _store_cover(locked, new_cover)
            changed.append("cover_image")
        if (
            "capacity" in changed
            and before["capacity"] is not None
            and (locked.capacity is None or locked.capacity > before["capacity"])
        ):
            # More places: the people waiting get them before any newcomer can.
            waitlist_promote_free_places(event=locked)
        if "sessions" in changed and locked.status == Event.Status.PUBLISHED:
            reminders_schedule_for_event(locked)
        audit_record(
            actor=actor, action="event.updated", target=locked, details={"fields": changed}
        )
    return locked


def event_publish(*, actor: Actor, event: Event) -> Event:
    """Publish a draft: it appears in lists and feeds and people may register."""
    _require_manage(actor, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != Event.Status.DRAFT:
            raise ConflictError(
                _("Only a draft can be published."), code=ProblemCode.EVENT_NOT_DRAFT
            )
        if not locked.sessions.exists():
            raise InvalidInputError(_("Add at least one session before publishing."))
        locked.status = Event.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(actor=actor, action="event.published", target=locked)
    return locked


def event_cancel(*, actor: Actor, event: Event, reason: str) -> Event:
    """Cancel an event, saying why; the registered and waitlisted people are told after commit."""
    _require_manage(actor, event)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the event is cancelled: the people who registered are told.")
        raise InvalidInputError(message, details={"reason": [message]})
    if len(reason) > 2000:
        message = _("Keep the reason under 2,000 characters.")
        raise InvalidInputError(message, details={"reason": [message]})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise ConflictError(
                _("This event is already cancelled."), code=ProblemCode.EVENT_CANCELLED
            )
        locked.status = Event.Status.CANCELLED
        locked.cancellation_reason = reason
        locked.save(update_fields=["status", "cancellation_reason", "updated_at"])
        audit_record(
            actor=actor, action="event.cancelled", target=locked, details={"reason": reason}
        )
        people = [
            registration.user
            for registration in Registration.objects.filter(
                event=locked,
                status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED],
            ).select_related("user")
            if registration.user is not None
        ]
        url = locked.get_absolute_url()
        title = locked.title

        def tell() -> None:
            notification_send(
                recipients=people,
                kind="event.cancelled",
                message=gettext_noop("“%(title)s” is cancelled: %(reason)s"),
                url=url,
                actor=actor,
                params={"title": title, "reason": reason},
            )

        transaction.on_commit(tell)
    return locked


def _require_manage(actor: Actor, event: Event) -> None:
    """404 for whoever may not see the event (another person's draft), 403 for who may see it
    but not manage it."""
    permissions.require(actor, "events.event.view", event)
    permissions.require(actor, "events.event.manage", event)


# --- checks --------------------------------------------------------------------------------------


def _refuse_unknown(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(PLAIN_FIELDS) - set(RELATIONS)
    if unknown:
        raise InvalidInputError(
            _("Unknown event fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )


def _apply_plain(event: Event, fields: Mapping[str, Any]) -> None:
    for name in PLAIN_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, str):
            value = value.strip()
        setattr(event, name, value)
    if event.kind == EventKind.WEBINAR:
        event.attendance_mode = AttendanceMode.ONLINE
    if event.attendance_mode == AttendanceMode.ONLINE:
        event.venue_name = ""
        event.venue_address = ""
        event.latitude = None
        event.longitude = None


def _check_event(event: Event, *, has_cover: bool) -> None:
    errors: dict[str, list[str]] = {}
    if len(event.description or "") > MAX_DESCRIPTION:
        errors["description"] = [
            _("Keep the description under %(count)s characters.") % {"count": "50,000"}
        ]
    if event.is_in_person and not (event.venue_address or "").strip():
        errors["venue_address"] = [_("Give the venue's address: people come there.")]
    if (event.latitude is None) != (event.longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    if has_cover and not (event.cover_alt_text or "").strip():
        errors["cover_alt_text"] = [_("Describe the cover image for people who cannot see it.")]
    try:
        event.full_clean(exclude=["slug", "cover_image", "created_by", "project"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise InvalidInputError(_("Please correct the errors below."), details=errors)


def _clean_sessions(sessions: Sequence[SessionInput]) -> list[SessionInput]:
    if len(sessions) > MAX_SESSIONS:
        message = _("An event has at most %(count)d sessions.") % {"count": MAX_SESSIONS}
        raise InvalidInputError(
            message, code=ProblemCode.TOO_MANY_ITEMS, details={"sessions": [message]}
        )
    if not sessions:
        message = _("Give at least one session: when the event starts and ends.")
        raise InvalidInputError(message, details={"sessions": [message]})
    for session in sessions:
        if session.ends_at <= session.starts_at:
            message = _("A session must end after it starts.")
            raise InvalidInputError(message, details={"sessions": [message]})
        if len(session.title) > 200:
            message = _("Keep a session's title under 200 characters.")
            raise InvalidInputError(message, details={"sessions": [message]})
    return sorted(sessions, key=lambda session: session.starts_at)


def _replace_sessions(event: Event, sessions: list[SessionInput]) -> None:
    event.sessions.all().delete()
    EventSession.objects.bulk_create(
        EventSession(
            event=event,
            title=session.title.strip(),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            position=position,
        )
        for position, session in enumerate(sessions)
    )
    event.starts_at = sessions[0].starts_at
    event.ends_at = max(session.ends_at for session in sessions)
    event.save(update_fields=["starts_at", "ends_at"])


def _replace_people(
    event: Event, actor: Actor, people: Sequence[PersonInput], *, project: Project | None
) -> None:
    if len(people) > MAX_PEOPLE:
        message = _("An event lists at most %(count)d organisers and speakers.") % {
            "count": MAX_PEOPLE
        }
        raise InvalidInputError(
            message, code=ProblemCode.TOO_MANY_ITEMS, details={"people": [message]}
        )
    linkable = _linkable_user_ids(event, actor, project)
    rows: list[EventPerson] = []
    seen: set[tuple[str, int]] = set()
    for position, person in enumerate(people):
        name = (person.name or "").strip()
        if person.role not in EventPersonRole.values:
            raise InvalidInputError(_("Unknown role: %(role)s.") % {"role": person.role})
        if person.user_id is not None:
            if person.user_id not in linkable:
                message = _("Link only yourself, people already linked or the project's team.")
                raise InvalidInputError(message, details={"people": [message]})
            if (person.role, person.user_id) in seen:
                continue
            seen.add((person.role, person.user_id))
        if not name or len(name) > 200 or len(person.affiliation or "") > 200:
            message = _("Give each organiser or speaker a name (under 200 characters).")
            raise InvalidInputError(message, details={"people": [message]})
        rows.append(
            EventPerson(
                event=event,
                user_id=person.user_id,
                name=name,
                role=person.role,
                affiliation=(person.affiliation or "").strip(),
                position=position,
            )
        )
    event.people.all().delete()
    EventPerson.objects.bulk_create(rows)


def _linkable_user_ids(event: Event, actor: Actor, project: Project | None) -> set[int]:
    """Accounts an organiser may link: themselves, those already linked, the project's team."""
    ids: set[int] = set()
    person = person_or_none(actor)
    if person is not None:
        ids.add(person.pk)
    if event.pk is not None:
        ids.update(event.people.filter(user__isnull=False).values_list("user_id", flat=True))
    if project is not None:
        ids.update(Membership.objects.filter(project=project).values_list("user_id", flat=True))
    return ids


def _replace_tags(event: Event, tags: Mapping[str, Iterable[str]]) -> None:
    rows: list[EventTag] = []
    for kind, values in tags.items():
        allowed = TAG_VOCABULARIES.get(kind)
        if allowed is None:
            raise InvalidInputError(_("Unknown kind of tag: %(kind)s.") % {"kind": kind})
        for value in sorted(set(values)):
            if value not in allowed:
                message = _("Choose from the list: “%(value)s” is not one of them.") % {
                    "value": str(value)[:100]
                }
                raise InvalidInputError(message, details={kind: [message]})
            rows.append(EventTag(event=event, kind=kind, value=value))
    event.tags.all().delete()
    EventTag.objects.bulk_create(rows)


def _replace_resources(event: Event, resource_ids: Sequence[int]) -> None:
    """Link published hub resources as material; recordings and slides are left alone."""
    wanted = list(dict.fromkeys(int(value) for value in resource_ids))
    if len(wanted) > MAX_LINKS:
        raise InvalidInputError(
            _("Link at most %(count)d resources.") % {"count": MAX_LINKS},
            code=ProblemCode.TOO_MANY_ITEMS,
        )
    found = set(resource_list_listed().filter(pk__in=wanted).values_list("pk", flat=True))
    if len(found) != len(wanted):
        message = _("Link only resources published in the knowledge hub.")
        raise InvalidInputError(message, details={"resources": [message]})
    event.resource_links.filter(relation=EventResourceRelation.MATERIAL).delete()
    already = set(event.resource_links.values_list("resource_id", flat=True))
    EventResource.objects.bulk_create(
        EventResource(
            event=event,
            resource_id=resource_id,
            relation=EventResourceRelation.MATERIAL,
            position=position,
        )
        for position, resource_id in enumerate(wanted)
        if resource_id not in already
    )


def _replace_projects(event: Event, actor: Actor, project_ids: Sequence[int]) -> None:
    wanted = list(dict.fromkeys(int(value) for value in project_ids))
    if len(wanted) > MAX_LINKS:
        raise InvalidInputError(
            _("Link at most %(count)d projects.") % {"count": MAX_LINKS},
            code=ProblemCode.TOO_MANY_ITEMS,
        )
    visible = set(
        project_selectors.project_list_visible(user=actor)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if len(visible) != len(wanted):
        message = _("Link only projects you can see.")
        raise InvalidInputError(message, details={"projects": [message]})
    event.project_links.all().delete()
    EventProject.objects.bulk_create(
        EventProject(event=event, project_id=project_id) for project_id in wanted
    )


def _store_cover(event: Event, upload: Any) -> None:
    checked = hub_files.check_cover_image(upload)
    old = event.cover_image.name if event.cover_image else ""
    event.cover_image.save(f"{event.slug[:60]}.{checked.extension}", checked.content, save=False)
    try:
        with transaction.atomic():
            event.save(update_fields=["cover_image", "updated_at"])
    except IntegrityError as error:
        event.cover_image.delete(save=False)
        message = _("Describe the cover image for people who cannot see it.")
        raise InvalidInputError(message, details={"cover_alt_text": [message]}) from error
    if old and old != event.cover_image.name:
        storage = event.cover_image.storage
        transaction.on_commit(lambda: storage.delete(old))


def _save_with_unique_slug(event: Event) -> None:
    """Save a new event with a slug from its title, numbered while the slug is taken."""
    base = slugify(event.title)[: SLUG_MAX_LENGTH - 10].strip("-") or "event"
    for attempt in range(1, 1000):
        event.slug = base if attempt == 1 else f"{base}-{attempt}"
        if event.slug in RESERVED_SLUGS:
            continue
        try:
            with transaction.atomic():
                event.save()
            return
        except IntegrityError as error:
            if "slug" not in str(error).lower():
                raise
    raise ConflictError(_("No free address for this title; choose another title."))
