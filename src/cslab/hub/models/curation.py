from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QualityCriterion(models.Model):
    """One item of the curators' quality checklist; Lab staff add, reword and retire them."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("criterion (English)"), max_length=300)
    label_nl = models.CharField(_("criterion (Dutch)"), max_length=300, blank=True)
    help_text = models.TextField(_("what to look for"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("quality criterion")
        verbose_name_plural = _("quality criteria")

    def __str__(self) -> str:
        return self.label


class Review(models.Model):
    """A curator's decision on a submitted resource, with the checklist as they ticked it.

    `criteria` maps each criterion code to true (met) or false (not met), as the checklist
    stood at the review, so later changes to the checklist do not rewrite old reviews.
    """

    class Decision(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        DECLINE = "decline", _("Decline")

    resource = models.ForeignKey("hub.Resource", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment to the author"), blank=True, max_length=10_000)
    criteria = models.JSONField(_("quality checklist"), default=dict, blank=True)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["publish", "request_changes", "decline"]),
                name="hub_review_decision_valid",
            ),
            # Asking for changes or declining says why.
            models.CheckConstraint(
                condition=Q(decision="publish") | ~Q(comment=""),
                name="hub_review_refusal_has_comment",
            ),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.decision}"
