"""Writing a hub resource: create, edit, files, cover image, translation, and its counters.

Every write checks the permission module (`hub.resource.submit`, `hub.resource.view` then
`hub.resource.edit`) and records an audit event. The curation steps (submit, publish, ...)
live in `hub.services.curation`; here only the text and metadata change. An edit is allowed
while the author holds the resource (`states.EDITABLE_BY_AUTHOR`) and after publication
(`states.EDITABLE_AFTER_PUBLICATION`), where each edit is recorded as a new version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.hub import files as hub_files
from cslab.hub import states
from cslab.hub.documents import resource_search_document
from cslab.hub.models import (
    CaseStudy,
    Resource,
    ResourceAuthor,
    ResourceFile,
    ResourceLink,
    ResourceTag,
)
from cslab.hub.services import versions
from cslab.hub.vocabulary import (
    RESERVED_SLUGS,
    Audience,
    ResearchPhase,
    ResourceKind,
    ResourceLicence,
    ResourceTagKind,
)
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

MAX_AUTHORS = 30
MAX_LINKS = 20
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 50
SLUG_MAX_LENGTH = 120

# The values each controlled tag kind accepts; keywords are free text.
TAG_VOCABULARIES: dict[str, frozenset[str]] = {
    ResourceTagKind.FACULTY: frozenset(Faculty.values),
    ResourceTagKind.DOMAIN: frozenset(ResearchDomain.values),
    ResourceTagKind.PHASE: frozenset(ResearchPhase.values),
    ResourceTagKind.AUDIENCE: frozenset(Audience.values),
    ResourceTagKind.SDG: frozenset(SUSTAINABLE_DEVELOPMENT_GOALS),
}

# Fields `resource_update` sets as they are given.
PLAIN_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "template_type",
    "organisation",
    "department",
    "participation_level",
    "language",
    "licence",
    "cover_alt_text",
)
UPDATABLE = frozenset({*PLAIN_FIELDS, "tags", "authors", "links", "cover_image", "remove_cover"})


@dataclass(frozen=True)
class AuthorInput:
    """An author: a free name, or a cslab user (`user_id`; the name defaults to theirs)."""

    name: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class LinkInput:
    url: str
    title: str = ""


@transaction.atomic
def resource_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    template_type: str = "",
    organisation: str = "",
    department: str = "",
    participation_level: str = "",
    language: str = "en",
    licence: str = ResourceLicence.CC_BY,
    tags: Mapping[str, Iterable[str]] | None = None,
    authors: list[AuthorInput] | None = None,
    links: list[LinkInput] | None = None,
    cover_image: Any = None,
    cover_alt_text: str = "",
) -> Resource:
    """Create a draft resource submitted by `actor`, with its tags, authors, links and cover.

    The slug comes from the title; when it is taken (the unique constraint says so) a number
    is added. A case study also gets its (empty) structure row.
    """
    permissions.require(actor, "hub.resource.submit")
    clean_tags = _clean_tags(tags or {})
    clean_authors = _clean_authors(authors or [])
    clean_links = _clean_links(links or [])
    resource = Resource(
        kind=kind,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        body=body or "",
        template_type=template_type or "",
        organisation=(organisation or "").strip(),
        department=(department or "").strip(),
        participation_level=participation_level or "",
        language=language or "en",
        licence=licence or ResourceLicence.CC_BY,
        cover_alt_text=(cover_alt_text or "").strip(),
        status=states.DRAFT,
        submitted_by=actor if isinstance(actor, User) else None,
    )
    _check_cover_alt_text(resource, has_cover=cover_image is not None)
    _full_clean(resource, exclude=["slug", "cover_image"])
    _save_with_unique_slug(resource)
    if cover_image is not None:
        _store_cover(resource, cover_image)
    _replace_tags(resource, clean_tags)
    _replace_authors(resource, clean_authors)
    _replace_links(resource, clean_links)
    if resource.kind == ResourceKind.CASE_STUDY:
        CaseStudy.objects.get_or_create(resource=resource)
    _refresh_search_document(resource)
    audit_record(
        actor=actor,
        action="hub.resource.create",
        target=resource,
        details={"kind": resource.kind, "slug": resource.slug},
    )
    return resource


@transaction.atomic
def resource_update(
    *, actor: Actor, resource: Resource, change_note: str = "", **changes: Any
) -> Resource:
    """Change a resource's text and metadata; a published one gets a new version.

    `changes` may hold the plain fields (title, summary, body, kind, ...), `tags`,
    `authors`, `links`, `cover_image` (an upload) and `remove_cover`. The row is locked for
    the edit, so two edits never interleave. ConflictError while the curators hold it.
    """
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInputError(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    locked = _lock_for_edit(actor, resource)
    changed: list[str] = []
    for name in PLAIN_FIELDS:
        if name not in changes:
            continue
        value = changes[name] if changes[name] is not None else ""
        if isinstance(value, str) and name not in ("body",):
            value = value.strip()
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    new_cover = changes.get("cover_image")
    remove_cover = bool(changes.get("remove_cover")) and new_cover is None
    has_cover = new_cover is not None or (bool(locked.cover_image) and not remove_cover)
    _check_cover_alt_text(locked, has_cover=has_cover)
    clean_tags = _clean_tags(changes["tags"]) if "tags" in changes else None
    clean_authors = _clean_authors(changes["authors"]) if "authors" in changes else None
    clean_links = _clean_links(changes["links"]) if "links" in changes else None
    _full_clean(locked, exclude=["slug", "cover_image", "submitted_by", "translation"])
    if remove_cover and locked.cover_image:
        locked.cover_image.delete(save=False)
        locked.cover_image = ""
        changed.append("cover_image")
    if changed:
        locked.save(update_fields=[*{*changed}, "updated_at"])
    if new_cover is not None:
        _store_cover(locked, new_cover)
        changed.append("cover_image")
    if clean_tags is not None and _tags_of(locked) != clean_tags:
        _replace_tags(locked, clean_tags)
        changed.append("tags")
    if clean_authors is not None and _authors_of(locked) != clean_authors:
        _replace_authors(locked, clean_authors)
        changed.append("authors")
    if clean_links is not None and _links_of(locked) != clean_links:
        _replace_links(locked, clean_links)
        changed.append("links")
    if locked.kind == ResourceKind.CASE_STUDY:
        CaseStudy.objects.get_or_create(resource=locked)
    if not changed:
        return locked
    _refresh_search_document(locked)
    _after_change(actor, locked, change_note)
    audit_record(
        actor=actor,
        action="hub.resource.update",
        target=locked,
        details={"fields": sorted(set(changed)), "change_note": change_note},
    )
    return locked


@transaction.atomic
def resource_file_add(
    *, actor: Actor, resource: Resource, upload: Any, title: str = ""
) -> ResourceFile:
    """Attach a checked file (by content and size) to the resource.

    InvalidInputError for a refused type or when the resource holds the most files allowed,
    PayloadTooLargeError above HUB_MAX_FILE_BYTES, ConflictError when a file of the same name
    is already attached.
    """
    locked = _lock_for_edit(actor, resource)
    checked = hub_files.check_resource_file(upload)
    limit = hub_files.max_files_per_resource()
    if locked.files.count() >= limit:
        message = _("A resource holds at most %(count)d files; remove one first.") % {
            "count": limit
        }
        raise InvalidInputError(message, details={"files": [message]})
    name = hub_files.original_name(upload)
    stored = ResourceFile(
        resource=locked,
        title=(title or "").strip()[:200] or name[:200],
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    stored.file.save(f"{locked.slug[:60]}.{checked.extension}", checked.content, save=False)
    try:
        stored.full_clean(exclude=["file"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        stored.file.delete(save=False)
        raise InvalidInputError(
            _("The file could not be added."), details=_details(error)
        ) from error
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError as error:
        # The name is taken: the unique constraint on (resource, original name) decides.
        stored.file.delete(save=False)
        message = _(
            "A file named “%(name)s” is already attached; rename it or remove the other."
        ) % {"name": name}
        raise ConflictError(
            message, code=ProblemCode.MEDIA_CONFLICT, details={"files": [message]}
        ) from error
    _after_change(actor, locked, "")
    audit_record(
        actor=actor,
        action="hub.resource.file_add",
        target=locked,
        details={"file_id": stored.pk, "name": name, "size": stored.size},
    )
    return stored


@transaction.atomic
def resource_file_remove(*, actor: Actor, file: ResourceFile) -> None:
    """Remove a file from its resource (and from storage once the transaction commits)."""
    locked = _lock_for_edit(actor, file.resource)
    stored = ResourceFile.objects.filter(pk=file.pk, resource=locked).first()
    if stored is None:
        return
    details = {"file_id": stored.pk, "name": stored.original_name}
    storage, stored_name = stored.file.storage, stored.file.name
    stored.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))
    _after_change(actor, locked, "")
    audit_record(actor=actor, action="hub.resource.file_remove", target=locked, details=details)


@transaction.atomic
def resource_translation_link(
    *, actor: Actor, resource: Resource, translation: Resource
) -> Resource:
    """Make the two resources each other's translation (in different languages).

    The actor must be able to edit both. A translation either had before is unlinked.
    """
    for side in (resource, translation):
        permissions.require(actor, "hub.resource.view", side)
        permissions.require(actor, "hub.resource.edit", side)
    if resource.pk == translation.pk:
        raise InvalidInputError(
            _("A resource cannot be its own translation."),
            details={"translation": [_("Choose another resource.")]},
        )
    first, second = (
        Resource.objects.select_for_update()
        .filter(pk__in=[resource.pk, translation.pk])
        .order_by("pk")
    )
    one, other = (first, second) if first.pk == resource.pk else (second, first)
    if one.language == other.language:
        message = _("A translation must be in another language than the resource.")
        raise InvalidInputError(message, details={"translation": [message]})
    if one.translation_id == other.pk and other.translation_id == one.pk:
        return one
    stale = {one.translation_id, other.translation_id} - {None, one.pk, other.pk}
    Resource.objects.filter(pk__in=[one.pk, other.pk, *stale]).update(translation=None)
    Resource.objects.filter(translation_id__in=[one.pk, other.pk]).update(translation=None)
    Resource.objects.filter(pk=one.pk).update(translation=other.pk)
    Resource.objects.filter(pk=other.pk).update(translation=one.pk)
    one.refresh_from_db()
    audit_record(
        actor=actor,
        action="hub.resource.translation_link",
        target=one,
        details={"translation_id": other.pk},
    )
    resource.translation_id = other.pk
    return one


@transaction.atomic
def resource_translation_unlink(*, actor: Actor, resource: Resource) -> Resource:
    """Undo the translation link on both sides (edit permission on this side suffices)."""
    permissions.require(actor, "hub.resource.view", resource)
    permissions.require(actor, "hub.resource.edit", resource)
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    partner_id = locked.translation_id
    if partner_id is None:
        return locked
    Resource.objects.filter(pk__in=[locked.pk, partner_id]).update(translation=None)
    locked.translation_id = None
    resource.translation_id = None
    audit_record(
        actor=actor,
        action="hub.resource.translation_unlink",
        target=locked,
        details={"translation_id": partner_id},
    )
    return locked


def resource_view_count(*, resource: Resource) -> None:
    """Count one view of the resource (one UPDATE: concurrent views never lose a count)."""
    Resource.objects.filter(pk=resource.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def resource_file_download(*, file: ResourceFile) -> None:
    """Count one download of the file and of its resource."""
    ResourceFile.objects.filter(pk=file.pk).update(download_count=F("download_count") + 1)
    Resource.objects.filter(pk=file.resource_id).update(download_count=F("download_count") + 1)


# --- helpers -----------------------------------------------------------------------------------


def _lock_for_edit(actor: Actor, resource: Resource) -> Resource:
    """Return the resource's row locked for the edit; raise if the actor or status forbids."""
    permissions.require(actor, "hub.resource.view", resource)
    permissions.require(actor, "hub.resource.edit", resource)
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.status in states.EDITABLE_BY_AUTHOR or locked.status in (
        states.EDITABLE_AFTER_PUBLICATION
    ):
        return locked
    raise ConflictError(
        _not_editable_message(locked.status), code=ProblemCode.RESOURCE_NOT_EDITABLE
    )


