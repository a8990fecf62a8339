"""Demo forms: three projects get a real XLSForm each (biodiversity, water quality, lived
experience of heat), published through the same service as an upload, so the demo shows
versioned forms. Idempotent: a form that exists is left alone."""

from io import BytesIO

from openpyxl import Workbook

from cslab.core.demo import DemoLogin
from cslab.forms.models import Form
from cslab.forms.services import form_publish_xlsform
from cslab.projects.models import Project

Rows = list[dict[str, str]]

FORMS: list[tuple[str, str, Rows, Rows]] = [
    (
        "pollinators",
        "pollinator_count",
        [
            {
                "type": "date",
                "name": "day",
                "label::English (en)": "Day",
                "label::Nederlands (nl)": "Dag",
                "required": "yes",
            },
            {
                "type": "geopoint",
                "name": "location",
                "label::English (en)": "Where",
                "label::Nederlands (nl)": "Waar",
            },
            {
                "type": "select_one plant",
                "name": "plant",
                "label::English (en)": "Plant",
                "label::Nederlands (nl)": "Plant",
                "required": "yes",
            },
            {
                "type": "integer",
                "name": "bees",
                "label::English (en)": "Wild bees in 15 minutes",
                "label::Nederlands (nl)": "Wilde bijen in 15 minuten",
                "constraint": ". >= 0",
                "constraint_message::English (en)": "A count cannot be negative.",
                "constraint_message::Nederlands (nl)": "Een aantal kan niet negatief zijn.",
            },
            {
                "type": "integer",
                "name": "hoverflies",
                "label::English (en)": "Hoverflies in 15 minutes",
                "label::Nederlands (nl)": "Zweefvliegen in 15 minuten",
                "constraint": ". >= 0",
            },
            {
                "type": "image",
                "name": "photo",
                "label::English (en)": "Photo (optional)",
                "label::Nederlands (nl)": "Foto (mag)",
            },
        ],
        [
            {
                "list_name": "plant",
                "name": "lavender",
                "label::English (en)": "Lavender",
                "label::Nederlands (nl)": "Lavendel",
            },
            {
                "list_name": "plant",
                "name": "borage",
                "label::English (en)": "Borage",
                "label::Nederlands (nl)": "Komkommerkruid",
            },
            {
                "list_name": "plant",
                "name": "other",
                "label::English (en)": "Other",
                "label::Nederlands (nl)": "Anders",
            },
        ],
    ),
    (
        "rhine-water",
        "water_quality",
        [
            {
                "type": "datetime",
                "name": "sampled",
                "label::English (en)": "Sampled at",
                "label::Nederlands (nl)": "Bemonsterd op",
                "required": "yes",
            },
            {
                "type": "geopoint",
                "name": "site",
                "label::English (en)": "Sampling site",
                "label::Nederlands (nl)": "Meetpunt",
                "required": "yes",
            },
            {
                "type": "decimal",
                "name": "nitrate",
                "label::English (en)": "Nitrate (mg/l)",
                "label::Nederlands (nl)": "Nitraat (mg/l)",
                "constraint": ". >= 0 and . <= 500",
            },
            {
                "type": "decimal",
                "name": "phosphate",
                "label::English (en)": "Phosphate (mg/l)",
                "label::Nederlands (nl)": "Fosfaat (mg/l)",
                "constraint": ". >= 0 and . <= 100",
            },
            {
                "type": "integer",
                "name": "litter",
                "label::English (en)": "Litter items on 10 m",
                "label::Nederlands (nl)": "Stukken zwerfafval op 10 m",
            },
        ],
        [],
    ),
    (
        "heat-stress",
        "heat_diary",
        [
            {
                "type": "date",
                "name": "day",
                "label::English (en)": "Day",
                "label::Nederlands (nl)": "Dag",
                "required": "yes",
            },
            {
                "type": "decimal",
                "name": "indoor",
                "label::English (en)": "Indoor temperature (°C)",
                "label::Nederlands (nl)": "Binnentemperatuur (°C)",
            },
            {
                "type": "range",
                "name": "discomfort",
                "parameters": "start=0 end=10 step=1",
                "label::English (en)": "How uncomfortable was the heat? (0–10)",
                "label::Nederlands (nl)": "Hoe vervelend was de hitte? (0–10)",
            },
            {
                "type": "text",
                "name": "story",
                "appearance": "multiline",
                "label::English (en)": "What did the heat mean for your day?",
                "label::Nederlands (nl)": "Wat betekende de hitte voor je dag?",
            },
        ],
        [],
    ),
]


def load_demo_forms() -> list[DemoLogin]:
    """Publish each demo form once, on the demo project it belongs to."""
    projects = {p.external_id: p for p in Project.objects.filter(origin="cslab-demo")}
    existing = set(Form.objects.values_list("project__external_id", "form_id"))
    for project_key, form_id, survey, choices in FORMS:
        project = projects.get(project_key)
        if project is None or (project_key, form_id) in existing:
            continue
        settings = [
            {
                "form_id": form_id,
                "form_title": project.name,
                "version": "1",
                "default_language": "English (en)",
            }
        ]
        form_publish_xlsform(
            actor=None,
            project=project,
            file_name=f"{form_id}.xlsx",
            content=workbook_bytes({"survey": survey, "choices": choices, "settings": settings}),
        )
    return []


def workbook_bytes(sheets: dict[str, Rows]) -> bytes:
    """Return an .xlsx file with one sheet per entry, the union of the rows' keys as header."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers: list[str] = []
        for row in rows:
            headers += [key for key in row if key not in headers]
        sheet.append(headers or ["name"])
        for row in rows:
            sheet.append([row.get(header, "") for header in headers])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
