"""Seeding two people whose data cross (same project, comments on each other's question, one
moderates the other's observation) and reading an export zip back."""

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.consent.vocabulary import ConsentChannel
from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.media.services import media_attach
from cslab.notifications.services.notifications import notification_send
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from tests.collection.test_media_attach import publish_media_form
from tests.collection.test_media_checks import jpeg_with_gps
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

PERSON_EMAIL = "ada.person@example.org"
PERSON_NAME = "Ada Person"
OTHER_EMAIL = "bob.other@example.net"
OTHER_NAME = "Bobby Otherperson"


@dataclass
class Seeded:
    person: Any
    other: Any
    project: Any
    observation: Observation
    photo: bytes


def seed_two_people() -> Seeded:
    """Ada and Bob in one project: both observe, both comment on each other's question, Bob
    (a moderator) reviews Ada's observation, Ada consented and was notified of Bob's comment."""
    person = UserFactory(email=PERSON_EMAIL, display_name=PERSON_NAME, time_zone="Europe/Amsterdam")
    other = UserFactory(email=OTHER_EMAIL, display_name=OTHER_NAME, profile_public=True)
    project = ProjectFactory(status="active", public=True)
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
    MembershipFactory(project=project, user=other, role=ProjectRole.OWNER)
    version = publish_media_form(project)
    consent_version = make_consent_version(project)
    make_consent(consent_version, participant=person, channel=ConsentChannel.WEB)
    # Bob consents too: the consent gate would otherwise block his observation.
    make_consent(consent_version, participant=other, channel=ConsentChannel.WEB)
    photo = jpeg_with_gps()
    observation, _created = observation_submit(
        actor=person,
        form_version=version,
        instance_id="uuid:ada-1",
        answers={"site": "=cmd|' /C calc'!A0", "photo": "1714550000000.jpg"},
    )
    media_attach(
        actor=person,
        observation=observation,
        name="1714550000000.jpg",
        uploaded_file=SimpleUploadedFile("1714550000000.jpg", photo, content_type="image/jpeg"),
    )
    observation_submit(
        actor=other,
        form_version=version,
        instance_id="uuid:bob-1",
        answers={"site": "Bob's pond", "photo": ""},
    )
    Observation.objects.filter(pk=observation.pk).update(moderated_by=other)
    adas_question = question_propose(
        actor=person, text="Why do frogs sing at night?", why_it_matters="Curious."
    )
    bobs_question = question_propose(
        actor=other, text="Where do newts winter?", why_it_matters="Ponds."
    )
    comment_post(actor=other, question=adas_question, text="Bob thinks: to find mates.")
    comment_post(actor=person, question=bobs_question, text="Under logs, I think.")
    notification_send(
        recipients=[person],
        kind="test",
        message="%(person)s commented.",
        params={"person": other.public_name},
        email=False,
    )
    assert Media.objects.filter(observation=observation).count() == 1
    return Seeded(person=person, other=other, project=project, observation=observation, photo=photo)


def read_zip(path_or_bytes: Path | bytes) -> dict[str, bytes]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def data_of(members: dict[str, bytes]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(members["data.json"])
    return document
