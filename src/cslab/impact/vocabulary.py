"""Kinds of research outputs, of impacts, and the periods a retention table counts in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", _("publication")
    DATASET = "dataset", _("dataset")
    SOFTWARE = "software", _("software")
    POLICY_BRIEF = "policy_brief", _("policy brief")
    MEDIA_ITEM = "media_item", _("media item")


class ImpactKind(models.TextChoices):
    """What changed because of a project (the impact statement's kind)."""

    POLICY = "policy", _("policy")
    PRACTICE = "practice", _("practice")
    ENVIRONMENT = "environment", _("environment")
    COMMUNITY = "community", _("community")
    EDUCATION = "education", _("education")
    SCIENCE = "science", _("science")
    MEDIA = "media", _("media and public debate")
    ECONOMY = "economy", _("economy")


class Granularity(models.TextChoices):
    """The period of a retention table: cohorts by week or by month of first contribution."""

    WEEK = "week", _("week")
    MONTH = "month", _("month")


class ContributionKind(models.TextChoices):
    """The contributions the impact figures count (the columns of `DailyContribution`)."""

    OBSERVATION = "observation", _("observation")
    CLASSIFICATION = "classification", _("classification")
    QUESTION = "question", _("research question")
    COMMENT = "comment", _("comment")
