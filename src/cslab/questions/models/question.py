from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole
from cslab.projects.vocabulary import ResearchDomain


class Question(models.Model):
    """A research question someone asked, on the Lab-wide board or on a project's board.

    The status moves only through `questions.services.states.question_transition`, which
    enforces `questions.states.TRANSITIONS`; the constraints below tie each status to the fields
    it needs, so no code path can store an adopted question without its project or a declined
    one without its public reason.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        ADOPTED = "adopted", _("Adopted")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")
        MERGED = "merged", _("Merged")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposed_questions",
        verbose_name=_("proposed by"),
    )
    # The board: null is the Lab-wide board.
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("project board"),
    )
    text = models.CharField(_("question"), max_length=300)
    why_it_matters = models.TextField(_("why it matters to you"), max_length=3000)

    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    area = models.JSONField(_("area (GeoJSON)"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    adopted_project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="adopted_questions",
        verbose_name=_("adopted by project"),
    )
    answer = models.TextField(_("answer in plain language"), blank=True)
    answer_links = models.JSONField(_("links to outputs"), default=list, blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="merged_questions",
        verbose_name=_("merged into"),
    )
    # Kept with F() updates by the support services, never read-modify-write.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)

    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="question_status_recent"),
            models.Index(fields=["project", "status"], name="question_board_status"),
            models.Index(fields=["-support_count", "-id"], name="question_most_supported"),
        ]
        constraints = [
            models.UniqueConstraint("proposer", Lower("text"), name="question_once_per_proposer"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "proposed",
                        "under_consideration",
                        "adopted",
                        "answered",
                        "declined",
                        "merged",
                    ]
                ),
                name="question_status_known",
            ),
            models.CheckConstraint(
                condition=(Q(status="declined") & ~Q(decline_reason=""))
                | (~Q(status="declined") & Q(decline_reason="")),
                name="question_declined_iff_reason",
            ),
            models.CheckConstraint(
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="question_merged_iff_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="question_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["adopted", "answered"]) & Q(adopted_project__isnull=False))
                | (~Q(status__in=["adopted", "answered"]) & Q(adopted_project__isnull=True)),
                name="question_adopted_iff_project",
            ),
            models.CheckConstraint(
                condition=(Q(status="answered") & ~Q(answer=""))
                | (~Q(status="answered") & Q(answer="")),
                name="question_answered_iff_answer",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="question_pin_has_both_coordinates",
            ),
        ]
        verbose_name = _("research question")
        verbose_name_plural = _("research questions")

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("question_detail", kwargs={"question_id": self.pk})

    @property
    def is_open(self) -> bool:
        """Return True while people can still support it and move it on."""
        return self.status in (self.Status.PROPOSED, self.Status.UNDER_CONSIDERATION)

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """Return the user's role in the team of the board's project (None on the Lab board)."""
        if self.project_id is None or self.project is None:
            return None
        role: ProjectRole | None = self.project.project_role_for(user)
        return role

    def domain_values(self) -> list[str]:
        """Return the domain tags (uses prefetched domains when present)."""
        return sorted(domain.domain for domain in self.domains.all())


class QuestionDomain(models.Model):
    """One research-domain tag of a question (a table, so boards filter with an index)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=30, choices=ResearchDomain.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "domain"], name="question_domain_once"),
        ]
        indexes = [models.Index(fields=["domain", "question"], name="question_domain_facet")]

    def __str__(self) -> str:
        return self.domain


class Support(models.Model):
    """One person backing a question; at most one per person, withdrawable."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_supports"
    )
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_support_once"),
        ]
        indexes = [models.Index(fields=["user", "question"], name="question_support_by_user")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.question_id}"


class Follow(models.Model):
    """One person following what happens to a question; at most one per person."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_follows"
    )
    created_at = models.DateTimeField(_("followed"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_follow_once"),
        ]
        indexes = [models.Index(fields=["user", "question"], name="question_follow_by_user")]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.question_id}"


class QuestionStatusChange(models.Model):
    """One step of "what happened to my question": the change, who made it, and the note."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Question.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Question.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("question status change")
        verbose_name_plural = _("question status changes")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.from_status or '∅'} → {self.to_status}"
