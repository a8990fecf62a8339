"""The nonce counts a Digest client has used, so that a captured header cannot be sent again.

Each accepted Digest request names its nonce and a nonce count (`nc`) that the client raises
by one for every request under the same nonce. Recording each (nonce, nc) pair under a unique
constraint lets the database decide atomically, across any number of workers, that a pair is
used once: a replayed header inserts a pair that is already there and is refused. Out-of-order
counts (requests sent in parallel) are accepted, since each pair is still used only once. Rows
older than a nonce's lifetime are useless (their nonce is refused as stale) and are deleted.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestNonceUse(models.Model):
    """One nonce count that was accepted under one server nonce."""

    nonce = models.CharField(_("nonce"), max_length=100)
    count = models.PositiveBigIntegerField(_("nonce count"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Digest nonce use")
        verbose_name_plural = _("Digest nonce uses")
        constraints = [
            models.UniqueConstraint(fields=["nonce", "count"], name="openrosa_nonce_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.nonce} #{self.count}"
