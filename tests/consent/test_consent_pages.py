"""The consent pages, the team's pages, the ethics board's CSV, the redirect of contribution
pages, the project page's part, and the API."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.core.personal_data import sections
from cslab.core.roles import ProjectRole
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.classification.helpers import make_workflow
from tests.collection.test_observations import publish
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def volunteer() -> Any:
    return UserFactory()


def consent_url(project: Project, tail: str = "") -> str:
    return f"/projects/{project.slug}/consent/{tail}"


# --- the participant's page ---


def test_the_consent_page_shows_the_text_in_dutch_with_ethics_reference_and_licence(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(
        project, text_nl="Ik doe **mee**.", ethics_approval_reference="ERB-2026-7", minimum_age=16
    )
    client.force_login(volunteer)
    response = client.get(consent_url(project), headers={"accept-language": "nl"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>mee</strong>" in page and "ERB-2026-7" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert 'name="meta_research"' in page and "checked" not in page.split("I consent")[0][-2000:]
    assert 'name="guardian_name"' in page


def test_consenting_on_the_page_records_it_and_returns_to_next(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project, minimum_age=16)
    client.force_login(volunteer)
    next_url = f"/projects/{project.slug}/forms/birds/fill/"
    response = client.post(
        consent_url(project),
        {"action": "give", "version": "1", "age": "adult", "contact": "on", "next": next_url},
    )
    assert response.status_code == 302 and response["Location"] == next_url
    record = ConsentRecord.objects.get()
    assert record.participant == volunteer and record.contact and not record.meta_research


def test_a_minor_without_a_guardian_name_gets_the_form_back_with_the_problem(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project, minimum_age=16)
    client.force_login(volunteer)
    response = client.post(consent_url(project), {"action": "give", "version": "1", "age": "minor"})
    assert response.status_code == 400
    assert "Give the name of your parent or guardian." in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_next_to_another_site_is_ignored(client: Client, project: Project, volunteer: Any) -> None:
    make_consent_version(project)
    client.force_login(volunteer)
    response = client.post(
        consent_url(project),
        {"action": "give", "version": "1", "next": "https://evil.example.org/"},
    )
    assert response["Location"] == project.get_absolute_url()


def test_an_old_version_posted_from_a_stale_page_is_sent_back_to_the_new_text(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project)
    make_consent_version(project)
    client.force_login(volunteer)
    response = client.post(consent_url(project), {"action": "give", "version": "1"})
    assert response.status_code == 302
    assert not ConsentRecord.objects.exists()


def test_an_anonymous_visitor_reads_the_text_and_is_asked_to_log_in(
    client: Client, project: Project
) -> None:
    make_consent_version(project)
    response = client.get(consent_url(project))
    assert response.status_code == 200 and "Log in to consent" in response.content.decode()


def test_a_private_project_consent_page_is_404_for_outsiders(
    client: Client, volunteer: Any
) -> None:
    private = ProjectFactory(status=Project.Status.ACTIVE)
    make_consent_version(private)
    client.force_login(volunteer)
    assert client.get(consent_url(private)).status_code == 404


def test_the_optional_consents_change_on_the_page(
    client: Client, project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project)
    make_consent(version, participant=volunteer)
    client.force_login(volunteer)
    response = client.post(consent_url(project), {"action": "options", "meta_research": "on"})
    assert response.status_code == 302
    assert ConsentRecord.objects.get().meta_research is True


def test_withdrawing_on_the_page_offers_only_the_allowed_choices(
    client: Client, project: Project, volunteer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "cslab.privacy.services.erasure.project_contributions_withdraw",
        lambda **kwargs: calls.append(kwargs),
    )
    version = make_consent_version(project, withdrawal_options="anonymise_only")
    make_consent(version, participant=volunteer)
    client.force_login(volunteer)
    page = client.get(consent_url(project, "withdraw/")).content.decode()
    assert 'value="anonymise"' in page and 'value="delete"' not in page
    refused = client.post(consent_url(project, "withdraw/"), {"choice": "delete"})
    assert refused.status_code == 400 and calls == []
    done = client.post(consent_url(project, "withdraw/"), {"choice": "anonymise"})
    assert done.status_code == 302
    assert ConsentRecord.objects.get().withdrawal_choice == "anonymise"
    assert calls[0]["delete_contributions"] is False


# --- contribution pages redirect to the consent page ---


def test_the_web_form_sends_a_volunteer_without_consent_to_the_consent_page_first(
    client: Client,
) -> None:
    project = ProjectFactory(public=True)
    publish(project)
    make_consent_version(project)
    client.force_login(project.initiator)
    fill = f"/projects/{project.slug}/forms/birds/fill/"
    response = client.get(fill)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{consent_url(project)}?next=%2Fprojects%2F{project.slug}%2Fforms%2Fbirds%2Ffill%2F"
    )
    make_consent(ConsentVersion.objects.get(), participant=project.initiator)
    assert client.get(fill).status_code == 200


def test_the_classify_page_sends_a_volunteer_to_reconsent_after_a_new_version(
    client: Client, volunteer: Any
) -> None:
    workflow, _subjects, _owner = make_workflow()
    first = make_consent_version(workflow.project)
    make_consent(first, participant=volunteer)
    client.force_login(volunteer)
    page = f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/"
    assert client.get(page).status_code == 200
    make_consent_version(workflow.project)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(
        consent_url(workflow.project)
    )


# --- the project page's part ---


def test_the_project_page_shows_the_consent_state_and_the_team_links(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project)
    client.force_login(volunteer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Consent: version 1 — please read and consent" in page
    assert "/consent/versions/" not in page
    client.force_login(project.initiator)
    page = client.get(project.get_absolute_url()).content.decode()
    assert f"/projects/{project.slug}/consent/versions/" in page
    assert f"/projects/{project.slug}/consent/records.csv" in page


# --- the team's pages ---


def test_the_team_drafts_edits_and_publishes_a_version_through_the_pages(
    client: Client, project: Project
) -> None:
    client.force_login(project.initiator)
    assert client.get(consent_url(project, "versions/")).status_code == 200
    created = client.post(consent_url(project, "versions/"))
    assert created["Location"] == consent_url(project, "versions/1/")
    saved = client.post(
        consent_url(project, "versions/1/"),
        {
            "action": "save",
            "version-text_en": "You take part in bird counts.",
            "version-text_nl": "Je doet mee aan vogeltellingen.",
            "version-ethics_approval_reference": "ERB-1",
            "version-data_licence": "CC0-1.0",
            "version-withdrawal_options": "anonymise_or_delete",
            "version-minimum_age": "",
            "version-asks_contact": "on",
        },
    )
    assert saved.status_code == 302
    unconfirmed = client.post(consent_url(project, "versions/1/"), {"action": "publish"})
    assert unconfirmed.status_code == 400
    assert ConsentVersion.objects.get().published_at is None
    client.post(consent_url(project, "versions/1/"), {"action": "publish", "confirm": "yes"})
    version = ConsentVersion.objects.get()
    assert version.published_at is not None and version.data_licence == "CC0-1.0"
    assert version.asks_contact and not version.asks_meta_research
    page = client.get(consent_url(project, "versions/1/")).content.decode()
    assert version.text_sha256 in page and 'name="action"' not in page


def test_a_member_who_is_no_lead_gets_403_on_the_team_pages(client: Client) -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE)
    make_consent_version(project)
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    client.force_login(member)
    assert client.get(consent_url(project, "versions/")).status_code == 403
    assert client.get(consent_url(project, "records.csv")).status_code == 403


def test_the_records_csv_has_one_row_per_record_and_is_safe_from_formulas(
    client: Client, project: Project
) -> None:
    version = make_consent_version(project, minimum_age=16)
    person = UserFactory(email="=cmd@example.org")
    make_consent(
        version, participant=person, is_minor=True, guardian_consent=True, guardian_name="+Ann"
    )
    app_user = app_user_create(actor=project.initiator, project=project, name="@phone")
    make_consent(version, app_user=app_user, channel="openrosa", recorded_by=project.initiator)
    client.force_login(project.initiator)
    response = client.get(consent_url(project, "records.csv"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["who"], row["kind"], row["channel"]) for row in rows] == [
        ("'=cmd@example.org", "person", "web"),
        ("'@phone", "app_user", "openrosa"),
    ]
    assert rows[0]["guardian_name"] == "'+Ann" and rows[0]["is_minor"] == "yes"
    assert rows[0]["granted_at_utc"].endswith("+00:00")
    assert rows[0]["version_sha256"] == version.text_sha256
    assert rows[1]["recorded_by"] == project.initiator.email


def test_the_team_records_consent_for_an_app_user_on_its_page(
    client: Client, project: Project
) -> None:
    make_consent_version(project)
    app_user = app_user_create(actor=project.initiator, project=project, name="Phone 2")
    client.force_login(project.initiator)
    listed = client.get(consent_url(project, "versions/")).content.decode()
    assert f"/consent/app-users/{app_user.pk}/" in listed
    response = client.post(
        consent_url(project, f"app-users/{app_user.pk}/"),
        {"version": "1", "language": "nl", "meta_research": "on"},
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.app_user, record.channel, record.language) == (app_user, "openrosa", "nl")


# --- the personal-data export section ---


def test_the_export_section_holds_the_records_with_the_exact_text(
    project: Project, volunteer: Any
) -> None:
    version = make_consent_version(project, text_en="Exact words.")
    make_consent(version, participant=volunteer)
    section = next(section for section in sections() if section.key == "consents")
    exported = list(section.collect(volunteer))
    assert exported[0]["text_shown"] == "Exact words." and exported[0]["version"] == 1


# --- the API ---


def test_the_api_reads_the_text_gives_consent_and_lists_mine(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project)
    api = f"/api/v1/projects/{project.slug}/consent"
    anonymous = client.get(api).json()
    assert anonymous["version"]["number"] == 1 and anonymous["mine"] is None
    client.force_login(volunteer)
    given = client.post(api, {"version": 1, "language": "nl"}, content_type="application/json")
    assert given.status_code == 201 and given.json()["channel"] == "api"
    again = client.post(api, {"version": 1, "language": "nl"}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == given.json()["id"]
    state = client.get(api).json()
    assert state["consented_to_version_in_force"] is True
    mine = client.get("/api/v1/me/consents").json()
    assert [item["project"] for item in mine["items"]] == [project.slug]


def test_the_api_refuses_an_old_version_and_an_unanswered_age_gate(
    client: Client, project: Project, volunteer: Any
) -> None:
    make_consent_version(project)
    make_consent_version(project, minimum_age=16)
    client.force_login(volunteer)
    api = f"/api/v1/projects/{project.slug}/consent"
    old = client.post(api, {"version": 1}, content_type="application/json")
    assert old.status_code == 409 and old.json()["code"] == "consent_version_not_in_force"
    gate = client.post(api, {"version": 2}, content_type="application/json")
    assert gate.status_code == 400 and gate.json()["code"] == "consent_age_gate"


def test_the_api_withdraws_and_private_projects_are_404(
    client: Client, project: Project, volunteer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "cslab.privacy.services.erasure.project_contributions_withdraw", lambda **kwargs: None
    )
    version = make_consent_version(project)
    make_consent(version, participant=volunteer)
    client.force_login(volunteer)
    response = client.post(
        f"/api/v1/projects/{project.slug}/consent/withdraw",
        {"choice": "delete"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["withdrawal_choice"] == "delete"
    private = ProjectFactory(status=Project.Status.ACTIVE)
    assert client.get(f"/api/v1/projects/{private.slug}/consent").status_code == 404
