import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor, person_or_none
from cslab.core.roles import ProjectRole
from cslab.projects.vocabulary import DataLicence, Difficulty, Faculty, InitiatorType, TagKind


class Project(models.Model):
    """A citizen-science project, from idea to archive.

    The status moves only through `projects.services.lifecycle.project_transition`, which
    enforces `projects.lifecycle.TRANSITIONS`. Visibility says who may see the project once it
    has been approved; before approval only its team and Lab staff see it.
    """

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        INCUBATING = "incubating", _("Incubating")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ANALYSING = "analysing", _("Analysing")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: team and Lab staff only")
        UNLISTED = "unlisted", _("Unlisted: anyone with the link")
        PUBLIC = "public", _("Public: listed in the directory")

    class MembershipPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in can join")
        APPROVAL = "approval", _("Approval required")
        INVITE_ONLY = "invite_only", _("Invite only")

    class MentorStatus(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("No mentor requested")
        REQUESTED = "requested", _("Mentor requested")
        MATCHED = "matched", _("Mentor matched")

    # Identity and ownership
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiated_projects",
        verbose_name=_("initiator"),
    )
    organisation = models.ForeignKey(
        "projects.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("organisation"),
    )
    initiator_type = models.CharField(
        _("initiated by"),
        max_length=20,
        choices=InitiatorType.choices,
        default=InitiatorType.RESEARCHER_LED,
    )

    # Lifecycle, visibility, team policy
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    membership_policy = models.CharField(
        _("membership"),
        max_length=20,
        choices=MembershipPolicy.choices,
        default=MembershipPolicy.APPROVAL,
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    edits_flagged_at = models.DateTimeField(_("significant edits flagged"), null=True, blank=True)
    edits_flagged_fields = models.JSONField(
        _("fields edited since approval"), default=list, blank=True
    )

    # Profile (PPSR Core)
    aim = models.TextField(_("aim"), blank=True)
    description = models.TextField(_("description"), blank=True)
    how_to_take_part = models.TextField(_("how to take part"), blank=True)
    faculty = models.CharField(_("faculty"), max_length=30, choices=Faculty.choices, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    time_commitment = models.CharField(_("time commitment"), max_length=200, blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, blank=True
    )
    equipment = models.CharField(_("equipment"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    funding = models.CharField(_("funding"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    image = models.ImageField(_("image"), upload_to="projects/", blank=True)
    image_alt_text = models.CharField(_("image description (alt text)"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    data_licence = models.CharField(
        _("data licence"), max_length=20, choices=DataLicence.choices, default=DataLicence.CC_BY
    )
    # Until this day, the project's data stay out of public exports and pages (team only).
    data_embargo_until = models.DateField(_("data embargo until"), null=True, blank=True)
    # Raw personal data (exact locations of obscured and private observations, contact details
    # of event attendees) are removed this many days after collection; empty: kept.
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep raw personal data for (days)"), null=True, blank=True
    )
    locality = models.CharField(_("place name"), max_length=200, blank=True)

    # Geographic extent: the GeoJSON geometry, plus its bounding box and centre for indexed
    # map and "near me" queries on any database.
    geographic_extent = models.JSONField(_("geographic extent (GeoJSON)"), null=True, blank=True)
    extent_west = models.FloatField(null=True, blank=True)
    extent_south = models.FloatField(null=True, blank=True)
    extent_east = models.FloatField(null=True, blank=True)
    extent_north = models.FloatField(null=True, blank=True)
    centre_latitude = models.FloatField(null=True, blank=True)
    centre_longitude = models.FloatField(null=True, blank=True)

    # Incubation checklist
    research_questions = models.TextField(_("research question(s)"), blank=True)
    protocol = models.TextField(_("protocol"), blank=True)
    data_management_plan = models.TextField(_("data-management plan"), blank=True)
    ethics_approval_reference = models.CharField(
        _("ethics approval reference"), max_length=200, blank=True
    )
    ethics_not_needed_reason = models.TextField(_("why no ethics approval is needed"), blank=True)
    consent_text = models.TextField(_("consent text"), blank=True)
    recruitment_plan = models.TextField(_("participant recruitment plan"), blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_projects",
        verbose_name=_("mentor"),
    )
    mentor_status = models.CharField(
        _("mentoring"),
        max_length=20,
        choices=MentorStatus.choices,
        default=MentorStatus.NOT_REQUESTED,
    )

    # Imported records: where they came from, so a re-import updates instead of duplicating.
    origin = models.CharField(_("imported from"), max_length=200, blank=True)
    external_id = models.CharField(_("identifier at the origin"), max_length=200, blank=True)

    # Lower-case text of the searchable fields, kept by the services (full-text search index).
    search_document = models.TextField(editable=False, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "visibility"], name="project_status_visibility"),
            models.Index(fields=["faculty"], name="project_faculty"),
            models.Index(fields=["initiator_type"], name="project_initiator_type"),
            models.Index(fields=["centre_latitude", "centre_longitude"], name="project_centre"),
            models.Index(fields=["-updated_at"], name="project_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "external_id"],
                condition=~Q(external_id=""),
                name="project_imported_once_per_origin",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "idea",
                        "incubating",
                        "in_review",
                        "changes_requested",
                        "active",
                        "paused",
                        "analysing",
                        "completed",
                        "archived",
                    ]
                ),
                name="project_status_known",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "unlisted", "public"]),
                name="project_visibility_known",
            ),
            # An idea may be archived without ever being approved; nothing else runs unapproved.
            models.CheckConstraint(
                condition=Q(approved_at__isnull=False)
                | Q(
                    status__in=["idea", "incubating", "in_review", "changes_requested", "archived"]
                ),
                name="project_approved_before_it_runs",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_it_starts",
            ),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"slug": self.slug})

    @property
    def image_url(self) -> str:
        """The URL of the project's image (the view that checks who may see the project,
        never its storage path), or "" without one. The query changes with the image, so a
        browser's cached copy is not shown after it is replaced."""
        if not self.image:
            return ""
        version = hashlib.sha256((self.image.name or "").encode()).hexdigest()[:12]
        return f"{reverse('project_image', kwargs={'slug': self.slug})}?v={version}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """Return the user's role in this project's team (cached on the instance per user)."""
        if not getattr(user, "is_authenticated", False):
            return None
        # Actors that are not people (an OpenRosa app user) know their role themselves.
        role_in_project = getattr(user, "role_in_project", None)
        if role_in_project is not None:
            own_role: ProjectRole | None = role_in_project(self)
            return own_role
        person = person_or_none(user)
        if person is None:
            return None
        cache: dict[Any, ProjectRole | None] = self.__dict__.setdefault("_role_cache", {})
        if person.pk not in cache:
            role = self.memberships.filter(user_id=person.pk).values_list("role", flat=True).first()
            cache[person.pk] = ProjectRole(role) if role else None
        return cache[person.pk]

    def tags_of(self, kind: TagKind) -> list[str]:
        """Return the values of one multi-valued field (uses prefetched tags when present)."""
        return sorted(tag.value for tag in self.tags.all() if tag.kind == kind)


class ProjectTag(models.Model):
    """One value of a multi-valued profile field (domain, task, keyword, SDG, country, ...)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=30, choices=TagKind.choices)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "value"], name="project_tag_once"),
        ]
        indexes = [models.Index(fields=["kind", "value", "project"], name="project_tag_facet")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class ProjectStatusChange(models.Model):
    """One step on a project's public timeline: a status change, who made it, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Project.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status or '∅'} → {self.to_status}"
