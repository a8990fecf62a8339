"""Workflows and the state of each subject in a workflow.

A workflow asks the same tasks about every subject of its subject sets. Retirement is per
workflow (a subject set may serve several workflows), so the count and the retirement of a
subject live in `WorkflowSubject`, one row per (workflow, subject): the assignment query reads
only that table and the classifications' unique index.
"""

import random
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole


class Workflow(models.Model):
    """A sequence of tasks volunteers answer about each subject, with its retirement rule."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")

    class Order(models.TextChoices):
        CLOSEST_TO_RETIREMENT = "closest", _("Closest to retirement first")
        RANDOM = "random", _("Random")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="workflows",
        verbose_name=_("project"),
    )
    slug = models.SlugField(_("short name"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    subject_sets: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        "classification.SubjectSet",
        through="WorkflowSubjectSet",
        related_name="workflows",
        verbose_name=_("subject sets"),
    )
    # The tasks: a list of task definitions (see cslab.classification.task_definitions).
    tasks = models.JSONField(_("tasks"), default=list)
    tutorial = models.TextField(_("tutorial (Markdown)"), blank=True)
    field_guide = models.TextField(_("field guide (Markdown)"), blank=True)
    retirement_count = models.PositiveIntegerField(
        _("retire after this many classifications"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    # Early retirement: at least `consensus_agreeing` answers agree and their share of the
    # answers is at least `consensus_confidence`. Both empty: no early retirement.
    consensus_agreeing = models.PositiveIntegerField(
        _("early retirement: agreeing answers"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    consensus_confidence = models.FloatField(
        _("early retirement: confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    gold_rate_newcomer = models.FloatField(
        _("gold subjects shown to newcomers"),
        default=0.4,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    gold_rate_experienced = models.FloatField(
        _("gold subjects shown to experienced volunteers"),
        default=0.1,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    gold_rate_experience = models.PositiveIntegerField(
        _("classifications after which a volunteer is experienced"), default=50
    )
    assignment_order = models.CharField(
        _("order of subjects"),
        max_length=20,
        choices=Order.choices,
        default=Order.CLOSEST_TO_RETIREMENT,
    )
    allow_anonymous = models.BooleanField(
        _("volunteers may classify without an account"), default=False
    )
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
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="workflow_unique_slug"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "paused", "finished"]),
                name="workflow_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(assignment_order__in=["closest", "random"]),
                name="workflow_order_valid",
            ),
            models.CheckConstraint(
                condition=Q(consensus_agreeing__isnull=True, consensus_confidence__isnull=True)
                | Q(consensus_agreeing__isnull=False, consensus_confidence__isnull=False),
                name="workflow_consensus_rule_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        return self.project.project_role_for(user)

    @property
    def has_early_retirement(self) -> bool:
        return self.consensus_agreeing is not None and self.consensus_confidence is not None


class WorkflowSubjectSet(models.Model):
    """A subject set linked to a workflow."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    subject_set = models.ForeignKey(
        "classification.SubjectSet", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "subject_set"], name="workflow_subject_set_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.subject_set_id}"


def new_random_key() -> float:
    return random.random()  # noqa: S311 (an ordering key, not a secret)


class WorkflowSubject(models.Model):
    """A subject as one workflow sees it: how often it was classified, and its retirement."""

    class Reason(models.TextChoices):
        CLASSIFICATION_COUNT = "classification_count", _("Enough classifications")
        CONSENSUS = "consensus", _("Consensus reached")
        EXPERT = "expert", _("Expert decision")

    # Indexed through the (workflow, subject) unique constraint, which leads with it.
    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="subject_states", db_index=False
    )
    subject = models.ForeignKey(
        "classification.Subject", on_delete=models.CASCADE, related_name="workflow_states"
    )
    # Copied from the subject so that gold and ordinary subjects have their own index ranges.
    is_gold = models.BooleanField(default=False)
    classification_count = models.PositiveIntegerField(_("classifications"), default=0)
    # Uniform in [0, 1): the position of the subject in the "random" assignment order.
    random_key = models.FloatField(default=new_random_key)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retirement_reason = models.CharField(
        _("why retired"), max_length=30, choices=Reason.choices, blank=True
    )

    class Meta:
        verbose_name = _("subject in a workflow")
        verbose_name_plural = _("subjects in workflows")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "subject"], name="workflow_subject_once"),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True, retirement_reason="")
                | Q(retired_at__isnull=False) & ~Q(retirement_reason=""),
                name="workflow_subject_retired_with_reason",
            ),
        ]
        indexes = [
            # "Closest to retirement": the active subjects of a workflow, most classified first.
            models.Index(
                "workflow",
                "is_gold",
                models.F("classification_count").desc(),
                "subject",
                name="workflow_subject_closest",
                condition=Q(retired_at__isnull=True),
            ),
            models.Index(
                fields=["workflow", "is_gold", "random_key"],
                name="workflow_subject_random",
                condition=Q(retired_at__isnull=True),
            ),
            # Gold subjects are offered whether or not retired (an expert's decision retires a
            # subject and makes it gold), so their index is not limited to active ones.
            models.Index(
                fields=["workflow", "random_key"],
                name="workflow_subject_gold",
                condition=Q(is_gold=True),
            ),
            models.Index(fields=["workflow", "retired_at"], name="workflow_subject_retired"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.subject_id}"
