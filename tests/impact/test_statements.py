"""Impact statements: what a project's researchers record, who may record and see them, and
where they are shown (the project's pages, its case studies, the API)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole, SiteRole
from cslab.hub.models import CaseStudy, CaseStudyProject, Resource
from cslab.impact.models import ImpactStatement
from cslab.impact.services.statements import (
    ImpactStatementInput,
    impact_statement_create,
    impact_statement_delete,
)
from tests.factories import UserFactory
from tests.hub.case_study_helpers import make_case_study
from tests.impact.factories import ImpactStatementFactory, OutputFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _impact(**fields: Any) -> ImpactStatementInput:
    values: dict[str, Any] = {"kind": "policy", "description": "The council mows verges later."}
    values.update(fields)
    return ImpactStatementInput(**values)


def test_a_researcher_records_an_impact_and_it_is_audited() -> None:
    project = ProjectFactory(public=True)
    researcher = MembershipFactory(project=project, role=ProjectRole.RESEARCHER).user

    statement = impact_statement_create(
        actor=researcher,
        project=project,
        data=_impact(evidence_url="https://example.org/decision", occurred_on=date(2024, 5, 1)),
    )

    assert statement.created_by == researcher and statement.project == project
    assert AuditEvent.objects.filter(action="impact.statement_created").count() == 1


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.MODERATOR, ProjectRole.VIEWER])
def test_the_rest_of_the_team_may_not_record_impacts(role: str) -> None:
    project = ProjectFactory(public=True)
    member = MembershipFactory(project=project, role=role).user

    with pytest.raises(PermissionDeniedError):
        impact_statement_create(actor=member, project=project, data=_impact())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "ftp://example.org/file"}, "evidence_url"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"kind": "magic"}, "kind"),
        ({"occurred_on": date(2999, 1, 1)}, "occurred_on"),
    ],
)
def test_a_bad_statement_is_refused_with_the_field_named(
    fields: dict[str, Any], field: str
) -> None:
    project = ProjectFactory(public=True)

    with pytest.raises(InvalidInputError) as raised:
        impact_statement_create(actor=project.initiator, project=project, data=_impact(**fields))

    assert field in raised.value.details
    assert not ImpactStatement.objects.exists()


def test_tomorrow_is_allowed_for_another_time_zone() -> None:
    project = ProjectFactory(public=True)
    tomorrow = timezone.localdate() + timedelta(days=1)

    statement = impact_statement_create(
        actor=project.initiator, project=project, data=_impact(occurred_on=tomorrow)
    )

    assert statement.occurred_on == tomorrow


def test_a_statement_of_another_project_cannot_be_deleted_through_this_one() -> None:
    owner = UserFactory()
    mine = ProjectFactory(public=True, initiator=owner)
    theirs = ImpactStatementFactory(project=ProjectFactory(public=True))

    with pytest.raises(InvalidInputError):
        impact_statement_delete(actor=owner, project=mine, statement=theirs)
    assert ImpactStatement.objects.filter(pk=theirs.pk).exists()


# --- pages ---


def test_the_team_records_an_impact_on_the_page_and_visitors_see_it(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)

    response = client.post(
        f"/projects/{project.slug}/impacts/new/",
        {
            "kind": "environment",
            "description": "Nitrate fell by **a third**.",
            "evidence_url": "https://example.org/report",
            "occurred_on": "2024-06-01",
        },
    )

    assert response.status_code == 302
    client.logout()
    html = client.get(f"/projects/{project.slug}/impacts/").content.decode()
    assert "<strong>a third</strong>" in html and "https://example.org/report" in html


def test_a_bad_evidence_link_on_the_page_is_shown_beside_its_field(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)

    response = client.post(
        f"/projects/{project.slug}/impacts/new/",
        {"kind": "policy", "description": "A rule.", "evidence_url": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    assert not ImpactStatement.objects.exists()


def test_markdown_in_a_description_cannot_inject_a_script(client: Any) -> None:
    statement = ImpactStatementFactory(
        project=ProjectFactory(public=True), description="<script>alert(1)</script> hi"
    )

    html = client.get(f"/projects/{statement.project.slug}/impacts/").content.decode()

    assert "<script>alert(1)</script>" not in html


def test_the_team_edits_and_removes_an_impact(client: Any) -> None:
    statement = ImpactStatementFactory(project=ProjectFactory(public=True))
    project = statement.project
    client.force_login(project.initiator)
    base = f"/projects/{project.slug}/impacts/{statement.pk}"

    edited = client.post(
        f"{base}/edit/", {"kind": "community", "description": "Neighbours meet monthly."}
    )
    assert edited.status_code == 302
    statement.refresh_from_db()
    assert (statement.kind, statement.description) == ("community", "Neighbours meet monthly.")
    assert client.get(f"{base}/delete/").status_code == 200
    assert client.post(f"{base}/delete/").status_code == 302
    assert not ImpactStatement.objects.exists()


def test_another_team_member_gets_403_and_an_outsider_404(client: Any) -> None:
    statement = ImpactStatementFactory(project=ProjectFactory(status="active"))
    project = statement.project
    edit = f"/projects/{project.slug}/impacts/{statement.pk}/edit/"
    client.force_login(MembershipFactory(project=project, role=ProjectRole.MEMBER).user)
    assert client.get(edit).status_code == 403
    assert client.get(f"/projects/{project.slug}/impacts/").status_code == 200
    client.force_login(UserFactory())
    assert client.get(edit).status_code == 404
    assert client.get(f"/projects/{project.slug}/impacts/").status_code == 404


def test_a_statement_of_another_project_is_not_found_through_this_one(client: Any) -> None:
    owner = UserFactory()
    mine = ProjectFactory(public=True, initiator=owner)
    theirs = ImpactStatementFactory(project=ProjectFactory(public=True))
    client.force_login(owner)

    response = client.post(f"/projects/{mine.slug}/impacts/{theirs.pk}/delete/")

    assert response.status_code == 404
    assert ImpactStatement.objects.filter(pk=theirs.pk).exists()


def test_the_project_page_shows_impacts_and_leads_managers_to_record_one(client: Any) -> None:
    project = ProjectFactory(public=True)
    ImpactStatementFactory(project=project, description="Verges are mown later.")
    OutputFactory(projects=[project], title="Verge paper", doi="10.1234/verge")

    client.force_login(project.initiator)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Verges are mown later." in html and "https://doi.org/10.1234/verge" in html
    assert f"/projects/{project.slug}/impacts/new/" in html
    assert f"/projects/{project.slug}/outputs/import/" in html
    client.force_login(UserFactory())
    visitor = client.get(project.get_absolute_url()).content.decode()
    assert "Verges are mown later." in visitor
    assert f"/projects/{project.slug}/impacts/new/" not in visitor


# --- case studies ---


def test_a_case_study_shows_the_outputs_and_impacts_of_projects_the_viewer_may_see(
    client: Any,
) -> None:
    resource = make_case_study(title="Verges for bees", status=Resource.Status.PUBLISHED)
    case_study = CaseStudy.objects.get(resource=resource)
    public = ProjectFactory(public=True)
    private = ProjectFactory(status="active")
    for project in (public, private):
        CaseStudyProject.objects.create(case_study=case_study, project=project)
    ImpactStatementFactory(project=public, description="Mowing moved to September.")
    OutputFactory(projects=[public], title="Open verge data", doi="10.5281/zenodo.42")
    ImpactStatementFactory(project=private, description="Secret council deal.")
    OutputFactory(projects=[private], title="Hidden paper")

    html = client.get(resource.get_absolute_url()).content.decode()

    assert "Mowing moved to September." in html and "Open verge data" in html
    assert "https://doi.org/10.5281/zenodo.42" in html
    assert "Secret council deal." not in html and "Hidden paper" not in html
    client.force_login(UserFactory(site_role=SiteRole.STAFF))
    staff_html = client.get(resource.get_absolute_url()).content.decode()
    assert "Secret council deal." in staff_html and "Hidden paper" in staff_html


# --- API ---


def test_the_api_lists_records_and_removes_statements(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)
    url = f"/api/v1/projects/{project.slug}/impact-statements"

    created = client.post(
        url,
        {"kind": "science", "description": "Cited by the RIVM.", "occurred_on": "2024-01-02"},
        content_type="application/json",
    )

    assert created.status_code == 201
    statement_id = created.json()["id"]
    client.logout()
    listed = client.get(url).json()
    assert [item["description"] for item in listed["items"]] == ["Cited by the RIVM."]
    assert client.delete(f"{url}/{statement_id}").status_code == 401
    client.force_login(project.initiator)
    assert client.delete(f"{url}/{statement_id}").status_code == 204
    assert not ImpactStatement.objects.exists()


def test_the_api_refuses_a_bad_evidence_link_with_a_problem(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)

    response = client.post(
        f"/api/v1/projects/{project.slug}/impact-statements",
        {"kind": "science", "description": "x", "evidence_url": "javascript:alert(1)"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_the_api_hides_a_private_projects_statements_from_outsiders(client: Any) -> None:
    statement = ImpactStatementFactory(project=ProjectFactory(status="active"))
    client.force_login(UserFactory())
    url = f"/api/v1/projects/{statement.project.slug}/impact-statements"

    assert client.get(url).status_code == 404
    assert client.delete(f"{url}/{statement.pk}").status_code == 404
