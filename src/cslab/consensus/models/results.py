"""Stored aggregation: per-workflow settings, runs, one result per subject, one skill per worker.

The aggregation job (`cslab.consensus.services.aggregation`) writes these; the results pages,
the expert review queue, the exports and early retirement read them. Results and skills are
upserted on their unique (workflow, subject) and (workflow, worker) keys, so a run that is
repeated, or two runs that overlap, leave one row each.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole


class Method(models.TextChoices):
    """The aggregation methods a workflow can use (the names of `cslab aggregate --method`)."""

    MAJORITY = "majority", _("Majority vote")
    WEIGHTED = "weighted", _("Weighted majority vote (weights from gold answers)")
    DAWID_SKENE = "dawid-skene", _("Dawid–Skene")
    ONE_COIN = "one-coin", _("One-coin Dawid–Skene")
    MACE = "mace", _("MACE")


class ConsensusSettings(models.Model):
    """How a workflow is aggregated and what counts as doubtful; no row means the defaults."""

    workflow = models.OneToOneField(
        "classification.Workflow",
        on_delete=models.CASCADE,
        related_name="consensus_settings",
        verbose_name=_("workflow"),
    )
    # Empty: Dawid–Skene for a single-choice or survey task, majority vote for transcriptions.
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    low_confidence = models.FloatField(
        _("low confidence below"),
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    dispute_margin = models.FloatField(
        _("disputed when the two most likely classes are this close"),
        default=0.2,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    dispute_min_answers = models.PositiveIntegerField(
        _("disputed when the confidence is low after this many answers"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    # Volunteers disagree with the label whatever the model says: Dawid–Skene posteriors are
    # overconfident when each volunteer answered few subjects.
    dispute_agreement = models.FloatField(
        _("disputed when at most this share of the answers agree with the label"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consensus settings")
        verbose_name_plural = _("consensus settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["", *Method.values]), name="consensus_settings_method_known"
            )
        ]

    def __str__(self) -> str:
        return f"consensus settings of {self.workflow_id}"


class AggregationRun(models.Model):
    """One aggregation of a workflow: its method, when it ran, what it counted."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    workflow = models.ForeignKey(
        "classification.Workflow",
        on_delete=models.CASCADE,
        related_name="aggregation_runs",
        verbose_name=_("workflow"),
    )
    job = models.ForeignKey(
        "core.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("job"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    task_key = models.CharField(_("task"), max_length=40, blank=True)
    # Incremental: only the subjects whose answers or gold changed since the last run.
    incremental = models.BooleanField(_("incremental"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    answers = models.PositiveIntegerField(_("answers"), default=0)
    workers = models.PositiveIntegerField(_("volunteers"), default=0)
    classes = models.PositiveIntegerField(_("classes"), default=0)
    subjects_aggregated = models.PositiveIntegerField(_("subjects aggregated"), default=0)
    subjects_written = models.PositiveIntegerField(_("results written"), default=0)
    disputed = models.PositiveIntegerField(_("disputed"), default=0)
    gold = models.PositiveIntegerField(_("subjects with a gold answer"), default=0)
    iterations = models.PositiveIntegerField(_("iterations"), default=0)
    converged = models.BooleanField(_("converged"), default=True)
    log_likelihood = models.FloatField(_("log-likelihood"), null=True, blank=True)
    # The newest classification the run saw (what the next incremental run starts from).
    last_classification_id = models.BigIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("aggregation run")
        verbose_name_plural = _("aggregation runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["workflow", "-started_at"], name="aggregation_run_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["running", "succeeded", "failed"]),
                name="aggregation_run_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="running", finished_at__isnull=True)
                | Q(status__in=["succeeded", "failed"], finished_at__isnull=False),
                name="aggregation_run_finished_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.method}@{self.started_at:%Y-%m-%d %H:%M}"

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        return self.workflow.project_role_for(user)


class ConsensusResult(models.Model):
    """The aggregated answer about one subject of a workflow, with every class's probability."""

    workflow = models.ForeignKey(
        "classification.Workflow",
        on_delete=models.CASCADE,
        related_name="consensus_results",
        db_index=False,  # the (workflow, subject) unique constraint leads with it
        verbose_name=_("workflow"),
    )
    subject = models.ForeignKey(
        "classification.Subject",
        on_delete=models.CASCADE,
        related_name="consensus_results",
        verbose_name=_("subject"),
    )
    run = models.ForeignKey(
        AggregationRun,
        null=True,
        on_delete=models.SET_NULL,
        related_name="results",
        verbose_name=_("run"),
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # The class name ("" when nobody answered); a gold or expert answer fixes it.
    label = models.CharField(_("label"), max_length=2000, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    # {class: probability} for every class of the task, in the task's order.
    probabilities = models.JSONField(_("probabilities"), default=dict)
    # The two most likely classes' probabilities apart (1 with one class).
    margin = models.FloatField(_("margin"), default=1.0)
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    agreeing = models.PositiveIntegerField(_("answers agreeing with the label"), default=0)
    gold_label = models.CharField(_("gold or expert answer"), max_length=2000, blank=True)
    disputed = models.BooleanField(_("disputed"), default=False)
    # What the result was computed from: an incremental run recomputes a subject when its
    # answer count, its newest classification or its gold answer differ from these.
    last_classification_id = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("consensus result")
        verbose_name_plural = _("consensus results")
        ordering = ["workflow", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "subject"], name="consensus_result_once"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0, confidence__lte=1.0),
                name="consensus_result_confidence_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["workflow", "-answer_count", "subject"],
                name="consensus_result_disputed",
                condition=Q(disputed=True),
            ),
            models.Index(fields=["workflow", "confidence"], name="consensus_result_confidence"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.subject_id} = {self.label}"


class WorkerSkill(models.Model):
    """A volunteer's skill estimate in a workflow from the last full aggregation run.

    `worker` is `user:<id>`, or for an anonymous session the same one-way code the exports
    use (`anonymous-<sha256 prefix>`), never the session token.
    """

    workflow = models.ForeignKey(
        "classification.Workflow",
        on_delete=models.CASCADE,
        related_name="worker_skills",
        db_index=False,  # the (workflow, worker) unique constraint leads with it
        verbose_name=_("workflow"),
    )
    worker = models.CharField(_("volunteer"), max_length=80)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("volunteer"),
    )
    run = models.ForeignKey(AggregationRun, null=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    answers = models.PositiveIntegerField(_("answers"), default=0)
    # The method's estimate (see docs/consensus.md); null where it has none.
    skill = models.FloatField(_("skill"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("volunteer skill")
        verbose_name_plural = _("volunteer skills")
        ordering = ["workflow", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "worker"], name="worker_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.worker}"
