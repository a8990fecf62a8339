"""Device passwords: generated secrets with which ODK Collect signs in by HTTP Digest.

Digest (RFC 7616) never sends the password, so the server must keep HA1 = MD5(username:realm:
password) to check a response. HA1 of the web password would be an unsalted, fast hash of it:
a leaked database would give every password to offline guessing, past Django's slow password
hashing. So Digest never uses the web password. A person creates a device password per phone
on their profile; the server generates it (about 100 random bits, which no guessing reaches),
shows it once, and keeps only its HA1. Losing a phone means revoking its device password; the
web password is untouched. HA1 is bound to the e-mail address it was made for: after an
address change the person creates a new device password.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DevicePassword(models.Model):
    """One phone's Digest credential of a person: HA1 of a generated secret, never the secret."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="device_passwords",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The Digest username (the e-mail address) HA1 was computed with.
    username = models.CharField(_("username"), max_length=254, db_index=True)
    ha1 = models.CharField(_("HA1 (MD5)"), max_length=32)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("device password")
        verbose_name_plural = _("device passwords")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="openrosa_device_password_active_name_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
