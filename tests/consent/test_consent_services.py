"""Consent services: versions (draft, edit, publish, immutable), giving, re-consent, the age
gate, optional consents and withdrawal."""

import hashlib
from typing import Any

import pytest

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.services.consent import (
    consent_give,
    consent_give_for_app_user,
    consent_update_options,
    consent_withdraw,
)
from cslab.consent.services.versions import (
    consent_version_create_draft,
    consent_version_publish,
    consent_version_update,
    version_fingerprint,
)
from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.notifications.models import Notification
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> Project:
    project: Project = ProjectFactory(public=True, status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def owner(project: Project) -> Any:
    return project.initiator


@pytest.fixture
def volunteer() -> Any:
    return UserFactory()


@pytest.fixture
def withdrawals(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The erasure part's `project_contributions_withdraw`, replaced by a recorder of its calls
    (its own tests cover what it does to the contributions)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "cslab.privacy.services.erasure.project_contributions_withdraw",
        lambda **kwargs: calls.append(kwargs),
    )
    return calls


def give(person: Any, project: Project, number: int, **kwargs: Any) -> ConsentRecord:
    kwargs.setdefault("language", "en")
    return consent_give(actor=person, project=project, version_number=number, **kwargs)


# --- versions ---


def test_the_first_draft_starts_from_an_outline_with_the_project_licence(
    owner: Any, project: Project
) -> None:
    draft, created = consent_version_create_draft(actor=owner, project=project)
    assert created and draft.number == 1 and draft.published_at is None
    assert "What this project studies" in draft.text_en
    assert draft.data_licence == project.data_licence


def test_a_new_draft_starts_from_the_latest_text_and_terms(owner: Any, project: Project) -> None:
    make_consent_version(project, text_en="Old text", ethics_approval_reference="ERB-1")
    draft, created = consent_version_create_draft(actor=owner, project=project)
    assert created and draft.number == 2
    assert (draft.text_en, draft.ethics_approval_reference) == ("Old text", "ERB-1")


def test_a_second_draft_request_returns_the_draft_there_is(owner: Any, project: Project) -> None:
    first, _ = consent_version_create_draft(actor=owner, project=project)
    again, created = consent_version_create_draft(actor=owner, project=project)
    assert again.pk == first.pk and created is False
    assert ConsentVersion.objects.filter(project=project).count() == 1


def test_a_member_who_is_no_lead_may_not_draft(project: Project) -> None:
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    with pytest.raises(PermissionDeniedError):
        consent_version_create_draft(actor=member, project=project)


def test_publishing_fingerprints_the_texts_and_terms_and_puts_the_version_in_force(
    owner: Any, project: Project
) -> None:
    draft, _ = consent_version_create_draft(actor=owner, project=project)
    consent_version_update(actor=owner, version=draft, text_en="Final\r\ntext", minimum_age=16)
    published = consent_version_publish(actor=owner, version=draft)
    assert published.published_at is not None
    assert published.text_en == "Final\ntext"
    assert published.text_sha256 == version_fingerprint(published)
    assert AuditEvent.objects.filter(action="consent.version_published").count() == 1


def test_a_published_version_never_changes(owner: Any, project: Project) -> None:
    version = make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        consent_version_update(actor=owner, version=version, text_en="Changed")
    assert raised.value.code == "consent_version_published"
    with pytest.raises(ConflictError):
        consent_version_publish(actor=owner, version=version)
    version.refresh_from_db()
    assert version.text_en != "Changed"


def test_an_oversized_or_empty_text_is_refused_with_the_field_named(
    owner: Any, project: Project
) -> None:
    draft, _ = consent_version_create_draft(actor=owner, project=project)
    with pytest.raises(InvalidInputError) as raised:
        consent_version_update(actor=owner, version=draft, text_en="x" * 20001, minimum_age=0)
    assert set(raised.value.details) == {"text_en", "minimum_age"}
    with pytest.raises(InvalidInputError) as raised:
        consent_version_update(actor=owner, version=draft, text_en="   ")
    assert "text_en" in raised.value.details


def test_publishing_a_new_version_notifies_the_people_who_consented_to_an_older_one(
    owner: Any, project: Project, volunteer: Any
) -> None:
    first = make_consent_version(project)
    make_consent(first, participant=volunteer)
    withdrawn = UserFactory()
    make_consent(
        first, participant=withdrawn, withdrawn_at=first.published_at, withdrawal_choice="anonymise"
    )
    draft, _ = consent_version_create_draft(actor=owner, project=project)
    consent_version_publish(actor=owner, version=draft)
    notified = Notification.objects.filter(kind="consent.new_version")
    assert [notification.recipient for notification in notified] == [volunteer]
    assert notified[0].url == f"/projects/{project.slug}/consent/"


# --- giving ---


def test_consent_keeps_the_exact_text_shown_and_its_fingerprint(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project, text_en="Hello **world**", text_nl="Hallo")
    record = give(volunteer, project, version.number, language="nl", meta_research=True)
    assert (record.language, record.text_shown) == ("nl", "Hallo")
    assert record.text_sha256 == hashlib.sha256(b"Hallo").hexdigest()
    assert record.channel == "web" and record.meta_research and not record.contact
    assert AuditEvent.objects.filter(action="consent.given").count() == 1


def test_dutch_falls_back_to_english_and_the_record_says_so(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project, text_en="English only", text_nl="")
    record = give(volunteer, project, version.number, language="nl")
    assert (record.language, record.text_shown) == ("en", "English only")


def test_consent_to_a_version_that_is_not_in_force_is_refused(
    project: Project, volunteer: Any
) -> None:
    old = make_consent_version(project)
    make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        give(volunteer, project, old.number)
    assert raised.value.code == "consent_version_not_in_force"
    assert raised.value.details["version_in_force"] == 2
    assert not ConsentRecord.objects.exists()


def test_consenting_to_a_new_version_supersedes_the_older_record(
    project: Project, volunteer: Any
) -> None:
    first = make_consent_version(project)
    older = give(volunteer, project, first.number)
    second = make_consent_version(project)
    newer = give(volunteer, project, second.number)
    older.refresh_from_db()
    assert older.superseded_at is not None and newer.is_current
    assert ConsentRecord.objects.filter(superseded_at__isnull=True).get() == newer


def test_giving_the_same_consent_twice_returns_the_one_record(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project)
    first = give(volunteer, project, version.number, contact=True)
    again = give(volunteer, project, version.number, contact=True)
    assert again.pk == first.pk and ConsentRecord.objects.count() == 1


def test_optional_consents_the_version_does_not_ask_are_not_stored(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project, asks_meta_research=False, asks_contact=False)
    record = give(volunteer, project, version.number, meta_research=True, contact=True)
    assert not record.meta_research and not record.contact


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "age"),
        ({"is_minor": True, "guardian_name": "Ann"}, "guardian_consent"),
        ({"is_minor": True, "guardian_consent": True}, "guardian_name"),
    ],
)
def test_the_age_gate_needs_the_age_or_a_named_guardian(
    project: Project, volunteer: Any, answers: dict[str, Any], field: str
) -> None:
    version = make_consent_version(project, minimum_age=16)
    with pytest.raises(InvalidInputError) as raised:
        give(volunteer, project, version.number, **answers)
    assert raised.value.code == "consent_age_gate" and field in raised.value.details
    assert not ConsentRecord.objects.exists()


