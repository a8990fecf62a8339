"""The export zip: its files, the person's own data in full, nothing of anyone else."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from cslab.privacy.archive import archive_write, flatten, safe_archive_path
from tests.factories import UserFactory
from tests.privacy.export_helpers import (
    OTHER_EMAIL,
    OTHER_NAME,
    PERSON_EMAIL,
    data_of,
    read_zip,
    seed_two_people,
)

pytestmark = pytest.mark.django_db


def _write(user: Any, tmp_path: Path) -> dict[str, bytes]:
    destination = tmp_path / "export.zip"
    archive_write(user=user, destination=destination)
    return read_zip(destination)


def test_the_zip_holds_a_readme_all_data_as_json_and_a_csv_per_list(tmp_path: Path) -> None:
    seeded = seed_two_people()

    members = _write(seeded.person, tmp_path)

    assert {"README.txt", "data.json", "observations.csv", "consents.csv"} <= set(members)
    assert {"events-registrations.csv", "training-quiz_attempts.csv", "audit_events.csv"} <= set(
        members
    )
    readme = members["README.txt"].decode()
    assert "observations.csv" in readme and "media/" in readme
    document = data_of(members)
    assert document["profile"]["email"] == PERSON_EMAIL
    assert document["profile"]["time_zone"] == "Europe/Amsterdam"
    [consent] = document["consents"]
    assert consent["text_shown"] == "I agree that my observations are used for this research."
    assert [row["instance_id"] for row in document["observations"]] == ["uuid:ada-1"]


def test_the_zip_holds_the_true_location_and_the_consent_version_of_an_observation(
    tmp_path: Path,
) -> None:
    seeded = seed_two_people()
    seeded.observation.__class__.objects.filter(pk=seeded.observation.pk).update(
        latitude=52.0907, longitude=5.1214, public_latitude=52.1, public_longitude=5.1
    )

    [row] = data_of(_write(seeded.person, tmp_path))["observations"]

    assert (row["latitude"], row["longitude"]) == (52.0907, 5.1214)
    assert row["media_files"] == [f"media/observations/{seeded.observation.pk}/1714550000000.jpg"]


def test_the_media_originals_are_in_the_zip_byte_for_byte(tmp_path: Path) -> None:
    seeded = seed_two_people()

    members = _write(seeded.person, tmp_path)

    original = members[f"media/observations/{seeded.observation.pk}/1714550000000.jpg"]
    assert original == seeded.photo  # as sent: EXIF and all, it is the person's own file
    assert [name for name in members if name.startswith("media/")] == [
        f"media/observations/{seeded.observation.pk}/1714550000000.jpg"
    ]


def test_nothing_of_another_person_is_anywhere_in_the_zip(tmp_path: Path) -> None:
    seeded = seed_two_people()

    members = _write(seeded.person, tmp_path)

    for name, content in members.items():
        text = content.decode("utf-8", errors="replace").lower()
        assert OTHER_EMAIL.lower() not in text, name
        assert OTHER_NAME.lower() not in text, name
        assert "bob thinks" not in text, name  # the other's comment on the person's question
        assert "uuid:bob-1" not in text, name  # the other's observation in the same project
    document = data_of(members)
    named = [
        row["params"]["person"] for row in document["notifications"] if "person" in row["params"]
    ]
    assert named and set(named) == {"another participant"}


def test_the_other_persons_export_does_not_hold_the_persons_data(tmp_path: Path) -> None:
    seeded = seed_two_people()

    members = _write(seeded.other, tmp_path)

    everything = b"".join(members.values()).lower()
    assert PERSON_EMAIL.encode() not in everything
    assert b"under logs" not in everything
    assert seeded.photo not in everything


def test_a_csv_has_dotted_columns_for_nested_answers_and_defuses_formulas(tmp_path: Path) -> None:
    seeded = seed_two_people()

    members = _write(seeded.person, tmp_path)

    rows = list(csv.DictReader(io.StringIO(members["observations.csv"].decode())))
    assert rows[0]["answers.site"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["answers.photo"] == "1714550000000.jpg"
    assert rows[0]["media"] == "1714550000000.jpg"


def test_an_empty_account_exports_without_error(tmp_path: Path) -> None:
    members = _write(UserFactory(), tmp_path)

    assert data_of(members)["observations"] == []
    assert members["observations.csv"].decode().strip() == ""


def test_flatten_joins_lists_and_keeps_negative_numbers_as_numbers() -> None:
    cells = flatten({"where": {"lat": -33.9, "tags": ["a", "b"]}, "ok": True, "none": None})

    assert cells == {"where.lat": "-33.9", "where.tags": "a; b", "ok": "true", "none": ""}


def test_an_archive_name_cannot_leave_the_media_folder() -> None:
    assert safe_archive_path("../../etc/passwd") == "etc/passwd"
    assert safe_archive_path("observations/1/..\\..\\x.jpg") == "observations/1/x.jpg"
    assert safe_archive_path("/") == "file"
