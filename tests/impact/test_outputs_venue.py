"""An output's venue (where it was published) and its fingerprint (how an output without a DOI
is recognised again)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cslab.core.errors import ConflictError
from cslab.impact.services.outputs import (
    OutputInput,
    output_create,
    output_fingerprint,
    output_update,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_fingerprint_ignores_case_accents_and_punctuation_but_not_the_year() -> None:
    first = output_fingerprint("Blömme: Bees prefer BLUE!", date(2021, 3, 1))

    assert first == output_fingerprint("blomme bees  prefer blue", date(2021, 12, 31))
    assert first != output_fingerprint("blomme bees prefer blue", date(2022, 1, 1))


def test_two_teams_same_titled_reports_of_one_year_are_two_outputs() -> None:
    ours = output_fingerprint("Annual report 2024", date(2024, 12, 1), "Ada Jansen; Piet Smit")
    theirs = output_fingerprint("Annual report 2024", date(2024, 12, 1), "Mira de Vries")
    assert ours != theirs
    assert ours == output_fingerprint("annual report, 2024", date(2024, 1, 1), "A. Jansen")


def test_an_output_with_a_doi_has_no_fingerprint_and_one_without_has() -> None:
    project = ProjectFactory(public=True)

    with_doi = output_create(
        actor=project.initiator,
        project=project,
        data=OutputInput(kind="publication", title="A", doi="10.1234/a", venue=" PLOS  ONE "),
    )
    without = output_create(
        actor=project.initiator, project=project, data=OutputInput(kind="dataset", title="B")
    )

    assert with_doi.fingerprint == "" and with_doi.venue == "PLOS ONE"
    assert without.fingerprint == output_fingerprint("B", None)


def test_the_same_title_and_year_without_a_doi_is_one_output() -> None:
    project = ProjectFactory(public=True)
    data = OutputInput(kind="publication", title="Annual report", published_on=date(2024, 1, 1))
    output_create(actor=project.initiator, project=project, data=data)

    with pytest.raises(ConflictError) as raised:
        output_create(actor=project.initiator, project=project, data=data)

    assert "title" in raised.value.details


def test_editing_keeps_the_venue_and_the_fingerprint_up_to_date() -> None:
    project = ProjectFactory(public=True)
    output = output_create(
        actor=project.initiator, project=project, data=OutputInput(kind="dataset", title="Old")
    )

    output_update(
        actor=project.initiator,
        project=project,
        output=output,
        data=OutputInput(kind="dataset", title="New", venue="Zenodo"),
    )

    output.refresh_from_db()
    assert (output.venue, output.fingerprint) == ("Zenodo", output_fingerprint("New", None))


def test_the_venue_is_shown_and_served(client: Any) -> None:
    project = ProjectFactory(public=True)
    client.force_login(project.initiator)
    client.post(
        f"/projects/{project.slug}/outputs/new/",
        {"kind": "publication", "title": "Bees", "venue": "Apidologie", "authors": "Ann Smit"},
    )
    client.logout()

    html = client.get(f"/projects/{project.slug}/outputs/").content.decode()
    assert "Apidologie" in html and "Ann Smit" in html
    api = client.get(f"/api/v1/projects/{project.slug}/outputs").json()
    assert api["items"][0]["venue"] == "Apidologie"


def test_the_api_adds_an_output_for_managers_only(client: Any) -> None:
    project = ProjectFactory(public=True)
    url = f"/api/v1/projects/{project.slug}/outputs"
    body = {"kind": "software", "title": "beecount", "doi": "https://doi.org/10.5281/z.9"}

    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(project.initiator)
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["doi"] == "10.5281/z.9"
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "output_doi_taken"
    huge = client.post(url, {**body, "title": "x" * 501}, content_type="application/json")
    assert huge.status_code in (400, 422)
