"""Controlled vocabularies of project profiles (facets, PPSR Core fields)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Faculty(models.TextChoices):
    SCIENCE = "science", _("Faculty of Science")
    MEDICINE = "medicine", _("Faculty of Medicine")
    SOCIAL_SCIENCES = "social_sciences", _("Faculty of Social and Behavioural Sciences")
    HUMANITIES = "humanities", _("Faculty of Humanities")
    LAW = "law", _("Faculty of Law")
    ARCHAEOLOGY = "archaeology", _("Faculty of Archaeology")
    GOVERNANCE = "governance", _("Faculty of Governance and Global Affairs")
    ENGINEERING = "engineering", _("Faculty of Engineering")
    OTHER = "other", _("Outside the university")


class ResearchDomain(models.TextChoices):
    HEALTH = "health", _("Health")
    CLIMATE = "climate", _("Climate")
    BIODIVERSITY = "biodiversity", _("Biodiversity")
    ENVIRONMENT = "environment", _("Environment and pollution")
    WATER = "water", _("Water")
    HERITAGE = "heritage", _("Heritage and history")
    SOCIAL = "social", _("Social science")
    ASTRONOMY = "astronomy", _("Astronomy")
    LANGUAGE = "language", _("Language and culture")
    URBAN = "urban", _("Cities and mobility")
    EDUCATION = "education", _("Education")
    TECHNOLOGY = "technology", _("Technology")


class ParticipationTask(models.TextChoices):
    ASKING_QUESTIONS = "asking_questions", _("Asking questions")
    DESIGNING_STUDY = "designing_study", _("Designing the study")
    COLLECTING_DATA = "collecting_data", _("Collecting data")
    ANALYSING_DATA = "analysing_data", _("Analysing data")
    INTERPRETING_RESULTS = "interpreting_results", _("Interpreting results")
    SHARING_RESULTS = "sharing_results", _("Sharing results")
    TRANSCRIBING = "transcribing", _("Transcribing")
    CLASSIFYING = "classifying", _("Classifying")


class InitiatorType(models.TextChoices):
    RESEARCHER_LED = "researcher_led", _("Researcher-led")
    COMMUNITY_LED = "community_led", _("Community-led")
    CO_CREATED = "co_created", _("Co-created")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class DataLicence(models.TextChoices):
    CC0 = "CC0-1.0", "CC0 1.0"
    CC_BY = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"


# The 17 UN Sustainable Development Goals, by number. Stored and exchanged (PPSR Core) in English;
# marked for translation so pages show them in the viewer's language (`forms.sdg_label`).
SUSTAINABLE_DEVELOPMENT_GOALS: dict[str, str] = {
    "1": gettext_noop("No poverty"),
    "2": gettext_noop("Zero hunger"),
    "3": gettext_noop("Good health and well-being"),
    "4": gettext_noop("Quality education"),
    "5": gettext_noop("Gender equality"),
    "6": gettext_noop("Clean water and sanitation"),
    "7": gettext_noop("Affordable and clean energy"),
    "8": gettext_noop("Decent work and economic growth"),
    "9": gettext_noop("Industry, innovation and infrastructure"),
    "10": gettext_noop("Reduced inequalities"),
    "11": gettext_noop("Sustainable cities and communities"),
    "12": gettext_noop("Responsible consumption and production"),
    "13": gettext_noop("Climate action"),
    "14": gettext_noop("Life below water"),
    "15": gettext_noop("Life on land"),
    "16": gettext_noop("Peace, justice and strong institutions"),
    "17": gettext_noop("Partnerships for the goals"),
}


class TagKind(models.TextChoices):
    """The multi-valued profile fields, stored as tags so facets count with one indexed query."""

    DOMAIN = "domain", _("Research domain")
    PARTICIPATION_TASK = "participation_task", _("Participation task")
    KEYWORD = "keyword", _("Keyword")
    SDG = "sdg", _("UN Sustainable Development Goal")
    COUNTRY = "country", _("Country")
    LANGUAGE = "language", _("Language")
    SCIENCE_TYPE = "science_type", _("PPSR science type")
    PPSR_TAG = "ppsr_tag", _("PPSR tag")
