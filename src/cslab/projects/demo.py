"""Demo projects and organisations: every lifecycle state, five faculties, both initiator types.

Projects walk their lifecycle through the real services (so timelines and the audit log look
like a Lab's), and are keyed on (origin "cslab-demo", external id) so a second run adds nothing.
"""

import io
import math
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageColor, ImageDraw

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.projects.models import Organisation, Project
from cslab.projects.services.lifecycle import project_transition
from cslab.projects.services.projects import (
    organisation_add_member,
    organisation_create,
    project_create,
    project_update,
)

DEMO_ORIGIN = "cslab-demo"
STAFF_EMAIL = "staff@demo.cslab.test"

ORGANISATIONS = [
    (
        "River Guardians",
        "ngo",
        "ngo@demo.cslab.test",
        "Volunteers who have measured the water of the Rhine branches since 2009.",
    ),
    (
        "Leiden-Noord Neighbourhood Association",
        "community_group",
        "organiser@demo.cslab.test",
        "Residents of Leiden-Noord working on a greener, cooler neighbourhood.",
    ),
    (
        "Urban Ecology Group",
        "research_group",
        "researcher@demo.cslab.test",
        "Researchers of the Faculty of Science studying nature in cities.",
    ),
]

# Each route walks a project from "idea" to the status named last.
ROUTE_TO = {
    "idea": [],
    "incubating": ["incubating"],
    "in_review": ["incubating", "in_review"],
    "changes_requested": ["incubating", "in_review", "changes_requested"],
    "active": ["incubating", "in_review", "changes_requested", "in_review", "active"],
    "paused": ["incubating", "in_review", "active", "paused"],
    "analysing": ["incubating", "in_review", "active", "analysing"],
    "completed": ["incubating", "in_review", "active", "analysing", "completed"],
    "archived": ["incubating", "in_review", "active", "analysing", "completed", "archived"],
}
STAFF_STEPS = {"active", "changes_requested"}

LEIDEN = {
    "type": "Polygon",
    "coordinates": [[[4.45, 52.14], [4.53, 52.14], [4.53, 52.18], [4.45, 52.18], [4.45, 52.14]]],
}
RHINE = {
    "type": "Polygon",
    "coordinates": [[[4.40, 52.05], [6.10, 51.80], [6.20, 51.90], [4.45, 52.15], [4.40, 52.05]]],
}
NETHERLANDS = {
    "type": "Polygon",
    "coordinates": [[[3.3, 50.75], [7.2, 50.75], [7.2, 53.55], [3.3, 53.55], [3.3, 50.75]]],
}
DUNES = {
    "type": "Polygon",
    "coordinates": [[[4.35, 52.15], [4.43, 52.15], [4.50, 52.30], [4.42, 52.30], [4.35, 52.15]]],
}

CHECKLIST: dict[str, Any] = {
    "research_questions": "Which factors explain the differences we observe, and how do they "
    "change?",
    "protocol": "Volunteers follow a written protocol with a 15-minute observation per visit.",
    "data_management_plan": "Data are stored on university servers and published under the "
    "chosen licence after quality control; personal data are kept apart and deleted after 5 years.",
    "ethics_not_needed_reason": "No personal or health data are collected beyond contact details.",
    "consent_text": "I take part voluntarily, may stop at any time, and agree that my "
    "observations are published openly without my name unless I choose to be credited.",
    "recruitment_plan": "Through partner organisations, the Lab newsletter and local media.",
}


@dataclass
class DemoProject:
    key: str
    name: str
    owner: str
    status: str
    faculty: str
    initiator_type: str
    aim: str
    description: str
    visibility: str = "public"
    organisation: str = ""
    area: dict[str, Any] | None = None
    locality: str = ""
    tags: dict[str, list[str]] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)


