"""Controlled vocabularies of hub resources: the facets a visitor filters by.

Faculties, research domains and the UN SDGs are the projects' own vocabularies
(`projects.vocabulary`), so a project in incubation and the resources that fit it speak alike.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    BEST_PRACTICE = "best_practice", _("Best-practice guide")
    METHOD_CARD = "method_card", _("Method card")
    TOOL = "tool", _("Tool")
    TEMPLATE = "template", _("Template")
    PUBLICATION = "publication", _("Publication")
    DATASET = "dataset", _("Dataset")
    RECORDING = "recording", _("Recording")
    TRAINING_MATERIAL = "training_material", _("Training material")
    CASE_STUDY = "case_study", _("Case study")


class TemplateType(models.TextChoices):
    """What a template is for; the incubation checklist links its items to matching templates."""

    CONSENT_FORM = "consent_form", _("Consent form")
    DATA_MANAGEMENT_PLAN = "data_management_plan", _("Data-management plan")
    RECRUITMENT_POSTER = "recruitment_poster", _("Recruitment poster")
    RECRUITMENT_PLAN = "recruitment_plan", _("Recruitment plan")
    PROTOCOL = "protocol", _("Protocol")
    ETHICS_APPLICATION = "ethics_application", _("Ethics application")
    RESEARCH_QUESTION = "research_question", _("Research-question worksheet")
    OTHER = "other", _("Other template")


class ParticipationLevel(models.TextChoices):
    CONTRIBUTORY = "contributory", _("Contributory")
    COLLABORATIVE = "collaborative", _("Collaborative")
    CO_CREATED = "co_created", _("Co-created")


class ResearchPhase(models.TextChoices):
    QUESTION = "question", _("Research question")
    DESIGN = "design", _("Design")
    COLLECTION = "collection", _("Data collection")
    ANALYSIS = "analysis", _("Analysis")
    INTERPRETATION = "interpretation", _("Interpretation")
    DISSEMINATION = "dissemination", _("Dissemination")


class Audience(models.TextChoices):
    RESEARCHERS = "researchers", _("Researchers")
    COMMUNITY_ORGANISERS = "community_organisers", _("Community organisers")
    VOLUNTEERS = "volunteers", _("Volunteers")
    STUDENTS = "students", _("Students")
    EDUCATORS = "educators", _("Teachers and educators")
    POLICY_MAKERS = "policy_makers", _("Policy makers")
    FUNDERS = "funders", _("Funders")
    GENERAL_PUBLIC = "general_public", _("General public")


class ResourceLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    DUTCH = "nl", _("Dutch")


class ResourceLicence(models.TextChoices):
    CC0 = "CC0-1.0", "CC0 1.0"
    CC_BY = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class ResourceTagKind(models.TextChoices):
    """The multi-valued fields, stored as tags so facets count with one indexed query."""

    FACULTY = "faculty", _("Faculty")
    DOMAIN = "domain", _("Research domain")
    PHASE = "phase", _("Research phase")
    SDG = "sdg", _("UN Sustainable Development Goal")
    AUDIENCE = "audience", _("Audience")
    KEYWORD = "keyword", _("Keyword")


class OutputKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    DATASET = "dataset", _("Dataset")
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    TOOL = "tool", _("Tool")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other output")


class ImpactKind(models.TextChoices):
    SCIENTIFIC = "scientific", _("Scientific")
    SOCIETAL = "societal", _("Societal")
    POLICY = "policy", _("Policy")
    EDUCATIONAL = "educational", _("Educational")
    PERSONAL = "personal", _("Personal")


class ParticipantKind(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Volunteers")
    RESIDENTS = "residents", _("Local residents")
    PATIENTS = "patients", _("Patients")
    STUDENTS = "students", _("Students and pupils")
    NGOS = "ngos", _("NGOs and community groups")
    RESEARCHERS = "researchers", _("Researchers")
    PROFESSIONALS = "professionals", _("Professionals")
    OTHER = "other", _("Other participants")


# Paths under /hub/ that are pages, not resources: a resource's slug never takes one.
RESERVED_SLUGS = frozenset(
    {
        "submit",
        "curation",
        "criteria",
        "case-studies",
        "feed.atom",
        "follow",
        "following",
        "unsubscribe",
        "mine",
        "comments",
        "search",
    }
)
