"""Demo classification data on the "Pollinators of Leiden gardens" project.

Two workflows: "Who visits the flower?" (an image survey of drawn flower visitors, with gold
subjects) and "Transcribe the seed-packet labels" (free text). Forty generated volunteers
(`classifier-NN@demo.cslab.test`, no usable password) classify through the real service with
a fixed seed and a per-volunteer accuracy, so there are retired subjects, consensus, gold
feedback and a few disputes for the expert queue. Each workflow is then aggregated once
through the consensus service (Dawid–Skene for the survey, majority vote for the
transcriptions), so the results pages and the expert queue have stored results. Idempotent:
nothing is added when the workflows exist, and a workflow with a finished run is not
aggregated again.
"""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from cslab.accounts.models import User
from cslab.classification.assignment import Identity
from cslab.classification.models import Subject, SubjectSet, Workflow
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.consensus.models import AggregationRun
from cslab.consensus.services.aggregation import aggregation_run
from cslab.core.demo import DemoLogin
from cslab.projects.models import Project

SEED = 20_261_125
VOLUNTEERS = 40
BLURRED = 5
SPECIES = [
    ("bumblebee", "Bumblebee", (70, 50, 20)),
    ("honeybee", "Honeybee", (200, 140, 30)),
    ("hoverfly", "Hoverfly", (230, 200, 40)),
    ("butterfly", "Butterfly", (200, 80, 160)),
    ("none", "Nothing on the flower", None),
]
SURVEY_TASK = {
    "key": "T0",
    "kind": "survey",
    "question": "What is visiting the flower?",
    "choices": [{"value": value, "label": label} for value, label, _colour in SPECIES],
    "questions": [
        {
            "key": "count",
            "question": "How many?",
            "answers": [{"value": "1", "label": "One"}, {"value": "2+", "label": "Two or more"}],
        }
    ],
}
MARK_TASK = {
    "key": "T1",
    "kind": "point",
    "question": "Click each visitor (optional)",
    "required": False,
    "tools": [{"value": "visitor", "label": "Visitor"}],
}
TRANSCRIBE_TASK = {"key": "T0", "kind": "text", "question": "Type the plant name on the label"}
PACKETS = [
    "Borago officinalis",
    "Lavandula angustifolia",
    "Echium vulgare",
    "Origanum vulgare",
    "Phacelia tanacetifolia",
    "Centaurea cyanus",
    "Salvia pratensis",
    "Knautia arvensis",
]
TUTORIAL = """## How to classify

1. Look at the flower in the middle of the picture.
2. Choose what is visiting it; press the **number key** of an answer.
3. Press **Enter** to send. Made a mistake? Press **Z** to take it back.

Some pictures have a known answer: we tell you straight away whether you matched it.
"""
FIELD_GUIDE = """### Bumblebee
Large, round and hairy, dark with bands.

### Honeybee
Slimmer, golden brown.

### Hoverfly
Yellow and black like a wasp, but with **two** wings and big eyes; it hovers in place.

### Butterfly
Large coloured wings.
"""


