"""The team's Darwin Core mapping of a form: chosen on a page, saved, used by every archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.roles import ProjectRole
from cslab.exports.darwin_core import MAPPABLE_TERMS
from cslab.exports.darwin_core_mapping import darwin_core_mapping_save
from cslab.exports.models import DarwinCoreMapping
from tests.exports.test_darwin_core import FIRST_ID, _archive, _records
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _page(project: Any) -> str:
    return reverse(
        "project_darwin_core_mapping", kwargs={"slug": project.slug, "form_id": "garden_birds"}
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _every_term(**chosen: str) -> dict[str, str]:
    return {term: chosen.get(term, "") for term in MAPPABLE_TERMS}


def test_the_page_shows_the_defaults_and_a_saved_choice_goes_into_the_next_archive(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    client = _client(birds["researcher"])
    page = client.get(_page(birds["project"]))
    assert page.status_code == 200
    assert page.context["form"].initial["scientificName"] == "species"  # the default

    response = client.post(
        _page(birds["project"]),
        _every_term(scientificName="field_name", individualCount="count"),
    )

    assert response.status_code == 302
    assert DarwinCoreMapping.objects.get().questions["scientificName"] == "field_name"
    records = _records(_archive(tmp_path, birds["project"], "garden_birds", public=True))
    assert records[f"urn:{FIRST_ID}"]["scientificName"] == "Blackbird"
    assert "occurrenceRemarks" not in records[f"urn:{FIRST_ID}"]  # left out on purpose


def test_the_data_page_links_the_mapping_for_the_team_leads_only(birds: dict[str, Any]) -> None:
    data_page = reverse("project_data_exports", kwargs={"slug": birds["project"].slug})
    member = birds["observer"]

    assert _page(birds["project"]).encode() in _client(birds["researcher"]).get(data_page).content
    assert _page(birds["project"]).encode() not in _client(member).get(data_page).content
    assert _client(member).get(_page(birds["project"])).status_code == 403


def test_a_question_that_cannot_answer_a_term_is_refused_and_nothing_is_saved(
    birds: dict[str, Any],
) -> None:
    with pytest.raises(InvalidInputError):
        darwin_core_mapping_save(
            actor=birds["researcher"],
            project=birds["project"],
            form_id="garden_birds",
            questions={"scientificName": "behaviour"},  # in a repeat
        )
    response = _client(birds["researcher"]).post(
        _page(birds["project"]), _every_term(scientificName="no_such_question")
    )

    assert response.status_code == 400
    assert not DarwinCoreMapping.objects.exists()


def test_saving_twice_keeps_one_mapping_per_form(birds: dict[str, Any]) -> None:
    for question in ("field_name", "species"):
        darwin_core_mapping_save(
            actor=birds["researcher"],
            project=birds["project"],
            form_id="garden_birds",
            questions={"scientificName": question},
        )

    assert DarwinCoreMapping.objects.count() == 1
    assert DarwinCoreMapping.objects.get().questions == {"scientificName": "species"}


def test_a_member_or_outsider_may_not_save_a_mapping(birds: dict[str, Any]) -> None:
    outsider = UserFactory()
    moderator = UserFactory()
    MembershipFactory(project=birds["project"], user=moderator, role=ProjectRole.MODERATOR)

    for person in (outsider, moderator, birds["observer"]):
        with pytest.raises(PermissionDeniedError):
            darwin_core_mapping_save(
                actor=person,
                project=birds["project"],
                form_id="garden_birds",
                questions={"scientificName": "field_name"},
            )
    assert not DarwinCoreMapping.objects.exists()


def test_a_form_without_scientific_name_is_warned_about_but_its_archive_is_still_prepared(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    client = _client(birds["researcher"])
    data_page = reverse("project_data_exports", kwargs={"slug": birds["project"].slug})
    warning = "GBIF needs scientificName"
    assert warning not in client.get(data_page).content.decode()  # `species` maps by default
    assert warning not in client.get(_page(birds["project"])).content.decode()

    client.post(_page(birds["project"]), _every_term(scientificName=""))

    assert warning in client.get(data_page).content.decode()
    assert warning in client.get(_page(birds["project"])).content.decode()
    records = _records(_archive(tmp_path, birds["project"], "garden_birds", public=True))
    assert not records[f"urn:{FIRST_ID}"].get("scientificName")
