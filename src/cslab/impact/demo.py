"""Demo outputs and impact history: what came of the demo projects ("where my contribution
went"), and thirteen months of participation, so that every impact chart shows something real.

`load_demo_outputs` stores a paper and a dataset of *Pollinators of Leiden gardens* and a policy
brief of *River Rhine water quality* (keyed by title). The DOIs use Crossref's test prefix
10.5555, which resolves to nothing real.

`load_demo_impact` adds, to *Pollinators of Leiden gardens* and *River Rhine water quality*:

- 120 generated volunteers (`volunteer-001@demo.cslab.test` …, no usable password) whose
  participation is skewed as in real projects: a handful count every week for months, most
  contribute once or twice. Their observations fall at daytime hours, more at weekends and in
  spring and summer, around their own gardens or sampling sites (so the hexagon map has a
  pattern), with mixed moderation statuses; a shared "garden phone" (an ODK app user) counts as
  one participant;
- consent records (about three in five also consent to meta-research), research questions in
  every state with a few comments, comments on classification subjects, and expert decisions on
  a few subjects of the classification demo's survey;
- back-dated times: the demo's earlier observations were submitted shortly after they were made,
  and the classification demo's classifications spread over the year after its consent text was
  published;
- outputs imported from `demo_outputs.bib` (BibTeX) and `demo_outputs_rhine.ris` (RIS) through
  the import service, and two or three impact statements per project;

and finally rebuilds the impact roll-ups of every project. Rows are generated in bulk (the
history would take minutes through the submission service) with a fixed seed; each is keyed by
a natural key (instance ID, e-mail, proposer and text …) so a second load adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F

from cslab.accounts.models import User
from cslab.classification.models import (
    Classification,
    ExpertDecision,
    SubjectComment,
    Workflow,
)
from cslab.classification.services.classifications import subject_decide
from cslab.consensus.models import ConsensusResult
from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.vocabulary import ConsentChannel
from cslab.core.demo import DemoLogin
from cslab.forms.models import Form, FormVersion
from cslab.impact.models import ImpactStatement, Output
from cslab.impact.services.output_import import outputs_import
from cslab.impact.services.rollup import rollup_rebuild
from cslab.impact.vocabulary import ImpactKind, OutputKind
from cslab.observations import geoprivacy, map_counts
from cslab.observations.models import Observation
from cslab.observations.services.observations import content_hash, public_point_seed
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from cslab.questions.models import Comment, Question

logger = logging.getLogger(__name__)

DEMO_ORIGIN = "cslab-demo"
DEMO_DOMAIN = "@demo.cslab.test"
SEED = 20_261_206
VOLUNTEERS = 120
NAMESPACE = uuid.UUID("0b7d7f4e-9a0e-4d36-8c55-3f4a1e2b9c15")
LOCAL = ZoneInfo(settings.TIME_ZONE)
# The history ends where the observation demo's year ends (observations/demo.py) and starts
# the day after the project's first consent text was published (consent/demo.py: 1 October
# 2025, the Rhine's 20 days later), so every contribution carries the version its contributor
# agreed to: about thirteen months.
HISTORY_END = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
HISTORY_START = datetime(2025, 10, 2, 9, 0, tzinfo=UTC)
OUTPUTS_DIRECTORY = Path(__file__).resolve().parent
GARDEN_PHONE = "Garden phone of the Leiden-Noord community garden"

_FIRST_NAMES = (
    "Anouk Bas Charlotte Dirk Emma Finn Gerda Hamza Ines Joost Kim Lars Mila Niels Olga Pim"
    " Quinten Roos Sem Tess Umut Vera Wessel Xandra Yara Zeynep Arjen Birgit Cor Demi"
)
FIRST_NAMES = _FIRST_NAMES.split()
# Surnames with particles, so split on commas.
_LAST_NAMES = (
    "Jansen,de Jong,van den Berg,Bakker,Visser,Smit,Meijer,de Boer,Mulder,de Groot,Bos,Vos,"
    "Peters,Hendriks,van Leeuwen,Dekker,Brouwer,de Wit,Dijkstra,Smits,de Graaf,van der Meer,"
    "Kok,Jacobs,Haan,Vermeulen,van Dijk,Schouten,van der Linden,Prins,Kaya,Öztürk"
)
LAST_NAMES = _LAST_NAMES.split(",")


@dataclass(frozen=True)
class DemoOutput:
    kind: str
    title: str
    authors: str
    published_on: date
    summary: str
    projects: tuple[str, ...]
    added_by: str
    doi: str = ""
    url: str = ""


OUTPUTS: tuple[DemoOutput, ...] = (
    DemoOutput(
        kind=OutputKind.PUBLICATION,
        title="Garden plants that feed wild bees and hoverflies through the year: a citizen-science"
        " count in Leiden",
        authors="Marieke de Boer, Joke Verhoef, Anna Smit and the volunteers of Pollinators of"
        " Leiden gardens",
        published_on=date(2026, 10, 15),
        doi="10.5555/cslab-demo.pollinators.2026",
        summary="Fifteen-minute counts by gardeners show that borage and lavender carry wild"
        " bees through midsummer, while early-flowering shrubs matter most in spring.",
        projects=("pollinators",),
        added_by="researcher@demo.cslab.test",
    ),
    DemoOutput(
        kind=OutputKind.DATASET,
        title="Pollinator counts in Leiden gardens, 2025–2026",
        authors="Pollinators of Leiden gardens",
        published_on=date(2026, 11, 25),
        doi="10.5555/cslab-demo.pollinator-counts",
        url="https://zenodo.example.org/records/cslab-demo-pollinator-counts",
        summary="Every accepted count of the first year, with plant, date and public location"
        " (private gardens obscured), under CC BY 4.0.",
        projects=("pollinators",),
        added_by="researcher@demo.cslab.test",
    ),
    DemoOutput(
        kind=OutputKind.POLICY_BRIEF,
        title="Nitrate in the Rhine branches: what volunteers measured",
        authors="River Guardians",
        published_on=date(2026, 9, 30),
        url="https://river-guardians.example.org/briefs/nitrate-2026",
        summary="A four-page brief for the water boards: nitrate peaks after heavy rain"
        " upstream of the sewage outfalls that volunteers sampled every month.",
        projects=("rhine-water",),
        added_by="ngo@demo.cslab.test",
    ),
)


def load_demo_outputs() -> list[DemoLogin]:
    """Store the demo outputs that are missing, linked to their projects."""
    projects = {
        project.external_id: project for project in Project.objects.filter(origin=DEMO_ORIGIN)
    }
    people = {
        user.email: user
        for user in User.objects.filter(email__in=[output.added_by for output in OUTPUTS])
    }
    existing = set(
        Output.objects.filter(title__in=[output.title for output in OUTPUTS]).values_list(
            "title", flat=True
        )
    )
    for demo in OUTPUTS:
        linked = [projects[key] for key in demo.projects if key in projects]
        if demo.title in existing or not linked:
            continue
        with transaction.atomic():
            output = Output(
                kind=demo.kind,
                title=demo.title,
                authors=demo.authors,
                published_on=demo.published_on,
                doi=demo.doi,
                url=demo.url,
                summary=demo.summary,
                created_by=people.get(demo.added_by),
            )
            output.full_clean(validate_constraints=False)
            output.save()
            output.projects.set(linked)
    return []


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class HistoryPlan:
    """How one project's generated history looks."""

    project: str
    start: datetime
    form_id: str
    # The first and the last volunteer number taking part (1-based, inclusive).
    volunteers: tuple[int, int]
    observations: int
    # Where the volunteers' gardens or sampling sites are: a box, or a line along a river.
    box: tuple[float, float, float, float]  # west, south, east, north
    along_river: bool
    # Local hour of day most observations are made at, and its spread.
    peak_hour: float
    hour_spread: float
    # Moderation statuses and their weights.
    statuses: tuple[tuple[str, int], ...]


