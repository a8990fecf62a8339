"""Demo consent: versioned consent texts on the three projects that gather data, and the records
of who consented to which.

- *Pollinators of Leiden gardens* has two published versions. Everyone who contributed consented
  to version 1; version 2 (photos reused in the classification workflows, a new ethics
  reference) was published after the last demo observation, and all but `volunteer@` consented
  again. So `volunteer@`'s next observation or classification asks them to re-consent first.
  The forty classification volunteers consented to version 1 only. `participant03@` consented
  and withdrew before contributing, choosing "keep my contributions, anonymised".
- *River Rhine water quality* has an age gate (16): `participant12@` is younger and consented
  with a guardian; deletion on withdrawal is not offered (the measurements are needed).
- *Heat stress in Leiden-Noord* is in Dutch first; its records were given in Dutch.

Each project's data licence is set with its first version (the consent text names it), and the
existing demo contributions are marked with the version in force when they were made (the
contract's `consent_version`). Stored through the ORM, like the events' demo, with back-dated
times. A version's `text_sha256` is the fingerprint publishing stores
(`services.versions.version_fingerprint`: its texts and terms), and a record's the SHA-256 of the
exact text shown. Keyed by project: a project with a consent version
is left as it is, so a second load adds nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cslab.accounts.models import User
from cslab.classification.models import Classification
from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.services.versions import version_fingerprint
from cslab.consent.vocabulary import ConsentChannel, WithdrawalChoice, WithdrawalOptions
from cslab.core.demo import DemoLogin
from cslab.observations.models import Observation
from cslab.projects.models import Project
from cslab.projects.vocabulary import DataLicence

DEMO_ORIGIN = "cslab-demo"
DEMO_DOMAIN = "@demo.cslab.test"
# The demo observations end on 20 November 2026 (observations/demo.py); version 1 of every
# project was published before the first of them.
FIRST_PUBLISHED = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
LAST_OBSERVATION = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
# The person whose next contribution asks for re-consent (docs: "things to try").
RECONSENT_VOLUNTEER = "volunteer@demo.cslab.test"
CLASSIFIERS = 40

POLLINATORS_V1_EN = """## Taking part in *Pollinators of Leiden gardens*

You count bees and hoverflies on a flowering plant for 15 minutes and report what you saw.

- **What we collect**: your counts, the plant, the place and time, and photos you add.
- **Why**: to learn which garden plants feed pollinators through the year (Leiden University,
  Faculty of Science).
- **Who sees it**: your counts are published openly under the CC BY 4.0 licence, without your
  name unless you choose to be credited. Exact locations of private gardens are never published.
- **Stopping**: you may stop at any time. You then choose whether your counts stay, anonymised,
  or are deleted.

I have read this text and take part voluntarily."""

POLLINATORS_V1_NL = """## Meedoen aan *Bestuivers in Leidse tuinen*

Je telt 15 minuten bijen en zweefvliegen op een bloeiende plant en meldt wat je zag.

- **Wat we verzamelen**: je tellingen, de plant, de plaats en tijd, en foto's die je toevoegt.
- **Waarom**: om te leren welke tuinplanten bestuivers het hele jaar voeden (Universiteit
  Leiden, Faculteit der Wiskunde en Natuurwetenschappen).
- **Wie het ziet**: je tellingen worden openbaar gepubliceerd onder de licentie CC BY 4.0,
  zonder je naam, tenzij je kiest voor vermelding. Precieze plekken van privétuinen worden nooit
  gepubliceerd.
- **Stoppen**: je mag altijd stoppen. Je kiest dan of je tellingen geanonimiseerd blijven of
  worden verwijderd.

Ik heb deze tekst gelezen en doe vrijwillig mee."""

POLLINATORS_V2_EN = POLLINATORS_V1_EN.replace(
    "- **Stopping**",
    """- **New in version 2**: photos you add may be shown to other volunteers in the project's
  classification workflow "Who visits the flower?", so they can help identify the visitors.
  Do not photograph people.
- **Stopping**""",
)

POLLINATORS_V2_NL = POLLINATORS_V1_NL.replace(
    "- **Stoppen**",
    """- **Nieuw in versie 2**: foto's die je toevoegt kunnen aan andere vrijwilligers worden
  getoond in de classificatietaak "Wie bezoekt de bloem?", zodat zij helpen de bezoekers te
  herkennen. Fotografeer geen mensen.
