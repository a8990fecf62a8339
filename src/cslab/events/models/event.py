import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole
from cslab.events.vocabulary import (
    AttendanceMode,
    EventKind,
    EventPersonRole,
    EventResourceRelation,
    EventTagKind,
)
from cslab.hub.vocabulary import ResourceLanguage


def new_check_in_code() -> str:
    """Six characters people can read aloud and type on a phone (no 0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Event(models.Model):
    """A webinar, workshop, training session, meet-up or conference session.

    An event belongs to the Lab (`project` empty) or to one project. Its times are its
    sessions' (`EventSession`, one or more: a series); `starts_at`/`ends_at` are the first
    session's start and the last session's end, kept by the services for lists and feeds.
    Every time is stored in UTC and shown in the viewer's time zone.

    Seats: `registered_count` and `waitlist_count` are kept by the registration services with
    conditional `UPDATE`s, and the database refuses a `registered_count` above `capacity`
    (`events_event_not_overbooked`), so concurrent registrations can never overbook.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    attendance_mode = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceMode.choices
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=600)
    description = models.TextField(_("description (Markdown)"), blank=True, max_length=50_000)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=ResourceLanguage.choices,
        default=ResourceLanguage.ENGLISH,
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("organised by the project"),
    )

    # Online: the joining link is shown only to registered participants (and in their
    # reminders); never in lists, feeds, JSON-LD or the API for others.
    online_url = models.URLField(_("joining link"), max_length=1000, blank=True)
    online_details = models.TextField(
        _("joining details (meeting ID, dial-in)"), blank=True, max_length=2000
    )
    # In person: the venue, its address and where it is on the map.
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=400, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, editable=False)

    # Registration: no capacity means no limit; no closing time means it closes at the start.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    ask_dietary_needs = models.BooleanField(_("ask for dietary needs"), default=False)
    ask_accessibility_needs = models.BooleanField(_("ask for accessibility needs"), default=True)
    ask_organisation = models.BooleanField(_("ask for organisation"), default=False)
    registered_count = models.PositiveIntegerField(_("registered"), default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(
        _("on the waiting list"), default=0, editable=False
    )

    # Attendees may mark themselves present with this code while the event runs.
    check_in_code = models.CharField(
        _("check-in code"), max_length=12, default=new_check_in_code, editable=False
    )

    cover_image = models.ImageField(_("cover image"), upload_to="events/covers/", blank=True)
    cover_alt_text = models.CharField(
        _("cover image description (alt text)"), max_length=300, blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    cancellation_reason = models.TextField(_("why it is cancelled"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="events_created",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="events_event_status_starts"),
            models.Index(fields=["kind", "status", "starts_at"], name="events_event_kind"),
            models.Index(fields=["project", "starts_at"], name="events_event_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]),
                name="events_event_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in EventKind]),
                name="events_event_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode__in=[choice.value for choice in AttendanceMode]),
                name="events_event_attendance_mode_valid",
            ),
            # A webinar is online by definition.
            models.CheckConstraint(
                condition=~Q(kind=EventKind.WEBINAR) | Q(attendance_mode=AttendanceMode.ONLINE),
                name="events_event_webinar_is_online",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="events_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered_count__lte=models.F("capacity")),
                name="events_event_not_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="events_event_venue_point_valid",
            ),
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt_text=""),
                name="events_event_cover_has_alt_text",
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"slug": self.slug})

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """The user's role in the organising project (none for a Lab event): the permission
        module lets a project's owners and researchers manage its events."""
        if self.project is None:
            return None
        return self.project.project_role_for(user)

    @property
    def is_online(self) -> bool:
        return self.attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.attendance_mode in (AttendanceMode.IN_PERSON, AttendanceMode.HYBRID)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered_count >= self.capacity

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.registered_count)

    def tags_of(self, kind: EventTagKind) -> list[str]:
        """Return the values of one multi-valued field (uses prefetched tags when present)."""
        return sorted(tag.value for tag in self.tags.all() if tag.kind == kind)


class EventSession(models.Model):
    """One sitting of an event; a series has several. Times in UTC."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("session title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "position", "id"]
        indexes = [models.Index(fields=["starts_at"], name="events_session_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="events_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.starts_at:%Y-%m-%d %H:%M}"


class EventTag(models.Model):
    """One value of a multi-valued field (faculty, domain, audience)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=EventTagKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "kind", "value"], name="events_tag_once"),
        ]
        indexes = [models.Index(fields=["kind", "value", "event"], name="events_tag_facet")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class EventPerson(models.Model):
    """An organiser or speaker: a person with a cslab account (who then may manage the event,
    if an organiser) or a free name."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_roles",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=EventPersonRole.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "role", "user"],
                condition=Q(user__isnull=False),
                name="events_person_once_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class EventResource(models.Model):
    """A hub resource linked to an event: material to read, or its recording or slides."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(
        "hub.Resource", on_delete=models.CASCADE, related_name="event_links"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=EventResourceRelation.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "resource"], name="events_resource_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.relation}: {self.resource_id}"


class EventProject(models.Model):
    """A project an event is about or for (besides the one organising it, if any)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="project_links")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="event_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="events_project_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.project_id}"