def _not_editable_message(status: str) -> str:
    if status == states.SUBMITTED:
        return _("A submitted resource is with the curators: withdraw it first to edit it.")
    if status == states.DECLINED:
        return _("A declined resource cannot be edited; submit a new one instead.")
    if status == states.RETIRED:
        return _("A retired resource cannot be edited; ask the curators to publish it again.")
    return _("This resource cannot be edited now.")


def _after_change(actor: Actor, resource: Resource, change_note: str) -> None:
    """Record a published resource's new text as its next version."""
    if resource.status in states.EDITABLE_AFTER_PUBLICATION:
        versions.version_record(actor=actor, resource=resource, change_note=change_note)


def _details(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(message) for message in messages]
            for name, messages in error.message_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def _full_clean(resource: Resource, *, exclude: list[str]) -> None:
    try:
        resource.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        details = _details(error)
        general = details.pop("__all__", [])
        if general:
            details.setdefault("__all__", general)
        raise InvalidInputError(_("Please correct the errors below."), details=details) from error


def _check_cover_alt_text(resource: Resource, *, has_cover: bool) -> None:
    if has_cover and not (resource.cover_alt_text or "").strip():
        message = _("Describe the cover image for people who cannot see it.")
        raise InvalidInputError(message, details={"cover_alt_text": [message]})