- **Stoppen**""",
)

RHINE_EN = """## Taking part in *River Rhine water quality*

You sample the river water once a month with the test kit of River Guardians and count litter on
the bank.

- **What we collect**: your measurements, the place and time, your name as the sampler.
- **Why**: to follow nitrate, phosphate and litter along the Rhine branches; researchers compare
  your measurements with laboratory analyses.
- **Who sees it**: the measurements are published in the public domain (CC0), without your name.
  Until the first analyses are published the data stay with the team (an embargo).
- **Age**: if you are younger than 16, a parent or guardian must agree, and must come with you
  to the river.
- **Stopping**: you may stop at any time. Your measurements are kept, anonymised, because the
  time series would break without them.

I have read this text and take part voluntarily."""

RHINE_NL = """## Meedoen aan *Waterkwaliteit van de Rijn*

Je neemt eens per maand een watermonster met de testset van River Guardians en telt zwerfafval
op de oever.

- **Wat we verzamelen**: je metingen, de plaats en tijd, je naam als monsternemer.
- **Waarom**: om nitraat, fosfaat en zwerfafval langs de Rijntakken te volgen; onderzoekers
  vergelijken je metingen met laboratoriumanalyses.
- **Wie het ziet**: de metingen worden zonder je naam vrij gegeven (CC0). Tot de eerste analyses
  gepubliceerd zijn, blijven de gegevens bij het team (een embargo).
- **Leeftijd**: ben je jonger dan 16, dan moet een ouder of voogd akkoord gaan en met je mee naar
  de rivier gaan.
- **Stoppen**: je mag altijd stoppen. Je metingen blijven bewaard, geanonimiseerd, omdat de
  meetreeks anders breekt.

Ik heb deze tekst gelezen en doe vrijwillig mee."""

HEAT_EN = """## Taking part in *Heat stress in Leiden-Noord*

You keep a heat diary on hot days: the temperature indoors, how you felt, and what helped.

- **What we collect**: your diary entries and the approximate place of your home (never the
  exact address: the map shows a cell of several kilometres).
- **Why**: the neighbourhood association and Leiden University want to know where heat hurts
  and what helps residents cope.
- **Who sees it**: the diary is published for non-commercial use (CC BY-NC 4.0), without your
  name. The exact locations are deleted one year after you report them.
- **Stopping**: you may stop at any time and choose whether your entries stay, anonymised, or
  are deleted.

I have read this text and take part voluntarily."""

HEAT_NL = """## Meedoen aan *Hittestress in Leiden-Noord*

Je houdt op warme dagen een hittedagboek bij: de temperatuur binnen, hoe je je voelde en wat
hielp.

- **Wat we verzamelen**: je dagboekberichten en de globale plek van je huis (nooit het precieze
  adres: de kaart toont een vak van enkele kilometers).
- **Waarom**: de buurtvereniging en de Universiteit Leiden willen weten waar hitte pijn doet en
  wat bewoners helpt.
- **Wie het ziet**: het dagboek wordt gepubliceerd voor niet-commercieel gebruik (CC BY-NC 4.0),
  zonder je naam. De precieze plekken worden een jaar na je melding verwijderd.
- **Stoppen**: je mag altijd stoppen en kiezen of je berichten geanonimiseerd blijven of worden
  verwijderd.

Ik heb deze tekst gelezen en doe vrijwillig mee."""


@dataclass(frozen=True)
class DemoVersion:
    text_en: str
    text_nl: str
    ethics_approval_reference: str
    # Days after FIRST_PUBLISHED; None: published a week before the demo was loaded (and after
    # the last demo observation), so it is the version in force and nobody's contributions
    # were made under it.
    published_after_days: int | None = 0
    withdrawal_options: str = WithdrawalOptions.ANONYMISE_OR_DELETE
    minimum_age: int | None = None
    asks_meta_research: bool = True
    asks_contact: bool = True


@dataclass(frozen=True)
class DemoConsent:
    """A person's consent to one version (number): e-mail, and what they chose."""

    email: str
    version: int
    language: str = "en"
    channel: str = ConsentChannel.WEB
    meta_research: bool = False
    contact: bool = False
    guardian_name: str = ""
    withdrawal_choice: str = ""


@dataclass(frozen=True)
class DemoProjectConsent:
    project: str
    licence: str
    versions: tuple[DemoVersion, ...]
    consents: tuple[DemoConsent, ...] = field(default=())
    # Every demo classification volunteer consented to this version (None: they did not).
    classifiers_consent_to: int | None = None


