"""A project's outputs: DOI and link checks, who may manage them, and "where my contribution
went" showing each person only the projects they contributed to."""

from __future__ import annotations

from typing import Any

import pytest

from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.impact.models import Output
from cslab.impact.services.outputs import (
    OutputInput,
    normalised_doi,
    output_create,
    output_delete,
)
from tests.factories import UserFactory
from tests.participants.helpers import Site
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _paper(title: str = "Bees prefer blue", **fields: Any) -> OutputInput:
    return OutputInput(kind="publication", title=title, **fields)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1234/abc.def", "10.1234/abc.def"),
        ("https://doi.org/10.5281/zenodo.123", "10.5281/zenodo.123"),
        ("doi:10.1000/xyz(1)", "10.1000/xyz(1)"),
        ("  ", ""),
    ],
)
def test_a_doi_is_stored_without_its_resolver(given: str, stored: str) -> None:
    assert normalised_doi(given) == stored


@pytest.mark.parametrize("given", ["11.1234/abc", "10.12/abc", "10.1234/", "10.1234/a b", "x"])
def test_a_malformed_doi_is_refused(given: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        normalised_doi(given)
    assert raised.value.code == ProblemCode.INVALID_DOI


def test_only_web_links_are_accepted() -> None:
    project = ProjectFactory(public=True)

    with pytest.raises(InvalidInputError) as raised:
        output_create(
            actor=project.initiator, project=project, data=_paper(url="javascript:alert(1)")
        )

    assert "url" in raised.value.details
    assert not Output.objects.exists()


def test_a_doi_is_one_output(db: Any) -> None:
    project = ProjectFactory(public=True)
    output_create(actor=project.initiator, project=project, data=_paper(doi="10.1234/abc"))

    with pytest.raises(ConflictError) as raised:
        output_create(
            actor=project.initiator,
            project=project,
            data=_paper("Again", doi="https://doi.org/10.1234/abc"),
        )

    assert raised.value.code == ProblemCode.OUTPUT_DOI_TAKEN


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.MODERATOR])
def test_team_members_without_the_role_may_not_add_outputs(role: str) -> None:
    project = ProjectFactory(public=True)
    member = MembershipFactory(project=project, role=role).user

    with pytest.raises(PermissionDeniedError):
        output_create(actor=member, project=project, data=_paper())


def test_an_output_may_be_linked_only_to_projects_the_author_manages() -> None:
    owner = UserFactory()
    mine = ProjectFactory(public=True, initiator=owner)
    also_mine = ProjectFactory(public=True, initiator=owner)
    theirs = ProjectFactory(public=True)

    output = output_create(actor=owner, project=mine, data=_paper(also_projects=[also_mine]))
    assert set(output.projects.all()) == {mine, also_mine}
    with pytest.raises(InvalidInputError):
        output_create(actor=owner, project=mine, data=_paper("Other", also_projects=[theirs]))


def test_removing_a_shared_output_keeps_it_for_the_other_project() -> None:
    owner = UserFactory()
    first = ProjectFactory(public=True, initiator=owner)
    second = ProjectFactory(public=True, initiator=owner)
    output = output_create(actor=owner, project=first, data=_paper(also_projects=[second]))

    output_delete(actor=owner, project=first, output=output)
    assert list(Output.objects.get(pk=output.pk).projects.all()) == [second]

    output_delete(actor=owner, project=second, output=output)
    assert not Output.objects.filter(pk=output.pk).exists()


def test_the_team_adds_an_output_through_the_page_and_everyone_sees_it(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)

    response = client.post(
        f"/projects/{project.slug}/outputs/new/",
        {"kind": "dataset", "title": "Bee counts 2025", "doi": "https://doi.org/10.5281/z.1"},
    )

    assert response.status_code == 302
    client.logout()
    page = client.get(f"/projects/{project.slug}/outputs/").content.decode()
    assert "Bee counts 2025" in page and "https://doi.org/10.5281/z.1" in page
    api = client.get(f"/api/v1/projects/{project.slug}/outputs").json()
    assert [item["doi"] for item in api["items"]] == ["10.5281/z.1"]


def test_a_bad_doi_on_the_page_is_shown_beside_its_field(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)

    response = client.post(
        f"/projects/{project.slug}/outputs/new/",
        {"kind": "dataset", "title": "Bee counts", "doi": "not a doi"},
    )

    assert response.status_code == 400
    assert "A DOI looks like" in response.content.decode()


def test_the_outputs_of_a_private_project_are_not_found_for_outsiders(client: Any) -> None:
    project = ProjectFactory(status="active", visibility="private")
    client.force_login(UserFactory())

    assert client.get(f"/projects/{project.slug}/outputs/").status_code == 404
    assert client.get(f"/api/v1/projects/{project.slug}/outputs").status_code == 404


def test_where_my_contribution_went_shows_only_projects_i_contributed_to(client: Any) -> None:
    me, someone = UserFactory(), UserFactory()
    mine = Site(with_form=False)
    theirs = Site(with_form=False)
    mine.classify(me)
    theirs.classify(someone)
    for site, title in ((mine, "Paper from my project"), (theirs, "Paper from theirs")):
        output_create(actor=site.owner, project=site.project, data=_paper(title))
    client.force_login(me)

    page = client.get("/me/where-it-went/")

    html = page.content.decode()
    assert "Paper from my project" in html
    assert "Paper from theirs" not in html and theirs.project.name not in html
    assert "You contributed from" in html
    client.force_login(someone)
    other_page = client.get("/me/where-it-went/").content.decode()
    assert "Paper from my project" not in other_page and "Paper from theirs" in other_page


def test_my_cslab_leads_to_where_my_contribution_went(client: Any) -> None:
    me = UserFactory()
    site = Site(with_form=False)
    site.classify(me)
    output_create(actor=site.owner, project=site.project, data=_paper())
    client.force_login(me)

    html = client.get("/me/").content.decode()

    assert "/me/where-it-went/" in html and site.project.name in html
