"""Importing outputs from BibTeX and RIS: what each entry becomes, idempotency, bounds, and who
may import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.errors import InvalidInputError, PayloadTooLargeError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.impact.models import Output
from cslab.impact.services.output_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ENTRIES,
    detect_format,
    outputs_import,
)
from tests.factories import UserFactory
from tests.impact.factories import OutputFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BIBTEX = r"""
@article{mueller2021,
  title = {Bl{\"o}mme en {Bees}: 50% more visits},
  author = {M{\"u}ller, Anna and Bob de Vries and others},
  journal = {PLOS ONE},
  year = {2021},
  month = mar,
  doi = {https://doi.org/10.1371/journal.pone.0123456},
  abstract = {Bees visit \textit{blue} flowers.},
}

@techreport{brief2022,
  title = {Policy brief: pollinator-friendly verges},
  author = {Jansen, Piet},
  institution = {Gemeente Utrecht},
  year = 2022,
}

@software{counter2023,
  title = {beecount},
  author = {Smit, Eva},
  date = {2023-05-17},
  url = {https://github.com/example/beecount},
}
"""

RIS = """TY  - JOUR
TI  - Nitrate in city ditches
AU  - Bakker, Kees
AU  - Visser, Lotte
PY  - 2020///
DO  - 10.5281/zenodo.777
JO  - Water Research
AB  - Volunteers measured nitrate.
ER  - 

TY  - DATA
T1  - Ditch readings 2019-2020
DA  - 2020/11/03/
UR  - https://data.example.org/ditches
PB  - Zenodo
ER  - 
"""


def _manager_project() -> Any:
    return ProjectFactory(public=True)


def test_a_bibtex_file_becomes_outputs_with_readable_titles_and_authors() -> None:
    project = _manager_project()

    report = outputs_import(actor=project.initiator, project=project, text=BIBTEX, format="auto")

    assert (report.created, report.linked, report.unchanged, report.refused) == (3, 0, 0, [])
    paper = Output.objects.get(doi="10.1371/journal.pone.0123456")
    assert paper.title == "Blömme en Bees: 50% more visits"
    assert paper.authors == "Anna Müller; Bob de Vries; et al."
    assert paper.venue == "PLOS ONE"
    assert paper.published_on == date(2021, 3, 1)
    assert paper.summary == "Bees visit blue flowers."
    assert paper.kind == "publication"
    brief = Output.objects.get(title__startswith="Policy brief")
    assert (brief.kind, brief.venue, brief.published_on) == (
        "policy_brief",
        "Gemeente Utrecht",
        date(2022, 1, 1),
    )
    assert brief.doi == "" and len(brief.fingerprint) == 64
    software = Output.objects.get(title="beecount")
    assert (software.kind, software.published_on) == ("software", date(2023, 5, 17))
    assert set(project.outputs.all()) == {paper, brief, software}


def test_an_ris_file_becomes_outputs() -> None:
    project = _manager_project()

    report = outputs_import(actor=project.initiator, project=project, text=RIS, format="ris")

    assert report.created == 2 and report.refused == []
    paper = Output.objects.get(doi="10.5281/zenodo.777")
    assert paper.authors == "Kees Bakker; Lotte Visser"
    assert (paper.venue, paper.published_on) == ("Water Research", date(2020, 1, 1))
    data = Output.objects.get(kind="dataset")
    assert data.title == "Ditch readings 2019-2020"
    assert (data.url, data.venue, data.published_on) == (
        "https://data.example.org/ditches",
        "Zenodo",
        date(2020, 11, 3),
    )


def test_importing_the_same_file_again_creates_nothing() -> None:
    project = _manager_project()
    outputs_import(actor=project.initiator, project=project, text=BIBTEX, format="bibtex")

    again = outputs_import(actor=project.initiator, project=project, text=BIBTEX, format="bibtex")

    assert (again.created, again.linked, again.unchanged) == (0, 0, 3)
    assert Output.objects.count() == 3


def test_an_entry_twice_in_one_file_is_stored_once() -> None:
    project = _manager_project()
    twice = RIS + RIS

    report = outputs_import(actor=project.initiator, project=project, text=twice, format="ris")

    assert (report.created, report.unchanged) == (2, 2)
    assert Output.objects.count() == 2


def test_an_output_of_another_project_with_the_same_doi_is_linked() -> None:
    other = ProjectFactory(public=True)
    existing = OutputFactory(doi="10.5281/zenodo.777", title="Nitrate", projects=[other])
    project = _manager_project()

    report = outputs_import(actor=project.initiator, project=project, text=RIS, format="ris")

    assert (report.created, report.linked) == (1, 1)
    assert set(existing.projects.all()) == {other, project}
    existing.refresh_from_db()
    assert existing.title == "Nitrate"


def test_an_entry_with_a_bad_doi_is_refused_and_the_others_are_stored() -> None:
    project = _manager_project()
    text = BIBTEX + "\n@article{bad, title={Broken}, doi={11.1/nope}, year=2020}\n"

    report = outputs_import(actor=project.initiator, project=project, text=text, format="bibtex")

    assert report.created == 3
    assert [label for label, _reason in report.refused] == ["bad"]
    assert "DOI" in report.refused[0][1]
    assert not Output.objects.filter(title="Broken").exists()


def test_an_unreadable_bibtex_block_is_reported_and_the_rest_imported() -> None:
    project = _manager_project()
    text = "@misc{broken title=}\n" + BIBTEX

    report = outputs_import(actor=project.initiator, project=project, text=text, format="bibtex")

    assert report.created == 3
    assert len(report.refused) == 1


def test_more_entries_than_allowed_are_refused_with_a_clear_error() -> None:
    project = _manager_project()
    text = "\n".join(
        f"@misc{{e{number}, title={{Item {number}}}}}" for number in range(MAX_IMPORT_ENTRIES + 1)
    )

    with pytest.raises(InvalidInputError) as raised:
        outputs_import(actor=project.initiator, project=project, text=text, format="bibtex")

    assert str(MAX_IMPORT_ENTRIES) in raised.value.message
    assert not Output.objects.exists()


def test_a_hostile_huge_title_is_refused_without_stopping_the_others() -> None:
    project = _manager_project()
    text = "@article{huge, title={" + "A" * 100_000 + "}}\n" + BIBTEX

    report = outputs_import(actor=project.initiator, project=project, text=text, format="bibtex")

    assert report.created == 3
    assert report.refused[0][0] == "huge" and "too long" in report.refused[0][1]


def test_deeply_nested_braces_are_refused_not_a_crash() -> None:
    project = _manager_project()
    text = "@article{deep, title={" + "{" * 490 + "x" + "}" * 490 + "}}\n"

    report = outputs_import(actor=project.initiator, project=project, text=text, format="bibtex")

    assert report.created == 0 and report.refused[0][0] == "deep"


def test_text_over_the_size_limit_is_refused() -> None:
    project = _manager_project()

    with pytest.raises(PayloadTooLargeError):
        outputs_import(
            actor=project.initiator,
            project=project,
            text="@misc{a, title={x}}" + " " * MAX_IMPORT_BYTES,
            format="bibtex",
        )


def test_text_of_neither_format_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        detect_format("just some words")
    assert detect_format("\ufeffTY  - JOUR\nER  - ") == "ris"
    assert detect_format("% my papers\n@article{a, title={x}}") == "bibtex"


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.MODERATOR, ProjectRole.VIEWER])
def test_team_members_without_the_role_may_not_import(role: str) -> None:
    project = _manager_project()
    member = MembershipFactory(project=project, role=role).user

    with pytest.raises(PermissionDeniedError):
        outputs_import(actor=member, project=project, text=BIBTEX, format="bibtex")
    assert not Output.objects.exists()


def test_an_import_is_audited_once_with_its_counts() -> None:
    project = _manager_project()

    outputs_import(actor=project.initiator, project=project, text=BIBTEX, format="bibtex")

    event = AuditEvent.objects.get(action="impact.outputs_imported")
    assert event.details["created"] == 3 and event.details["refused"] == 0


# --- the page ---


def test_the_import_page_reports_what_was_created_and_refused(client: Any) -> None:
    project = _manager_project()
    client.force_login(project.initiator)
    text = BIBTEX + "\n@article{bad, title={Broken}, doi={11.1/nope}}\n"

    response = client.post(
        f"/projects/{project.slug}/outputs/import/", {"format": "auto", "text": text}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Blömme en Bees" in html and "bad" in html
    assert Output.objects.count() == 3


def test_a_file_is_imported_from_the_page(client: Any) -> None:
    project = _manager_project()
    client.force_login(project.initiator)
    upload = SimpleUploadedFile("papers.ris", RIS.encode(), content_type="application/x-ris")

    response = client.post(
        f"/projects/{project.slug}/outputs/import/", {"format": "auto", "file": upload}
    )

    assert response.status_code == 200
    assert Output.objects.count() == 2


def test_a_file_over_2_mb_is_refused_on_the_page(client: Any) -> None:
    project = _manager_project()
    client.force_login(project.initiator)
    upload = SimpleUploadedFile("big.bib", b"@misc{a, title={x}}" + b" " * MAX_IMPORT_BYTES)

    response = client.post(
        f"/projects/{project.slug}/outputs/import/", {"format": "auto", "file": upload}
    )

    assert response.status_code == 413
    assert "2 MB" in response.content.decode()
    assert not Output.objects.exists()


def test_the_outputs_page_leads_managers_to_the_import(client: Any) -> None:
    project = _manager_project()
    import_url = f"/projects/{project.slug}/outputs/import/"
    client.force_login(project.initiator)
    assert import_url in client.get(f"/projects/{project.slug}/outputs/").content.decode()
    client.force_login(UserFactory())
    assert import_url not in client.get(f"/projects/{project.slug}/outputs/").content.decode()


def test_a_team_member_without_the_role_gets_403_on_the_import_page(client: Any) -> None:
    project = _manager_project()
    client.force_login(MembershipFactory(project=project, role=ProjectRole.MEMBER).user)

    assert client.get(f"/projects/{project.slug}/outputs/import/").status_code == 403


def test_an_outsider_of_a_private_project_gets_404_on_the_import_page(client: Any) -> None:
    project = ProjectFactory(status="active", visibility="private")
    client.force_login(UserFactory())

    assert client.get(f"/projects/{project.slug}/outputs/import/").status_code == 404
    response = client.post(
        f"/api/v1/projects/{project.slug}/outputs/import",
        {"format": "bibtex", "text": BIBTEX},
        content_type="application/json",
    )
    assert response.status_code == 404


# --- the API ---


def test_the_api_imports_and_reports_counts(client: Any) -> None:
    project = _manager_project()
    client.force_login(project.initiator)

    response = client.post(
        f"/api/v1/projects/{project.slug}/outputs/import",
        {"format": "ris", "text": RIS},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["linked"], body["unchanged"]) == (2, 0, 0)
    assert body["refused"] == []
    assert {entry["outcome"] for entry in body["entries"]} == {"created"}


def test_the_api_refuses_an_unknown_format(client: Any) -> None:
    project = _manager_project()
    client.force_login(project.initiator)

    response = client.post(
        f"/api/v1/projects/{project.slug}/outputs/import",
        {"format": "endnote", "text": RIS},
        content_type="application/json",
    )

    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
