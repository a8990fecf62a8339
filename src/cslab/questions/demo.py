"""Demo research questions: twenty of them, in every state, with supporters, followers and
threaded discussions by the demo people.

Each question lives its whole life through the real services the first time it is created
(so histories, notifications and the audit log look like a Lab's); a question is found again
by its proposer and text (a unique constraint), so a second run adds nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower

from cslab.accounts.models import User
from cslab.core.actors import Actor
from cslab.core.demo import DemoLogin
from cslab.projects.models import Project
from cslab.projects.services.projects import project_create
from cslab.questions.models import Question
from cslab.questions.services.comments import comment_flag, comment_hide, comment_post
from cslab.questions.services.questions import question_propose
from cslab.questions.services.states import (
    question_adopt,
    question_answer,
    question_consider,
    question_decline,
    question_merge,
)
from cslab.questions.services.supports import question_follow, question_support

DEMO_ORIGIN = "cslab-demo"  # the projects demo's origin: its projects are found by key
STAFF = "staff@demo.cslab.test"
TRAINER = "trainer@demo.cslab.test"
RESEARCHER = "researcher@demo.cslab.test"
HEALTH = "health.researcher@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"
NGO = "ngo@demo.cslab.test"
VOLUNTEER = "volunteer@demo.cslab.test"
STUDENT = "student@demo.cslab.test"

# The projects questions are asked on or adopted into, created only if the projects demo did
# not make them: key → (name, owner, status).
PROJECTS: dict[str, tuple[str, str, str]] = {
    "pollinators": ("Pollinators of Leiden gardens", RESEARCHER, "active"),
    "air-quality": ("Breathing easier: air quality with patients", HEALTH, "analysing"),
    "rhine-water": ("River Rhine water quality", NGO, "active"),
    "ship-logs": ("Ship logs of the Dutch East India Company", RESEARCHER, "completed"),
    "dialects": ("Dialects of South Holland", STUDENT, "paused"),
    "heat-stress": ("Heat stress in Leiden-Noord", ORGANISER, "in_review"),
}


@dataclass
class Comment:
    author: str
    text: str
    replies: list["Comment"] = field(default_factory=list)
    hidden_by: str = ""
    hidden_reason: str = ""


@dataclass
class DemoQuestion:
    key: str
    proposer: str
    text: str
    why: str
    domains: list[str]
    board: str = ""  # a project key; empty for the Lab-wide board
    place: str = ""
    pin: tuple[float, float] | None = None
    # The steps of its life after it is proposed: (action, actor, arguments).
    steps: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    supporters: list[str] = field(default_factory=list)
    followers: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


QUESTIONS = [
    DemoQuestion(
        "air-children",
        ORGANISER,
        "Is the air in Leiden-Noord worse for children than in the city centre?",
        "Many families here live next to the ring road. Parents in our association worry about "
        "their children's coughs, but nobody has measured the air in our streets.",
        ["health", "environment"],
        place="Leiden-Noord",
        pin=(52.1700, 4.4900),
        steps=[
            ("consider", STAFF, {"note": "Several researchers are interested."}),
            (
                "adopt",
                HEALTH,
                {
                    "project": "air-quality",
                    "note": "We add two sensors near schools in Leiden-Noord.",
                },
            ),
        ],
        supporters=[VOLUNTEER, STUDENT, NGO, TRAINER],
        followers=[TRAINER],
        comments=[
            Comment(
                NGO,
                "We measured fine dust near a school on the Vondellaan last "
                "year; happy to share the data.",
                [
                    Comment(
                        ORGANISER,
                        "That would help a lot, thank you!",
                        [
                            Comment(
                                HEALTH,
                                "Please send it to our project: we can "
                                "compare it with our sensors.",
                            )
                        ],
                    )
                ],
            ),
            Comment(VOLUNTEER, "Would this also cover the Merenwijk?"),
        ],
    ),
    DemoQuestion(
        "asthma-schools",
        VOLUNTEER,
        "Does air pollution near schools make asthma worse in children?",
        "My grandson has asthma and his school is next to a busy road.",
        ["health"],
        steps=[
            (
                "merge",
                STAFF,
                {
                    "into": "air-children",
                    "note": "The same question as the one about Leiden-Noord.",
                },
            )
        ],
        supporters=[STUDENT, ORGANISER],
    ),
    DemoQuestion(
        "late-summer-plants",
        VOLUNTEER,
        "Which garden plants help wild bees most in late summer?",
        "In August my garden is nearly empty of flowers. I would like to plant what bees need.",
        ["biodiversity"],
        board="pollinators",
        steps=[
            ("adopt", RESEARCHER, {"project": "pollinators"}),
            (
                "answer",
                RESEARCHER,
                {
                    "answer": "Lavender, oregano, sedum and ivy were visited most from mid-July to "
                    "September. Ivy matters most in September, when little else flowers. "
                    "Leaving some 'weeds' such as knapweed in flower helps as well.",
                    "links": [
                        {
                            "title": "Late-summer plant list (PDF)",
                            "url": "https://example.org/pollinators/late-summer-plants.pdf",
                        },
                        {
                            "title": "Open data of the 2025 counts",
                            "url": "https://example.org/pollinators/data-2025",
                        },
                    ],
                },
            ),
        ],
        supporters=[ORGANISER, STUDENT, TRAINER],
        followers=[ORGANISER],
        comments=[
            Comment(
                STUDENT,
                "Lavender is always full of bees in my garden in August.",
                [Comment(RESEARCHER, "It shows in the counts too: thank you for counting!")],
            )
        ],
    ),
    DemoQuestion(
        "butterflies-decline",
        VOLUNTEER,
        "Are there fewer butterflies in gardens than twenty years ago?",
        "I have counted butterflies in my garden every week since 2004 and see fewer each year.",
        ["biodiversity"],
        steps=[
            ("consider", STAFF, {"note": "We are looking for older garden counts to compare with."})
        ],
        supporters=[RESEARCHER, STUDENT],
        followers=[RESEARCHER],
    ),
    DemoQuestion(
        "indoor-heat",
        ORGANISER,
        "How hot does it get inside homes in Leiden-Noord during a heatwave?",
        "Older residents tell us their flats stay hot for days. We want numbers to show the "
        "housing corporation.",
        ["climate", "health"],
        board="heat-stress",
    ),
    DemoQuestion(
        "green-roofs",
        ORGANISER,
        "Do green roofs make the streets below cooler in summer?",
        "The municipality subsidises green roofs. We wonder if they also help people on the "
        "street, not just the people in the building.",
        ["climate", "urban"],
        place="Leiden",
        pin=(52.1601, 4.4970),
        steps=[
            ("consider", STAFF, {}),
            (
                "adopt",
                RESEARCHER,
                {
                    "new_project_name": "Green roofs and cool streets",
                    "note": "A new project, started together with the neighbourhood association.",
                },
            ),
        ],
        supporters=[VOLUNTEER, TRAINER, NGO],
    ),
    DemoQuestion(
        "rhine-litter",
        VOLUNTEER,
        "Where does the litter on the Rhine banks come from?",
        "When we clean the banks we find the same kinds of packaging every month.",
        ["water", "environment"],
        board="rhine-water",
        steps=[
            (
                "adopt",
                NGO,
                {
                    "project": "rhine-water",
                    "note": "From next month we record brands and packaging types.",
                },
            )
        ],
        supporters=[STUDENT],
        followers=[STAFF],
    ),
    DemoQuestion(
        "swim-oude-rijn",
        STUDENT,
        "Is the water of the Oude Rijn safe to swim in?",
        "Many students swim in the Oude Rijn in summer, but nobody knows if the water is clean.",
        ["water", "health"],
        place="Oude Rijn, Leiden",
        pin=(52.1580, 4.4930),
        supporters=[VOLUNTEER, ORGANISER, TRAINER, NGO, HEALTH],
        followers=[STAFF],
        comments=[
            Comment(
                VOLUNTEER,
                "The municipality tests the water at the official swimming spots only.",
                [Comment(STUDENT, "Exactly, and most people swim elsewhere.")],
            )
        ],
    ),
    DemoQuestion(
        "storms-1700s",
        STUDENT,
        "Were there more storms in the 1700s than today?",
        "Reading the logbooks I see storms on almost every page.",
        ["climate", "heritage"],
        board="ship-logs",
        steps=[
            ("adopt", RESEARCHER, {"project": "ship-logs"}),
            (
                "answer",
                RESEARCHER,
                {
                    "answer": "Not more in number, but differently spread: the logs show as many "
                    "severe storms on the North Sea per decade as today, with more of "
                    "them in autumn.",
                    "links": [
                        {
                            "title": "Article: storms in VOC logbooks",
                            "url": "https://example.org/ship-logs/storms-article",
                        }
                    ],
                },
            ),
        ],
        supporters=[VOLUNTEER],
    ),
    DemoQuestion(
        "sky-brightness",
        VOLUNTEER,
        "How dark is the night sky above Leiden, and is it getting brighter?",
        "I can see fewer stars from my balcony than when I was young.",
        ["astronomy", "environment"],
        steps=[("consider", STAFF, {})],
        supporters=[TRAINER],
    ),
    DemoQuestion(
        "phone-light",
        TRAINER,
        "Can we measure how bright the night sky is with phone cameras?",
        "Most volunteers have a phone; few have a sky-quality meter.",
        ["astronomy", "technology"],
        steps=[
            (
                "merge",
                STAFF,
                {"into": "sky-brightness", "note": "Part of the question about the night sky."},
            )
        ],
        supporters=[STUDENT, VOLUNTEER],
    ),
    DemoQuestion(
        "food-gardens-last",
        ORGANISER,
        "Why do some neighbourhood food gardens last and others stop after a year?",
        "Three gardens in our area stopped; two are still going after ten years.",
        ["social", "urban"],
        steps=[
            (
                "decline",
                STAFF,
                {
                    "reason": "The neighbourhood association has started its own "
                    "project on exactly this; please join it there "
                    "instead of starting a second one."
                },
            )
        ],
        supporters=[VOLUNTEER],
    ),
    DemoQuestion(
        "dialect-words",
        STUDENT,
        "Do dialect words disappear faster in towns than in villages?",
        "My grandparents use words I never hear in Leiden.",
        ["language"],
        board="dialects",
        steps=[("consider", STAFF, {})],
        supporters=[VOLUNTEER],
    ),
    DemoQuestion(
        "roundabouts",
        VOLUNTEER,
        "Are cyclists hit more often at roundabouts than at crossings?",
        "I cycle to the market every week and roundabouts scare me.",
        ["urban"],
        supporters=[STUDENT],
        comments=[
            Comment(
                STUDENT,
                "Cheap bike locks at example.com, best prices in town!",
                hidden_by=STAFF,
                hidden_reason="Advertising.",
            ),
            Comment(NGO, "The police publish accident data per location; a good start."),
        ],
    ),
    DemoQuestion(
        "motorway-noise",
        VOLUNTEER,
        "Does noise from the A4 motorway keep people awake in Zoeterwoude?",
        "Friends in Zoeterwoude say they sleep badly since the motorway was widened.",
        ["health", "urban"],
        place="Zoeterwoude",
        pin=(52.1200, 4.5000),
        steps=[
            (
                "decline",
                STAFF,
                {
                    "reason": "Answering it needs personal sleep and health data "
                    "that volunteers cannot collect safely. The "
                    "regional health service runs a noise survey; we "
                    "have passed the question on to them."
                },
            )
        ],
        supporters=[TRAINER],
    ),
    DemoQuestion(
        "canals",
        STUDENT,
        "What did Leiden's canals look like before they were filled in?",
        "Some streets were canals a century ago; I would love to see them as they were.",
        ["heritage"],
        place="Leiden",
        supporters=[VOLUNTEER, TRAINER],
    ),
    DemoQuestion(
        "hedgehogs",
        VOLUNTEER,
        "How many hedgehogs live in Leiden's parks?",
        "I found a hedgehog in my garden for the first time in years.",
        ["biodiversity"],
        board="pollinators",
        supporters=[STUDENT],
    ),
    DemoQuestion(
        "medicines-river",
        NGO,
        "Which medicines end up in the river water?",
        "Our test kits measure nitrate and phosphate, but not what people flush away.",
        ["water", "health"],
        steps=[("consider", STAFF, {"note": "We are asking the Faculty of Science for a lab."})],
        supporters=[HEALTH, VOLUNTEER],
        followers=[HEALTH],
    ),
    DemoQuestion(
        "bird-songs",
        TRAINER,
        "Could volunteers help classify bird songs recorded in the dunes?",
        "Recorders in the dunes collect hours of sound that nobody has time to listen to.",
        ["biodiversity", "technology"],
        place="Dunes near Katwijk",
        supporters=[VOLUNTEER],
    ),
    DemoQuestion(
        "swim-summer",
        VOLUNTEER,
        "Can you swim safely in the Oude Rijn in summer?",
        "My grandchildren want to swim there.",
        ["water", "health"],
        steps=[("merge", STAFF, {"into": "swim-oude-rijn"})],
        supporters=[ORGANISER, TRAINER],
    ),
]


def load_demo_questions() -> list[DemoLogin]:
    """Create the missing demo questions with their whole history; return no extra log-ins."""
    people = {user.email: user for user in User.objects.filter(email__endswith="demo.cslab.test")}
    projects = {key: _project(key, people) for key in PROJECTS}
    made: dict[str, Question] = {}
    for demo in QUESTIONS:
        proposer = people[demo.proposer]
        existing = (
            Question.objects.annotate(lower_text=Lower("text"))
            .filter(proposer=proposer, lower_text=demo.text.lower())
            .first()
        )
        if existing is not None:
            made[demo.key] = existing
            continue
        question = question_propose(
            actor=proposer,
            text=demo.text,
            why_it_matters=demo.why,
            project=projects[demo.board] if demo.board else None,
            domains=demo.domains,
            place_name=demo.place,
            latitude=demo.pin[0] if demo.pin else None,
            longitude=demo.pin[1] if demo.pin else None,
        )
        made[demo.key] = question
        for email in demo.supporters:
            question_support(actor=people[email], question=question)
        for email in demo.followers:
            question_follow(actor=people[email], question=question)
        for comment in demo.comments:
            _discuss(question, comment, None, people)
        for action, email, arguments in demo.steps:
            _step(question, action, people[email], arguments, projects, made)
    return []


def _project(key: str, people: dict[str, Any]) -> Project:
    project = Project.objects.filter(origin=DEMO_ORIGIN, external_id=key).first()
    if project is not None:
        return project
    name, owner, status = PROJECTS[key]
    return project_create(
        actor=None,
        owner=people[owner],
        name=name,
        status=status,
        origin=DEMO_ORIGIN,
        external_id=key,
        visibility=Project.Visibility.PUBLIC,
    )


def _discuss(question: Question, demo: Comment, parent: Any, people: dict[str, Any]) -> None:
    comment = comment_post(
        actor=people[demo.author], question=question, text=demo.text, parent=parent
    )
    if demo.hidden_by:
        comment_flag(actor=people[VOLUNTEER], comment=comment, reason=demo.hidden_reason)
        comment_hide(actor=people[demo.hidden_by], comment=comment, reason=demo.hidden_reason)
    for reply in demo.replies:
        _discuss(question, reply, comment, people)


def _step(
    question: Question,
    action: str,
    actor: Actor,
    arguments: dict[str, Any],
    projects: dict[str, Project],
    made: dict[str, Question],
) -> None:
    arguments = dict(arguments)
    if action == "consider":
        question_consider(actor=actor, question=question, **arguments)
    elif action == "adopt":
        project_key = arguments.pop("project", "")
        question_adopt(
            actor=actor,
            question=question,
            project=projects[project_key] if project_key else None,
            **arguments,
        )
    elif action == "answer":
        question_answer(actor=actor, question=question, **arguments)
    elif action == "decline":
        question_decline(actor=actor, question=question, **arguments)
    elif action == "merge":
        into = made[arguments.pop("into")]
        question_merge(actor=actor, question=question, into=into, **arguments)
