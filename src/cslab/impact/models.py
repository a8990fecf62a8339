"""Impact: outputs and impact statements of projects, and the roll-up tables the impact
figures are computed from.

Outputs (papers, datasets, software, policy briefs, media items) are shown to contributors
("where my contribution went") and on case studies; they are imported from BibTeX and RIS too.

The roll-ups (`Participant`, `DailyContribution`, `HourlyContribution`, `CellContribution`) are
derived data: `services/rollup.py` adds new contributions to them incrementally (from the
watermarks in `RollupState`) and rebuilds a project's rows from the source tables in a job.
Nothing else writes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.impact.vocabulary import ImpactKind, OutputKind


class Output(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=500)
    authors = models.TextField(_("authors"), max_length=5000, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    # Stored without the resolver ("10.1234/abc"); format checked by the service.
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    # Journal, publisher, repository or outlet ("PLOS ONE", "Zenodo", "NOS Journaal").
    venue = models.CharField(_("published in"), max_length=300, blank=True)
    # For an output without a DOI: SHA-256 of its normalised title and year, so importing the
    # same BibTeX or RIS file twice adds nothing twice (a constraint, not a look-up).
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    projects = models.ManyToManyField(
        "projects.Project", related_name="outputs", verbose_name=_("projects"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["publication", "dataset", "software", "policy_brief", "media_item"]
                ),
                name="impact_output_kind_known",
            ),
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="impact_output_doi_unique"
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(fingerprint=""),
                name="impact_output_fingerprint_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ImpactStatement(models.Model):
    """Something that changed because of a project, as its researchers record it, with the
    evidence (a link) and when; shown on the project, its case studies and its impact report."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="impact_statements",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind of impact"), max_length=20, choices=ImpactKind.choices)
    description = models.TextField(_("what changed"), max_length=5000)
    evidence_url = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("impact statement")
        verbose_name_plural = _("impact statements")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "policy",
                        "practice",
                        "environment",
                        "community",
                        "education",
                        "science",
                        "media",
                        "economy",
                    ]
                ),
                name="impact_statement_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="impact_statement_description_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.kind}"


class Participant(models.Model):
    """Who the impact figures count as one participant: a person, or an OpenRosa app user (a
    device). A row outlives the person's erasure with both links empty, so the roll-ups keep
    counting the anonymised contributions as one participant's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="impact_participant",
    )
    app_user = models.OneToOneField(
        "openrosa.AppUser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="impact_participant",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(app_user__isnull=True),
                name="impact_participant_person_or_device",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk}"


class DailyContribution(models.Model):
    """One participant's contributions to one project on one day (local date, TIME_ZONE), by
    kind. A contribution whose contributor is unknown (erased before the roll-up saw it) is
    counted with no participant."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="days"
    )
    observations = models.PositiveIntegerField(default=0)
    classifications = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "participant"],
                condition=Q(participant__isnull=False),
                name="impact_daily_once",
            ),
            # NULLs are distinct in a plain unique constraint (and SQLite has no NULLS NOT
            # DISTINCT): the unknown contributors' row of a day is unique on its own.
            models.UniqueConstraint(
                fields=["project", "day"],
                condition=Q(participant__isnull=True),
                name="impact_daily_unknown_once",
            ),
        ]
        indexes = [models.Index(fields=["project", "day"], name="impact_daily_project_day")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.participant_id}"


class HourlyContribution(models.Model):
    """How many contributions a project had in one local hour of one day: the spread in time
    (hour of day, weekday, season). Observations count at the time observed when known."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    contributions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "day", "hour"], name="impact_hourly_once"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="impact_hourly_hour_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.hour}h"


class CellContribution(models.Model):
    """How many observations of a project fell in one H3 cell (resolution `CELL_RESOLUTION`,
    the true location: the figures are counts, never points) on one day."""

    CELL_RESOLUTION = 7

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    cell = models.CharField(max_length=16)
    observations = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "day", "cell"], name="impact_cell_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.cell}"


class RollupState(models.Model):
    """How far the roll-ups of one project have read each source table (the highest id added),
    and when they were last refreshed and rebuilt."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="impact_rollup"
    )
    observations_through = models.BigIntegerField(default=0)
    classifications_through = models.BigIntegerField(default=0)
    questions_through = models.BigIntegerField(default=0)
    question_comments_through = models.BigIntegerField(default=0)
    subject_comments_through = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"roll-up of {self.project_id}"


class MetaResearchExport(models.Model):
    """One export of pseudonymous participation events for meta-research (staff only): a
    Frictionless Data Package written by a background job, downloadable until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The filters asked for ({"projects": [ids] or [], "start": iso date, "end": iso date}).
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Relative to the private storage; empty until ready and after expiry.
    file_name = models.CharField(max_length=300, blank=True)
    events = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"meta-research export {self.pk}"