def _store_cover(resource: Resource, upload: Any) -> None:
    checked = hub_files.check_cover_image(upload)
    old = resource.cover_image.name if resource.cover_image else ""
    resource.cover_image.save(
        f"{resource.slug[:60]}.{checked.extension}", checked.content, save=False
    )
    try:
        with transaction.atomic():
            resource.save(update_fields=["cover_image", "updated_at"])
    except IntegrityError as error:
        resource.cover_image.delete(save=False)
        message = _("Describe the cover image for people who cannot see it.")
        raise InvalidInputError(message, details={"cover_alt_text": [message]}) from error
    if old and old != resource.cover_image.name:
        storage = resource.cover_image.storage
        transaction.on_commit(lambda: storage.delete(old))


def _save_with_unique_slug(resource: Resource) -> None:
    """Save a new resource with a slug from its title, numbered while the slug is taken."""
    base = slugify(resource.title)[: SLUG_MAX_LENGTH - 10].strip("-") or "resource"
    for attempt in range(1, 1000):
        resource.slug = base if attempt == 1 else f"{base}-{attempt}"
        if resource.slug in RESERVED_SLUGS:
            continue
        try:
            with transaction.atomic():
                resource.save()
            return
        except IntegrityError as error:
            if "slug" not in str(error).lower():
                raise
    raise ConflictError(_("No free address for this title; choose another title."))


