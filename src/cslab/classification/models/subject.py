"""Subject sets and subjects: the items volunteers classify.

A subject is an image, a text snippet, an audio clip or an observation of the project. Its
`metadata` is shown to volunteers except the keys that start with "#" or "!" (hidden, as on
Zooniverse: "#" keys are kept for researchers and exports, "!" keys too, never shown while
classifying). A gold subject carries the known answers (`gold_answers`, by task key) and an
explanation that volunteers see after answering it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole

HIDDEN_METADATA_PREFIXES = ("#", "!")


def visible_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata a volunteer may see: every key not starting with "#" or "!"."""
    return {
        key: value
        for key, value in metadata.items()
        if not str(key).startswith(HIDDEN_METADATA_PREFIXES)
    }


class SubjectSet(models.Model):
    """A named group of subjects of one project, linked to one or more workflows."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="subject_sets",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subject set")
        verbose_name_plural = _("subject sets")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="subject_set_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        return self.project.project_role_for(user)


class Subject(models.Model):
    """One item to classify."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        TEXT = "text", _("Text")
        AUDIO = "audio", _("Audio")
        OBSERVATION = "observation", _("Observation")

    subject_set = models.ForeignKey(
        SubjectSet, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("set")
    )
    # The manifest's identifier of the subject (its file name when none is given).
    external_id = models.CharField(_("external ID"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    media = models.FileField(_("media file"), upload_to="subjects/%Y/%m/", blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    observation = models.ForeignKey(
        "observations.Observation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subjects",
        verbose_name=_("observation"),
    )
    # The observation photo shown (its public copy, without EXIF location).
    observation_media = models.ForeignKey(
        "media.Media",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("observation photo"),
    )
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    is_gold = models.BooleanField(_("gold standard"), default=False)
    gold_answers = models.JSONField(_("gold answers"), default=dict, blank=True)
    gold_explanation = models.TextField(_("why this is the answer"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["subject_set", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_set", "external_id"], name="subject_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["image", "text", "audio", "observation"]),
                name="subject_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_gold=False) | ~Q(gold_answers={}),
                name="subject_gold_has_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_set.name}/{self.external_id}"

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        return self.subject_set.project.project_role_for(user)

    @property
    def visible_metadata(self) -> dict[str, Any]:
        return visible_metadata(self.metadata)

    @property
    def media_url(self) -> str:
        """The URL of what a volunteer looks at or listens to, or "" for a text subject: the
        view that checks who may see the subject, never the file's storage path."""
        if self.media or self.observation_media_id is not None:
            return reverse("subject_media", args=[self.pk])
        return ""
