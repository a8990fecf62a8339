"""The demo training modules: three learning paths with lessons and quizzes, some progress,
a certificate and a role requirement.

Stored through the ORM directly, keyed by slug: a module that exists is left as it is, with its
lessons and questions; progress, certificates and the role requirement are looked up by their
unique keys first, so a second load adds nothing. volunteer@ has no progress on "Introduction to
citizen science": the browser journey completes it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.training.models import (
    Certificate,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    RoleRequirement,
    TrainingModule,
)

DEMO_ORIGIN = "cslab-demo"
TRAINER = "trainer@demo.cslab.test"
INTRODUCTION = "introduction-to-citizen-science"
DATA_QUALITY = "data-quality-and-moderation"
SPECIES = "species-identification-basics"


@dataclass(frozen=True)
class DemoQuestion:
    text: str
    answers: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    body: str
    video_url: str = ""
    pass_mark: int | None = None
    questions: tuple[DemoQuestion, ...] = ()


@dataclass(frozen=True)
class DemoModule:
    slug: str
    title: str
    summary: str
    description: str
    minutes: int
    lessons: tuple[DemoLesson, ...]
    # Each lesson requires the one before it.
    chained: bool = False


MODULES: tuple[DemoModule, ...] = (
    DemoModule(
        slug=INTRODUCTION,
        title="Introduction to citizen science",
        summary="What citizen science is, what makes it good science and good collaboration,"
        " and how you take part well. For everyone new to the Lab.",
        description="""Three short lessons for anyone who is new to citizen science, whether
you want to count butterflies, transcribe old documents or start a project yourself.""",
        minutes=30,
        lessons=(
            DemoLesson(
                slug="what-is-citizen-science",
                title="What is citizen science?",
                video_url="https://www.youtube.com/watch?v=SZwJzB-yMrU",
                body="""Citizen science is research in which members of the public take part
in producing knowledge: asking the questions, collecting or analysing data, interpreting the
results or sharing them. The people taking part are not test subjects; they are
collaborators.

Projects differ in how much the public shapes them:

- **contributory** projects are designed by researchers, and volunteers mainly collect or
  classify data;
- **collaborative** projects invite volunteers to refine the design, analyse data or share
  results;
- **co-created** projects are designed together from the start, often with a community that
  raised the question.

