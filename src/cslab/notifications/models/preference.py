"""A person's choice, per category, of notifications in the app and by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory


class NotificationPreference(models.Model):
    """No row for a category means the default: in the app, and by e-mail at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    category = models.CharField(_("category"), max_length=30, choices=NotificationCategory.choices)
    in_app = models.BooleanField(_("show in the app"), default=True)
    email = models.CharField(
        _("e-mail"),
        max_length=20,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="notification_preference_one_per_category"
            ),
            models.CheckConstraint(
                condition=Q(email__in=["immediate", "daily", "off"]),
                name="notification_preference_email_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}: {self.email}"


class DailyDigestDelivery(models.Model):
    """That one person's daily digest of a day was sent: at most one per person and day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    day = models.DateField(_("day"))
    notification_count = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest delivery")
        verbose_name_plural = _("daily digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notification_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
