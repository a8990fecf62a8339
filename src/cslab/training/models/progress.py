import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.roles import ProjectRole


def new_certificate_code() -> str:
    """The public part of a certificate's verification address: unguessable, URL-safe."""
    return secrets.token_urlsafe(12)


class LessonCompletion(models.Model):
    """A person finished a lesson (for a lesson with a quiz: passed it). Once per person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(
        "training.Lesson", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="training_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    """One try at a lesson's quiz: the chosen answers (choice IDs per question ID), the score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey("training.Lesson", on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=dict)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "lesson"], name="training_attempt_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lesson_id} {self.score_percent}%"


class Certificate(models.Model):
    """Proof that a person completed a module; anyone with the code can check it is genuine.

    Issued once per person and module (`training_certificate_once`); the person decides whether
    their public profile lists it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    module = models.ForeignKey(
        "training.TrainingModule", on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(
        max_length=40, unique=True, default=new_certificate_code, editable=False
    )
    # The name and title as they were when issued: a certificate does not change afterwards.
    holder_name = models.CharField(_("issued to"), max_length=200)
    module_title = models.CharField(_("module"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    show_on_profile = models.BooleanField(_("show on my profile"), default=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="training_certificate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.module_title}: {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("training_certificate_verify", kwargs={"code": self.code})


class RoleRequirement(models.Model):
    """A project asks that a person complete a module before taking a role in its team
    (e.g. moderators: "Data quality and moderation")."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="role_requirements"
    )
    role = models.CharField(_("role"), max_length=20, choices=ProjectRole.choices)
    module = models.ForeignKey(
        "training.TrainingModule", on_delete=models.PROTECT, related_name="role_requirements"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role", "module"], name="training_role_requirement_once"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in ProjectRole]),
                name="training_role_requirement_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.role}: {self.module_id}"
