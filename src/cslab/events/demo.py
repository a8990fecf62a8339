"""The demo events: twelve webinars, workshops, training sessions, meet-ups and conference
sessions of the Lab and its projects, past and upcoming, two of them full with a waiting list.

Stored through the ORM directly (like the hub's demo), keyed by slug: an event that exists is
left as it is, with its sessions, people, registrations and feedback, so a second load adds
nothing and moves nothing. Times are relative to the moment of the first load: upcoming events
lie 4 to 90 days ahead, so they stay upcoming for weeks; a fresh demo database (`make demo` after
removing `var/`) puts them ahead again. The seat counters are counted from the registration rows
they stand for, exactly as the registration services keep them.

The demo people, projects and hub come from the loaders that run before; the extra participants
who fill the full events (`participant01@demo.cslab.test`, ...) are made here, with the demo
password.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cslab.accounts.demo import DEMO_PASSWORD
from cslab.accounts.models import User
from cslab.accounts.services.users import user_create
from cslab.core.demo import DemoLogin
from cslab.events.models import (
    Event,
    EventFeedback,
    EventPerson,
    EventProject,
    EventResource,
    EventSession,
    EventTag,
    Registration,
)
from cslab.events.vocabulary import (
    AttendanceMode,
    EventKind,
    EventPersonRole,
    EventResourceRelation,
    EventTagKind,
)
from cslab.hub.models import Resource
from cslab.projects.models import Project

DEMO_ORIGIN = "cslab-demo"
DEMO_DOMAIN = "@demo.cslab.test"
LAB_ZONE = ZoneInfo("Europe/Amsterdam")
VOLUNTEER = "volunteer@demo.cslab.test"
# The upcoming, full workshop on which the browser journey puts volunteer@ on the waiting list.
JOURNEY_WORKSHOP = "pollinator-count-workshop"

# Extra participants who fill the full events: (local part, display name).
PARTICIPANTS = (
    ("participant01", "Sanne de Vries"),
    ("participant02", "Daan Mulder"),
    ("participant03", "Fleur Hendriks"),
    ("participant04", "Bram van Dijk"),
    ("participant05", "Yasmin Achahbar"),
    ("participant06", "Jeroen Kok"),
    ("participant07", "Lotte Meijer"),
    ("participant08", "Ruben de Graaf"),
    ("participant09", "Ilse Bos"),
    ("participant10", "Mohamed Bouzid"),
    ("participant11", "Eva Smits"),
    ("participant12", "Thijs van Leeuwen"),
    ("participant13", "Nina Dekker"),
    ("participant14", "Koen Brouwer"),
    ("participant15", "Aylin Yilmaz"),
    ("participant16", "Wouter de Wit"),
    ("participant17", "Marloes Dijkstra"),
    ("participant18", "Stefan Vermeulen"),
    ("participant19", "Priya Ramdin"),
    ("participant20", "Jasper Peters"),
    ("participant21", "Iris van den Berg"),
    ("participant22", "Tim Jacobs"),
    ("participant23", "Maud Schouten"),
    ("participant24", "Gijs Verbeek"),
    ("participant25", "Hanna Kuipers"),
    ("participant26", "Omar El Idrissi"),
)

COMMENTS = (
    "Clear and practical; I could use the checklist the next day.",
    "More time for questions, please. The examples were great.",
    "The venue was hard to find; the content was excellent.",
    "Good mix of theory and hands-on work.",
    "A bit too fast for a beginner like me.",
    "",
    "Loved hearing from the volunteers themselves.",
    "Please share the slides before the session next time.",
    "",
    "The breakout groups were the best part.",
)
# A realistic spread: mostly 4s and 5s, some 3s, the odd 2 and 1.
SCORES = (5, 4, 5, 4, 3, 5, 4, 2, 4, 5, 3, 4, 1, 5, 4)


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    latitude: float
    longitude: float


HORTUS = Venue("Hortus botanicus Leiden", "Rapenburg 73, 2311 GJ Leiden", 52.1575, 4.4855)
NATURALIS = Venue("Naturalis Biodiversity Center", "Darwinweg 2, 2333 CR Leiden", 52.1652, 4.4735)
UB_UTRECHT = Venue(
    "University Library Utrecht Science Park", "Heidelberglaan 3, 3584 CS Utrecht", 52.0867, 5.1775
)
TIVOLI = Venue("TivoliVredenburg", "Vredenburgkade 11, 3511 WC Utrecht", 52.0925, 5.1133)
OBA = Venue("OBA Oosterdok", "Oosterdokskade 143, 1011 DL Amsterdam", 52.3757, 4.9081)
ZWIJGER = Venue("Pakhuis de Zwijger", "Piet Heinkade 179, 1019 HC Amsterdam", 52.3767, 4.9217)


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    kind: str
    mode: str
    title: str
    summary: str
    description: str
    # Days from today (negative: past) and the local start hour of each session, with its length.
    sessions: tuple[tuple[int, int], ...]
    hours: float = 2
    venue: Venue | None = None
    project: str = ""
    language: str = "en"
    capacity: int | None = None
    # How many take a place (up to the capacity) and how many wait; who, from the pool.
    registered: int = 0
    waitlisted: int = 0
    organisers: tuple[str, ...] = ()
    speakers: tuple[tuple[str, str], ...] = ()
    faculties: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    recording: str = ""
    about_projects: tuple[str, ...] = ()
    dietary: bool = False
    organisation: bool = False
    cancelled: str = ""
    # Demo people (e-mails) who have a place, before the pool's participants.
    people: tuple[str, ...] = ()
    excluded: tuple[str, ...] = field(default=())


EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        slug="webinar-protocol-with-volunteers",
        kind=EventKind.WEBINAR,
        mode=AttendanceMode.ONLINE,
        title="Designing a protocol together with volunteers",
        summary="How a pollinator project rewrote its field protocol with the volunteers after a"
        " pilot season in which half the counts were unusable.",
        description="""A researcher and two volunteers of the *Pollinators of Leiden gardens*
