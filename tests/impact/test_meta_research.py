"""The meta-research feed's export: who is in it, how they are pseudonymised, what the package
holds (issue 15 item 7)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import frictionless
import pytest

from cslab.consent.models import ConsentRecord
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.impact.meta_research_codebook import RESOURCES
from cslab.impact.models import MetaResearchExport
from cslab.impact.services.meta_research import (
    MAX_PROJECTS,
    export_directory,
    meta_research_export_build,
    meta_research_export_start,
)
from cslab.observations.models import Observation
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.participants.helpers import Site
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Two valid resolution-5 H3 cells far apart (Amsterdam, Utrecht).
TRUE_CELL = "85196953fffffff"
PUBLIC_CELL = "8519690bfffffff"


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@dataclass
class World:
    site: Site
    consenting: Any
    refusing: Any
    withdrawn: Any
    not_renewed: Any
    never_asked: Any
    device_observation: Observation
    consenting_observation: Observation


def build_world() -> World:
    """One project where six people and a device contributed before its consent versions were
    published; only the consenting person and the device say yes to meta-research in the
    version in force (v2)."""
    site = Site(ProjectFactory(public=True, name="Bee count"))
    consenting, refusing, withdrawn, not_renewed, never_asked, lender = (
        UserFactory(email=f"metaresearch-{number}@example.net") for number in range(6)
    )
    consenting_observation = site.observe(consenting)
    site.classify(consenting)
    question = site.ask(consenting)
    site.comment_on_question(consenting, question)
    site.comment_on_subject(consenting)
    for person in (refusing, withdrawn, not_renewed, never_asked):
        site.observe(person)
        site.classify(person)
    device_observation = site.observe_by_device(lender)
    first = make_consent_version(site.project)
    make_consent(first, participant=not_renewed, meta_research=True)
    in_force = make_consent_version(site.project)
    make_consent(in_force, participant=consenting, meta_research=True)
    make_consent(in_force, participant=refusing, meta_research=False)
    record = make_consent(in_force, participant=withdrawn, meta_research=True)
    ConsentRecord.objects.filter(pk=record.pk).update(
        withdrawn_at=record.granted_at, withdrawal_choice="anonymise"
    )
    device = device_observation.app_user_submission.app_user
    make_consent(in_force, app_user=device, channel="openrosa", meta_research=True)
    return World(
        site,
        consenting,
        refusing,
        withdrawn,
        not_renewed,
        never_asked,
        device_observation,
        consenting_observation,
    )


def export_of(staff: Any, **filters: Any) -> MetaResearchExport:
    export = meta_research_export_start(actor=staff, **filters)
    meta_research_export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def members(export: MetaResearchExport) -> dict[str, bytes]:
    with zipfile.ZipFile(export_directory() / export.file_name) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(export: MetaResearchExport, name: str = "events.csv") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(members(export)[name].decode("utf-8"))))


def test_only_participants_consenting_to_meta_research_in_the_version_in_force_appear(
    staff: Any,
) -> None:
    build_world()

    export = export_of(staff)

    events = rows(export)
    # The consenting person's observation, classification, question and two comments, and the
    # device's observation: nobody who refused, withdrew, did not renew or was never asked.
    assert Counter(event["kind"] for event in events) == {
        "observation": 2,
        "classification": 1,
        "question": 1,
        "comment": 2,
    }
    assert len({event["participant"] for event in events}) == 2
    assert (export.status, export.events, export.participants) == ("ready", 6, 2)


def test_a_project_whose_consent_does_not_ask_about_meta_research_contributes_nobody(
    staff: Any,
) -> None:
    site = Site(ProjectFactory(public=True), with_form=False)
    person = UserFactory()
    site.classify(person)
    version = make_consent_version(site.project, asks_meta_research=False)
    make_consent(version, participant=person, meta_research=True)

    export = export_of(staff)

    assert rows(export) == []
    assert export.events == 0


def test_an_edited_observation_counts_once(staff: Any) -> None:
    world = build_world()
    edit = Observation.objects.get(pk=world.consenting_observation.pk)
    edit.pk = None
    edit.instance_id = "uuid:edit-of-the-first"
    edit.deprecates = world.consenting_observation
    edit.save()

    export = export_of(staff)

    assert Counter(event["kind"] for event in rows(export))["observation"] == 2


def test_timestamps_are_rounded_down_to_the_hour_in_utc(staff: Any) -> None:
    world = build_world()
    stored_at = datetime(2025, 5, 1, 14, 37, 12, tzinfo=AMSTERDAM)
    Observation.objects.filter(pk=world.device_observation.pk).update(created_at=stored_at)

    events = rows(export_of(staff))

    assert "2025-05-01T12:00:00Z" in {event["timestamp_hour"] for event in events}
    assert all(event["timestamp_hour"].endswith(":00:00Z") for event in events)


def test_the_period_bounds_the_local_days_of_the_contributions(staff: Any) -> None:
    world = build_world()
    # 00:30 in Amsterdam on 2 May is still 1 May in UTC; the day counted is the local one.
    Observation.objects.filter(pk=world.device_observation.pk).update(
        created_at=datetime(2025, 5, 2, 0, 30, tzinfo=AMSTERDAM)
    )

    export = export_of(
        staff,
        start=date(2025, 5, 2),
        end=date(2025, 5, 2),
    )

    assert [event["timestamp_hour"] for event in rows(export)] == ["2025-05-01T22:00:00Z"]


def test_pseudonyms_differ_between_exports_and_reveal_nothing_of_the_account(
    staff: Any,
) -> None:
    world = build_world()

    first = export_of(staff)
    second = export_of(staff)

    first_pseudonyms = {event["participant"] for event in rows(first)}
    second_pseudonyms = {event["participant"] for event in rows(second)}
    assert first_pseudonyms.isdisjoint(second_pseudonyms)
    assert all(len(value) == 16 and int(value, 16) >= 0 for value in first_pseudonyms)
    everything = b"".join(members(first).values())
    assert world.consenting.email.encode() not in everything
    assert b"person:" not in everything and b"device:" not in everything


def test_one_participant_keeps_one_pseudonym_across_projects_within_an_export(
    staff: Any,
) -> None:
    person = UserFactory()
    for _number in range(2):
        site = Site(ProjectFactory(public=True), with_form=False)
        site.classify(person)
        make_consent(make_consent_version(site.project), participant=person, meta_research=True)

    events = rows(export_of(staff))

    assert len(events) == 2
    assert len({event["project"] for event in events}) == 2
    assert len({event["participant"] for event in events}) == 1


def test_an_obscured_observation_gives_its_public_coarse_cell_not_its_true_one(
    staff: Any,
) -> None:
    world = build_world()
    Observation.objects.filter(pk=world.consenting_observation.pk).update(
        geoprivacy="obscured", h3_res5=TRUE_CELL, public_h3_res5=PUBLIC_CELL
    )
    Observation.objects.filter(pk=world.device_observation.pk).update(
        geoprivacy="private", h3_res5=TRUE_CELL, public_h3_res5=""
    )

    export = export_of(staff)

    cells = [event["h3_cell"] for event in rows(export) if event["kind"] == "observation"]
    assert sorted(cells) == ["", PUBLIC_CELL]
    assert TRUE_CELL.encode() not in b"".join(members(export).values())


def test_the_package_is_a_valid_frictionless_data_package(staff: Any, tmp_path: Path) -> None:
    build_world()
    export = export_of(staff)
    folder = tmp_path / "package"
    with zipfile.ZipFile(export_directory() / export.file_name) as archive:
        archive.extractall(folder)

    report = frictionless.validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert sorted(members(export)) == [
        "codebook.md",
        "datapackage.json",
        "events.csv",
        "projects.csv",
    ]
    assert [row["name"] for row in rows(export, "projects.csv")] == ["Bee count"]


def test_the_codebook_documents_every_field_of_every_file(staff: Any) -> None:
    build_world()
    export = export_of(staff)
    package = members(export)

    codebook = package["codebook.md"].decode("utf-8")
    descriptor = json.loads(package["datapackage.json"])
    for resource in descriptor["resources"]:
        header = package[resource["path"]].decode("utf-8").splitlines()[0].split(",")
        assert header == [field["name"] for field in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in codebook
            assert field["description"]
    assert {resource.path for resource in RESOURCES} == {"events.csv", "projects.csv"}
    assert "resolution 5" in codebook and "HMAC-SHA256" in codebook


def test_someone_other_than_lab_staff_cannot_start_an_export(volunteer: Any) -> None:
    with pytest.raises(NotFoundError):
        meta_research_export_start(actor=volunteer)
    assert not MetaResearchExport.objects.exists()


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"project_ids": list(range(1, MAX_PROJECTS + 2))}, "projects"),
        ({"project_ids": [987654321]}, "projects"),
        ({"start": date(1900, 1, 1)}, "start"),
        ({"end": date(9999, 12, 31)}, "end"),
        ({"start": date(2025, 5, 2), "end": date(2025, 5, 1)}, "end"),
    ],
)
def test_out_of_bounds_filters_are_refused(staff: Any, filters: Any, field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        meta_research_export_start(actor=staff, **filters)
    assert field in refused.value.details
    assert not MetaResearchExport.objects.exists()


def test_a_failed_build_marks_the_export_failed_and_leaves_no_file(
    staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = meta_research_export_start(actor=staff)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("cslab.impact.services.meta_research.codebook_markdown", broken)
    with pytest.raises(RuntimeError):
        meta_research_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == "failed"
    folder = export_directory() / "exports" / "meta-research"
    assert not folder.exists() or not any(folder.iterdir())