PROJECTS = [
    DemoProject(
        "pollinators",
        "Pollinators of Leiden gardens",
        "researcher@demo.cslab.test",
        "active",
        "science",
        "researcher_led",
        "Find out which garden plants feed wild bees and hoverflies through the year.",
        "Gardeners count pollinators on their flowering plants for 15 minutes a week. Together "
        "the counts show which plants matter most, and when.",
        organisation="Urban Ecology Group",
        area=LEIDEN,
        locality="Leiden",
        tags={
            "domain": ["biodiversity"],
            "participation_task": ["collecting_data", "classifying"],
            "keyword": ["bees", "hoverflies", "gardens"],
            "sdg": ["15", "11"],
            "country": ["NL"],
            "language": ["nl", "en"],
        },
        profile={
            "how_to_take_part": "Choose a flowering plant, count for 15 minutes, report.",
            "time_commitment": "15 minutes a week",
            "difficulty": "easy",
            "equipment": "A phone or a notebook",
            "membership_policy": "open",
            "contact_name": "Prof. Marieke de Boer",
            "contact_email": "researcher@demo.cslab.test",
        },
    ),
    DemoProject(
        "heat-stress",
        "Heat stress in Leiden-Noord",
        "organiser@demo.cslab.test",
        "in_review",
        "social_sciences",
        "community_led",
        "Map where residents suffer from heat and what helps them cope.",
        "Residents log indoor and outdoor temperatures and tell how heat affects their days. "
        "The neighbourhood association started the project and asked the Lab for a mentor.",
        organisation="Leiden-Noord Neighbourhood Association",
        area=LEIDEN,
        locality="Leiden-Noord",
        tags={
            "domain": ["climate", "health"],
            "participation_task": ["asking_questions", "collecting_data", "interpreting_results"],
            "keyword": ["heat", "lived experience"],
            "sdg": ["3", "11", "13"],
            "country": ["NL"],
            "language": ["nl"],
        },
    ),
    DemoProject(
        "air-quality",
        "Breathing easier: air quality with patients",
        "health.researcher@demo.cslab.test",
        "analysing",
        "medicine",
        "co_created",
        "Relate daily air quality to symptoms of people with asthma or COPD.",
        "Patients carry small sensors and keep a symptom diary; patient organisations helped "
        "design the study and now help interpret the results.",
        area=NETHERLANDS,
        locality="The Netherlands",
        tags={
            "domain": ["health", "environment"],
            "participation_task": ["designing_study", "collecting_data", "interpreting_results"],
            "keyword": ["air quality", "asthma", "sensors"],
            "sdg": ["3"],
            "country": ["NL"],
            "language": ["nl", "en"],
        },
        profile={"difficulty": "medium", "equipment": "A sensor on loan from the project"},
    ),
    DemoProject(
        "rhine-water",
        "River Rhine water quality",
        "ngo@demo.cslab.test",
        "active",
        "science",
        "community_led",
        "Monitor nitrate, phosphate and litter along the Rhine branches.",
        "Volunteers of River Guardians sample the water monthly with test kits and count litter "
        "on the banks; researchers check the measurements against lab analyses.",
        organisation="River Guardians",
        area=RHINE,
        locality="Rhine branches",
        tags={
            "domain": ["water", "environment"],
            "participation_task": ["collecting_data"],
            "keyword": ["nitrate", "litter", "river"],
            "sdg": ["6", "14"],
            "country": ["NL", "DE"],
            "language": ["nl", "de", "en"],
        },
        profile={
            "equipment": "Test kit (provided)",
            "difficulty": "medium",
            "membership_policy": "approval",
        },
    ),
    DemoProject(
        "ship-logs",
        "Ship logs of the Dutch East India Company",
        "researcher@demo.cslab.test",
        "completed",
        "humanities",
        "researcher_led",
        "Transcribe weather observations in 18th-century ship logs.",
        "Thousands of pages of logbooks hold daily weather notes. Volunteers transcribed them, "
        "and climate researchers now use them to reconstruct past climate.",
        tags={
            "domain": ["heritage", "climate"],
            "participation_task": ["transcribing"],
            "keyword": ["archives", "VOC", "weather"],
            "country": ["NL"],
            "language": ["nl", "en"],
        },
        profile={"difficulty": "medium", "time_commitment": "As much as you like"},
    ),
    DemoProject(
        "dialects",
        "Dialects of South Holland",
        "student@demo.cslab.test",
        "paused",
        "humanities",
        "co_created",
        "Record how words are pronounced in the villages of South Holland.",
        "Speakers record a list of words and sentences. Paused while the recording app is "
        "being replaced.",
        locality="South Holland",
        tags={
            "domain": ["language"],
            "participation_task": ["collecting_data"],
            "keyword": ["dialect", "recordings"],
            "country": ["NL"],
            "language": ["nl"],
        },
    ),
    DemoProject(
        "dune-finds",
        "Archaeology of the dunes: finds by walkers",
        "researcher@demo.cslab.test",
        "archived",
        "archaeology",
        "researcher_led",
        "Register archaeological finds that walkers see in the dunes.",
        "Walkers photographed and located finds such as pottery and flint. The project ended "
        "and its data are archived with the provincial depot.",
        area=DUNES,
        locality="Dunes between Katwijk and Noordwijk",
        tags={
            "domain": ["heritage"],
            "participation_task": ["collecting_data", "classifying"],
            "keyword": ["archaeology", "dunes"],
            "country": ["NL"],
            "language": ["nl"],
        },
    ),
    DemoProject(
        "night-sky",
        "How dark is our night sky?",
        "trainer@demo.cslab.test",
        "incubating",
        "science",
        "researcher_led",
        "Measure light pollution with phones and cheap sky-quality meters.",
        "Participants measure sky brightness on clear nights to map light pollution.",
        visibility="public",
        tags={
            "domain": ["astronomy", "environment"],
            "participation_task": ["collecting_data"],
            "country": ["NL", "BE"],
            "language": ["nl", "en"],
        },
    ),
    DemoProject(
        "food-gardens",
        "Neighbourhood food gardens",
        "organiser@demo.cslab.test",
        "idea",
        "governance",
        "community_led",
        "Learn what makes community food gardens last.",
        "An idea from residents: compare food gardens in several neighbourhoods.",
        visibility="private",
        organisation="Leiden-Noord Neighbourhood Association",
        tags={"domain": ["social", "urban"], "country": ["NL"], "language": ["nl"]},
    ),
    DemoProject(
        "bike-safety",
        "Where cycling feels unsafe",
        "ngo@demo.cslab.test",
        "changes_requested",
        "governance",
        "co_created",
        "Map the places where cyclists feel unsafe and why.",
        "Cyclists mark places on a map and describe what happened; the municipality joins "
        "the analysis.",
        tags={
            "domain": ["urban"],
            "participation_task": ["collecting_data", "analysing_data"],
            "country": ["NL"],
            "language": ["nl"],
        },
    ),
]


