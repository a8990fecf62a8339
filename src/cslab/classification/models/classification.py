"""Classifications, expert decisions and talk.

"Never twice": a volunteer classifies a subject in a workflow at most once, and an anonymous
volunteer (known by a random identity kept in the session) too. Both are unique constraints,
so two requests racing each other cannot both store a classification.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole


class Classification(models.Model):
    """One volunteer's answers to a workflow's tasks about one subject."""

    # No single-column indexes on workflow and volunteer: the composite indexes below lead
    # with them (ten million rows make every index count at write time).
    workflow = models.ForeignKey(
        "classification.Workflow",
        on_delete=models.CASCADE,
        related_name="classifications",
        db_index=False,
    )
    subject = models.ForeignKey(
        "classification.Subject", on_delete=models.CASCADE, related_name="classifications"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classifications",
        verbose_name=_("volunteer"),
        db_index=False,
    )
    # The consent version in force for the volunteer when they classified (GDPR Art. 7(1));
    # empty where the project asks for no consent. No index: it is read per person, not searched.
    consent_version = models.ForeignKey(
        "consent.ConsentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent version"),
        db_index=False,
    )
    # For a volunteer without an account: the random identity kept in their session.
    session_identity = models.CharField(_("session identity"), max_length=64, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    # False when the subject was already retired: kept, but not counted towards consensus.
    counted = models.BooleanField(_("counted"), default=True)
    # For a gold subject: whether the answers matched the gold answers.
    gold_matched = models.BooleanField(_("matched the gold answer"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "subject", "volunteer"],
                name="classification_once_per_volunteer",
                condition=Q(volunteer__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["workflow", "subject", "session_identity"],
                name="classification_once_per_session",
                condition=Q(volunteer__isnull=True) & ~Q(session_identity=""),
            ),
        ]
        indexes = [
            models.Index(
                fields=["volunteer", "workflow", "-created_at"], name="class_by_volunteer"
            ),
            models.Index(
                fields=["session_identity", "workflow"],
                name="class_by_session",
                condition=~Q(session_identity=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.subject_id}#{self.pk}"


class ExpertDecision(models.Model):
    """A researcher's or moderator's answer for a disputed subject; it retires the subject and
    becomes its gold answer."""

    workflow = models.ForeignKey(
        "classification.Workflow", on_delete=models.CASCADE, related_name="expert_decisions"
    )
    subject = models.ForeignKey(
        "classification.Subject", on_delete=models.CASCADE, related_name="expert_decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    answers = models.JSONField(_("answers"), default=dict)
    note = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert decision")
        verbose_name_plural = _("expert decisions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "subject"], name="expert_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.subject_id}"


class SubjectComment(models.Model):
    """A comment in a subject's discussion ("talk"); its #hashtags are indexed separately."""

    subject = models.ForeignKey(
        "classification.Subject", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="subject_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"), max_length=5000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subject comment")
        verbose_name_plural = _("subject comments")
        ordering = ["subject", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject_id}#{self.pk}"

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        return self.subject.project_role_for(user)


class SubjectHashtag(models.Model):
    """A #hashtag used in a comment on a subject (lower case, without the #)."""

    comment = models.ForeignKey(SubjectComment, on_delete=models.CASCADE, related_name="hashtags")
    subject = models.ForeignKey(
        "classification.Subject", on_delete=models.CASCADE, related_name="hashtags"
    )
    tag = models.CharField(_("hashtag"), max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "tag"], name="subject_hashtag_once")
        ]
        indexes = [models.Index(fields=["tag", "subject"], name="subject_hashtag_tag")]

    def __str__(self) -> str:
        return f"#{self.tag}"