PLANS = (
    HistoryPlan(
        project="pollinators",
        start=HISTORY_START,
        form_id="pollinator_count",
        volunteers=(1, 120),
        observations=4200,
        box=(4.455, 52.142, 4.525, 52.178),
        along_river=False,
        peak_hour=13.0,
        hour_spread=2.6,
        statuses=(("accepted", 82), ("pending", 9), ("flagged", 5), ("rejected", 4)),
    ),
    HistoryPlan(
        project="rhine-water",
        start=HISTORY_START + timedelta(days=20),
        form_id="water_quality",
        volunteers=(71, 120),
        observations=1100,
        box=(4.42, 51.86, 6.12, 52.12),
        along_river=True,
        peak_hour=10.0,
        hour_spread=1.6,
        statuses=(("accepted", 68), ("pending", 20), ("flagged", 7), ("rejected", 5)),
    ),
)

# The Rhine branches from Lobith to Leiden, roughly: (longitude, latitude).
RHINE_COURSE = (
    (6.11, 51.86),
    (5.89, 51.97),
    (5.55, 51.96),
    (5.12, 52.04),
    (4.85, 52.08),
    (4.62, 52.12),
    (4.45, 52.16),
)


def volunteer_email(number: int) -> str:
    return f"volunteer-{number:03d}{DEMO_DOMAIN}"