def load_demo_projects() -> list[DemoLogin]:
    """Create the missing demo organisations and projects; return no extra log-ins."""
    people = {user.email: user for user in User.objects.all()}
    staff = people[STAFF_EMAIL]
    organisations = _load_organisations(people)
    existing = set(Project.objects.filter(origin=DEMO_ORIGIN).values_list("external_id", flat=True))
    for demo in PROJECTS:
        if demo.key in existing:
            continue
        owner = people[demo.owner]
        project = project_create(
            actor=None,
            owner=owner,
            name=demo.name,
            origin=DEMO_ORIGIN,
            external_id=demo.key,
            faculty=demo.faculty,
            initiator_type=demo.initiator_type,
            aim=demo.aim,
            description=demo.description,
            visibility=demo.visibility,
            organisation=organisations.get(demo.organisation),
            locality=demo.locality,
            tags=demo.tags,
            geographic_extent=demo.area,
            data_licence="CC-BY-4.0",
            **demo.profile,
        )
        if ROUTE_TO[demo.status]:
            project_update(actor=owner, project=project, **CHECKLIST)
        for step in ROUTE_TO[demo.status]:
            actor = staff if step in STAFF_STEPS else owner
            comment = (
                "Please describe how participants can withdraw their data."
                if step == "changes_requested"
                else ""
            )
            project_transition(actor=actor, project=project, to_status=step, comment=comment)
    _add_cover_images(staff)
    return []


