"""The categories a person chooses notifications by, and how each reaches them by e-mail.

A notification's `kind` (such as "question.comment") is fine-grained and belongs to the area
that sends it; a person chooses by category. `category_of_kind` maps one to the other by the
kind's prefix, with "other" for what no entry names (told in the app and by e-mail at once).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationCategory(models.TextChoices):
    QUESTION_UPDATES = "question_updates", _("Updates on research questions")
    PROJECT_NEWS = "project_news", _("Project news")
    EVENT_REMINDERS = "event_reminders", _("Event reminders and changes")
    DIGESTS = "digests", _("Digests of new hub resources")
    MODERATION_RESULTS = "moderation_results", _("Moderation of my contributions")
    OTHER = "other", _("Everything else")


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    DAILY = "daily", _("in a daily digest")
    OFF = "off", _("never by e-mail")


# Kind prefixes → category; the longest matching prefix wins.
KIND_PREFIX_CATEGORIES: dict[str, str] = {
    "question.": NotificationCategory.QUESTION_UPDATES,
    "project.": NotificationCategory.PROJECT_NEWS,
    "projects.": NotificationCategory.PROJECT_NEWS,
    "consent.": NotificationCategory.PROJECT_NEWS,
    "event.": NotificationCategory.EVENT_REMINDERS,
    "events.": NotificationCategory.EVENT_REMINDERS,
    "hub.digest": NotificationCategory.DIGESTS,
    "observation.moderated": NotificationCategory.MODERATION_RESULTS,
    "moderation.": NotificationCategory.MODERATION_RESULTS,
    "classification.": NotificationCategory.MODERATION_RESULTS,
}


def category_of_kind(kind: str) -> str:
    """The category a notification kind belongs to ("other" when no prefix matches)."""
    best = ""
    for prefix in KIND_PREFIX_CATEGORIES:
        if kind.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return str(KIND_PREFIX_CATEGORIES[best]) if best else str(NotificationCategory.OTHER)