project tell how the first protocol failed and how they fixed it together.

- what went wrong in the pilot season;
- the volunteers' workshop and what they changed;
- testing the new protocol, and what it cost.

The recording and the slides are in the [knowledge hub](/hub/).""",
        sessions=((-45, 15),),
        hours=1,
        capacity=100,
        registered=22,
        organisers=("trainer@demo.cslab.test",),
        speakers=(
            ("researcher@demo.cslab.test", "Leiden University"),
            ("Joke Verhoef", "Volunteer, Pollinators of Leiden gardens"),
        ),
        faculties=("science",),
        domains=("biodiversity",),
        audiences=("researchers", "community_organisers"),
        materials=("field-protocol-template",),
        recording="webinar-protocol-with-volunteers",
        about_projects=("pollinators",),
        people=("volunteer@demo.cslab.test", "student@demo.cslab.test", "ngo@demo.cslab.test"),
    ),
    DemoEvent(
        slug="workshop-question-to-protocol",
        kind=EventKind.WORKSHOP,
        mode=AttendanceMode.IN_PERSON,
        title="From research question to protocol",
        summary="A hands-on afternoon: turn a question your community cares about into a"
        " protocol volunteers can follow.",
        description="""Bring a question; leave with a draft protocol. In small groups we work
through the Lab's research-question worksheet and the field-protocol template.

1. Sharpen the question (45 minutes).
2. Choose what to measure and how often (60 minutes).
3. Test the draft on each other (45 minutes).

