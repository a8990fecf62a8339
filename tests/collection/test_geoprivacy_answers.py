"""What a viewer without the truth sees of each kind of answer of an obscured or private
observation (issue 9, item 3): one row per question kind, and filters that match only that."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.forms.answers import Location
from cslab.forms.demo import workbook_bytes
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.media.services import media_attach
from cslab.observations.filters import ObservationFilters
from cslab.observations.models import Observation
from cslab.observations.selectors import observation_list_visible, observation_public_view
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_media_checks import AMR, jpeg_with_gps
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LATITUDE, LONGITUDE = 52.0907, 5.1214
WHEN = datetime(2026, 5, 1, 8, 17, 43, tzinfo=UTC)
SURVEY = [
    ("text", "note"),
    ("text", "position_note"),
    ("text", "dms_note"),
    ("text", "time_note"),
    ("integer", "count"),
    ("integer", "rd_x"),
    ("decimal", "depth"),
    ("decimal", "latitude_copy"),
    ("range", "score"),
    ("date", "seen_on"),
    ("time", "seen_time"),
    ("dateTime", "seen_at"),
    ("select_one species", "species"),
    ("select_multiple behaviour", "behaviour"),
    ("geopoint", "where"),
    ("geotrace", "route"),
    ("geoshape", "area"),
    ("image", "photo"),
    ("audio", "story"),
    ("barcode", "tag"),
    ("calculate", "stamp"),
    ("start", "started"),
    ("end", "ended"),
    ("today", "day"),
    ("deviceid", "device"),
    ("phonenumber", "phone"),
    ("username", "user"),
    ("email", "mail"),
]
ANSWERS: dict[str, Any] = {
    "note": "Two ducks by the reeds",
    "position_note": f"Nest at {LATITUDE:.3f}, {LONGITUDE:.3f}",
    "dms_note": "52°5'26.5\"N 5°7'17.0\"E",
    "time_note": "Seen at 10:17 sharp",
    "count": 52,
    "rd_x": 136789,
    "depth": 1.25,
    "latitude_copy": "52.09",
    "score": 5,
    "seen_on": "2026-05-01",
    "seen_time": "10:17:43.000+02:00",
    "seen_at": "2026-05-01T10:17:43.000+02:00",
    "species": "robin",
    "behaviour": "feeding singing",
    "where": f"{LATITUDE} {LONGITUDE} 0 5",
    "route": f"{LATITUDE} {LONGITUDE} 0 5;52.1 5.13 0 5",
    "area": f"{LATITUDE} {LONGITUDE} 0 5;52.1 5.13 0 5;52.1 5.12 0 5;{LATITUDE} {LONGITUDE} 0 5",
    "photo": "1777623463000.jpg",
    "story": "1777623470000.amr",
    "tag": "BE-12",
    "stamp": "2026-05-01T10:17:43.123+02:00",
    "started": "2026-05-01T10:12:01.000+02:00",
    "ended": "2026-05-01T10:19:55.000+02:00",
    "day": "2026-05-01",
    "device": "collect:abc123",
    "phone": "+31600000000",
    "user": "jane",
    "mail": "jane@example.org",
}
# What a viewer without the truth sees of each answer; None: the answer is left out.
SHOWN: dict[str, Any] = {
    "note": "Two ducks by the reeds",
    "position_note": None,
    "dms_note": None,
    "time_note": None,
    "count": 52,  # a whole number says no more than the whole degree
    "rd_x": None,  # six digits: a metric coordinate or a timestamp
    "depth": 1.25,
    "latitude_copy": None,
    "score": 5,
    "seen_on": "2026-05-01",
    "seen_time": None,
    "seen_at": "2026-05-01",
    "species": "robin",
    "behaviour": "feeding singing",
    "where": None,
    "route": None,
    "area": None,
    "photo": "opaque",
    "story": "opaque",
    "tag": "BE-12",
    "stamp": None,
    "started": "2026-05-01",
    "ended": "2026-05-01",
    "day": "2026-05-01",
    "device": None,
    "phone": None,
    "user": None,
    "mail": None,
}


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    form = {
        "survey": [{"type": kind, "name": name, "label": name} for kind, name in SURVEY],
        "choices": [
            {"list_name": "species", "name": "robin", "label": "Robin"},
            {"list_name": "behaviour", "name": "feeding", "label": "Feeding"},
            {"list_name": "behaviour", "name": "singing", "label": "Singing"},
        ],
        "settings": [{"form_id": "kinds", "form_title": "Kinds", "version": "1"}],
    }
    for row in form["survey"]:
        if row["type"] == "calculate":
            row["calculation"] = "now()"
        if row["type"] == "range":
            row["parameters"] = "start=0 end=10 step=1"
    return form_publish_xlsform(
        actor=None, project=project, file_name="kinds.xlsx", content=workbook_bytes(form)
    )


def _submit(project: Project, version: FormVersion, geoprivacy: str, instance: str) -> Observation:
    observation, _created = observation_submit(
        actor=project.initiator,
        form_version=version,
        instance_id=instance,
        answers=ANSWERS,
        observed_at=WHEN,
        geoprivacy=geoprivacy,
    )
    return observation


@pytest.mark.parametrize("geoprivacy", ["obscured", "private"])
@pytest.mark.parametrize("question", sorted(SHOWN))
def test_each_kind_of_answer_is_shown_to_the_public_as_the_table_says(
    project: Project, version: FormVersion, geoprivacy: str, question: str
) -> None:
    observation = _submit(project, version, geoprivacy, f"uuid:{geoprivacy}")
    for name, data in ((ANSWERS["photo"], jpeg_with_gps()), (ANSWERS["story"], AMR)):
        media_attach(
            actor=None,
            observation=observation,
            name=name,
            uploaded_file=SimpleUploadedFile(name, data),
            trusted=True,
        )

    answers = observation_public_view(UserFactory(), observation)["answers"]

    expected = SHOWN[question]
    if expected is None:
        assert question not in answers
    elif expected == "opaque":
        stored = observation.media.get(name=ANSWERS[question])
        assert answers[question] == f"media-{stored.pk}{ANSWERS[question][-4:]}"
    else:
        assert answers[question] == expected


def test_an_attachment_not_yet_received_is_left_out_of_what_the_public_sees(
    project: Project, version: FormVersion
) -> None:
    observation = _submit(project, version, "obscured", "uuid:no-files")

    answers = observation_public_view(UserFactory(), observation)["answers"]

    assert "photo" not in answers and "story" not in answers


def test_the_observer_and_the_public_of_an_open_observation_see_every_answer_as_sent(
    project: Project, version: FormVersion
) -> None:
    obscured = _submit(project, version, "obscured", "uuid:obscured")
    open_one = _submit(project, version, "open", "uuid:open")

    assert observation_public_view(project.initiator, obscured)["answers"] == ANSWERS
    assert observation_public_view(UserFactory(), open_one)["answers"] == ANSWERS


def _found(user: Any, project: Project, **answers: str) -> set[str]:
    filters = ObservationFilters(answers=answers)
    return set(
        observation_list_visible(user=user, project=project, filters=filters).values_list(
            "instance_id", flat=True
        )
    )


def test_a_filter_on_a_number_near_the_true_point_finds_only_what_the_viewer_sees(
    project: Project, version: FormVersion
) -> None:
    _submit(project, version, "obscured", "uuid:obscured")
    _submit(project, version, "open", "uuid:open")
    stranger = UserFactory()

    # The exact value, and values a hair away: the public never learns which is stored.
    for probe in ("52.09", "52.09001", "52.08999"):
        assert _found(stranger, project, latitude_copy=probe) <= {"uuid:open"}
    assert _found(stranger, project, latitude_copy="52.09") == {"uuid:open"}
    assert _found(project.initiator, project, latitude_copy="52.09") == {
        "uuid:obscured",
        "uuid:open",
    }


def test_filters_match_what_is_shown_kept_coarsened_or_never(
    project: Project, version: FormVersion
) -> None:
    _submit(project, version, "private", "uuid:private")
    stranger = UserFactory()

    assert _found(stranger, project, note="Two ducks by the reeds") == {"uuid:private"}
    assert _found(stranger, project, count="52") == {"uuid:private"}
    assert _found(stranger, project, behaviour="singing") == {"uuid:private"}
    assert _found(stranger, project, seen_at="2026-05-01") == {"uuid:private"}
    assert _found(stranger, project, started="2026-05-01") == {"uuid:private"}
    for hidden, value in [
        ("seen_at", ANSWERS["seen_at"]),
        ("started", ANSWERS["started"]),
        ("seen_time", ANSWERS["seen_time"]),
        ("stamp", ANSWERS["stamp"]),
        ("rd_x", "136789"),
        ("position_note", ANSWERS["position_note"]),
        ("dms_note", ANSWERS["dms_note"]),
        ("photo", ANSWERS["photo"]),
        ("device", ANSWERS["device"]),
    ]:
        assert _found(stranger, project, **{hidden: value}) == set(), hidden
        assert _found(project.initiator, project, **{hidden: value}) == {"uuid:private"}, hidden


def test_answers_inside_a_repeat_are_shown_by_the_same_table(project: Project) -> None:
    form = {
        "survey": [
            {"type": "begin_repeat", "name": "sightings", "label": "Sightings"},
            {"type": "text", "name": "what", "label": "What"},
            {"type": "dateTime", "name": "when", "label": "When"},
            {"type": "text", "name": "remark", "label": "Remark"},
            {"type": "end_repeat"},
        ],
        "settings": [{"form_id": "repeats", "form_title": "Repeats", "version": "1"}],
    }
    version = form_publish_xlsform(
        actor=None, project=project, file_name="repeats.xlsx", content=workbook_bytes(form)
    )
    sightings = [
        {"what": "heron", "when": "2026-05-01T10:17:43+02:00", "remark": "52.0907 5.1214"},
        {"what": "coot", "when": "2026-05-01T10:20:00+02:00", "remark": "by the bridge"},
    ]
    observation, _created = observation_submit(
        actor=project.initiator,
        form_version=version,
        instance_id="uuid:repeat",
        answers={"sightings": sightings},
        observed_at=WHEN,
        location=Location(LATITUDE, LONGITUDE),
        geoprivacy="obscured",
    )

    answers = observation_public_view(UserFactory(), observation)["answers"]

    assert answers == {
        "sightings": [
            {"what": "heron", "when": "2026-05-01"},
            {"what": "coot", "when": "2026-05-01", "remark": "by the bridge"},
        ]
    }
