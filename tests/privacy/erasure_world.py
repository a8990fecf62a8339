"""A person who left traces in every area, for the erasure tests (the canary).

The person's e-mail address, display name and user name (the address's local part) are
distinctive strings no other row of the test spells: after erasure none may appear anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cslab.accounts.services.api_tokens import api_token_create
from cslab.accounts.services.users import profile_update
from cslab.classification.assignment import Identity
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.talk import subject_comment_post
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.events.models import EventPerson
from cslab.events.services.registrations import registration_create
from cslab.forms.demo import workbook_bytes
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.hub.models import ResourceAuthor
from cslab.hub.services.feedback import resource_comment_post
from cslab.notifications.services.notifications import notification_send
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.openrosa.services.device_passwords import device_password_create
from cslab.participants.models import CreditPreference
from cslab.projects.models import Project
from cslab.projects.services.invitations import invitation_send
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from tests.classification.helpers import make_workflow
from tests.consent.factories import make_consent, make_consent_version
from tests.events.factories import make_event
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import MembershipFactory, ProjectFactory
from tests.training.factories import make_certificate, make_module

EMAIL = "wren.canarysson-4471@example.org"
LOCAL_PART = "wren.canarysson-4471"
DISPLAY_NAME = "Wrennifer Canarysson"
CANARIES = (EMAIL, LOCAL_PART, DISPLAY_NAME)

FORM = {
    "survey": [
        {"type": "text", "name": "notes", "label": "Notes"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
    ],
    "settings": [{"form_id": "garden_birds", "form_title": "Garden birds", "version": "1"}],
}
HOME = (52.123987, 5.187654)


@dataclass
class World:
    person: Any
    project: Project
    other_project: Project
    version: FormVersion
    observations: list[Observation] = field(default_factory=list)
    things: dict[str, Any] = field(default_factory=dict)


def observe(person: Any, version: FormVersion, instance_id: str, **extra: Any) -> Observation:
    observation, _created = observation_submit(
        actor=person,
        form_version=version,
        instance_id=instance_id,
        answers={
            "notes": f"Seen from the garden of {DISPLAY_NAME} ({EMAIL})",
            "where": f"{HOME[0]} {HOME[1]} 2.0 5.0",
        },
        **extra,
    )
    return observation


def plant() -> World:
    """Make the canary person and their traces in every area that holds personal data."""
    person = UserFactory(
        email=EMAIL, display_name=DISPLAY_NAME, profile_public=True, bio=f"I am {DISPLAY_NAME}."
    )
    profile_update(actor=person, user=person, time_zone="Europe/Amsterdam")
    owner = UserFactory()
    project = ProjectFactory(
        public=True,
        initiator=owner,
        name="Garden birds of Utrecht",
        contact_name=DISPLAY_NAME,
        contact_email=EMAIL,
    )
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
    other_project = ProjectFactory(public=True, name="Hedgehog count")
    MembershipFactory(project=other_project, user=person, role=ProjectRole.MEMBER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=workbook_bytes(FORM)
    )
    world = World(person=person, project=project, other_project=other_project, version=version)
    world.observations = [
        observe(person, version, "uuid:erasure-open", geoprivacy="open"),
        observe(person, version, "uuid:erasure-private", geoprivacy="private"),
    ]
    other_version = form_publish_xlsform(
        actor=None,
        project=other_project,
        file_name="hedgehogs.xlsx",
        content=workbook_bytes(
            {
                **FORM,
                "settings": [{"form_id": "hedgehogs", "form_title": "Hedgehogs", "version": "1"}],
            }
        ),
    )
    world.things["other_observation"] = observe(person, other_version, "uuid:erasure-hedgehog")

    question = question_propose(
        actor=person,
        text="Why do the blackbirds sing at night?",
        why_it_matters=f"Signed, {DISPLAY_NAME}, write to {EMAIL}",
        project=project,
    )
    world.things["question"] = question
    world.things["comment"] = comment_post(
        actor=owner, question=question, text="Good question, thank you!"
    )
    comment_post(actor=person, question=question, text=f"Thanks! {DISPLAY_NAME}")

    workflow, subjects, _workflow_owner = make_workflow(subjects=2, project=project)
    classification_submit(
        identity=Identity(user=person),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee"},
    )
    subject_comment_post(actor=person, subject=subjects[0], text=f"#bee says {LOCAL_PART}")
    world.things["workflow"] = workflow

    resource = make_resource(submitted_by=person, title="Counting garden birds")
    ResourceAuthor.objects.create(resource=resource, user=person, name=DISPLAY_NAME, position=1)
    resource_comment_post(actor=person, resource=resource, text=f"Written by {DISPLAY_NAME}")
    world.things["resource"] = resource

    event = make_event(title="Bird walk", starts_at=timezone.now() + timedelta(days=5))
    registration_create(
        actor=person, event=event, dietary_needs=f"vegan, ask {DISPLAY_NAME}", organisation="Mine"
    )
    EventPerson.objects.create(
        event=event, user=person, name=DISPLAY_NAME, role="speaker", position=0
    )
    world.things["event"] = event

    module = make_module(title="Bird identification")
    world.things["certificate"] = make_certificate(
        user=person, module=module, holder_name=DISPLAY_NAME
    )

    consent_version = make_consent_version(project)
    make_consent(consent_version, participant=person, guardian_name=f"Parent of {DISPLAY_NAME}")
    CreditPreference.objects.create(user=person, project=None, choice="pseudonym", pseudonym="Wren")

    notification_send(
        recipients=[person],
        kind="project.news",
        message="Hello %(name)s",
        params={"name": DISPLAY_NAME},
    )
    notification_send(
        recipients=[owner],
        kind="questions.comment",
        message="%(name)s commented",
        params={"name": DISPLAY_NAME},
        actor=person,
        email=False,
    )
    api_token_create(actor=person, user=person, name="script")
    device_password_create(actor=person, name="phone")
    invitation_send(
        actor=owner,
        project=ProjectFactory(public=True, initiator=owner, name="Swift nests"),
        email=EMAIL,
        role=ProjectRole.MEMBER,
    )
    audit_record(actor=owner, action="test.mentioned", details={"who": EMAIL, "name": DISPLAY_NAME})
    return world
