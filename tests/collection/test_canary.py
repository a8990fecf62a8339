"""The canary: a known true point, planted obscured, private and sensitive, appears nowhere public.

Observations at a distinctive true point (51.123456, 4.654321) with an exact time are planted
in a public project whose default geoprivacy is obscured and which marks a species and a
free-text question as sensitive. Then every surface the public can reach is fetched as an
anonymous visitor, a signed-in outsider, and a member and a moderator of the project's team
(who may see every status but not true locations):

* every GET route of the API, taken from the OpenAPI document, with its path parameters filled
  in ({slug}, {observation_id}, {form_id}, ...) and with and without filters;
* every named cslab page that takes only parameters we can fill, found by walking the URL
  resolver (project page, forms, observation table, map, observation pages, feeds, sitemap,
  search, ...).

The crawl is data-driven, so a surface added later is crawled without changing this test. It
fails when any response contains the true coordinates in any of several spellings, the H3 cell
of the true point, or the exact observation or submission time.
"""

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from cslab.api.api import api
from cslab.core.roles import ProjectRole
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.media.services import media_attach
from cslab.observations import geoprivacy
from cslab.observations.models import Observation
from cslab.observations.services.collection_settings import (
    collection_settings_update,
    sensitive_category_set,
)
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LATITUDE, LONGITUDE = 51.123456, 4.654321
# The minute is thirty from now, so the times of rows made by the test itself can never spell it.
MINUTE = (datetime.now(tz=UTC).minute + 30) % 60
OBSERVED_AT = datetime(2026, 3, 14, 9, MINUTE, 53, tzinfo=UTC)
# The planted submission hour is twelve hours from now, so the times of rows made by the test
# itself (projects, forms: shown in UTC or Amsterdam time) can never spell it.
SUBMISSION_HOUR = (datetime.now(tz=UTC).hour + 12) % 24
EPOCH_MILLISECONDS = int(OBSERVED_AT.timestamp() * 1000)
PHOTO = f"{EPOCH_MILLISECONDS}.jpg"
# The answers that hold the true place or moment, each with the exact value a filter probe
# would guess (issue 9, item 3: the filter confirmed a blanked value).
SECRET_ANSWERS = {
    "started": f"2026-03-14T10:{MINUTE:02d}:53.000+01:00",
    "ended": "2026-03-14T10:31:07.000+01:00",
    "seen_at": f"2026-03-14T10:{MINUTE:02d}:53+01:00",
    "seen_time": f"10:{MINUTE:02d}:53.000+01:00",
    "dms": "51°7'24.4\"N 4°39'15.6\"E",
    "latitude_copy": "51.123456",
    "longitude_copy": "4.654321",
    "rd_x": "155123",
    "tag": "N51 07.407 E004 39.259",
    "stamp": f"2026-03-14T10:{MINUTE:02d}:53.123+01:00",
    "device": "collect:canaryDevice",
    "photo": PHOTO,
}
FORM = {
    "survey": [
        {"type": "select_one species", "name": "species", "label": "Species"},
        {"type": "text", "name": "nest_note", "label": "Where is the nest?"},
        {"type": "text", "name": "remarks", "label": "Remarks"},
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
        # Answers that hold the true place or moment in other ways (issue 9, item 3):
        {"type": "start", "name": "started"},
        {"type": "end", "name": "ended"},
        {"type": "dateTime", "name": "seen_at", "label": "When exactly?"},
        {"type": "time", "name": "seen_time", "label": "At what time?"},
        {"type": "text", "name": "dms", "label": "Position as on the GPS"},
        {"type": "decimal", "name": "latitude_copy", "label": "Latitude"},
        {"type": "decimal", "name": "longitude_copy", "label": "Longitude"},
        {"type": "integer", "name": "rd_x", "label": "RD x"},
        {"type": "barcode", "name": "tag", "label": "Ring tag"},
        {"type": "calculate", "name": "stamp", "calculation": "now()"},
        {"type": "deviceid", "name": "device"},
        {"type": "image", "name": "photo", "label": "Photo"},
    ],
    "choices": [
        {"list_name": "species", "name": "bittern", "label": "Bittern"},
        {"list_name": "species", "name": "mallard", "label": "Mallard"},
    ],
    "settings": [{"form_id": "canary_birds", "form_title": "Canary birds", "version": "1"}],
}
# Path parameters of API routes and pages we know how to fill.
FILLABLE = {"slug", "observation_id", "form_id", "user_id", "question", "version", "name"}


