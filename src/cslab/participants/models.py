"""A participant's choice of how they are credited, for all projects or for one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.participants.vocabulary import CreditChoice


class CreditPreference(models.Model):
    """How one person is acknowledged: everywhere (no project) or in one project.

    A project's own preference wins over the global one; with neither, a person is credited by
    their display name only if their profile is public, else not at all (private by default).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credit_preferences",
        verbose_name=_("person"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_preferences",
        verbose_name=_("project"),
    )
    choice = models.CharField(_("credit me"), max_length=20, choices=CreditChoice.choices)
    pseudonym = models.CharField(_("pseudonym"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit preference")
        verbose_name_plural = _("credit preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(project__isnull=True),
                name="credit_preference_one_global_per_person",
            ),
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=Q(project__isnull=False),
                name="credit_preference_one_per_person_and_project",
            ),
            models.CheckConstraint(
                condition=Q(choice__in=["name", "pseudonym", "none"]),
                name="credit_preference_choice_known",
            ),
            models.CheckConstraint(
                condition=~Q(choice="pseudonym") | ~Q(pseudonym=""),
                name="credit_preference_pseudonym_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.project_id or '*'}: {self.choice}"