def _clean_tags(tags: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Return the tags by kind, checked against the vocabularies; InvalidInputError if not."""
    cleaned: dict[str, set[str]] = {}
    errors: dict[str, list[str]] = {}
    for kind, values in tags.items():
        if kind not in ResourceTagKind.values:
            errors.setdefault("tags", []).append(
                _("Unknown kind of tag: %(kind)s.") % {"kind": kind}
            )
            continue
        found = {str(value).strip() for value in values if str(value).strip()}
        if kind == ResourceTagKind.KEYWORD:
            long = sorted(value for value in found if len(value) > MAX_KEYWORD_LENGTH)
            if long:
                errors.setdefault("keywords", []).append(
                    _("A keyword has at most %(count)d characters: %(keyword)s")
                    % {"count": MAX_KEYWORD_LENGTH, "keyword": long[0]}
                )
            if len(found) > MAX_KEYWORDS:
                errors.setdefault("keywords", []).append(
                    _("Give at most %(count)d keywords.") % {"count": MAX_KEYWORDS}
                )
        else:
            unknown = sorted(found - TAG_VOCABULARIES[kind])
            if unknown:
                errors.setdefault(kind, []).append(
                    _("Not a value of this list: %(values)s.") % {"values": ", ".join(unknown)}
                )
        if found:
            cleaned[kind] = found
    if errors:
        raise InvalidInputError(_("Please correct the errors below."), details=errors)
    return cleaned


def _clean_authors(authors: list[AuthorInput]) -> list[tuple[str, int | None]]:
    if len(authors) > MAX_AUTHORS:
        message = _("A resource has at most %(count)d authors.") % {"count": MAX_AUTHORS}
        raise InvalidInputError(message, details={"authors": [message]})
    user_ids = {author.user_id for author in authors if author.user_id is not None}
    users = {user.pk: user for user in User.objects.filter(pk__in=user_ids, is_active=True)}
    cleaned: list[tuple[str, int | None]] = []
    for author in authors:
        name = (author.name or "").strip()
        if author.user_id is not None:
            user = users.get(author.user_id)
            if user is None:
                message = _("One of the people named as author has no active account.")
                raise InvalidInputError(message, details={"authors": [message]})
            name = name or str(user.public_name)
        if not name:
            message = _("Give each author a name.")
            raise InvalidInputError(message, details={"authors": [message]})
        if len(name) > 200:
            message = _("An author's name has at most 200 characters.")
            raise InvalidInputError(message, details={"authors": [message]})
        cleaned.append((name, author.user_id))
    return cleaned


_url_validator = URLValidator(schemes=["http", "https"])


def _clean_links(links: list[LinkInput]) -> list[tuple[str, str]]:
    if len(links) > MAX_LINKS:
        message = _("A resource has at most %(count)d links.") % {"count": MAX_LINKS}
        raise InvalidInputError(message, details={"links": [message]})
    cleaned: list[tuple[str, str]] = []
    for link in links:
        url = (link.url or "").strip()
        try:
            if len(url) > 1000:
                raise ValidationError("too long")
            _url_validator(url)
        except ValidationError as error:
            message = _("“%(url)s” is not a web address (http or https).") % {"url": url[:100]}
            raise InvalidInputError(
                message, code=ProblemCode.INVALID_LINK, details={"links": [message]}
            ) from error
        title = (link.title or "").strip()[:200] or url[:200]
        cleaned.append((title, url))
    return cleaned


def _tags_of(resource: Resource) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind, value in ResourceTag.objects.filter(resource=resource).values_list("kind", "value"):
        found.setdefault(kind, set()).add(value)
    return found


def _authors_of(resource: Resource) -> list[tuple[str, int | None]]:
    return list(
        ResourceAuthor.objects.filter(resource=resource)
        .order_by("position")
        .values_list("name", "user_id")
    )


def _links_of(resource: Resource) -> list[tuple[str, str]]:
    return list(
        ResourceLink.objects.filter(resource=resource)
        .order_by("position")
        .values_list("title", "url")
    )


def _replace_tags(resource: Resource, tags: dict[str, set[str]]) -> None:
    ResourceTag.objects.filter(resource=resource).delete()
    ResourceTag.objects.bulk_create(
        ResourceTag(resource=resource, kind=kind, value=value)
        for kind, values in tags.items()
        for value in sorted(values)
    )


def _replace_authors(resource: Resource, authors: list[tuple[str, int | None]]) -> None:
    ResourceAuthor.objects.filter(resource=resource).delete()
    ResourceAuthor.objects.bulk_create(
        ResourceAuthor(resource=resource, name=name, user_id=user_id, position=position)
        for position, (name, user_id) in enumerate(authors)
    )


def _replace_links(resource: Resource, links: list[tuple[str, str]]) -> None:
    ResourceLink.objects.filter(resource=resource).delete()
    ResourceLink.objects.bulk_create(
        ResourceLink(resource=resource, title=title, url=url, position=position)
        for position, (title, url) in enumerate(links)
    )


def _refresh_search_document(resource: Resource) -> None:
    # The document reads tags and authors: drop what an earlier read prefetched.
    fresh = Resource.objects.prefetch_related("tags", "authors").get(pk=resource.pk)
    document = resource_search_document(fresh)
    Resource.objects.filter(pk=resource.pk).update(search_document=document)
    resource.search_document = document
