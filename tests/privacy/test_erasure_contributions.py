"""Contributions after erasure and withdrawal: kept under a pseudonym, or deleted for good."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cslab.accounts.models import User
from cslab.consent.selectors import consent_version_in_force
from cslab.consent.vocabulary import WithdrawalOptions
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.roles import ProjectRole
from cslab.observations.models import Observation, Tombstone
from cslab.observations.services.observations import observation_submit
from cslab.openrosa.services.app_users import app_user_create
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import account_erase, project_contributions_withdraw
from cslab.projects.models import Membership
from cslab.questions.models import Comment, Question
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.openrosa.conftest import publish, submission_xml
from tests.openrosa.test_endpoints import key_url, post_submission
from tests.privacy.erasure_world import DISPLAY_NAME, EMAIL, observe, plant
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_deleted_contributions_leave_tombstones_and_a_replay_stores_nothing() -> None:
    world = plant()
    owner = world.project.initiator

    erasure = account_erase(
        actor=world.person, user=world.person, delete_contributions=True, requested_through="web"
    )

    assert erasure.contributions_deleted and erasure.counts["observations"] >= 3
    assert not Observation.objects.filter(observer=world.person).exists()
    assert Tombstone.objects.filter(form__project=world.project).count() == 2
    # An offline device's queue sends one of the erased instances again (through the owner,
    # who consented to the project's text: the refusal is the tombstone's, not the gate's).
    make_consent(consent_version_in_force(project=world.project), participant=owner)
    with pytest.raises(ConflictError) as refused:
        observe(owner, world.version, "uuid:erasure-private")
    assert refused.value.code == "instance_erased"
    assert not Observation.objects.filter(instance_id="uuid:erasure-private").exists()
    # The question others discussed stays, under the pseudonym; the person's comment goes.
    question = Question.objects.get(pk=world.things["question"].pk)
    assert question.proposer_id == world.person.pk and DISPLAY_NAME not in question.why_it_matters
    assert not Comment.objects.filter(author=world.person).exists()
    assert Comment.objects.filter(pk=world.things["comment"].pk).exists()


def test_an_openrosa_replay_of_an_erased_instance_stores_nothing() -> None:
    project = ProjectFactory(status="active")
    version = publish(project)
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
    observation_submit(
        actor=person,
        form_version=version,
        instance_id="uuid:replayed",
        answers={"site": "Pond", "location": "52.0907 5.1214 3.0 8.5"},
    )
    app_user = app_user_create(actor=project.initiator, project=project, name="Phone 1")

    account_erase(actor=person, user=person, delete_contributions=True, requested_through="web")
    response = post_submission(
        Client(), key_url(app_user, "submission"), submission_xml(instance_id="uuid:replayed")
    )

    assert response.status_code >= 400 or response.status_code == 202
    assert not Observation.objects.filter(instance_id="uuid:replayed").exists()


def test_kept_contributions_are_redacted_and_private_places_generalised() -> None:
    world = plant()

    account_erase(
        actor=None, user=world.person, delete_contributions=False, requested_through="command"
    )

    kept = Observation.objects.filter(observer=world.person).order_by("instance_id")
    assert kept.count() == 3
    for observation in kept:
        assert (
            EMAIL not in observation.answers["notes"]
            and "[removed]" in observation.answers["notes"]
        )
    private = kept.get(instance_id="uuid:erasure-private")
    assert (private.latitude, private.longitude, private.h3_res9) == (None, None, "")
    assert Erasure.objects.get().requested_through == "command"


def test_withdrawal_from_one_project_moves_its_contributions_and_leaves_the_others() -> None:
    world = plant()

    erasure = project_contributions_withdraw(
        actor=world.person, user=world.person, project=world.project, delete_contributions=False
    )

    moved = Observation.objects.filter(project=world.project)
    assert moved.count() == 2
    new_owner = User.objects.get(pk=moved.first().observer_id)  # type: ignore[union-attr]
    assert new_owner.pk != world.person.pk and not new_owner.is_active
    assert new_owner.display_name == erasure.pseudonym and erasure.scope == "project"
    assert "withdrawn" in new_owner.email and not new_owner.has_usable_password()
    # The other project and the account itself are untouched.
    other = Observation.objects.get(pk=world.things["other_observation"].pk)
    assert other.observer_id == world.person.pk and EMAIL in other.answers["notes"]
    world.person.refresh_from_db()
    assert world.person.is_active and world.person.email == EMAIL
    assert Membership.objects.filter(user=world.person).count() == 2


def test_withdrawal_with_deletion_is_refused_where_the_consent_allows_anonymising_only() -> None:
    world = plant()
    version = make_consent_version(
        world.project, withdrawal_options=WithdrawalOptions.ANONYMISE_ONLY
    )
    make_consent(version, participant=world.person)

    with pytest.raises(InvalidInputError) as refused:
        project_contributions_withdraw(
            actor=world.person, user=world.person, project=world.project, delete_contributions=True
        )

    assert refused.value.code == "erasure_deletion_not_allowed"
    assert Observation.objects.filter(project=world.project, observer=world.person).count() == 2


def test_account_deletion_keeps_the_projects_whose_consent_allows_anonymising_only() -> None:
    world = plant()
    version = make_consent_version(
        world.project, withdrawal_options=WithdrawalOptions.ANONYMISE_ONLY
    )
    make_consent(version, participant=world.person)

    account_erase(
        actor=world.person, user=world.person, delete_contributions=True, requested_through="web"
    )

    assert Observation.objects.filter(project=world.project).count() == 2
    assert not Observation.objects.filter(project=world.other_project).exists()


def test_only_the_person_or_staff_may_erase_an_account_and_only_once(staff: Any) -> None:
    person = UserFactory()
    with pytest.raises(NotFoundError):
        account_erase(
            actor=UserFactory(), user=person, delete_contributions=False, requested_through="web"
        )

    account_erase(actor=staff, user=person, delete_contributions=False, requested_through="web")

    with pytest.raises(ConflictError):
        account_erase(actor=staff, user=person, delete_contributions=False, requested_through="web")
