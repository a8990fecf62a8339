"""Credit choices: project over global over the default, pseudonym rules, the credit page."""

from __future__ import annotations

from typing import Any

import pytest

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.core.problems import ProblemCode
from cslab.participants.models import CreditPreference
from cslab.participants.selectors import credit_name_for
from cslab.participants.services.credit import credit_preference_clear, credit_preference_set
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _member_of_project(person: Any) -> Any:
    project = ProjectFactory(public=True)
    MembershipFactory(project=project, user=person)
    return project


def test_by_default_only_a_public_profile_is_named() -> None:
    public = UserFactory(display_name="Ada Lovelace", profile_public=True)
    private = UserFactory(display_name="Grace Hopper", profile_public=False)

    assert credit_name_for(user=public) == "Ada Lovelace"
    assert credit_name_for(user=private) is None


def test_the_global_choice_wins_over_the_default() -> None:
    person = UserFactory(display_name="Grace Hopper", profile_public=False)

    credit_preference_set(actor=person, user=person, choice="name")

    assert credit_name_for(user=person) == "Grace Hopper"


def test_a_project_choice_wins_over_the_global_one_in_that_project_only() -> None:
    person = UserFactory(display_name="Grace Hopper", profile_public=True)
    project = _member_of_project(person)
    other = _member_of_project(person)
    credit_preference_set(actor=person, user=person, choice="pseudonym", pseudonym="Moth Finder")
    credit_preference_set(actor=person, user=person, project=project, choice="none")

    assert credit_name_for(user=person, project=project) is None
    assert credit_name_for(user=person, project=other) == "Moth Finder"
    assert credit_name_for(user=person) == "Moth Finder"


def test_clearing_a_project_choice_brings_back_the_global_one() -> None:
    person = UserFactory(display_name="Grace Hopper")
    project = _member_of_project(person)
    credit_preference_set(actor=person, user=person, choice="name")
    credit_preference_set(actor=person, user=person, project=project, choice="none")

    credit_preference_clear(actor=person, user=person, project=project)

    assert credit_name_for(user=person, project=project) == "Grace Hopper"


def test_choosing_again_updates_the_one_row() -> None:
    person = UserFactory()
    credit_preference_set(actor=person, user=person, choice="name")
    credit_preference_set(actor=person, user=person, choice="pseudonym", pseudonym="Bee Fan")

    rows = CreditPreference.objects.filter(user=person)
    assert [(row.choice, row.pseudonym) for row in rows] == [("pseudonym", "Bee Fan")]


@pytest.mark.parametrize(
    "pseudonym",
    ["x", "y" * 101, "someone@example.org", "me @ home", "   "],
)
def test_a_pseudonym_must_be_2_to_100_characters_without_an_at_sign(pseudonym: str) -> None:
    person = UserFactory()

    with pytest.raises(InvalidInputError) as raised:
        credit_preference_set(actor=person, user=person, choice="pseudonym", pseudonym=pseudonym)

    assert raised.value.code == ProblemCode.INVALID_PSEUDONYM
    assert not CreditPreference.objects.filter(user=person).exists()


def test_someone_elses_email_is_refused_as_a_pseudonym() -> None:
    person = UserFactory()
    other = UserFactory(email="neighbour@example.org")

    with pytest.raises(InvalidInputError):
        credit_preference_set(actor=person, user=person, choice="pseudonym", pseudonym=other.email)


def test_a_project_choice_is_only_for_projects_one_took_part_in() -> None:
    person = UserFactory()
    stranger_project = ProjectFactory(public=True)

    with pytest.raises(InvalidInputError) as raised:
        credit_preference_set(actor=person, user=person, project=stranger_project, choice="none")

    assert raised.value.code == ProblemCode.CREDIT_PROJECT_NOT_MINE


def test_nobody_chooses_for_someone_else() -> None:
    person, other = UserFactory(), UserFactory()

    with pytest.raises(NotFoundError):
        credit_preference_set(actor=other, user=person, choice="none")


def test_a_choice_is_audited_without_the_pseudonym() -> None:
    person = UserFactory()
    credit_preference_set(actor=person, user=person, choice="pseudonym", pseudonym="Bee Fan")

    event = AuditEvent.objects.get(action="credit.preference_set")
    assert event.details == {"user": person.pk, "choice": "pseudonym"}


def test_the_credit_page_saves_a_global_choice(client: Any) -> None:
    person = UserFactory(display_name="Grace Hopper")
    client.force_login(person)

    response = client.post(
        "/me/credit/",
        {"which": "global", "global-choice": "pseudonym", "global-pseudonym": "Moth Finder"},
    )

    assert response.status_code == 302
    assert "Moth Finder" in client.get("/me/credit/").content.decode()
    assert credit_name_for(user=person) == "Moth Finder"


def test_the_credit_page_shows_a_refused_pseudonym_beside_its_field(client: Any) -> None:
    person = UserFactory()
    client.force_login(person)

    response = client.post(
        "/me/credit/",
        {"which": "global", "global-choice": "pseudonym", "global-pseudonym": "a@b.org"},
    )

    assert response.status_code == 400
    assert "must not be an e-mail address" in response.content.decode()


def test_the_credit_page_saves_a_choice_for_a_project_of_mine(client: Any) -> None:
    person = UserFactory(display_name="Grace Hopper", profile_public=True)
    project = _member_of_project(person)
    client.force_login(person)
    prefix = f"project-{project.pk}"
    assert (
        '<option value="" selected>as in all projects</option>'
        in client.get("/me/credit/").content.decode()
    )

    response = client.post(
        "/me/credit/",
        {"which": prefix, f"{prefix}-project": project.slug, f"{prefix}-choice": "none"},
    )

    assert response.status_code == 302
    assert credit_name_for(user=person, project=project) is None
    assert credit_name_for(user=person) == "Grace Hopper"


def test_a_row_inserted_by_a_concurrent_request_is_updated_not_duplicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db.models import QuerySet

    person = UserFactory()
    credit_preference_set(actor=person, user=person, choice="name")
    real_first = QuerySet.first
    calls = {"first": 0}

    def first_missing_once(self: Any) -> Any:
        # As if another request inserted the row just after this one looked.
        calls["first"] += 1
        return None if calls["first"] == 1 else real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_missing_once)
    credit_preference_set(actor=person, user=person, choice="none")

    assert list(CreditPreference.objects.filter(user=person).values_list("choice", flat=True)) == [
        "none"
    ]
