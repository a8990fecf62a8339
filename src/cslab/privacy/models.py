"""What the data-protection area keeps: personal-data exports, erasures, page-view counts.

Nothing here links an erasure to the person erased: the pseudonym that remains is random and
no table maps it back (GDPR Recital 26; Panoptes' UserInfoScrubber does the same).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PersonalDataExport(models.Model):
    """A zip of everything cslab holds about one person, downloadable until it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_data_exports",
        verbose_name=_("person"),
    )
    job = models.OneToOneField(
        "core.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personal_data_export",
        verbose_name=_("job"),
    )
    # SHA-256 of the download token; the token itself is only in the link given to the person.
    token_sha256 = models.CharField(max_length=64, unique=True)
    # Relative to CSLAB_VAR_DIR; empty until the zip is written.
    file_path = models.CharField(max_length=300, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    downloaded_at = models.DateTimeField(_("last downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal-data export")
        verbose_name_plural = _("personal-data exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id}"


class Erasure(models.Model):
    """That an account (or a person's part in one project) was erased: no link to the person."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("the whole account")
        PROJECT = "project", _("withdrawal from one project")

    class RequestedThrough(models.TextChoices):
        WEB = "web", _("the website")
        COMMAND = "command", _("the command line (a request by post or e-mail)")

    pseudonym = models.CharField(_("pseudonym"), max_length=100, unique=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("project"),
    )
    contributions_deleted = models.BooleanField(_("contributions deleted"), default=False)
    requested_through = models.CharField(
        _("requested through"), max_length=20, choices=RequestedThrough.choices
    )
    # What was removed, per area: {"observations": 12, "media": 3, ...}. Counts only.
    counts = models.JSONField(_("what was removed"), default=dict, blank=True)
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["account", "project"]), name="privacy_erasure_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class PageViewCount(models.Model):
    """Cookie-free analytics: how often a page was seen on a day. No visitor is identified."""

    path = models.CharField(_("page"), max_length=200)
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page-view count")
        verbose_name_plural = _("page-view counts")
        constraints = [
            models.UniqueConstraint(fields=["path", "day"], name="privacy_page_view_one_per_day"),
        ]
        indexes = [models.Index(fields=["day"], name="privacy_page_view_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


# issue 14, mediaremoval part


class MediaRemovalRequest(models.Model):
    """Someone's request that a photo or file be removed because it shows them (or a name).

    The project's moderators decide: remove (the file goes, `privacy.services.media_removal`)
    or decline with a note. A person has at most one open request per file.
    """

    class Reason(models.TextChoices):
        FACE = "face", _("It shows my face")
        PERSONAL_INFORMATION = (
            "personal_information",
            _("It shows a name or other personal information"),
        )
        OTHER = "other", _("Another reason")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REMOVED = "removed", _("removed")
        DECLINED = "declined", _("declined")

    media = models.ForeignKey(
        "media.Media",
        on_delete=models.CASCADE,
        related_name="removal_requests",
        verbose_name=_("file"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    # Bounded in the database too (varchar): free text from anyone signed in.
    details = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media removal request")
        verbose_name_plural = _("media removal requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "removed", "declined"]),
                name="privacy_media_removal_status_known",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["face", "personal_information", "other"]),
                name="privacy_media_removal_reason_known",
            ),
            # A decided request says when it was decided; an open one is not decided yet.
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="privacy_media_removal_decided_at_with_status",
            ),
            models.UniqueConstraint(
                fields=["media", "requested_by"],
                condition=Q(status="open"),
                name="privacy_media_removal_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="privacy_media_removal_status"),
        ]

    def __str__(self) -> str:
        return f"removal request {self.pk} of media {self.media_id}"
