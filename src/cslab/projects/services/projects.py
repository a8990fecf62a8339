"""Writes on projects and organisations: create, edit (profile, tags, area), edits flagged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.fields import nulls_as_empty
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.projects import geography, lifecycle
from cslab.projects.models import (
    Membership,
    Organisation,
    OrganisationMember,
    Project,
    ProjectStatusChange,
    ProjectTag,
)
from cslab.projects.vocabulary import TagKind

PROFILE_FIELDS = frozenset(
    {
        "name",
        "aim",
        "description",
        "how_to_take_part",
        "faculty",
        "department",
        "start_date",
        "end_date",
        "time_commitment",
        "difficulty",
        "equipment",
        "contact_name",
        "contact_email",
        "funding",
        "website",
        "image",
        "image_alt_text",
        "image_credit",
        "data_licence",
        "data_embargo_until",
        "personal_data_retention_days",
        "locality",
        "initiator_type",
        "visibility",
        "membership_policy",
        "organisation",
        "research_questions",
        "protocol",
        "data_management_plan",
        "ethics_approval_reference",
        "ethics_not_needed_reason",
        "consent_text",
        "recruitment_plan",
    }
)


class ProjectProfile(TypedDict, total=False):
    """The profile fields a caller may set, each a keyword argument of `project_create`.

    A field not given is left alone (create: the model default; update: unchanged). None for
    a text or choice field means its empty value (see `nulls_as_empty`).
    """

    aim: str | None
    description: str | None
    how_to_take_part: str | None
    faculty: str | None
    department: str | None
    start_date: date | None
    end_date: date | None
    time_commitment: str | None
    difficulty: str | None
    equipment: str | None
    contact_name: str | None
    contact_email: str | None
    funding: str | None
    website: str | None
    # An uploaded file, a stored name, or False when a form's "clear" box is ticked.
    image: Any
    image_alt_text: str | None
    image_credit: str | None
    data_licence: str | None
    data_embargo_until: date | None
    personal_data_retention_days: int | None
    locality: str | None
    initiator_type: str | None
    visibility: str | None
    membership_policy: str | None
    organisation: Organisation | None
    research_questions: str | None
    protocol: str | None
    data_management_plan: str | None
    ethics_approval_reference: str | None
    ethics_not_needed_reason: str | None
    consent_text: str | None
    recruitment_plan: str | None


class ProjectChanges(ProjectProfile, total=False):
    """The fields `project_update` may change: the profile and the name."""

    name: str


class CheckedProjectImage(ContentFile[bytes]):
    """A project image already re-encoded by `project_image_checked`."""


def project_image_checked(upload: Any) -> CheckedProjectImage:
    """Return an uploaded project image re-encoded without metadata (EXIF GPS, the camera
    owner's name, XMP): the image is public. Raise InvalidInputError (details["image"]) when
    it is not a JPEG, PNG, WebP or GIF picture, or a decompression bomb."""
    if isinstance(upload, CheckedProjectImage):
        return upload
    from cslab.hub.files import check_cover_image  # hub builds on projects

    checked = check_cover_image(upload, field="image")
    return CheckedProjectImage(checked.content.read(), name=f"project.{checked.extension}")


def _with_checked_image(values: dict[str, Any]) -> dict[str, Any]:
    image = values.get("image")
    if isinstance(image, File) and not isinstance(image, FieldFile):
        values["image"] = project_image_checked(image)
    return values


# Addresses under /projects/ and /organisations/ that pages already use.
RESERVED_SLUGS = frozenset({"new", "mine", "feed", "map"})
SEARCHED_FIELDS = ("name", "aim", "description", "how_to_take_part", "locality", "department")


def project_create(
    *,
    actor: User | None,
    name: str,
    owner: User | None = None,
    status: str = Project.Status.IDEA,
    tags: Mapping[str, Iterable[str]] | None = None,
    geographic_extent: Any = None,
    origin: str = "",
    external_id: str = "",
    **profile: Unpack[ProjectProfile],
) -> Project:
    """Create a project with `owner` (default: the actor) as its first owner.

    `actor` None means the system (a script or import), which may create a project in any
    status; a person starts projects as ideas or incubating ones.
    """
    if actor is not None:
        permissions.require(actor, "project.create")
        if status not in (Project.Status.IDEA, Project.Status.INCUBATING):
            raise InvalidInputError(_("A new project starts as an idea or incubating."))
        _ensure_may_use_organisation(actor, profile.get("organisation"))
    owner = owner if owner is not None else actor
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        raise InvalidInputError(f"Unknown project fields: {', '.join(sorted(unknown))}.")
    values = _with_checked_image(nulls_as_empty(Project, profile))
    if status not in Project.Status.values:
        raise InvalidInputError(_("Unknown status “%(status)s”.") % {"status": status})
    project = Project(
        name=name.strip(),
        status=status,
        initiator=owner,
        origin=origin,
        external_id=external_id,
        **values,
    )
    if status not in lifecycle.UNAPPROVED:
        project.approved_at = timezone.now()
    apply_geography(project, geographic_extent)
    full_clean_project(project)
    with transaction.atomic():
        _save_with_unique_slug(project)
        if tags:
            replace_tags(project, tags)
        project.search_document = search_document_for(project)
        project.save(update_fields=["search_document"])
        if owner is not None:
            Membership.objects.create(project=project, user=owner, role=ProjectRole.OWNER)
        ProjectStatusChange.objects.create(project=project, to_status=status, actor=actor)
        audit_record(
            actor=actor,
            action="project.created",
            target=project,
            details={"status": status, "visibility": project.visibility},
        )
    return project


def project_update(
    *,
    actor: User,
    project: Project,
    tags: Mapping[str, Iterable[str]] | None = None,
    geographic_extent: Any = ...,
    **changes: Unpack[ProjectChanges],
) -> Project:
    """Change profile fields, tags or the area of a project.

    On an approved project, changing a significant field (name, aim, protocol, ...) keeps it
    published and flags it for Lab staff, who see what changed.
    """
    permissions.require(actor, "project.edit", project)
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise InvalidInputError(f"Unknown project fields: {', '.join(sorted(unknown))}.")
    values = _with_checked_image(nulls_as_empty(Project, changes))
    if values.get("organisation") not in (None, project.organisation):
        _ensure_may_use_organisation(actor, values["organisation"])
    changed = [name for name, value in values.items() if getattr(project, name) != value]
    for name in changed:
        setattr(project, name, values[name])
    if geographic_extent is not ...:
        apply_geography(project, geographic_extent)
        changed += [
            "geographic_extent",
            "extent_west",
            "extent_south",
            "extent_east",
            "extent_north",
            "centre_latitude",
            "centre_longitude",
        ]
    tags_changed = tags is not None and tags_differ(project, tags)
    if not changed and not tags_changed:
        return project
    significant = sorted(set(changed) & lifecycle.SIGNIFICANT_FIELDS)
    if project.is_approved and significant:
        project.edits_flagged_at = timezone.now()
        project.edits_flagged_fields = sorted(set(project.edits_flagged_fields) | set(significant))
        changed += ["edits_flagged_at", "edits_flagged_fields"]
    full_clean_project(project)
    with transaction.atomic():
        if tags_changed and tags is not None:
            replace_tags(project, tags)
        project.search_document = search_document_for(project)
        project.save(update_fields=[*set(changed), "search_document", "updated_at"])
        audit_record(
            actor=actor,
            action="project.updated",
            target=project,
            details={
                "fields": sorted(set(changed)),
                "tags": tags_changed,
                "flagged": significant if project.is_approved else [],
            },
        )
    return project


def project_acknowledge_edits(*, actor: User, project: Project) -> Project:
    """Clear the significant-edit flag once Lab staff have looked at the changes."""
    permissions.require(actor, "project.review", project)
    if project.edits_flagged_at is None:
        return project
    fields = project.edits_flagged_fields
    project.edits_flagged_at = None
    project.edits_flagged_fields = []
    with transaction.atomic():
        project.save(update_fields=["edits_flagged_at", "edits_flagged_fields", "updated_at"])
        audit_record(
            actor=actor,
            action="project.edits_acknowledged",
            target=project,
            details={"fields": fields},
        )
    return project


def organisation_create(
    *, actor: User, name: str, kind: str, description: str = "", website: str = ""
) -> Organisation:
    """Create an organisation with the actor as its administrator."""
    if actor is not None:
        permissions.require(actor, "organisation.create")
    organisation = Organisation(
        name=name.strip(), kind=kind, description=description, website=website
    )
    try:
        organisation.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise InvalidInputError(
            _("The organisation has invalid values."), details=error.message_dict
        ) from None
    with transaction.atomic():
        _save_with_unique_slug(organisation)
        if actor is not None:
            OrganisationMember.objects.create(
                organisation=organisation, user=actor, role=OrganisationMember.Role.ADMIN
            )
        audit_record(actor=actor, action="organisation.created", target=organisation)
    return organisation


def organisation_add_member(
    *, actor: User | None, organisation: Organisation, user: User, role: str = "member"
) -> OrganisationMember:
    """Add a person to an organisation (idempotent: an existing member keeps their row)."""
    if actor is not None:
        permissions.require(actor, "organisation.edit", organisation)
    with transaction.atomic():
        member, created = OrganisationMember.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
        if created:
            audit_record(
                actor=actor,
                action="organisation.member_added",
                target=organisation,
                details={"user_id": user.pk, "role": role},
            )
    return member


def _ensure_may_use_organisation(actor: User, organisation: Organisation | None) -> None:
    """Only an organisation's members (or Lab staff) may run a project in its name."""
    if organisation is None or permissions.is_staff(actor):
        return
    if not organisation.members.filter(user_id=actor.pk).exists():
        raise InvalidInputError(
            _("You can only choose an organisation you belong to."),
            code=ProblemCode.NOT_AN_ORGANISATION_MEMBER,
            details={"organisation": [_("You are not a member of this organisation.")]},
        )


def _save_with_unique_slug(instance: Project | Organisation) -> None:
    """Save a new row with a slug made from its name, adding a number while the slug is taken.

    The unique constraint decides; a savepoint per attempt keeps the transaction usable.
    """
    base = slugify(instance.name)[:100] or "project"
    for attempt in range(1, 1000):
        instance.slug = base if attempt == 1 else f"{base}-{attempt}"
        if instance.slug in RESERVED_SLUGS:
            continue
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError as error:
            if "slug" not in str(error).lower():
                raise
    raise ConflictError(_("No free address for this name; choose another name."))


def apply_geography(project: Project, document: Any) -> None:
    """Set the area from GeoJSON (or clear it) with its box and centre; InvalidInputError if bad."""
    if document in (None, "", {}):
        project.geographic_extent = None
        project.extent_west = project.extent_south = None
        project.extent_east = project.extent_north = None
        project.centre_latitude = project.centre_longitude = None
        return
    try:
        geometry = geography.normalise_geometry(document)
        extent = geography.extent_of(geometry)
    except geography.GeographyError as error:
        raise InvalidInputError(
            str(error), code=ProblemCode.INVALID_AREA, details={"geographic_extent": [str(error)]}
        ) from None
    project.geographic_extent = geometry
    project.extent_west, project.extent_south = extent.west, extent.south
    project.extent_east, project.extent_north = extent.east, extent.north
    project.centre_latitude, project.centre_longitude = extent.centre


def _clean_tags(tags: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    cleaned: dict[str, set[str]] = {}
    for kind, values in tags.items():
        if kind not in TagKind.values:
            raise InvalidInputError(f"Unknown tag kind {kind!r}.")
        cleaned[kind] = {str(value).strip()[:200] for value in values if str(value).strip()}
    return cleaned


def tags_differ(project: Project, tags: Mapping[str, Iterable[str]]) -> bool:
    """Return True if `tags` would change the stored values of the kinds it names."""
    wanted = _clean_tags(tags)
    current: dict[str, set[str]] = {}
    for kind, value in project.tags.filter(kind__in=list(wanted)).values_list("kind", "value"):
        current.setdefault(kind, set()).add(value)
    return any(current.get(kind, set()) != values for kind, values in wanted.items())


def replace_tags(project: Project, tags: Mapping[str, Iterable[str]]) -> None:
    """Replace the stored values of the kinds `tags` names. Caller holds the transaction."""
    wanted = _clean_tags(tags)
    project.tags.filter(kind__in=list(wanted)).delete()
    ProjectTag.objects.bulk_create(
        [
            ProjectTag(project=project, kind=kind, value=value)
            for kind, values in wanted.items()
            for value in sorted(values)
        ]
    )


def search_document_for(project: Project) -> str:
    """Return the lower-case text the full-text index searches for this project."""
    parts = [str(getattr(project, name) or "") for name in SEARCHED_FIELDS]
    parts += list(
        project.tags.filter(kind__in=[TagKind.KEYWORD, TagKind.DOMAIN]).values_list(
            "value", flat=True
        )
    )
    if project.organisation_id:
        parts.append(project.organisation.name if project.organisation else "")
    return " ".join(part for part in parts if part).lower()


def full_clean_project(project: Project) -> None:
    """Validate the project's fields, raising InvalidInputError with per-field details."""
    try:
        project.full_clean(exclude=["slug", "search_document"], validate_unique=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The project has invalid values."), details=error.message_dict
        ) from None