def test_a_minor_consents_with_a_guardian_and_an_adult_by_confirming_the_age(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project, minimum_age=16)
    minor = give(
        volunteer,
        project,
        version.number,
        is_minor=True,
        guardian_consent=True,
        guardian_name=" Ann Parent ",
    )
    assert minor.is_minor and minor.guardian_consent and minor.guardian_name == "Ann Parent"
    adult = give(UserFactory(), project, version.number, age_confirmed=True)
    assert not adult.is_minor and adult.guardian_name == ""


def test_a_team_member_records_consent_for_an_app_user(owner: Any, project: Project) -> None:
    version = make_consent_version(project)
    app_user = app_user_create(actor=owner, project=project, name="Phone 7")
    record = consent_give_for_app_user(
        actor=owner, app_user=app_user, version_number=version.number, language="en"
    )
    assert (record.app_user, record.participant, record.recorded_by) == (app_user, None, owner)
    assert record.channel == "openrosa"


def test_a_volunteer_may_not_record_consent_for_an_app_user(
    owner: Any, project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project)
    app_user = app_user_create(actor=owner, project=project, name="Phone 7")
    with pytest.raises(PermissionDeniedError):
        consent_give_for_app_user(
            actor=volunteer, app_user=app_user, version_number=version.number, language="en"
        )


# --- options and withdrawal ---


def test_the_optional_consents_change_without_withdrawing(project: Project, volunteer: Any) -> None:
    version = make_consent_version(project)
    record = give(volunteer, project, version.number, meta_research=True)
    changed = consent_update_options(
        actor=volunteer, project=project, meta_research=False, contact=True
    )
    assert changed.pk == record.pk and changed.is_current
    assert (changed.meta_research, changed.contact) == (False, True)
    event = AuditEvent.objects.get(action="consent.options_changed")
    assert event.details["from"] == {"meta_research": True, "contact": False}


def test_withdrawing_marks_the_record_and_hands_the_contributions_to_the_erasure(
    project: Project, volunteer: Any, withdrawals: list[dict[str, Any]]
) -> None:
    version = make_consent_version(project)
    give(volunteer, project, version.number)
    record = consent_withdraw(actor=volunteer, project=project, choice="delete")
    assert record.withdrawn_at is not None and record.withdrawal_choice == "delete"
    assert withdrawals == [
        {"actor": volunteer, "user": volunteer, "project": project, "delete_contributions": True}
    ]


def test_deleting_on_withdrawal_is_refused_when_the_version_keeps_anonymised_only(
    project: Project, volunteer: Any, withdrawals: list[dict[str, Any]]
) -> None:
    version = make_consent_version(project, withdrawal_options="anonymise_only")
    give(volunteer, project, version.number)
    with pytest.raises(InvalidInputError) as raised:
        consent_withdraw(actor=volunteer, project=project, choice="delete")
    assert raised.value.code == "consent_withdrawal_choice"
    assert withdrawals == [] and ConsentRecord.objects.get().withdrawn_at is None
    consent_withdraw(actor=volunteer, project=project, choice="anonymise")
    assert withdrawals[0]["delete_contributions"] is False


def test_withdrawing_without_consent_is_a_conflict(project: Project, volunteer: Any) -> None:
    make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        consent_withdraw(actor=volunteer, project=project, choice="anonymise")
    assert raised.value.code == "consent_not_given"
