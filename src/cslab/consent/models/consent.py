"""Versioned consent texts of a project and the record of who consented to which.

GDPR Art. 7(1): the project must be able to show who consented, when, how, what exactly they
were told, and whether they withdrew. A version is a draft until published; once published its
texts never change (`text_sha256` is their fingerprint) and a change is a new version. A record
keeps the exact text shown, so it proves what the person read even if the version were lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.consent.vocabulary import ConsentChannel, WithdrawalChoice, WithdrawalOptions
from cslab.projects.vocabulary import DataLicence


class ConsentVersion(models.Model):
    """One version of a project's consent text, in English and Dutch."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="consent_versions",
        verbose_name=_("project"),
    )
    number = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("consent text (English)"), max_length=20000)
    text_nl = models.TextField(_("consent text (Dutch)"), max_length=20000, blank=True)
    ethics_approval_reference = models.CharField(
        _("ethics approval reference"), max_length=200, blank=True
    )
    data_licence = models.CharField(
        _("data licence"), max_length=20, choices=DataLicence.choices, default=DataLicence.CC_BY
    )
    withdrawal_options = models.CharField(
        _("on withdrawal"),
        max_length=30,
        choices=WithdrawalOptions.choices,
        default=WithdrawalOptions.ANONYMISE_OR_DELETE,
    )
    # The age gate: a participant younger than this needs a guardian's consent; empty: no gate.
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age without a guardian"), null=True, blank=True
    )
    asks_meta_research = models.BooleanField(
        _("ask for consent to meta-research (the science of citizen science)"), default=True
    )
    asks_contact = models.BooleanField(_("ask for consent to be contacted"), default=True)
    # SHA-256 of the published texts and terms (services.consent.version_fingerprint).
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent version")
        verbose_name_plural = _("consent versions")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="consent_version_number_unique"
            ),
            # At most one draft per project: the next version is prepared in one place.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(published_at__isnull=True),
                name="consent_version_one_draft_per_project",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(text_sha256=""),
                name="consent_version_published_has_fingerprint",
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_options__in=["anonymise_or_delete", "anonymise_only"]),
                name="consent_version_withdrawal_options_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ConsentRecord(models.Model):
    """A person's (or an app user's) consent to one version, and its withdrawal.

    A record is current while neither `withdrawn_at` nor `superseded_at` is set; consenting to
    a newer version supersedes the older record. Exactly one of participant and app user is set.
    """

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("project"),
    )
    version = models.ForeignKey(
        ConsentVersion,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("version"),
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("participant"),
    )
    app_user = models.ForeignKey(
        "openrosa.AppUser",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("app user"),
    )
    # Who recorded it for an app user (the team member who handed out the phone).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    channel = models.CharField(_("how"), max_length=20, choices=ConsentChannel.choices)
    language = models.CharField(_("language of the text shown"), max_length=8)
    text_shown = models.TextField(_("the exact text shown"))
    text_sha256 = models.CharField(_("SHA-256 of the text shown"), max_length=64)
    meta_research = models.BooleanField(_("consents to meta-research"), default=False)
    contact = models.BooleanField(_("consents to be contacted"), default=False)
    is_minor = models.BooleanField(_("younger than the minimum age"), default=False)
    guardian_consent = models.BooleanField(_("a guardian consented"), default=False)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    granted_at = models.DateTimeField(_("consented at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_choice = models.CharField(
        _("on withdrawal"), max_length=20, choices=WithdrawalChoice.choices, blank=True
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["project", "-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participant__isnull=False, app_user__isnull=True)
                | Q(participant__isnull=True, app_user__isnull=False),
                name="consent_record_one_subject",
            ),
            models.UniqueConstraint(
                fields=["project", "participant"],
                condition=Q(
                    participant__isnull=False,
                    withdrawn_at__isnull=True,
                    superseded_at__isnull=True,
                ),
                name="consent_record_one_current_per_participant",
            ),
            models.UniqueConstraint(
                fields=["project", "app_user"],
                condition=Q(
                    app_user__isnull=False, withdrawn_at__isnull=True, superseded_at__isnull=True
                ),
                name="consent_record_one_current_per_app_user",
            ),
            models.CheckConstraint(
                condition=Q(is_minor=False) | Q(guardian_consent=True),
                name="consent_record_minor_has_guardian",
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_choice__in=["", "anonymise", "delete"]),
                name="consent_record_withdrawal_choice_known",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_choice=""),
                name="consent_record_withdrawal_has_choice",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["web", "api", "openrosa"]),
                name="consent_record_channel_known",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-granted_at"], name="consent_record_person"),
        ]

    def __str__(self) -> str:
        return f"{self.version} by {self.participant_id or self.app_user_id}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.superseded_at is None