def _canaries(observations: list[Observation]) -> dict[str, re.Pattern[str]]:
    """What must not appear, each as a pattern that is not part of a longer number."""
    cell9 = geoprivacy.location_indexes(LATITUDE, LONGITUDE)[9]
    numbers = [
        "51.123456",
        "51.12346",
        "51.1235",
        "51.123",
        "4.654321",
        "4.65432",
        "4.6543",
        "51,123456",
        "4,654321",
    ]
    found = {number: re.compile(rf"(?<![\d.,]){re.escape(number)}") for number in numbers}
    found["geopoint answer"] = re.compile(re.escape(f"{LATITUDE} {LONGITUDE}"))
    found["degrees, minutes, seconds"] = re.compile(r"51°\s*7|4°\s*39")
    # The photo's name is the moment it was taken (ODK Collect), in milliseconds.
    found["moment as epoch"] = re.compile(str(EPOCH_MILLISECONDS)[:8])
    found["rijksdriehoek coordinate"] = re.compile(r"155123")
    found["device id"] = re.compile(r"collect:canaryDevice")
    found["H3 res-9 cell of the true point"] = re.compile(re.escape(cell9))
    # The exact times, in UTC and in Amsterdam time (+01:00 in March).
    found["observation time"] = re.compile(rf"(?:09|10):{MINUTE:02d}")
    hour = SUBMISSION_HOUR
    found["submission time"] = re.compile(
        rf"{hour:02d}:4[0-9]:1[0-9]|{(hour + 1) % 24:02d}:4[0-9]:1[0-9]"
    )
    del observations
    return found


def _without_public_points(text: str, observations: list[Observation]) -> str:
    """The text with the planted observations' public points masked.

    The public points are public. Drawn at random in the cell, one may by chance begin like the
    true one (51.12317 for 51.123456): those spellings are not leaks.
    """
    spellings = {
        f"{value:.{decimals}f}"
        for observation in observations
        for value in (observation.public_latitude, observation.public_longitude)
        if value is not None
        for decimals in (6, 5, 4, 3)
    } | {
        repr(value)
        for observation in observations
        for value in (observation.public_latitude, observation.public_longitude)
        if value is not None
    }
    # Whole numbers only: the public 51.123 must not mask the true 51.123456.
    for shown in sorted(spellings, key=len, reverse=True):
        text = re.sub(rf"(?<![\d.,]){re.escape(shown)}(?!\d)", "<public point>", text)
    return text


def _canary_leaks(text: str, observations: list[Observation]) -> list[str]:
    """The names of the canaries the text holds, once the planted public points are masked."""
    masked = _without_public_points(text, observations)
    return [name for name, pattern in _canaries(observations).items() if pattern.search(masked)]