Coffee, tea and a vegetarian lunch are provided.""",
        sessions=((-20, 13),),
        hours=4,
        venue=UB_UTRECHT,
        capacity=12,
        registered=12,
        organisers=("trainer@demo.cslab.test", "staff@demo.cslab.test"),
        faculties=("science", "social_sciences"),
        domains=("education", "social"),
        audiences=("researchers", "community_organisers"),
        materials=("research-question-worksheet", "field-protocol-template"),
        dietary=True,
        organisation=True,
        people=("organiser@demo.cslab.test", "health.researcher@demo.cslab.test"),
    ),
    DemoEvent(
        slug=JOURNEY_WORKSHOP,
        kind=EventKind.WORKSHOP,
        mode=AttendanceMode.IN_PERSON,
        title="Counting pollinators: a workshop in the Hortus",
        summary="Learn the 15-minute pollinator count in the Hortus garden, with the researchers"
        " of the Pollinators of Leiden gardens project.",
        description="""An afternoon in the garden of the Hortus botanicus. After a short
introduction indoors we go outside in pairs and count.

- telling bees, hoverflies and butterflies apart;
- the 15-minute timed count, step by step;
- sending in a count with the web form or ODK Collect.

Wear shoes for the garden; we count in any weather but heavy rain. See the
[method card](/hub/pollinator-timed-count/) beforehand.""",
        sessions=((21, 13),),
        hours=3,
        venue=HORTUS,
        project="pollinators",
        capacity=12,
        registered=12,
        waitlisted=3,
        organisers=("researcher@demo.cslab.test",),
        speakers=(("Joke Verhoef", "Volunteer, Pollinators of Leiden gardens"),),
        faculties=("science",),
        domains=("biodiversity",),
        audiences=("volunteers", "general_public"),
        materials=("pollinator-timed-count",),
        dietary=True,
        people=("student@demo.cslab.test",),
        excluded=(VOLUNTEER,),
    ),
    DemoEvent(
        slug="data-quality-course",
        kind=EventKind.TRAINING,
        mode=AttendanceMode.HYBRID,
        title="Data quality in volunteer monitoring: a three-part course",
        summary="Three evenings on checking, cleaning and moderating data that volunteers"
        " gather, in Utrecht and online.",
        description="""A short course in three sessions for project leads and moderators.

1. **Designing for quality**: duplicate samples, calibration and training.
2. **Checking**: plausibility warnings, outliers and the moderation queue.
3. **Reporting**: what to tell volunteers about their data, and how.

Take part in the room or online; the joining link comes with your registration. The
training module *Data quality and moderation* covers the same ground at your own pace.""",
        sessions=((10, 19), (17, 19), (24, 19)),
        hours=2,
        venue=UB_UTRECHT,
        project="rhine-water",
        capacity=25,
        registered=14,
        organisers=("trainer@demo.cslab.test", "ngo@demo.cslab.test"),
        speakers=(("Dr. Femke Hoogendoorn", "Water board Hollands Noorderkwartier"),),
        faculties=("science",),
        domains=("water", "environment"),
        audiences=("researchers", "community_organisers", "volunteers"),
        materials=("data-quality-volunteer-monitoring", "river-test-kit-sampling"),
        organisation=True,
        people=(VOLUNTEER,),
    ),
    DemoEvent(
        slug="citizen-science-cafe-amsterdam",
        kind=EventKind.MEETUP,
        mode=AttendanceMode.IN_PERSON,
        title="Citizen science café Amsterdam",
        summary="An informal evening for anyone curious about citizen science: short talks,"
        " drinks and people to start a project with.",
        description="""Three five-minute talks by people who run a project, then drinks and
conversation. Bring your idea for a project: Lab staff are there to help you start.

- *Counting butterflies in your garden*
- *Transcribing 18th-century ship logs*
- *Measuring heat in your street*""",
        sessions=((14, 19),),
        hours=2.5,
        venue=OBA,
        capacity=20,
        registered=20,
        waitlisted=4,
        organisers=("staff@demo.cslab.test",),
        speakers=(("Anouk Vermeer", "Amsterdam Butterfly Count"),),
        faculties=("other",),
        domains=("biodiversity", "heritage", "climate"),
        audiences=("general_public", "volunteers"),
        people=(VOLUNTEER, "organiser@demo.cslab.test"),
    ),
    DemoEvent(
        slug="open-science-festival-session",
        kind=EventKind.CONFERENCE_SESSION,
        mode=AttendanceMode.HYBRID,
        title="Citizen science at the Open Science Festival",
        summary="The Lab's session at the Open Science Festival: what a university gains when"
        " citizens set the research agenda.",
        description="""A 60-minute session at the Open Science Festival in Utrecht, also
