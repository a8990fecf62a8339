from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.hub.vocabulary import ImpactKind, OutputKind, ParticipantKind


class CaseStudy(models.Model):
    """The structure of a case study: a `Resource` of kind `case_study` has exactly one.

    The resource holds the title, summary, authors, faculties (tags) and curation; this holds
    context, methods and lessons, and the related rows say who took part, what was produced,
    what changed, and which cslab projects it tells about (their live figures are shown).
    """

    resource = models.OneToOneField(
        "hub.Resource", on_delete=models.CASCADE, primary_key=True, related_name="case_study"
    )
    context = models.TextField(_("context (Markdown)"), blank=True, max_length=20_000)
    methods = models.TextField(_("methods (Markdown)"), blank=True, max_length=20_000)
    lessons = models.TextField(_("lessons learned (Markdown)"), blank=True, max_length=20_000)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="hub_case_study_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return str(self.resource)


class CaseStudyProject(models.Model):
    """A cslab project a case study tells about; its live figures appear on the case study."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="projects")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="hub_case_studies"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "project"], name="hub_case_study_project_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_study_id}: {self.project_id}"


class CaseStudyParticipantGroup(models.Model):
    """Who took part: a kind of participant and how many (as the case study reports it)."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="participant_groups"
    )
    kind = models.CharField(_("who"), max_length=20, choices=ParticipantKind.choices)
    count = models.PositiveIntegerField(_("how many"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.count}"


class CaseStudyPerson(models.Model):
    """A person involved (researcher, organiser, community member): linked account or name."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class CaseStudyOutput(models.Model):
    """Something the work produced: a paper, dataset, policy brief, tool or media piece."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class CaseStudyImpact(models.Model):
    """What changed, by kind, with links to the evidence.

    `evidence` is a list of {"title": ..., "url": ...}, checked by the services (at most 10,
    http(s) addresses only).
    """

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="impacts")
    kind = models.CharField(_("kind of impact"), max_length=20, choices=ImpactKind.choices)
    description = models.TextField(_("what changed"), max_length=5000)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.description[:40]}"