def _person(local: str) -> str:
    return f"{local}{DEMO_DOMAIN}"


POLLINATOR_CONTRIBUTORS = ("student", "organiser", "trainer", "ngo", "researcher")

PROJECT_CONSENTS: tuple[DemoProjectConsent, ...] = (
    DemoProjectConsent(
        project="pollinators",
        licence=DataLicence.CC_BY,
        versions=(
            DemoVersion(POLLINATORS_V1_EN, POLLINATORS_V1_NL, "FWN-ETC 2025-031"),
            DemoVersion(
                POLLINATORS_V2_EN,
                POLLINATORS_V2_NL,
                "FWN-ETC 2025-031, amendment 1 (2026)",
                published_after_days=None,
            ),
        ),
        consents=(
            DemoConsent(RECONSENT_VOLUNTEER, 1, meta_research=True, contact=True),
            *(
                DemoConsent(
                    _person(local),
                    number,
                    language="nl" if local in {"organiser", "ngo"} else "en",
                    meta_research=local != "trainer",
                    contact=local in {"student", "researcher"},
                )
                for local in POLLINATOR_CONTRIBUTORS
                for number in (1, 2)
            ),
            DemoConsent(
                _person("participant03"),
                1,
                language="nl",
                withdrawal_choice=WithdrawalChoice.ANONYMISE,
            ),
            DemoConsent(_person("participant04"), 2, channel=ConsentChannel.API, contact=True),
        ),
        classifiers_consent_to=1,
    ),
    DemoProjectConsent(
        project="rhine-water",
        licence=DataLicence.CC0,
        versions=(
            DemoVersion(
                RHINE_EN,
                RHINE_NL,
                "METC-U 25-114/C",
                published_after_days=20,
                withdrawal_options=WithdrawalOptions.ANONYMISE_ONLY,
                minimum_age=16,
            ),
        ),
        consents=(
            DemoConsent(_person("ngo"), 1, language="nl", meta_research=True, contact=True),
            DemoConsent(
                _person("participant12"),
                1,
                language="nl",
                contact=True,
                guardian_name="Marieke van Leeuwen",
            ),
            DemoConsent(_person("participant05"), 1, meta_research=True),
            DemoConsent(_person("participant09"), 1, language="nl", channel=ConsentChannel.API),
        ),
    ),
    DemoProjectConsent(
        project="heat-stress",
        licence=DataLicence.CC_BY_NC,
        versions=(
            DemoVersion(
                HEAT_EN,
                HEAT_NL,
                "FSW-ERB 2025-077",
                published_after_days=35,
                asks_contact=False,
            ),
        ),
        consents=(
            DemoConsent(_person("organiser"), 1, language="nl", meta_research=True),
            DemoConsent(_person("participant01"), 1, language="nl"),
            DemoConsent(_person("participant02"), 1, meta_research=True),
        ),
    ),
)


def text_fingerprint(text: str) -> str:
    """The SHA-256 of the exact text a record says was shown."""
    return hashlib.sha256(text.encode()).hexdigest()