def volunteer_name(number: int) -> str:
    first = FIRST_NAMES[(number * 7) % len(FIRST_NAMES)]
    last = LAST_NAMES[(number * 11) % len(LAST_NAMES)]
    return f"{first} {last}"


@dataclass(frozen=True)
class PlannedObservation:
    number: int
    volunteer: int | None  # None: made with the garden phone
    observed_at: datetime
    latitude: float
    longitude: float
    status: str
    geoprivacy: str
    answers: dict[str, Any]


def _contribution_counts(people: int, total: int, generator: random.Random) -> list[int]:
    """How many observations each volunteer makes, skewed as in real projects: three in five
    contribute once or twice; the others share the rest Zipf-like, so a handful make most."""
    one_off = people * 3 // 5
    counts = [generator.choice((1, 1, 1, 2)) for _person in range(one_off)]
    regulars = people - one_off
    weights = [1 / rank**1.1 for rank in range(1, regulars + 1)]
    remaining = max(total - sum(counts) - regulars, 0)
    counts += [1 + int(remaining * weight / sum(weights)) for weight in weights]
    generator.shuffle(counts)
    return counts


def _season_weight(moment: datetime) -> float:
    # Pollinators and people are out in spring and summer; winter still has some.
    day = moment.timetuple().tm_yday
    return 0.25 + math.exp(-(((day - 185) / 65) ** 2))


def _home(plan: HistoryPlan, generator: random.Random) -> tuple[float, float]:
    west, south, east, north = plan.box
    if plan.along_river:
        segment = generator.randrange(len(RHINE_COURSE) - 1)
        (x1, y1), (x2, y2) = RHINE_COURSE[segment], RHINE_COURSE[segment + 1]
        share = generator.random()
        return y1 + (y2 - y1) * share, x1 + (x2 - x1) * share
    # Gardens cluster in a few neighbourhoods.
    neighbourhoods = ((52.166, 4.478), (52.150, 4.492), (52.160, 4.505), (52.172, 4.468))
    latitude, longitude = generator.choice(neighbourhoods)
    return (
        min(max(generator.gauss(latitude, 0.006), south), north),
        min(max(generator.gauss(longitude, 0.009), west), east),
    )


def _moment(
    plan: HistoryPlan, first: datetime, span_days: int, generator: random.Random
) -> datetime:
    """A local time of day on a day within the volunteer's active span, weighted by season
    and by weekday (weekends count double in gardens)."""
    for _attempt in range(20):
        day = first + timedelta(days=generator.randint(0, span_days))
        weight = _season_weight(day) if not plan.along_river else 1.0
        if day.weekday() >= 5 and not plan.along_river:
            weight *= 2
        if generator.random() * 2.5 < weight:
            break
    hour = min(max(generator.gauss(plan.peak_hour, plan.hour_spread), 6.0), 21.5)
    local = datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(hours=hour)
    return min(local.astimezone(UTC), HISTORY_END)


def _answers(plan: HistoryPlan, observed_at: datetime, generator: random.Random) -> dict[str, Any]:
    summer = 1.0 + 2.0 * _season_weight(observed_at)
    if plan.form_id == "pollinator_count":
        return {
            "day": observed_at.astimezone(LOCAL).date().isoformat(),
            "plant": generator.choices(["lavender", "borage", "other"], weights=[5, 2, 3])[0],
            "bees": int(generator.expovariate(1 / (3 * summer))),
            "hoverflies": int(generator.expovariate(1 / (1.5 * summer))),
        }
    return {
        "sampled": observed_at.isoformat(),
        "nitrate": round(max(generator.gauss(18, 6), 0.1), 1),
        "phosphate": round(max(generator.gauss(0.4, 0.15), 0.01), 2),
        "litter": generator.randint(0, 25),
    }