None of these is better than the others; what matters is that the design fits the question
and that everyone knows what they can expect. Read more in the
[ECSA characteristics of citizen science](https://eu-citizen.science/resource/59).""",
            ),
            DemoLesson(
                slug="ten-principles",
                title="The ten principles of citizen science",
                body="""The European Citizen Science Association agreed on ten principles that
describe good practice. The Lab uses them as a checklist when it incubates a project. In short:

1. Citizens are actively involved, as contributors, collaborators or project leaders.
2. The project has a genuine science outcome.
3. Both scientists and participants benefit.
4. Participants may take part in several stages of the process.
5. Participants receive feedback from the project.
6. Citizen science is a research approach like any other, with limitations and biases.
7. Data and metadata are made public where possible, in open-access formats.
8. Participants are acknowledged in results and publications.
9. Projects are evaluated for their scientific output, data quality, participant experience
   and wider impact.
10. Leaders take legal and ethical issues into account: copyright, intellectual property,
    data sharing, confidentiality, attribution and environmental impact.

The full text, in more than thirty languages, is on the
[ECSA website](https://www.ecsa.ngo/10-principles/).""",
            ),
            DemoLesson(
                slug="taking-part-well",
                title="Taking part well: consent, data and your time",
                pass_mark=50,
                body="""Before you join a project, it is worth knowing what you agree to.

**Consent.** A project tells you what it collects about you (usually your name and contact
details, sometimes your location), why, and how long it keeps it. You may withdraw at any time;
ask what happens to the data you already gave.

**Your observations.** Find out under which licence your observations are published and
whether your name is shown with them. In the Lab's projects you choose whether you are
credited.

**Your time.** Good projects say how much time they ask, and they give something back:
feedback on what your data showed, invitations to results evenings, and credit in
publications.

Before you sign up, ask yourself:

- Do I know what the project collects about me, and why?
- Can I say which of my data are published, and under which licence?
- Do I know how much time it asks, and what I get back?

Questions about a project? Every project page has a contact person; the Lab's staff help
when you do not get an answer. The hub's [consent form template](/hub/consent-form-template/)
shows what a good consent form says.""",
                questions=(
                    DemoQuestion(
                        text="Which of these is citizen science?",
                        answers=(
                            "Volunteers counting pollinators with a protocol, sending their"
                            " counts to researchers",
                            "A survey in which people only answer questions about themselves",
                            "Reading a popular-science magazine",
                        ),
                        correct=(0,),
                        explanation="Citizen science means the public helps produce the"
                        " knowledge; answering a survey about yourself makes you a research"
                        " subject, not a collaborator.",
                    ),
                    DemoQuestion(
                        text="What may you always do as a participant?",
                        answers=(
                            "Withdraw from the project",
                            "Ask what happens to the data you gave",
                            "Publish the project's data under your own name",
                        ),
                        correct=(0, 1),
                        explanation="Taking part is voluntary and you may ask about your data"
                        " at any time; publishing is done together, with credit for everyone.",
                    ),
                ),
            ),
        ),
    ),
    DemoModule(
        slug=DATA_QUALITY,
        title="Data quality and moderation",
        summary="How projects make data gathered by volunteers trustworthy, and how moderators"
        " check observations fairly. Required for moderators of the Rhine project.",
        description="""Four lessons, each building on the one before, with two quizzes. Take
it before you moderate observations in a project that asks for it.""",
        minutes=60,
        chained=True,
        lessons=(
            DemoLesson(
                slug="why-data-quality-matters",
                title="Why data quality matters",
                body="""Data gathered by volunteers are often questioned by reviewers and
policy makers. Studies comparing volunteers with professionals show that, with a good protocol
and training, volunteers' data are as reliable for most questions; without them they are not.

Quality is not one thing. Think about:

- **accuracy**: is a measurement close to the true value?
- **precision**: do repeated measurements agree?
- **completeness**: are the fields filled in, are the sites visited as planned?
- **consistency**: does everyone measure in the same way?

A project decides beforehand which of these matter most for its question, and designs for
them. See the hub's guide on
[data quality in volunteer monitoring](/hub/data-quality-volunteer-monitoring/).""",
            ),
            DemoLesson(
                slug="designing-for-quality",
                title="Designing for quality",
                pass_mark=70,
                body="""Most quality is won before the first observation is made.

1. **A written protocol** that a newcomer can follow without asking.
2. **Training**, with a test round whose results are discussed.
3. **Forms that check as you type**: ranges, required fields, units.
4. **Duplicate samples**: every so often two people measure the same thing.
5. **Calibration** of equipment, with the dates recorded.

Keep a log of changes to the protocol: data from before and after a change may not be
comparable. The hub's [field protocol template](/hub/field-protocol-template/) has a section
for each of these.""",
                questions=(
                    DemoQuestion(
                        text="Which measure shows whether volunteers measure consistently?",
                        answers=(
                            "Duplicate samples by two people",
                            "A larger number of volunteers",
                            "A longer project",
                        ),
                        correct=(0,),
                        explanation="Duplicates measure the agreement between people directly;"
                        " more volunteers or a longer project do not.",
                    ),
                    DemoQuestion(
                        text="Which belong in a good protocol?",
                        answers=(
                            "Step-by-step instructions a newcomer can follow",
                            "What to do when something unexpected happens",
                            "The expected results, so volunteers know what to find",
                        ),
                        correct=(0, 1),
                        explanation="Telling volunteers what to expect biases what they"
                        " record; instructions and what to do when things go wrong help.",
                    ),
                    DemoQuestion(
                        text="You change the protocol halfway through a season. What now?",
                        answers=(
                            "Record the date and the change in the protocol log",
                            "Delete the data gathered before the change",
                            "Nothing: volunteers will adapt",
                        ),
                        correct=(0,),
                        explanation="The log lets analysts treat the data before and after the"
                        " change separately, without throwing anything away.",
                    ),
                ),
            ),
            DemoLesson(
                slug="moderating-observations",
                title="Moderating observations fairly",
                body="""Moderators check observations before they count. In cslab an
observation is pending, accepted, flagged or rejected.

- **Accept** what follows the protocol and is plausible.
- **Flag** what needs a second look, with a note the observer can read.
- **Reject** only with a reason, and never for being unusual alone: rare events are often
  the most interesting.

Plausibility warnings (an unusual count, a point far outside the project area) are hints,
not verdicts. When in doubt, ask the observer: most people are glad to explain, and they
learn from the question. Read the hub's
[guide on data quality](/hub/data-quality-volunteer-monitoring/) for examples.""",
            ),
            DemoLesson(
                slug="feedback-to-volunteers",
                title="Giving feedback to volunteers",
                pass_mark=50,
                body="""Volunteers who hear what happened to their data stay longer and
measure better.

- Tell each person when an observation is rejected, and why, in plain words.
- Share summaries: how many observations, what they showed, what is still unknown.
- Thank people by name where they agree to it.

A short message after each season does more than a long report at the end. The hub's
guide on [feeding back results](/hub/feeding-back-results/) has examples that worked.""",
                questions=(
                    DemoQuestion(
                        text="An observation shows a species never recorded in the area. You"
                        " should…",
                        answers=(
                            "Reject it: it is implausible",
                            "Flag it and ask the observer for a photo or details",
                            "Accept it without checking",
                        ),
                        correct=(1,),
                        explanation="Unusual is not wrong. Asking for evidence keeps a"
                        " possibly important record and teaches both sides.",
                    ),
                    DemoQuestion(
                        text="What helps keep volunteers taking part?",
                        answers=(
                            "Feedback on what their data showed",
                            "Reasons when their observations are rejected",
                            "Asking for more observations every week without feedback",
                        ),
                        correct=(0, 1),
                        explanation="People stay when they see their work matters and"
                        " understand the decisions about it.",
                    ),
                ),
            ),
        ),
    ),
    DemoModule(
        slug=SPECIES,
        title="Species identification basics",
        summary="Photograph, identify and check: the basics of recording species that experts"
        " (and apps) can verify.",
        description="""Three lessons for volunteers in biodiversity projects, ending with a
short quiz. Follows the Lab's training session at Naturalis.""",
        minutes=25,
        lessons=(
            DemoLesson(
                slug="photos-that-can-be-identified",
                title="Photos that can be identified",
                body="""An identification is only as good as the evidence. A few habits make
your photos useful:

- take **several photos** from different sides: top, side, and underside if you can;
- include the **features that matter**: for a bee the wings and legs, for a plant the leaves
  and the flower;
- add something for **scale**, like a coin or your finger;
- keep the **date, time and place** (the app usually does this for you).

Blurry but complete beats sharp but partial. The
[butterfly garden count](/hub/butterfly-garden-count/) method card shows which photos it asks
for.""",
            ),
            DemoLesson(
                slug="apps-and-experts",
                title="Apps and experts",
                body="""Image-recognition apps such as ObsIdentify and iNaturalist suggest a
species from your photo. They are right most of the time for common species and much less often
for rare ones or for groups that look alike (many bees and hoverflies).

1. Take the suggestion as a **hypothesis**.
2. Compare with a field guide or the species page.
3. Let the community or an expert **verify** it.

The hub's tool page on [iNaturalist for projects](/hub/inaturalist-for-projects/) shows how a
project collects identifications there.""",
            ),
            DemoLesson(
                slug="common-confusions",
                title="Common confusions",
                pass_mark=50,
                body="""Some species are confused all the time. Three to know in Dutch
gardens:

- **Hoverflies and bees**: hoverflies have one pair of wings, short antennae and large eyes
  that almost meet; bees have two pairs of wings and longer antennae.
- **Honeybee and buff-tailed bumblebee**: the honeybee is slimmer and less hairy.
- **Small white and green-veined white**: look at the underside of the hind wing for the
  green-grey veins.

When you are not sure, record the group (for example "hoverfly") rather than guessing the
species. The [pollinator timed count](/hub/pollinator-timed-count/) uses exactly these
groups.""",
                questions=(
                    DemoQuestion(
                        text="How do you tell a hoverfly from a bee?",
                        answers=(
                            "A hoverfly has one pair of wings",
                            "A hoverfly is always larger",
                            "A hoverfly has long antennae",
                        ),
                        correct=(0,),
                        explanation="Hoverflies are true flies: one pair of wings, short"
                        " antennae, large eyes.",
                    ),
                    DemoQuestion(
                        text="What makes a photo easier to identify?",
                        answers=(
                            "Several angles of the animal or plant",
                            "Something in the picture for scale",
                            "A strong filter to make the colours brighter",
                        ),
                        correct=(0, 1),
                        explanation="Angles and scale show the features experts use; filters"
                        " change the colours they rely on.",
                    ),
                ),
            ),
        ),
    ),
)