def load_demo_consent() -> list[DemoLogin]:
    """Store the consent versions and records of the projects that have none yet."""
    projects = {
        project.external_id: project
        for project in Project.objects.filter(
            origin=DEMO_ORIGIN, external_id__in=[demo.project for demo in PROJECT_CONSENTS]
        )
    }
    with_versions = set(
        ConsentVersion.objects.filter(project__in=projects.values()).values_list(
            "project_id", flat=True
        )
    )
    people = {user.email: user for user in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    now = timezone.now()
    for demo in PROJECT_CONSENTS:
        project = projects.get(demo.project)
        if project is not None and project.pk not in with_versions:
            _store_project_consent(demo, project, people, now)
    return []


def _published_at(version: DemoVersion, now: datetime) -> datetime:
    if version.published_after_days is not None:
        return FIRST_PUBLISHED + timedelta(days=version.published_after_days)
    return min(now, max(LAST_OBSERVATION + timedelta(days=1), now - timedelta(days=7)))


def _published(version: ConsentVersion) -> datetime:
    # Every demo version is published; a draft has no moment to consent after.
    assert version.published_at is not None  # noqa: S101
    return version.published_at


@transaction.atomic
def _store_project_consent(
    demo: DemoProjectConsent, project: Project, people: dict[str, User], now: datetime
) -> None:
    Project.objects.filter(pk=project.pk).update(data_licence=demo.licence)
    owner = project.initiator
    versions: dict[int, ConsentVersion] = {}
    for number, wording in enumerate(demo.versions, start=1):
        published_at = _published_at(wording, now)
        stored = ConsentVersion(
            project=project,
            number=number,
            text_en=wording.text_en,
            text_nl=wording.text_nl,
            ethics_approval_reference=wording.ethics_approval_reference,
            data_licence=demo.licence,
            withdrawal_options=wording.withdrawal_options,
            minimum_age=wording.minimum_age,
            asks_meta_research=wording.asks_meta_research,
            asks_contact=wording.asks_contact,
            created_by=owner,
            published_at=published_at,
        )
        # The same fingerprint over texts and terms as publishing through the service stores.
        stored.text_sha256 = version_fingerprint(stored)
        stored.full_clean(validate_constraints=False)
        stored.save()
        ConsentVersion.objects.filter(pk=stored.pk).update(
            created_at=published_at - timedelta(days=3)
        )
        versions[number] = stored
    # Records in the order they were given: every person's older version first, so a newer
    # one supersedes it at the moment it was given.
    ordered = sorted(demo.consents, key=lambda consent: consent.version)
    current: dict[str, ConsentRecord] = {}
    for position, consent in enumerate(ordered):
        person = people.get(consent.email)
        if person is None:
            continue
        version = versions[consent.version]
        # A few hours apart, within days of publication (a newer version was published a week
        # before the demo was loaded).
        granted_at = min(now, _published(version) + timedelta(hours=6 * (1 + position)))
        earlier = current.pop(consent.email, None)
        if earlier is not None:
            ConsentRecord.objects.filter(pk=earlier.pk).update(superseded_at=granted_at)
        record = _record(version, person, consent, granted_at)
        if not consent.withdrawal_choice:
            current[consent.email] = record
    if demo.classifiers_consent_to is not None:
        _classifiers_consent(versions[demo.classifiers_consent_to], now)
    _mark_contributions(project, versions[1])


def _record(
    version: ConsentVersion, person: User, consent: DemoConsent, granted_at: datetime
) -> ConsentRecord:
    # Dutch when asked for and written, else English; the record says which was shown.
    language = "nl" if consent.language == "nl" and version.text_nl else "en"
    shown = version.text_nl if language == "nl" else version.text_en
    withdrawn = bool(consent.withdrawal_choice)
    record = ConsentRecord(
        project=version.project,
        version=version,
        participant=person,
        channel=consent.channel,
        language=language,
        text_shown=shown,
        text_sha256=text_fingerprint(shown),
        meta_research=consent.meta_research and version.asks_meta_research,
        contact=consent.contact and version.asks_contact,
        is_minor=bool(consent.guardian_name),
        guardian_consent=bool(consent.guardian_name),
        guardian_name=consent.guardian_name,
        granted_at=granted_at,
        withdrawn_at=min(timezone.now(), granted_at + timedelta(days=12)) if withdrawn else None,
        withdrawal_choice=consent.withdrawal_choice,
    )
    record.full_clean(validate_constraints=False)
    record.save()
    return record


def _classifiers_consent(version: ConsentVersion, now: datetime) -> None:
    """The classification volunteers consented on the website before they classified; one in
    four also to meta-research."""
    classifiers = User.objects.filter(
        email__in=[f"classifier-{number:02d}{DEMO_DOMAIN}" for number in range(1, CLASSIFIERS + 1)]
    ).order_by("email")
    shown = version.text_en
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            project=version.project,
            version=version,
            participant=person,
            channel=ConsentChannel.WEB,
            language="en",
            text_shown=shown,
            text_sha256=text_fingerprint(shown),
            meta_research=index % 4 == 0,
            granted_at=min(now, _published(version) + timedelta(days=5, hours=index)),
        )
        for index, person in enumerate(classifiers)
    )


def _mark_contributions(project: Project, first: ConsentVersion) -> None:
    """Mark the project's demo contributions with the version they were made under: the first,
    for every contribution of a person who consented to it (a later version was published after
    the last demo contribution)."""
    people = ConsentRecord.objects.filter(
        project=project, version=first, participant__isnull=False
    ).values("participant_id")
    Observation.objects.filter(project=project, observer__in=people).update(consent_version=first)
    Classification.objects.filter(workflow__project=project, volunteer__in=people).update(
        consent_version=first
    )
