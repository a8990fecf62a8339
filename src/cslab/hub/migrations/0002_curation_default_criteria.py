"""The curators' first quality checklist, in English and Dutch (Lab staff reword it later)."""

from typing import Any

from django.db import migrations

DEFAULT_CRITERIA = [
    (
        "accurate",
        "Accurate and up to date",
        "Juist en actueel",
        "Facts, figures and methods are correct and current; claims are supported.",
    ),
    (
        "clearly-written",
        "Clearly written for its audience",
        "Helder geschreven voor het publiek",
        "The text is well structured, jargon is explained and the summary says what it offers.",
    ),
    (
        "sources-and-licence",
        "Sources and licence stated",
        "Bronnen en licentie vermeld",
        "Sources are cited, authors are credited and the licence allows the intended reuse.",
    ),
    (
        "useful-to-practice",
        "Useful to citizen-science practice",
        "Nuttig voor de praktijk van burgerwetenschap",
        "Someone starting or running a participatory project can act on it.",
    ),
    (
        "inclusive-language",
        "Inclusive and accessible language",
        "Inclusieve en toegankelijke taal",
        "Respectful wording; images have descriptions; files are readable with assistive tools.",
    ),
    (
        "personal-data-protected",
        "Personal data protected",
        "Persoonsgegevens beschermd",
        "No personal data of participants without their consent; examples are anonymised.",
    ),
]


def add_criteria(apps: Any, schema_editor: Any) -> None:
    criterion_model = apps.get_model("hub", "QualityCriterion")
    for position, (code, label, label_nl, help_text) in enumerate(DEFAULT_CRITERIA, start=1):
        criterion_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "label_nl": label_nl,
                "help_text": help_text,
                "position": position,
            },
        )


def remove_criteria(apps: Any, schema_editor: Any) -> None:
    criterion_model = apps.get_model("hub", "QualityCriterion")
    criterion_model.objects.filter(code__in=[row[0] for row in DEFAULT_CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_resources_curation_feedback_case_studies")]

    operations = [migrations.RunPython(add_criteria, remove_criteria)]