def planned_observation_count(plan: HistoryPlan) -> int:
    """The plan's observations at the demo's size: settings.DEMO_OBSERVATIONS (5,000 unless
    set) is the full size; the test settings' 80 still give every volunteer some history."""
    first_number, last_number = plan.volunteers
    scaled = round(plan.observations * int(settings.DEMO_OBSERVATIONS) / 5000)
    return max(scaled, last_number - first_number + 1 + 150)


def plan_observations(plan: HistoryPlan) -> list[PlannedObservation]:
    """Every generated observation of the plan, the same on every machine and every run."""
    generator = random.Random(f"{SEED}:{plan.project}")  # noqa: S311 - repeatable demo data
    first_number, last_number = plan.volunteers
    numbers = list(range(first_number, last_number + 1))
    counts = _contribution_counts(len(numbers), planned_observation_count(plan), generator)
    planned: list[PlannedObservation] = []
    people: list[tuple[int | None, int]] = list(zip(numbers, counts, strict=True))
    if not plan.along_river:
        people.append((None, max(planned_observation_count(plan) // 25, 5)))  # the garden phone
    for volunteer, count in people:
        # Newcomers join all through the period; the busiest stay for months.
        days = (HISTORY_END - plan.start).days
        first = plan.start + timedelta(days=generator.randint(0, days - 7))
        span = min(int(count * generator.uniform(2, 6)), (HISTORY_END - first).days)
        latitude, longitude = _home(plan, generator)
        for _index in range(count):
            observed_at = _moment(plan, first, span if count > 1 else 0, generator)
            status = generator.choices(
                [status for status, _weight in plan.statuses],
                weights=[weight for _status, weight in plan.statuses],
            )[0]
            planned.append(
                PlannedObservation(
                    number=len(planned),
                    volunteer=volunteer,
                    observed_at=observed_at,
                    latitude=round(generator.gauss(latitude, 0.002), 6),
                    longitude=round(generator.gauss(longitude, 0.003), 6),
                    status=status,
                    geoprivacy="obscured" if generator.random() < 0.1 else "open",
                    answers=_answers(plan, observed_at, generator),
                )
            )
    return planned


def history_observation_count() -> int:
    """How many observations the impact history adds (at the demo's size)."""
    return sum(len(plan_observations(plan)) for plan in PLANS)


# --------------------------------------------------------------------------- the loader


def load_demo_impact() -> list[DemoLogin]:
    """Add whatever is missing of the impact history, then rebuild every project's roll-ups."""
    projects = {
        project.external_id: project
        for project in Project.objects.filter(
            origin=DEMO_ORIGIN, external_id__in=["pollinators", "rhine-water"]
        )
    }
    if len(projects) == 2:
        volunteers = _volunteers()
        for plan in PLANS:
            _store_history(plan, projects[plan.project], volunteers)
        _backdate_earlier_contributions(list(projects.values()))
        _store_questions(projects, volunteers)
        _store_subject_comments(projects["pollinators"])
        _store_expert_decisions(projects["pollinators"])
        _import_outputs(projects)
        _store_impact_statements(projects)
    for project in Project.objects.order_by("pk"):
        rollup_rebuild(project=project)
    return []


def _volunteers() -> dict[int, User]:
    emails = {volunteer_email(number): number for number in range(1, VOLUNTEERS + 1)}
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = []
    for email, number in emails.items():
        if email in existing:
            continue
        person = User(email=email, display_name=volunteer_name(number))
        person.set_unusable_password()
        missing.append(person)
    User.objects.bulk_create(missing, batch_size=500)
    return {emails[person.email]: person for person in User.objects.filter(email__in=emails)}


def _published_version(form: Form) -> FormVersion | None:
    return form.versions.filter(published_at__isnull=False).order_by("-published_at").first()


@transaction.atomic
def _store_history(plan: HistoryPlan, project: Project, volunteers: dict[int, User]) -> None:
    form = Form.objects.filter(project=project, form_id=plan.form_id).first()
    version = _published_version(form) if form is not None else None
    if form is None or version is None:
        return
    planned = plan_observations(plan)
    instance_ids = {
        item.number: f"uuid:{uuid.uuid5(NAMESPACE, f'{plan.form_id}:{item.number}')}"
        for item in planned
    }
    stored = set(
        Observation.objects.filter(form=form, instance_id__in=instance_ids.values()).values_list(
            "instance_id", flat=True
        )
    )
    missing = [item for item in planned if instance_ids[item.number] not in stored]
    if not missing:
        return
    consent = _store_consent(plan, project, planned, volunteers)
    device = _device(plan, project) if any(item.volunteer is None for item in missing) else None
    moderator = project.initiator
    rows = [
        _observation(
            item,
            form=form,
            version=version,
            instance_id=instance_ids[item.number],
            observer=volunteers.get(item.volunteer) if item.volunteer is not None else None,
            consent=consent.get(item.volunteer if item.volunteer is not None else 0),
            moderator=moderator,
        )
        for item in missing
    ]
    created = Observation.objects.bulk_create(rows, batch_size=500)
    map_counts.observations_added(created)
    # created_at is set on insert (auto_now_add): submitted within an hour of observing.
    for row, item in zip(created, missing, strict=True):
        row.created_at = item.observed_at + timedelta(minutes=5 + item.number % 50)
    Observation.objects.bulk_update(created, ["created_at"], batch_size=500)
    if device is not None:
        _store_device_submissions(device, created)
    logger.info("demo: %d impact-history observations in %s", len(created), project.slug)


def _observation(
    item: PlannedObservation,
    *,
    form: Form,
    version: FormVersion,
    instance_id: str,
    observer: User | None,
    consent: tuple[datetime, ConsentVersion] | None,
    moderator: User | None,
) -> Observation:
    answers = dict(item.answers)
    point = f"{item.latitude} {item.longitude} 0 10.0"
    answers["location" if form.form_id == "pollinator_count" else "site"] = point
    row = Observation(
        project_id=form.project_id,
        form=form,
        form_version=version,
        instance_id=instance_id,
        observer=observer,
        answers=answers,
        content_hash=content_hash(answers),
        latitude=item.latitude,
        longitude=item.longitude,
        accuracy=10.0,
        observed_at=item.observed_at,
        geoprivacy=item.geoprivacy,
        status=item.status,
    )
    for resolution, cell in geoprivacy.location_indexes(item.latitude, item.longitude).items():
        setattr(row, f"h3_res{resolution}", cell)
    public = geoprivacy.public_location(
        item.geoprivacy, item.latitude, item.longitude, seed=public_point_seed(row)
    )
    if public is not None:
        row.public_latitude, row.public_longitude = public.latitude, public.longitude
        for resolution, cell in geoprivacy.location_indexes(
            public.latitude, public.longitude
        ).items():
            setattr(row, f"public_h3_res{resolution}", cell)
    if consent is not None and consent[0] <= item.observed_at:
        row.consent_version = consent[1]
    if item.status in {"flagged", "rejected"}:
        row.moderated_by = moderator
        row.moderated_at = item.observed_at + timedelta(days=2)
        row.status_reason = (
            "The photo does not show the plant named."
            if item.status == "rejected"
            else "Unusually high count: please check."
        )
    return row


def _store_consent(
    plan: HistoryPlan,
    project: Project,
    planned: list[PlannedObservation],
    volunteers: dict[int, User],
) -> dict[int, tuple[datetime, ConsentVersion]]:
    """Consent records of the plan's volunteers to the project's first consent version, given
    just before their first observation; about three in five also to meta-research. Return when
    each consented (and, under 0, the garden phone's), for marking their observations."""
    first = ConsentVersion.objects.filter(project=project, number=1).first()
    if first is None or first.published_at is None:
        return {}
    firsts: dict[int, datetime] = {}
    for item in planned:
        if item.volunteer is not None:
            firsts[item.volunteer] = min(
                firsts.get(item.volunteer, item.observed_at), item.observed_at
            )
    known = set(
        ConsentRecord.objects.filter(
            project=project, participant__in=volunteers.values()
        ).values_list("participant_id", flat=True)
    )
    shown = first.text_en
    granted: dict[int, tuple[datetime, ConsentVersion]] = {}
    records = []
    for number, started in sorted(firsts.items()):
        person = volunteers[number]
        granted_at = started - timedelta(minutes=10)
        granted[number] = (granted_at, first)
        if person.pk in known:
            continue
        records.append(
            ConsentRecord(
                project=project,
                version=first,
                participant=person,
                channel=ConsentChannel.WEB,
                language="en",
                text_shown=shown,
                text_sha256=hashlib.sha256(shown.encode()).hexdigest(),
                meta_research=first.asks_meta_research and number % 5 < 3,
                contact=number % 4 == 0 and first.asks_contact,
                granted_at=granted_at,
            )
        )
    ConsentRecord.objects.bulk_create(records, batch_size=500)
    # The garden phone's consent was recorded by the project's lead when it was handed out.
    granted[0] = (plan.start - timedelta(hours=1), first)
    return granted


def _device(plan: HistoryPlan, project: Project) -> AppUser:
    """The garden phone: an app user of the project, with the consent its lead recorded for it
    when handing it out (the first version)."""
    device = AppUser.objects.filter(project=project, name=GARDEN_PHONE).first()
    if device is None:
        device = app_user_create(actor=project.initiator, project=project, name=GARDEN_PHONE)
        AppUser.objects.filter(pk=device.pk).update(created_at=plan.start - timedelta(hours=2))
    first = ConsentVersion.objects.filter(project=project, number=1).first()
    if first is not None and not ConsentRecord.objects.filter(app_user=device).exists():
        shown = first.text_en
        ConsentRecord.objects.create(
            project=project,
            version=first,
            app_user=device,
            recorded_by=project.initiator,
            channel=ConsentChannel.OPENROSA,
            language="en",
            text_shown=shown,
            text_sha256=hashlib.sha256(shown.encode()).hexdigest(),
            granted_at=plan.start - timedelta(hours=1),
        )
    return device


def _store_device_submissions(device: AppUser, created: list[Observation]) -> None:
    """The garden phone's observations came in through OpenRosa as its app user."""
    from_device = [row for row in created if row.observer_id is None]
    submissions = AppUserSubmission.objects.bulk_create(
        [AppUserSubmission(app_user=device, observation=row) for row in from_device],
        batch_size=500,
    )
    for submission, row in zip(submissions, from_device, strict=True):
        submission.created_at = row.created_at
    AppUserSubmission.objects.bulk_update(submissions, ["created_at"], batch_size=500)


def _backdate_earlier_contributions(projects: list[Project]) -> None:
    """The other demos' contributions were stored at load time; spread them as they happened."""
    Observation.objects.filter(
        project__in=projects,
        observed_at__isnull=False,
        created_at__gt=F("observed_at") + timedelta(days=1),
    ).update(created_at=F("observed_at") + timedelta(minutes=20))
    # Classifications: over the year after the first consent text was published, the same
    # spread on every load (from each row's own key).
    start = datetime(2025, 10, 8, 8, 0, tzinfo=UTC)
    days = (HISTORY_END - start).days
    fresh = list(
        Classification.objects.filter(
            workflow__project__in=projects, created_at__gt=HISTORY_END
        ).only("pk", "workflow_id", "subject_id", "volunteer_id")
    )
    for row in fresh:
        key = hashlib.sha256(
            f"{row.workflow_id}:{row.subject_id}:{row.volunteer_id}".encode()
        ).digest()
        offset = int.from_bytes(key[:4], "big")
        row.created_at = start + timedelta(
            days=offset % days, hours=9 + offset % 11, minutes=offset % 60
        )
    Classification.objects.bulk_update(fresh, ["created_at"], batch_size=500)


# --------------------------------------------------------------------------- questions


QUESTION_TEXTS = {
    "pollinators": (
        ("Do bees prefer gardens close to the park?", "answered"),
        ("Which flowers help bumblebees in early spring?", "adopted"),
        ("Does mowing less often bring more hoverflies?", "adopted"),
        ("Are there fewer bees on rainy days, or do we just count less then?", "answered"),
        ("Can we count moths at night too?", "under_consideration"),
        ("Do balcony plants matter as much as gardens?", "proposed"),
        ("Which garden plants are bad for bees?", "proposed"),
        ("Could we use the photos to recognise bee species automatically?", "declined"),
    ),
    "rhine-water": (
        ("Is the water cleaner downstream of the new treatment plant?", "adopted"),
        ("Does litter on the bank increase after festivals?", "answered"),
        ("Why is nitrate higher after heavy rain?", "answered"),
        ("Can we sample more often in summer?", "under_consideration"),
        ("Are there microplastics in the samples?", "proposed"),
        ("Could schools join the monthly sampling?", "proposed"),
    ),
}


def _store_questions(projects: dict[str, Project], volunteers: dict[int, User]) -> None:
    """Questions raised by the most active volunteers on the projects' boards, in every state,
    with a few comments; keyed by proposer and text."""
    existing = set(
        Question.objects.filter(proposer__in=volunteers.values()).values_list("text", flat=True)
    )
    generator = random.Random(f"{SEED}:questions")  # noqa: S311 - repeatable demo data
    created: list[Question] = []
    for key, texts in QUESTION_TEXTS.items():
        project = projects[key]
        for position, (text, status) in enumerate(texts):
            proposer = volunteers[1 + (position * 13 + len(key)) % VOLUNTEERS]
            raised = HISTORY_START + timedelta(days=20 + position * 45 + len(key))
            if text in existing:
                continue
            question = Question(
                proposer=proposer,
                project=project,
                text=text,
                why_it_matters="We see it in our counts and would like to know.",
                status=status,
                status_changed_at=raised + timedelta(days=21) if status != "proposed" else None,
                adopted_project=project if status in {"adopted", "answered"} else None,
                answer="Yes: see the project's first report (outputs)."
                if status == "answered"
                else "",
                decline_reason="The photos are not sharp enough to tell species apart."
                if status == "declined"
                else "",
            )
            question.full_clean(validate_constraints=False)
            question.save()
            Question.objects.filter(pk=question.pk).update(created_at=raised)
            question.created_at = raised
            created.append(question)
    comments = [
        (
            Comment(
                question=question,
                author=volunteers[generator.randint(1, VOLUNTEERS)],
                text=generator.choice(COMMENT_TEXTS),
            ),
            question.created_at + timedelta(days=1 + index * 3, hours=index),
        )
        for question in created
        for index in range(generator.randint(1, 4))
    ]
    stored = Comment.objects.bulk_create([comment for comment, _when in comments])
    for comment, (_comment, when) in zip(stored, comments, strict=True):
        comment.created_at = when
    Comment.objects.bulk_update(stored, ["created_at"])


COMMENT_TEXTS = (
    "I noticed the same in my garden last summer.",
    "Good question! Our street has the same problem.",
    "Could we compare this with last year's counts?",
    "I would like to help find out.",
    "The water board might have data on this too.",
)


def _store_subject_comments(project: Project) -> None:
    """A few discussions on the survey's pictures by the classification volunteers."""
    if SubjectComment.objects.filter(subject__subject_set__project=project).exists():
        return
    classifiers = list(User.objects.filter(email__startswith="classifier-").order_by("email"))
    workflow = Workflow.objects.filter(project=project, name="Who visits the flower?").first()
    if workflow is None or not classifiers:
        return
    subjects = list(workflow.subject_states.select_related("subject").order_by("subject_id")[:20])
    texts = (
        "#hoverfly or a wasp? Look at the wings.",
        "Two visitors here, I think.",
        "Lovely #bumblebee",
        "Is this the same garden as yesterday's picture?",
    )
    rows = [
        SubjectComment(
            subject=state.subject,
            author=classifiers[index % len(classifiers)],
            text=texts[index % len(texts)],
        )
        for index, state in enumerate(subjects)
    ]
    stored = SubjectComment.objects.bulk_create(rows)
    for index, comment in enumerate(stored):
        comment.created_at = datetime(2025, 10, 20, 19, 0, tzinfo=UTC) + timedelta(days=17 * index)
    SubjectComment.objects.bulk_update(stored, ["created_at"])


def _store_expert_decisions(project: Project) -> None:
    """The lead settles six subjects the crowd had decided: five agree with the consensus and
    one does not, so the expert agreement is a figure worth reading. Disputed subjects stay in
    the expert queue."""
    workflow = Workflow.objects.filter(project=project, name="Who visits the flower?").first()
    owner = project.initiator
    if (
        workflow is None
        or owner is None
        or ExpertDecision.objects.filter(workflow=workflow).exists()
    ):
        return
    results = list(
        ConsensusResult.objects.filter(workflow=workflow)
        .exclude(label="")
        .select_related("subject")
        .order_by("-confidence", "subject_id")[:6]
    )
    others = ("bumblebee", "honeybee", "hoverfly", "butterfly", "none")
    for index, result in enumerate(results):
        label = result.label
        if index == len(results) - 1:
            label = next(other for other in others if other != result.label)
        if label not in others:
            continue
        subject_decide(
            actor=owner,
            workflow=workflow,
            subject=result.subject,
            answers={"T0": {"choice": label, "answers": {}}},
            note="Checked against the garden's photo series.",
        )


# --------------------------------------------------------------------------- outputs and impacts


IMPORTS = (
    ("pollinators", "demo_outputs.bib", "bibtex", "researcher@demo.cslab.test"),
    ("rhine-water", "demo_outputs_rhine.ris", "ris", "ngo@demo.cslab.test"),
)
DOI_IN_FILE = re.compile(r"(?:doi\s*=\s*[{\"]|^DO  - )(10\.\d{4,9}/[^}\"\s]+)", re.I | re.M)


def demo_import_dois(file_name: str) -> list[str]:
    """The DOIs a demo import file names (every entry of the demo files has one)."""
    text = (OUTPUTS_DIRECTORY / file_name).read_text(encoding="utf-8")
    return DOI_IN_FILE.findall(text)


def _import_outputs(projects: dict[str, Project]) -> None:
    """Import the demo files through the import service, unless every output they name is
    linked to the project already (so a second load audits nothing)."""
    for key, file_name, file_format, importer_email in IMPORTS:
        project = projects[key]
        dois = demo_import_dois(file_name)
        linked = Output.objects.filter(projects=project, doi__in=dois).count()
        importer = User.objects.filter(email=importer_email).first()
        if linked == len(dois) or importer is None:
            continue
        text = (OUTPUTS_DIRECTORY / file_name).read_text(encoding="utf-8")
        report = outputs_import(actor=importer, project=project, text=text, format=file_format)
        if report.refused:
            logger.warning("demo: outputs refused on import: %s", report.refused)


@dataclass(frozen=True)
class DemoImpact:
    project: str
    kind: str
    description: str
    occurred_on: date
    evidence_url: str
    recorded_by: str


IMPACT_STATEMENTS = (
    DemoImpact(
        "pollinators",
        ImpactKind.POLICY,
        "The municipality of Leiden added borage, lavender and phacelia to the planting list"
        " for public green spaces, citing the volunteers' counts.",
        date(2026, 6, 12),
        "https://leiden.example.org/news/bee-friendly-planting-list",
        "researcher@demo.cslab.test",
    ),
    DemoImpact(
        "pollinators",
        ImpactKind.COMMUNITY,
        "Thirty-four gardeners in Leiden-Noord now mow in phases, leaving flowering strips"
        " through the summer; the neighbourhood association hands out seed packets.",
        date(2026, 8, 30),
        "https://leiden-noord.example.org/tuinen",
        "researcher@demo.cslab.test",
    ),
    DemoImpact(
        "pollinators",
        ImpactKind.SCIENCE,
        "The counts are the first year-round pollinator series for Dutch urban gardens and"
        " were used in the national pollinator strategy's monitoring review.",
        date(2026, 10, 15),
        "https://doi.org/10.5555/cslab-demo.pollinators.2026",
        "researcher@demo.cslab.test",
    ),
    DemoImpact(
        "rhine-water",
        ImpactKind.ENVIRONMENT,
        "After volunteers measured nitrate peaks below two storm overflows, the water board"
        " moved their inspection forward by a year; one overflow has since been repaired.",
        date(2026, 5, 4),
        "https://waterboard.example.org/overflows-2026",
        "ngo@demo.cslab.test",
    ),
    DemoImpact(
        "rhine-water",
        ImpactKind.EDUCATION,
        "Three secondary schools in Arnhem and Nijmegen now sample the river each month as part"
        " of their biology lessons.",
        date(2026, 9, 15),
        "",
        "ngo@demo.cslab.test",
    ),
)


def _store_impact_statements(projects: dict[str, Project]) -> None:
    existing = set(
        ImpactStatement.objects.filter(project__in=projects.values()).values_list(
            "project_id", "description"
        )
    )
    people = {
        user.email: user
        for user in User.objects.filter(email__in={demo.recorded_by for demo in IMPACT_STATEMENTS})
    }
    for demo in IMPACT_STATEMENTS:
        project = projects[demo.project]
        if (project.pk, demo.description) in existing:
            continue
        statement = ImpactStatement(
            project=project,
            kind=demo.kind,
            description=demo.description,
            occurred_on=demo.occurred_on,
            evidence_url=demo.evidence_url,
            created_by=people.get(demo.recorded_by),
        )
        statement.full_clean()
        statement.save()
        ImpactStatement.objects.filter(pk=statement.pk).update(
            created_at=datetime.combine(demo.occurred_on, datetime.min.time(), tzinfo=UTC)
            + timedelta(days=3, hours=10)
        )


def iter_demo_volunteer_emails() -> Iterator[str]:
    """The generated volunteers' e-mail addresses (for tests and docs)."""
    return (volunteer_email(number) for number in range(1, VOLUNTEERS + 1))