streamed. Two researchers and a community organiser discuss crowdsourced research questions
and what came of them.

Festival registration is separate; registering here reserves a seat in the session room.""",
        sessions=((40, 11),),
        hours=1,
        venue=TIVOLI,
        capacity=80,
        registered=9,
        organisers=("staff@demo.cslab.test",),
        speakers=(
            ("researcher@demo.cslab.test", "Leiden University"),
            ("organiser@demo.cslab.test", "Leiden-Noord Neighbourhood Association"),
        ),
        faculties=("science", "social_sciences"),
        domains=("social",),
        audiences=("researchers", "policy_makers"),
        materials=("ten-principles-in-practice",),
    ),
    DemoEvent(
        slug="webinar-ethics-applications",
        kind=EventKind.WEBINAR,
        mode=AttendanceMode.ONLINE,
        title="Ethics applications for citizen-science projects",
        summary="What an ethics committee asks of a project with volunteers, and how the Lab's"
        " template answers it.",
        description="""A walk through the ethics application template with a member of the
faculty ethics committee.""",
        sessions=((9, 12),),
        hours=1,
        capacity=60,
        organisers=("staff@demo.cslab.test",),
        speakers=(("Dr. Rachid Ouali", "Faculty ethics committee"),),
        faculties=("medicine", "social_sciences"),
        domains=("health",),
        audiences=("researchers",),
        materials=("ethics-application-template",),
        registered=6,
        cancelled="The speaker is ill. We will announce a new date in the spring programme;"
        " everyone who registered has been told.",
    ),
    DemoEvent(
        slug="species-identification-training",
        kind=EventKind.TRAINING,
        mode=AttendanceMode.IN_PERSON,
        title="Identifying species with ObsIdentify and iNaturalist",
        summary="A morning at Naturalis: photograph, identify and check your identifications with"
        " the apps the projects use.",
        description="""With the collection managers of Naturalis.

- taking photos an expert (or an algorithm) can identify;
- ObsIdentify and iNaturalist side by side;
- when to trust a suggestion and when to ask.

Follow the training module *Species identification basics* before or after.""",
        sessions=((-9, 10),),
        hours=3,
        venue=NATURALIS,
        capacity=18,
        registered=15,
        organisers=("trainer@demo.cslab.test",),
        speakers=(("Dr. Bas Willems", "Naturalis Biodiversity Center"),),
        faculties=("science",),
        domains=("biodiversity",),
        audiences=("volunteers", "students"),
        materials=("inaturalist-for-projects", "obsidentify-invasive-plants"),
        about_projects=("pollinators",),
        people=(VOLUNTEER, "student@demo.cslab.test"),
    ),
    DemoEvent(
        slug="webinar-burgerwetenschap-in-de-klas",
        kind=EventKind.WEBINAR,
        mode=AttendanceMode.ONLINE,
        title="Burgerwetenschap in de klas",
        summary="Hoe je met je leerlingen meedoet aan echt onderzoek: het lespakket voor het"
        " voortgezet onderwijs in een uur.",
        description="""Een webinar voor docenten in het voortgezet onderwijs.

- welke projecten geschikt zijn voor een klas;
- hoe je het lespakket gebruikt, les voor les;
- toestemming van ouders en privacy.

Het lespakket staat in de [kennisbank](/hub/).""",
        sessions=((30, 16),),
        hours=1,
        language="nl",
        capacity=150,
        registered=11,
        organisers=("trainer@demo.cslab.test",),
        speakers=(("Marjolein Post", "Docent biologie, Stedelijk Gymnasium Leiden"),),
        faculties=("social_sciences",),
        domains=("education",),
        audiences=("educators",),
        materials=("lespakket-voortgezet-onderwijs",),
    ),
    DemoEvent(
        slug="rhine-volunteers-evening",
        kind=EventKind.MEETUP,
        mode=AttendanceMode.HYBRID,
        title="River Rhine volunteers' evening",
        summary="The sampling teams of the Rhine project meet: this year's results, the new test"
        " kits and next season's rota.",
        description="""Once a year the sampling teams meet. This year:

- the nitrate and phosphate results of 2025, team by team;
- the new test kits, tried out at the tables;
- the rota for next season.

Join online if the river is too far.""",
        sessions=((-30, 19),),
        hours=2,
        venue=UB_UTRECHT,
        project="rhine-water",
        capacity=40,
        registered=18,
        organisers=("ngo@demo.cslab.test",),
        faculties=("science",),
        domains=("water",),
        audiences=("volunteers",),
        materials=("dataset-rhine-nitrate-2023-2026",),
        people=("student@demo.cslab.test",),
    ),
    DemoEvent(
        slug="webinar-working-with-patient-organisations",
        kind=EventKind.WEBINAR,
        mode=AttendanceMode.ONLINE,
        title="Working with patient organisations",
        summary="Lessons from the air-quality project: involving people with asthma and COPD"
        " from the first question to the results.",
        description="""Researchers and patient representatives of *Breathing easier* on
co-creating a health study: the advisory board, the symptom diary, and paying people for their
time.""",
        sessions=((5, 12),),
        hours=1,
        project="air-quality",
        registered=7,
        organisers=("health.researcher@demo.cslab.test",),
        speakers=(("Ria Dekker", "Longfonds patient panel"),),
        faculties=("medicine",),
        domains=("health", "environment"),
        audiences=("researchers", "community_organisers"),
        materials=("working-with-patient-organisations", "symptom-diary-method"),
        people=("ngo@demo.cslab.test",),
    ),
    DemoEvent(
        slug="dutch-citizen-science-conference-session",
        kind=EventKind.CONFERENCE_SESSION,
        mode=AttendanceMode.IN_PERSON,
        title="Ship logs and climate: a session at the Dutch citizen-science conference",
        summary="What 400 volunteers found in 18th-century ship logs, presented at the national"
        " citizen-science conference in Amsterdam.",
        description="""A 45-minute session with the *Ship logs* team: how double keying
worked, what the weather records say about past climate, and what the volunteers thought.""",
        sessions=((-60, 14),),
        hours=0.75,
        venue=ZWIJGER,
        project="ship-logs",
        capacity=60,
        registered=16,
        organisers=("staff@demo.cslab.test", "researcher@demo.cslab.test"),
        speakers=(("Dr. Henk Brinkman", "Maritime historian"),),
        faculties=("humanities",),
        domains=("heritage", "climate"),
        audiences=("researchers", "general_public"),
        materials=("transcription-double-keying", "case-ship-logs"),
        about_projects=("ship-logs",),
        people=("student@demo.cslab.test",),
    ),
)


def load_demo_events() -> list[DemoLogin]:
    """Store whatever demo events are missing. Returns no log-ins: the participants share the
    demo password but are not listed."""
    people = {user.email: user for user in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    if "staff@demo.cslab.test" not in people:
        return []
    for user in _participants(people):
        people[user.email] = user
    projects = {
        project.external_id: project for project in Project.objects.filter(origin=DEMO_ORIGIN)
    }
    now = timezone.now()
    existing = set(
        Event.objects.filter(slug__in=[e.slug for e in EVENTS]).values_list("slug", flat=True)
    )
    for number, demo in enumerate(EVENTS):
        if demo.slug not in existing:
            _store_event(demo, number, people, projects, now)
    return []


def _participants(people: dict[str, User]) -> list[User]:
    made = []
    for local, name in PARTICIPANTS:
        email = f"{local}{DEMO_DOMAIN}"
        if email not in people:
            made.append(
                user_create(
                    actor=None,
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    bio="Takes part in the Lab's events.",
                )
            )
    return made


def _moment(now: datetime, days: int, hour: int) -> datetime:
    """`days` from today at `hour` o'clock in Amsterdam, in UTC."""
    day = now.astimezone(LAB_ZONE).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=LAB_ZONE).astimezone(ZoneInfo("UTC"))


