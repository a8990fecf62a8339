"""The fixed lists of events: kinds, how one attends, what a registration asks.

Faculties, research domains and audiences are the hub's and projects' own vocabularies
(`projects.vocabulary`, `hub.vocabulary.Audience`), so an event, a resource and a project that
fit each other are tagged alike.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training session")
    MEETUP = "meetup", _("Meet-up")
    CONFERENCE_SESSION = "conference_session", _("Conference session")


class AttendanceMode(models.TextChoices):
    """Where people attend: the schema.org eventAttendanceMode values, in cslab's words."""

    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("In person and online")


class EventTagKind(models.TextChoices):
    FACULTY = "faculty", _("Faculty")
    DOMAIN = "domain", _("Research domain")
    AUDIENCE = "audience", _("Audience")


class EventPersonRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    SPEAKER = "speaker", _("Speaker")


class EventResourceRelation(models.TextChoices):
    """How a hub resource belongs to an event: read before, or published after it."""

    MATERIAL = "material", _("Material")
    RECORDING = "recording", _("Recording")
    SLIDES = "slides", _("Slides")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("24 hours before")
    HOUR_BEFORE = "1h", _("1 hour before")


# Paths under /events/ that are pages, not events: an event's slug never takes one.
RESERVED_SLUGS = frozenset(
    {"new", "mine", "feed", "feed.ics", "calendars", "cancel", "manage", "api"}
)
