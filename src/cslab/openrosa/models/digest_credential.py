"""What HTTP Digest authentication needs of a password, kept beside Django's password hash.

Digest (RFC 7616) never sends the password; the server must know HA1 = MD5(username:realm:
password) to check a response. Django keeps only a slow salted hash, from which HA1 cannot be
derived, so HA1 is recorded whenever the plain password passes through the server: when it is
set (sign-up, change, reset, admin) and when the person signs in on the web. HA1 is as good as
the password for this realm only (it is salted by the e-mail address and the realm); it is
weaker than the password hash against offline guessing, the price every Digest server pays
(KoBoToolbox keeps the same "partial digests").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestCredential(models.Model):
    """A person's HA1 for the OpenRosa Digest realm, valid for the username it was made for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_credential",
        verbose_name=_("user"),
    )
    # The e-mail address HA1 was computed with: after an address change HA1 no longer fits
    # and is ignored until the password passes through again.
    username = models.CharField(_("username"), max_length=254)
    ha1 = models.CharField(_("HA1 (MD5)"), max_length=32)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Digest credential")
        verbose_name_plural = _("Digest credentials")

    def __str__(self) -> str:
        return self.username