def _plant() -> dict[str, Any]:
    project: Project = ProjectFactory(public=True, name="Canary marsh birds")
    observer = UserFactory(profile_public=True, display_name="Marsh Observer")
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    owner = project.initiator
    collection_settings_update(actor=owner, project=project, default_geoprivacy="obscured")
    sensitive_category_set(actor=owner, project=project, question="species", values=["bittern"])
    sensitive_category_set(actor=owner, project=project, question="nest_note", values=[])
    version = form_publish_xlsform(
        actor=None, project=project, file_name="canary.xlsx", content=workbook_bytes(FORM)
    )
    answers = {
        "species": "bittern",
        "nest_note": f"Reed bed at {LATITUDE} {LONGITUDE}",
        "remarks": f"GPS said {LATITUDE}, {LONGITUDE} (51.12346)",
        "count": 2,
        "where": f"{LATITUDE} {LONGITUDE} 1.0 4.0",
        **SECRET_ANSWERS,
    }
    planted = []
    for instance_id, extra in [
        ("uuid:canary-default", {}),  # the project default: obscured
        ("uuid:canary-private", {"geoprivacy": "private"}),
        ("uuid:canary-forced", {"geoprivacy": "open"}),  # sensitive: forced obscured
        (
            "uuid:canary-edit-1",
            {"geoprivacy": "open", "answers": {**answers, "species": "mallard", "nest_note": ""}},
        ),  # open at first...
        ("uuid:canary-edit-2", {"geoprivacy": "obscured", "deprecated_id": "uuid:canary-edit-1"}),
    ]:
        observation, _created = observation_submit(
            actor=observer,
            form_version=version,
            instance_id=instance_id,
            answers=extra.pop("answers", answers),
            observed_at=OBSERVED_AT,
            **extra,
        )
        planted.append(observation)
    # Submitted at known moments (hh:41:1x UTC), so the submission time can be looked for too.
    for number, observation in enumerate(planted):
        Observation.objects.filter(pk=observation.pk).update(
            created_at=OBSERVED_AT.replace(
                hour=SUBMISSION_HOUR, minute=41 + number, second=10 + number
            )
        )
    for observation in planted:
        if observation.answers.get("photo") == PHOTO:
            media_attach(
                actor=None,
                observation=observation,
                name=PHOTO,
                uploaded_file=SimpleUploadedFile(PHOTO, _jpeg()),
                trusted=True,
            )
            # ODK Collect sends the photo with the submission: it arrives at the same moment.
            observation.media.update(created_at=OBSERVED_AT)
    # A rejected one and an accepted one, so status-dependent surfaces show something.
    Observation.objects.filter(pk=planted[1].pk).update(status="rejected")
    Observation.objects.filter(pk=planted[0].pk).update(status="accepted")
    for observation in planted:
        observation.refresh_from_db()
        assert observation.public_latitude != LATITUDE
    return {"project": project, "observer": observer, "observations": planted, "form": version}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _api_urls(world: dict[str, Any]) -> list[str]:
    """Every GET route of the API with its parameters filled, with and without filters."""
    values = _values(world)
    urls: list[str] = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = set(re.findall(r"{(\w+)}", path))
        if names - FILLABLE:
            continue
        for filled in _fill(path, names, values):
            urls.append(filled)
            urls.append(f"{filled}?limit=200&bbox=4.0,51.0,5.0,51.5&zoom=18&from=2026-03-14")
            urls.append(f"{filled}?zoom=5")
    return urls


def _values(world: dict[str, Any]) -> dict[str, list[str]]:
    return {
        "slug": [world["project"].slug],
        "observation_id": [str(item.pk) for item in world["observations"]],
        "form_id": ["canary_birds"],
        "user_id": [str(world["observer"].pk)],
        "question": ["species", "nest_note"],
        "version": ["1"],
        "name": [PHOTO],  # attachments (/observations/<id>/media/<name>) by the name sent
    }


def _fill(pattern: str, names: set[str], values: dict[str, list[str]]) -> list[str]:
    filled = [pattern]
    for name in sorted(names):
        filled = [text.replace(f"{{{name}}}", value) for text in filled for value in values[name]]
    return filled


def _page_urls(world: dict[str, Any]) -> list[str]:
    """Every named cslab page whose parameters we can fill (Django's own converters)."""
    values = _values(world)
    urls: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if module.startswith("cslab.") and "api" not in route:
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if route.startswith("^") or "(?P" in route:
                    continue  # a regular expression route; none of ours
                names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
                if names - FILLABLE:
                    continue
                plain = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                urls.update("/" + url for url in _fill(plain, names, values))

    walk(get_resolver().url_patterns, "")
    extra = ["/", "/sitemap.xml", "/projects/feed/", "/projects/?q=marsh", "/projects/?q=bittern"]
    return sorted(urls | set(extra))


def _viewers(world: dict[str, Any]) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    outsider = Client()
    outsider.force_login(UserFactory())
    clients["outsider"] = outsider
    for role in (ProjectRole.MEMBER, ProjectRole.MODERATOR):
        person = UserFactory()
        MembershipFactory(project=world["project"], user=person, role=role)
        client = Client()
        client.force_login(person)
        clients[role] = client
    return clients


def test_the_true_point_appears_nowhere_the_public_or_the_team_without_rights_can_look() -> None:
    world = _plant()
    canaries = _canaries(world["observations"])
    urls = _api_urls(world) + _page_urls(world)
    leaks: list[str] = []
    served: dict[str, int] = {}
    for who, client in _viewers(world).items():
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                served[url] = served.get(url, 0) + 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            # Headers too: a Content-Disposition may carry a file name.
            text = str(response.headers) + body.decode("utf-8", errors="replace")
            text = text.replace(world["project"].slug, "<slug>")
            # The address asked for may be echoed back (a language form's "next"): not a leak.
            text = text.replace(url.split("?")[0].replace(world["project"].slug, "<slug>"), "<url>")
            text = _without_public_points(text, world["observations"])
            for what, pattern in canaries.items():
                match = pattern.search(text)
                if match:
                    start = max(0, match.start() - 60)
                    leaks.append(f"{who} GET {url}: {what}: …{text[start : match.end() + 60]}…")

    assert leaks == [], "\n".join(leaks)
    slug = world["project"].slug
    planted = world["observations"][0].pk
    # The crawl reached the surfaces that show observations (so it really looked).
    for must_serve in (
        f"/api/v1/projects/{slug}/observations",
        f"/api/v1/projects/{slug}/observations.geojson",
        f"/api/v1/projects/{slug}/observations/{planted}",
        f"/projects/{slug}/",
    ):
        assert served.get(must_serve), f"{must_serve} was not served to anyone"
    assert len(served) > 20