# Progress: (e-mail, module slug, how many lessons done from the start).
PROGRESS = (
    ("researcher@demo.cslab.test", DATA_QUALITY, 4),
    ("ngo@demo.cslab.test", DATA_QUALITY, 2),
    ("student@demo.cslab.test", INTRODUCTION, 2),
    ("student@demo.cslab.test", SPECIES, 3),
    ("volunteer@demo.cslab.test", SPECIES, 1),
    ("organiser@demo.cslab.test", INTRODUCTION, 1),
)
# Certificates (e-mail, module slug, shown on the profile). Each has every lesson done above.
CERTIFICATES = (
    ("researcher@demo.cslab.test", DATA_QUALITY, True),
    ("student@demo.cslab.test", SPECIES, False),
)
# In the Rhine project, moderators complete "Data quality and moderation" first.
ROLE_REQUIREMENTS = (("rhine-water", ProjectRole.MODERATOR, DATA_QUALITY),)


def load_demo_training() -> list[DemoLogin]:
    """Store whatever demo modules, progress, certificates and requirements are missing."""
    people = {user.email: user for user in User.objects.filter(email__endswith="@demo.cslab.test")}
    if TRAINER not in people:
        return []
    now = timezone.now()
    existing = set(
        TrainingModule.objects.filter(slug__in=[m.slug for m in MODULES]).values_list(
            "slug", flat=True
        )
    )
    for number, demo in enumerate(MODULES):
        if demo.slug not in existing:
            _store_module(demo, number, people[TRAINER], now)
    modules = {module.slug: module for module in TrainingModule.objects.all()}
    _store_progress(people, modules, now)
    _store_requirements(modules)
    return []


