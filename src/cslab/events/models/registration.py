import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.events.vocabulary import ReminderKind


def new_registration_token() -> str:
    """The secret in a registration's e-mail links (cancel without signing in)."""
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """A person's place at an event, or their place on its waiting list.

    A person has at most one active (registered or waitlisted) registration per event
    (`events_registration_active_once`); a cancelled one stays as history, and registering
    again makes a new row. Who is next on the waiting list: the earliest `waitlisted_at`.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    token = models.CharField(
        max_length=64, unique=True, default=new_registration_token, editable=False
    )

    # The registration questions the event asks (empty when not asked or not answered).
    dietary_needs = models.CharField(_("dietary needs"), max_length=500, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=500, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # May the organisers contact this person about this and later events? The attendee export
    # leaves out the e-mail address of those who said no.
    contact_consent = models.BooleanField(_("the organisers may contact me"), default=False)

    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    registered_at = models.DateTimeField(_("got a place"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Attendance: marked by an organiser, or by the person with the event's check-in code.
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attendance marked by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="events_reg_queue"),
            models.Index(fields=["user", "status"], name="events_reg_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["registered", "waitlisted", "cancelled"]),
                name="events_registration_status_valid",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["registered", "waitlisted"]),
                name="events_registration_active_once",
            ),
            # Only someone with a place can have attended.
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True) | Q(status="registered"),
                name="events_registration_attended_only_if_registered",
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user_id} at {self.event_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.WAITLISTED)


class ReminderDelivery(models.Model):
    """That one reminder went to one registration for one session: a reminder job delivered
    twice, or a sweep that overlaps a scheduled job, sends it once."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    session = models.ForeignKey(
        "events.EventSession", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=5, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session", "kind"], name="events_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.kind} {self.session_id}"


class EventFeedback(models.Model):
    """An attendee's answers to the event's feedback survey, once per person."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    overall = models.PositiveSmallIntegerField(_("overall, how was it? (1–5)"))
    usefulness = models.PositiveSmallIntegerField(
        _("how useful for your work? (1–5)"), null=True, blank=True
    )
    would_recommend = models.BooleanField(_("would you recommend it?"), null=True, blank=True)
    comment = models.TextField(_("what should we keep or change?"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="events_feedback_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5), name="events_feedback_overall_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="events_feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.overall}"