# Cover images, drawn here so that the demo needs no image files: (top colour, bottom colour,
# shape colour, motif, what the picture shows for its alt text).
COVERS: dict[str, tuple[str, str, str, str, str]] = {
    "pollinators": ("#fde68a", "#86efac", "#166534", "flowers", "yellow and green, with flowers"),
    "heat-stress": ("#fecaca", "#fb923c", "#7c2d12", "sun", "orange and red, with a large sun"),
    "air-quality": ("#e0f2fe", "#93c5fd", "#1e3a8a", "bubbles", "light blue, with bubbles"),
    "rhine-water": ("#bae6fd", "#0369a1", "#082f49", "waves", "blue, with waves"),
    "ship-logs": ("#fef3c7", "#d6a35c", "#78350f", "waves", "sepia, with waves"),
    "dialects": ("#ede9fe", "#a78bfa", "#4c1d95", "bubbles", "violet, with speech bubbles"),
    "dune-finds": ("#fef9c3", "#eab308", "#713f12", "hills", "sand-coloured, with dunes"),
    "night-sky": ("#1e1b4b", "#312e81", "#fde68a", "stars", "dark blue, with stars"),
    "food-gardens": ("#dcfce7", "#4ade80", "#14532d", "hills", "green, with rows of hills"),
    "bike-safety": ("#f1f5f9", "#94a3b8", "#0f172a", "circles", "grey, with two wheels"),
}
COVER_SIZE = (960, 540)


def _cover_image(key: str) -> bytes:
    """A simple illustration: a vertical gradient and a motif, the same on every run."""
    top, bottom, ink, motif, _shows = COVERS[key]
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    start, end = ImageColor.getrgb(top), ImageColor.getrgb(bottom)
    for row in range(height):
        share = row / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=False))
        draw.line([(0, row), (width, row)], fill=colour)
    chance = random.Random(key)  # noqa: S311 - a picture, not a secret
    if motif in ("waves", "hills"):
        for band in range(4):
            base = height * (0.45 + band * 0.14)
            amplitude = 18 if motif == "waves" else 40
            points = [
                (x, base + amplitude * math.sin(x / (60 + 25 * band) + band))
                for x in range(0, width + 10, 10)
            ]
            draw.polygon(
                [*points, (width, height), (0, height)],
                fill=ink if band == 3 else None,
                outline=ink,
                width=4,
            )
    elif motif == "sun":
        draw.ellipse([width * 0.55, height * 0.15, width * 0.85, height * 0.68], fill=ink)
    elif motif == "circles":
        draw.ellipse([200, 220, 420, 440], outline=ink, width=14)
        draw.ellipse([540, 220, 760, 440], outline=ink, width=14)
        draw.line([(310, 330), (480, 250), (650, 330)], fill=ink, width=12)
    else:
        for _ in range(60 if motif == "stars" else 18):
            x, y = chance.uniform(0, width), chance.uniform(0, height)
            radius = chance.uniform(2, 5) if motif == "stars" else chance.uniform(12, 48)
            if motif == "flowers":
                for angle in range(0, 360, 72):
                    dx = radius * math.cos(math.radians(angle))
                    dy = radius * math.sin(math.radians(angle))
                    draw.ellipse(
                        [
                            x + dx - radius / 2,
                            y + dy - radius / 2,
                            x + dx + radius / 2,
                            y + dy + radius / 2,
                        ],
                        fill=ink,
                    )
                draw.ellipse(
                    [x - radius / 3, y - radius / 3, x + radius / 3, y + radius / 3], fill=top
                )
            else:
                draw.ellipse(
                    [x - radius, y - radius, x + radius, y + radius],
                    fill=ink if motif == "stars" else None,
                    outline=ink,
                    width=4,
                )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _add_cover_images(staff: User) -> None:
    """Give every demo project without an image its cover, through the service that edits
    profiles (an image is not a change Lab staff need to look at again)."""
    for project in Project.objects.filter(origin=DEMO_ORIGIN, image="").order_by("pk"):
        if project.external_id not in COVERS:
            continue
        shows = COVERS[project.external_id][4]
        project_update(
            actor=staff,
            project=project,
            image=ContentFile(_cover_image(project.external_id), name=f"{project.slug}.jpg"),
            image_alt_text=f"An illustration in {shows}.",
            image_credit="cslab demo",
        )


def _load_organisations(people: dict[str, Any]) -> dict[str, Organisation]:
    organisations = {}
    for name, kind, admin_email, description in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = organisation_create(
                actor=people[admin_email], name=name, kind=kind, description=description
            )
        organisations[name] = organisation
    organisation_add_member(
        actor=None,
        organisation=organisations["River Guardians"],
        user=people["volunteer@demo.cslab.test"],
    )
    return organisations