def _pool(demo: DemoEvent, people: dict[str, User]) -> list[User]:
    """Who registers, in order: the named demo people, then the participants."""
    named = [people[email] for email in demo.people if email in people]
    extras = [
        people[f"{local}{DEMO_DOMAIN}"]
        for local, _name in PARTICIPANTS
        if f"{local}{DEMO_DOMAIN}" in people
    ]
    # Each event starts at another place in the participant list, so people differ per event.
    shift = (len(demo.slug) * 7) % len(extras) if extras else 0
    extras = extras[shift:] + extras[:shift]
    chosen = [user for user in named + extras if user.email not in demo.excluded]
    return chosen


@transaction.atomic
def _store_event(
    demo: DemoEvent,
    number: int,
    people: dict[str, User],
    projects: dict[str, Project],
    now: datetime,
) -> Event:
    starts = [_moment(now, days, hour) for days, hour in demo.sessions]
    length = timedelta(minutes=round(demo.hours * 60))
    first, last_end = starts[0], starts[-1] + length
    published_at = min(now, first) - timedelta(days=28 + number)
    project = projects.get(demo.project) if demo.project else None
    creator = people.get(demo.organisers[0]) if demo.organisers else people["staff@demo.cslab.test"]
    venue = demo.venue
    event = Event(
        slug=demo.slug,
        kind=demo.kind,
        attendance_mode=demo.mode,
        title=demo.title,
        summary=demo.summary,
        description=demo.description,
        language=demo.language,
        project=project,
        capacity=demo.capacity,
        registration_closes_at=first - timedelta(days=1) if demo.capacity else None,
        ask_dietary_needs=demo.dietary,
        ask_accessibility_needs=True,
        ask_organisation=demo.organisation,
        status=Event.Status.CANCELLED if demo.cancelled else Event.Status.PUBLISHED,
        cancellation_reason=demo.cancelled,
        created_by=creator,
        published_at=published_at,
    )
    if demo.mode != AttendanceMode.IN_PERSON:
        event.online_url = f"https://meet.demo.cslab.test/{demo.slug}"
        event.online_details = "Meeting ID 482 991 307, passcode 2026. Dial in: +31 20 123 4567."
    if venue is not None and demo.mode != AttendanceMode.ONLINE:
        event.venue_name = venue.name
        event.venue_address = venue.address
        event.latitude = venue.latitude
        event.longitude = venue.longitude
    event.full_clean(validate_unique=False, validate_constraints=False)
    event.save()
    Event.objects.filter(pk=event.pk).update(
        starts_at=first, ends_at=last_end, created_at=published_at - timedelta(days=2)
    )
    event.starts_at, event.ends_at = first, last_end
    series = len(starts) > 1
    EventSession.objects.bulk_create(
        EventSession(
            event=event,
            title=f"Part {position + 1}" if series else "",
            starts_at=start,
            ends_at=start + length,
            position=position,
        )
        for position, start in enumerate(starts)
    )
    tags = {
        EventTagKind.FACULTY: demo.faculties,
        EventTagKind.DOMAIN: demo.domains,
        EventTagKind.AUDIENCE: demo.audiences,
    }
    EventTag.objects.bulk_create(
        EventTag(event=event, kind=kind, value=value)
        for kind, values in tags.items()
        for value in values
    )
    _store_people(event, demo, people)
    _store_links(event, demo, projects)
    _store_registrations(event, demo, people, published_at, first, now)
    return event


def _store_people(event: Event, demo: DemoEvent, people: dict[str, User]) -> None:
    rows = []
    for position, email in enumerate(demo.organisers):
        user = people.get(email)
        if user is not None:
            rows.append(
                EventPerson(
                    event=event,
                    user=user,
                    name=user.display_name or email,
                    role=EventPersonRole.ORGANISER,
                    position=position,
                )
            )
    for position, (who, affiliation) in enumerate(demo.speakers):
        user = people.get(who) if "@" in who else None
        if "@" in who and user is None:
            continue
        rows.append(
            EventPerson(
                event=event,
                user=user,
                name=user.display_name if user is not None else who,
                role=EventPersonRole.SPEAKER,
                affiliation=affiliation,
                position=position,
            )
        )
    EventPerson.objects.bulk_create(rows)


