"""A project's collection settings: default geoprivacy and the categories that force obscuring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cslab.observations.models.observation import Observation


class CollectionSettings(models.Model):
    """How a project gathers data; a project without a row uses the defaults below."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="collection_settings",
        verbose_name=_("project"),
    )
    default_geoprivacy = models.CharField(
        _("default geoprivacy"),
        max_length=10,
        choices=Observation.Geoprivacy.choices,
        default=Observation.Geoprivacy.OPEN,
    )
    # New observations start accepted instead of pending (no moderation queue).
    accept_without_review = models.BooleanField(_("accept without review"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "collection_collectionsettings"  # the table it had in `collection`
        verbose_name = _("collection settings")
        verbose_name_plural = _("collection settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_geoprivacy__in=["open", "obscured", "private"]),
                name="collection_settings_geoprivacy_valid",
            )
        ]

    def __str__(self) -> str:
        return f"collection settings of {self.project_id}"


class SensitiveCategory(models.Model):
    """Answers that force an observation's location to be obscured.

    An observation is sensitive when its answer to `question` is one of `values` (for a
    select_multiple: any chosen value is), or, with `values` empty, when it answers `question`
    at all (e.g. "exact address of a nest").
    """

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="sensitive_categories",
        verbose_name=_("project"),
    )
    question = models.CharField(_("question name"), max_length=100)
    values = models.JSONField(_("sensitive answers"), default=list, blank=True)
    label = models.CharField(_("description"), max_length=200, blank=True)
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
        db_table = "collection_sensitivecategory"  # the table it had in `collection`
        verbose_name = _("sensitive category")
        verbose_name_plural = _("sensitive categories")
        ordering = ["project", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "question"], name="sensitive_category_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.question}"
