"""App users: per-device server addresses that may only submit to one project.

Like ODK Central's app users, an app user is not a person: it is a token in a server URL
(`/openrosa/key/<token>/<project-slug>`) that a project lead hands to a phone. The phone may list
and download the project's forms and send submissions, nothing else; the lead revokes the URL
when the phone is lost.

The token is kept readable, not hashed, because the project page shows it to the project's
leads again whenever they set up another phone (ODK Central shows it as a QR code too). It is
looked up by its SHA-256 (`token_lookup`, indexed), and the stored token is then compared with
the one given with `hmac.compare_digest`, so response times tell an attacker nothing about how
much of a guessed token was right.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppUser(models.Model):
    """A device's submit-only access to one project, through a token in its server URL."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="app_users",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(_("token"), max_length=100)
    token_lookup = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("app user")
        verbose_name_plural = _("app users")
        ordering = ["project", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.project_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AppUserSubmission(models.Model):
    """Which app user sent an observation (its observer is empty: an app user is no person)."""

    app_user = models.ForeignKey(
        AppUser, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("app user")
    )
    observation = models.OneToOneField(
        "observations.Observation",
        on_delete=models.CASCADE,
        related_name="app_user_submission",
        verbose_name=_("observation"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission by an app user")
        verbose_name_plural = _("submissions by app users")

    def __str__(self) -> str:
        return f"{self.app_user_id} → {self.observation_id}"