def _picture(colour: tuple[int, int, int] | None, count: int, chance: random.Random) -> bytes:
    image = Image.new("RGB", (320, 240), (170, 210, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 70, 210, 170), fill=(240, 240, 250))
    draw.ellipse((145, 105, 175, 135), fill=(250, 210, 60))
    for _ in range(count if colour else 0):
        x, y = chance.randint(120, 190), chance.randint(80, 150)
        draw.ellipse((x - 12, y - 8, x + 12, y + 8), fill=colour, outline=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _volunteers() -> list[User]:
    people = []
    for number in range(1, VOLUNTEERS + 1):
        email = f"classifier-{number:02d}@demo.cslab.test"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(
                email=email, password=None, display_name=f"Classifier {number:02d}"
            )
        people.append(person)
    return people


def _survey(project: Project, owner: User, chance: random.Random) -> tuple[Workflow, list[str]]:
    subject_set, _created = SubjectSet.objects.get_or_create(
        project=project, name="Flower visitors (drawn)"
    )
    truths: list[str] = []
    for number in range(60):
        value, _label, colour = SPECIES[number % len(SPECIES)]
        count = 1 + (number % 3 == 0)
        subject = Subject(
            subject_set=subject_set,
            external_id=f"flower-{number:03d}",
            kind=Subject.Kind.IMAGE,
            content_type="image/png",
            metadata={"garden": f"Garden {number % 7 + 1}", "#truth": value},
            is_gold=number < 8,
            gold_answers={"T0": {"choice": value}} if number < 8 else {},
            gold_explanation="Look at the size and colour of the visitor." if number < 8 else "",
        )
        subject.media.save(
            f"flower-{number:03d}.png", ContentFile(_picture(colour, count, chance)), save=False
        )
        subject.save()
        truths.append(value)
    workflow = workflow_create(
        actor=owner,
        project=project,
        name="Who visits the flower?",
        tasks=[SURVEY_TASK, MARK_TASK],
        status="active",
        tutorial=TUTORIAL,
        field_guide=FIELD_GUIDE,
        retirement_count=8,
        consensus_agreeing=4,
        consensus_confidence=0.8,
        allow_anonymous=True,
    )
    workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
    return workflow, truths


def _transcription(project: Project, owner: User) -> Workflow:
    subject_set, _created = SubjectSet.objects.get_or_create(project=project, name="Seed packets")
    for number, name in enumerate(PACKETS):
        Subject.objects.get_or_create(
            subject_set=subject_set,
            external_id=f"packet-{number:02d}",
            defaults={
                "kind": Subject.Kind.TEXT,
                "text": f"Seed packet no. {number + 1}: {name}",
                "metadata": {"year": str(1950 + number * 3)},
            },
        )
    workflow = workflow_create(
        actor=owner,
        project=project,
        name="Transcribe the seed-packet labels",
        tasks=[TRANSCRIBE_TASK],
        status="active",
        retirement_count=3,
    )
    workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
    return workflow


def _classify_survey(
    workflow: Workflow, truths: list[str], volunteers: list[User], chance: random.Random
) -> None:
    values = [value for value, _label, _colour in SPECIES]
    subjects = list(workflow.subject_states.select_related("subject").order_by("subject_id"))
    # Pictures nobody can be sure about: answers go round three look-alike visitors, so the
    # aggregation finds them disputed and the expert queue has work.
    blurred = {number: 0 for number in range(len(truths) - BLURRED, len(truths))}
    look_alikes = ["honeybee", "hoverfly", "bumblebee"]
    for person in volunteers:
        skill = chance.uniform(0.55, 0.95)
        for state in chance.sample(subjects, k=chance.randint(10, 25)):
            number = int(state.subject.external_id.split("-")[1])
            truth = truths[number]
            label = truth if chance.random() < skill else chance.choice(values)
            if number in blurred:
                label = look_alikes[blurred[number] % len(look_alikes)]
                blurred[number] += 1
            classification_submit(
                identity=Identity(user=person),
                workflow=workflow,
                subject=state.subject,
                answers={"T0": {"choice": label, "answers": {}}},
            )


def load_demo_classification() -> list[DemoLogin]:
    """Create the two demo workflows with classifications, unless they exist."""
    project = Project.objects.filter(origin="cslab-demo", external_id="pollinators").first()
    owner = User.objects.filter(email="researcher@demo.cslab.test").first()
    if project is None or owner is None:
        return []
    if not project.workflows.exists():
        _load_workflows(project, owner)
    _aggregate(project, owner)
    return []


def _aggregate(project: Project, owner: User) -> None:
    """Aggregate each demo workflow once through the service (skipped when it has a run)."""
    for workflow in project.workflows.order_by("pk"):
        if not AggregationRun.objects.filter(
            workflow=workflow, status=AggregationRun.Status.SUCCEEDED
        ).exists():
            aggregation_run(actor=owner, workflow=workflow)


def _load_workflows(project: Project, owner: User) -> None:
    chance = random.Random(SEED)  # noqa: S311 (repeatable demo data)
    volunteers = _volunteers()
    survey, truths = _survey(project, owner, chance)
    _classify_survey(survey, truths, volunteers, chance)
    transcription = _transcription(project, owner)
    for person in volunteers[:6]:
        for state in transcription.subject_states.select_related("subject")[:5]:
            text = state.subject.text.split(": ", 1)[1]
            typed = text if chance.random() < 0.8 else text.lower()
            classification_submit(
                identity=Identity(user=person),
                workflow=transcription,
                subject=state.subject,
                answers={"T0": typed},
            )
