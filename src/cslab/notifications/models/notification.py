from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One thing that happened, told to one person.

    `message` is stored untranslated (an English msgid marked with `gettext_noop` where it is
    written) with its `params`, so each person reads it in the language they use at the time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    message = models.TextField(_("message"))
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The category the recipient chooses by (vocabulary.category_of_kind), stored for filtering.
    category = models.CharField(_("category"), max_length=30, blank=True)
    # When the e-mail (immediate or in a daily digest) went out; empty: not e-mailed (yet).
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def render(self) -> str:
        """Return the message in the active language, with its parameters filled in."""
        return render_message(self.message, self.params)


def render_message(message: str, params: dict[str, Any]) -> str:
    """Translate `message` and fill in `params`; a broken translation falls back to English."""
    for template in (gettext(message), message):
        try:
            return template % params if params else template
        except (KeyError, ValueError, TypeError):
            continue
    return message