@transaction.atomic
def _store_module(demo: DemoModule, number: int, trainer: User, now: datetime) -> TrainingModule:
    published_at = now - timedelta(days=90 - 20 * number)
    module = TrainingModule(
        slug=demo.slug,
        title=demo.title,
        summary=demo.summary,
        description=demo.description,
        estimated_minutes=demo.minutes,
        status=TrainingModule.Status.PUBLISHED,
        created_by=trainer,
        published_at=published_at,
    )
    module.full_clean(validate_unique=False, validate_constraints=False)
    module.save()
    previous: Lesson | None = None
    for position, item in enumerate(demo.lessons):
        lesson = Lesson(
            module=module,
            slug=item.slug,
            title=item.title,
            body=item.body,
            video_url=item.video_url,
            pass_mark_percent=item.pass_mark,
            position=position,
        )
        lesson.full_clean(validate_unique=False, validate_constraints=False)
        lesson.save()
        if demo.chained and previous is not None:
            lesson.prerequisites.add(previous)
        for order, question in enumerate(item.questions):
            stored = QuizQuestion.objects.create(
                lesson=lesson,
                text=question.text,
                kind=(
                    QuizQuestion.Kind.MULTIPLE
                    if len(question.correct) > 1
                    else QuizQuestion.Kind.SINGLE
                ),
                explanation=question.explanation,
                position=order,
            )
            QuizChoice.objects.bulk_create(
                QuizChoice(
                    question=stored,
                    text=answer,
                    correct=index in question.correct,
                    position=index,
                )
                for index, answer in enumerate(question.answers)
            )
        previous = lesson
    return module


def _right_answers(lesson: Lesson) -> dict[str, list[int]]:
    return {
        str(question.pk): [choice.pk for choice in question.choices.all() if choice.correct]
        for question in lesson.questions.prefetch_related("choices")
    }


@transaction.atomic
def _store_progress(
    people: dict[str, User], modules: dict[str, TrainingModule], now: datetime
) -> None:
    for number, (email, slug, done) in enumerate(PROGRESS):
        user, module = people.get(email), modules.get(slug)
        if user is None or module is None:
            continue
        lessons = list(module.lessons.order_by("position", "id")[:done])
        for index, lesson in enumerate(lessons):
            if LessonCompletion.objects.filter(user=user, lesson=lesson).exists():
                continue
            moment = now - timedelta(days=30 - 3 * index - number, hours=index)
            if lesson.has_quiz:
                right = _right_answers(lesson)
                count = len(right)
                if (number + index) % 2 == 0 and count > 1:
                    # A first try that missed one question, then a pass.
                    wrong = dict(right)
                    wrong[next(iter(wrong))] = []
                    _attempt(user, lesson, wrong, count - 1, count, moment - timedelta(hours=1))
                _attempt(user, lesson, right, count, count, moment)
            completion = LessonCompletion.objects.create(user=user, lesson=lesson)
            LessonCompletion.objects.filter(pk=completion.pk).update(completed_at=moment)
    for email, slug, shown in CERTIFICATES:
        user, module = people.get(email), modules.get(slug)
        if user is None or module is None:
            continue
        if Certificate.objects.filter(user=user, module=module).exists():
            continue
        certificate = Certificate.objects.create(
            user=user,
            module=module,
            holder_name=user.display_name or user.email,
            module_title=module.title,
            show_on_profile=shown,
        )
        Certificate.objects.filter(pk=certificate.pk).update(issued_at=now - timedelta(days=12))


def _attempt(
    user: User,
    lesson: Lesson,
    answers: dict[str, list[int]],
    correct: int,
    count: int,
    moment: datetime,
) -> None:
    score = round(100 * correct / count) if count else 100
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        answers=answers,
        correct_count=correct,
        question_count=count,
        score_percent=score,
        passed=score >= (lesson.pass_mark_percent or 0),
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(created_at=moment)


def _store_requirements(modules: dict[str, TrainingModule]) -> None:
    projects = {
        project.external_id: project for project in Project.objects.filter(origin=DEMO_ORIGIN)
    }
    for key, role, slug in ROLE_REQUIREMENTS:
        if key in projects and slug in modules:
            RoleRequirement.objects.get_or_create(
                project=projects[key], role=role, module=modules[slug]
            )