def test_the_canary_is_seen_by_those_who_may_see_it() -> None:
    """The check above is not vacuous: the observer gets the true point from the same API."""
    world = _plant()
    client = Client()
    client.force_login(world["observer"])
    slug = world["project"].slug

    text = client.get(f"/api/v1/projects/{slug}/observations").content.decode()

    assert _canaries([])["51.123456"].search(text)
    assert _canaries([])["geopoint answer"].search(text)


def test_a_public_point_that_begins_like_the_true_one_is_not_a_leak_but_the_true_one_is() -> None:
    """Public points are drawn anywhere in the 0.2° cell, so 1 in 200 begins with 51.123."""
    unlucky = Observation(public_latitude=51.123172, public_longitude=4.701234)

    assert _canary_leaks("latitude,51.123172\nlongitude,4.701234", [unlucky]) == []
    assert _canary_leaks("51.123172 and 51.123456", [unlucky]) == ["51.123456", "51.123"]


@pytest.mark.parametrize("question", sorted(SECRET_ANSWERS))
def test_guessing_a_hidden_answer_exactly_in_a_filter_finds_nothing(question: str) -> None:
    """A filter matches only what the viewer sees: guessing the exact hidden value (or a value
    a hair away, 0.00001) must give the same answer, no observation."""
    world = _plant()
    slug = world["project"].slug
    url = f"/api/v1/projects/{slug}/observations"
    exact = SECRET_ANSWERS[question]
    probes = [exact]
    if question in ("latitude_copy", "longitude_copy"):
        probes += [f"{float(exact) + 0.00001:.6f}", f"{float(exact) - 0.00001:.6f}"]

    for who, client in _viewers(world).items():
        for probe in probes:
            response = client.get(url, {f"field.{question}": probe})
            assert response.status_code == 200, (who, probe, response.content)
            assert response.json()["items"] == [], (who, question, probe)
    observer = Client()
    observer.force_login(world["observer"])
    found = observer.get(url, {f"field.{question}": exact}).json()["items"]
    assert found, "the observer, who sees the truth, finds their observations by the value"


def test_the_day_of_a_date_time_answer_is_what_the_public_can_filter_on() -> None:
    world = _plant()
    slug = world["project"].slug
    url = f"/api/v1/projects/{slug}/observations"

    items = Client().get(url, {"field.seen_at": "2026-03-14"}).json()["items"]

    assert items and {item["answers"]["seen_at"] for item in items} == {"2026-03-14"}
    assert Client().get(url, {"field.seen_at": "2026-03-15"}).json()["items"] == []


def test_the_public_fetches_an_attachment_by_the_name_it_is_shown() -> None:
    world = _plant()
    slug = world["project"].slug
    observation = world["observations"][0]
    anonymous = Client()

    shown = anonymous.get(f"/api/v1/projects/{slug}/observations/{observation.pk}").json()
    name = shown["answers"]["photo"]
    listed = anonymous.get(f"/api/v1/projects/{slug}/observations/{observation.pk}/media")

    assert name != PHOTO and name.endswith(".jpg")
    assert [item["name"] for item in listed.json()] == [name]
    assert anonymous.get(f"/observations/{observation.pk}/media/{name}").status_code == 200
    page = anonymous.get(f"/projects/{slug}/observations/{observation.pk}/")
    assert f"/observations/{observation.pk}/media/{name}" in page.content.decode()
    assert anonymous.get(f"/observations/{observation.pk}/media/{PHOTO}").status_code == 404
    observer = Client()
    observer.force_login(world["observer"])
    assert observer.get(f"/observations/{observation.pk}/media/{PHOTO}").status_code == 200
    assert observer.get(f"/observations/{observation.pk}/media/{name}").status_code == 200