def _store_links(event: Event, demo: DemoEvent, projects: dict[str, Project]) -> None:
    slugs = [*demo.materials, *([demo.recording] if demo.recording else [])]
    resources = {
        resource.slug: resource
        for resource in Resource.objects.filter(slug__in=slugs, status=Resource.Status.PUBLISHED)
    }
    links = [
        EventResource(
            event=event,
            resource=resources[slug],
            relation=EventResourceRelation.MATERIAL,
            position=position,
        )
        for position, slug in enumerate(demo.materials)
        if slug in resources
    ]
    if demo.recording in resources:
        links.append(
            EventResource(
                event=event,
                resource=resources[demo.recording],
                relation=EventResourceRelation.RECORDING,
                position=len(links),
            )
        )
    EventResource.objects.bulk_create(links)
    EventProject.objects.bulk_create(
        EventProject(event=event, project=projects[key])
        for key in demo.about_projects
        if key in projects
    )


def _store_registrations(
    event: Event,
    demo: DemoEvent,
    people: dict[str, User],
    published_at: datetime,
    first: datetime,
    now: datetime,
) -> None:
    pool = _pool(demo, people)
    places = demo.registered if demo.capacity is None else min(demo.registered, demo.capacity)
    placed, waiting = pool[:places], pool[places : places + demo.waitlisted]
    past = event.ends_at is not None and event.ends_at < now
    span = max(first, published_at + timedelta(days=1)) - published_at
    organiser = event.created_by
    cancelled = event.status == Event.Status.CANCELLED
    for index, user in enumerate(placed + waiting):
        on_list = index >= len(placed)
        # Sign-ups spread from publication towards the start, the waiting list last.
        moment = min(now, published_at + span * ((index + 1) / (len(placed) + len(waiting) + 2)))
        attended = past and index % 6 != 5  # about one in six did not come
        status = Registration.Status.WAITLISTED if on_list else Registration.Status.REGISTERED
        if cancelled:
            # Cancelling the event cancelled every place; the rows stay as history.
            status = Registration.Status.CANCELLED
        registration = Registration.objects.create(
            event=event,
            user=user,
            status=status,
            registered_at=None if on_list else moment,
            cancelled_at=now if cancelled else None,
            waitlisted_at=moment if on_list else None,
            dietary_needs=("Vegetarian" if index % 4 == 0 else "") if demo.dietary else "",
            accessibility_needs="Step-free access, please." if index % 9 == 3 else "",
            organisation=(
                ("Leiden University" if index % 3 else "IVN Natuureducatie")
                if demo.organisation
                else ""
            ),
            contact_consent=index % 3 != 2,
            attended_at=first + timedelta(minutes=5) if attended and not on_list else None,
            attendance_marked_by=organiser if attended and not on_list else None,
        )
        Registration.objects.filter(pk=registration.pk).update(created_at=moment)
        if attended and not on_list and index % 10 < 7:
            score = SCORES[(index + len(demo.slug)) % len(SCORES)]
            feedback = EventFeedback.objects.create(
                event=event,
                user=user,
                overall=score,
                usefulness=max(1, min(5, score + (index % 3) - 1)),
                would_recommend=score >= 3,
                comment=COMMENTS[(index + len(demo.slug)) % len(COMMENTS)],
            )
            EventFeedback.objects.filter(pk=feedback.pk).update(
                created_at=(event.ends_at or first) + timedelta(hours=2 + index)
            )
    # The counters stand for the rows, as the registration services keep them.
    if not cancelled:
        Event.objects.filter(pk=event.pk).update(
            registered_count=len(placed), waitlist_count=len(waiting)
        )
