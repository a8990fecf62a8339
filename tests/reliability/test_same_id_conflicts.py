"""Item 3, same ID with different content (docs/reliability.md R2): never silently merged.

Generated pairs (a seeded generator, so every run sends the same cases) of a first submission
and a second one under the same instance ID, through OpenRosa (an app user's ODK Collect URL)
and the JSON API (the web form's outbox), whose content differs by one thing: an answer, the
geopoint, a repeat added, removed or changed, another photo under the stored name, the photo
answer, whitespace inside a text answer (cslab keeps text answers verbatim, so it is content),
the location, time or geoprivacy the JSON API sends beside the answers. Each must answer 409
(problem+json `instance_conflict` or `media_conflict` for the API, an OpenRosa error document
for Collect, docs/openrosa.md) and leave everything stored byte-identical: a digest of the
project's observations (every column), their media (name, size, SHA-256), tombstones, app-user
links, and the audit log.

A quarter of the first submissions are sent as the web form sends them, with location, time
and geoprivacy beside the answers, so that their identical retries show those fields compare
equal to what was stored. Retries that are the same content in cslab's rules
(docs/observations.md: the answers as canonical JSON, so key order and JSON whitespace do not
matter; XML indentation, attribute order, ` 7 ` for an integer and `meta` elements other than
instanceID are not stored) are idempotent: 201 (OpenRosa) or 200 (API), and nothing changes either.

Also the race: the two different contents sent at one barrier from two threads (real commits
on PostgreSQL): exactly one stored, the other 409.
"""

import hashlib
import io
import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from PIL import Image

from cslab.core.models import AuditEvent
from cslab.forms.models import FormVersion
from cslab.media.models import Media
from cslab.observations.models import Observation, Tombstone
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.conftest import skip_or_fail
from tests.openrosa.conftest import publish
from tests.projects.factories import ProjectFactory

SEED = 20260318
OPENROSA = {"X-OpenRosa-Version": "1.0"}
RESPONSE_NS = "{http://openrosa.org/http/response}"
WORDS = ["Pond", "Meadow", "Dune", "Ditch", "Park", "Wood", "Canal", "Heath"]
KINDS = ["robin", "wren", "blackbird", "great tit", "heron"]
BEHAVIOURS = ["feeding", "singing", "feeding singing"]
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]

# What differs in the second submission. Each takes (rng, base) and returns the new request.
CONFLICTS_BOTH = [
    "text_answer",
    "text_whitespace",
    "integer_answer",
    "select_answer",
    "geopoint",
    "repeat_added",
    "repeat_removed",
    "repeat_changed",
    "other_photo_bytes",
    "photo_answer",
]
CONFLICTS_JSON_ONLY = ["location_field", "observed_at_field", "geoprivacy_field"]
SAME_OPENROSA = ["identical", "xml_indented", "attributes_reordered", "integer_padded", "meta"]
SAME_JSON = ["identical", "keys_reordered", "json_whitespace", "photo_resent"]


def jpeg(colour: str, size: tuple[int, int] = (24, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Content:
    """What one submission says; `answers` in the JSON API's shape."""

    answers: dict[str, Any]
    photo: bytes
    location: dict[str, float] | None = None
    observed_at: str | None = None
    geoprivacy: str | None = None


@dataclass
class Base:
    transport: str  # "openrosa" or "json"
    instance_id: str
    content: Content
    observation_id: int = 0
    sent: dict[str, int] = field(default_factory=dict)


def generated_answers(rng: random.Random, index: int) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "site": f"{rng.choice(WORDS)} {index}",
        "count": rng.randint(0, 60),
        "behaviour": rng.choice(BEHAVIOURS),
        "location": f"{rng.uniform(50.8, 53.5):.5f} {rng.uniform(3.4, 7.2):.5f} 1.0 "
        f"{rng.randint(3, 30)}.0",
        "photo": f"p{index}.jpg",
    }
    sightings = [{"kind": rng.choice(KINDS)} for _ in range(rng.randint(1, 3))]
    answers["sighting"] = sightings
    return answers


def xml_of(
    base: Base,
    answers: dict[str, Any],
    *,
    indent: bool = False,
    attributes_reordered: bool = False,
    integer_padded: bool = False,
    meta: str = "",
) -> bytes:
    gap = "\n  " if indent else ""
    count = f" {answers['count']} " if integer_padded else str(answers["count"])
    root = (
        'version="3" id="birds" xmlns:jr="http://openrosa.org/javarosa"'
        if attributes_reordered
        else 'xmlns:jr="http://openrosa.org/javarosa" id="birds" version="3"'
    )
    parts = [
        f"<site>{escape(answers['site'])}</site>",
        f"<counts>{gap}<count>{count}</count>{gap}"
        f"<behaviour>{answers['behaviour']}</behaviour>{gap}</counts>",
        *(f"<sighting><kind>{item['kind']}</kind></sighting>" for item in answers["sighting"]),
        f"<location>{answers['location']}</location>",
        f"<photo>{answers['photo']}</photo>",
        "<second_photo/>",
        f"<meta>{gap}<instanceID>{base.instance_id}</instanceID>{meta}{gap}</meta>",
    ]
    return f'<?xml version="1.0"?><data {root}>{gap}{gap.join(parts)}\n</data>'.encode()


class Sender:
    """Sends submissions as ODK Collect (an app user) or the web form's outbox (the API)."""

    def __init__(self, project: Project, app_user: AppUser) -> None:
        self.project = project
        self.openrosa_url = f"/openrosa/key/{app_user.token}/{project.slug}/submission"
        self.json_url = f"/api/v1/projects/{project.slug}/forms/birds/submissions"
        self.collect = Client()
        self.browser = Client()
        self.browser.force_login(project.initiator)

    def openrosa(self, xml: bytes, photo_name: str, photo: bytes) -> Any:
        body = {
            "xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml"),
            photo_name: SimpleUploadedFile(photo_name, photo, "image/jpeg"),
        }
        return self.collect.post(self.openrosa_url, body, headers=OPENROSA)

    def json_body(self, base: Base, content: Content) -> dict[str, Any]:
        body: dict[str, Any] = {
            "instance_id": base.instance_id,
            "version": "3",
            "answers": content.answers,
        }
        for name in ("location", "observed_at", "geoprivacy"):
            if getattr(content, name) is not None:
                body[name] = getattr(content, name)
        return body

    def json(self, text: str) -> Any:
        return self.browser.post(self.json_url, text, content_type="application/json")

    def media(self, observation_id: int, name: str, photo: bytes) -> Any:
        return self.browser.post(
            f"/api/v1/projects/{self.project.slug}/observations/{observation_id}/media",
            {"file": SimpleUploadedFile(name, photo, "image/jpeg"), "name": name},
        )


def stored_digest(project: Project) -> str:
    """SHA-256 of everything a submission could have changed."""
    observations = list(Observation.objects.filter(project=project).order_by("pk").values_list())
    media = list(
        Media.objects.filter(observation__project=project)
        .order_by("pk")
        .values_list("pk", "observation_id", "name", "size", "sha256", "original", "removed_at")
    )
    others = [
        Tombstone.objects.count(),
        list(AppUserSubmission.objects.order_by("pk").values_list("pk", "observation_id")),
        list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
    ]
    text = json.dumps([observations, media, others], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def is_openrosa_error(response: Any) -> bool:
    from defusedxml import ElementTree

    if not response["Content-Type"].startswith("text/xml"):
        return False
    message = ElementTree.fromstring(response.content).find(f"{RESPONSE_NS}message")
    return message is not None and message.get("nature") == "error" and bool(message.text)


def problem_code(response: Any) -> str:
    if response["Content-Type"] != "application/problem+json":
        return f"not problem+json: {response['Content-Type']}"
    return str(response.json().get("code"))


def first_submission(sender: Sender, base: Base) -> None:
    content = base.content
    if base.transport == "openrosa":
        response = sender.openrosa(
            xml_of(base, content.answers), content.answers["photo"], content.photo
        )
        assert response.status_code == 201, response.content
        base.observation_id = Observation.objects.get(instance_id=base.instance_id).pk
        return
    response = sender.json(json.dumps(sender.json_body(base, content)))
    assert response.status_code == 201, response.content
    base.observation_id = response.json()["id"]
    attached = sender.media(base.observation_id, content.answers["photo"], content.photo)
    assert attached.status_code == 201, attached.content


def changed(rng: random.Random, base: Base, kind: str) -> Content:
    """A copy of the base's content differing by `kind`."""
    old = base.content
    answers = json.loads(json.dumps(old.answers))
    content = Content(answers, old.photo, old.location, old.observed_at, old.geoprivacy)
    if kind == "text_answer":
        answers["site"] = answers["site"] + rng.choice(["x", " north", "2"])
    elif kind == "text_whitespace":
        answers["site"] = rng.choice([" ", "  "]) + answers["site"]
    elif kind == "integer_answer":
        answers["count"] = answers["count"] + rng.randint(1, 9)
    elif kind == "select_answer":
        answers["behaviour"] = rng.choice([b for b in BEHAVIOURS if b != answers["behaviour"]])
    elif kind == "geopoint":
        lat, lon, alt, acc = answers["location"].split()
        lat = f"{float(lat) + rng.choice([-1, 1]) * rng.uniform(0.0001, 0.5):.5f}"
        answers["location"] = " ".join([lat, lon, alt, acc])
    elif kind == "repeat_added":
        answers["sighting"].append({"kind": rng.choice(KINDS)})
    elif kind == "repeat_removed":
        if len(answers["sighting"]) == 1:
            answers["sighting"][0]["kind"] += " juvenile"
        else:
            answers["sighting"].pop(rng.randrange(len(answers["sighting"])))
    elif kind == "repeat_changed":
        item = rng.randrange(len(answers["sighting"]))
        answers["sighting"][item]["kind"] = answers["sighting"][item]["kind"] + " (female)"
    elif kind == "other_photo_bytes":
        content.photo = jpeg(rng.choice(COLOURS), (rng.randint(25, 40), rng.randint(17, 30)))
    elif kind == "photo_answer":
        answers["photo"] = f"other-{rng.randint(1, 10**6)}.jpg"
    elif kind == "location_field":
        content.location = {
            "latitude": round(rng.uniform(50.8, 53.5), 5),
            "longitude": round(rng.uniform(3.4, 7.2), 5),
            "accuracy": float(rng.randint(3, 30)),
        }
    elif kind == "observed_at_field":
        content.observed_at = f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:30:00+00:00"
    elif kind == "geoprivacy_field":
        # Another level than the stored one (the project's default, open, when none was sent).
        content.geoprivacy = rng.choice(
            [
                level
                for level in ("open", "obscured", "private")
                if level != (old.geoprivacy or "open")
            ]
        )
    else:
        raise AssertionError(kind)
    return content


def send_conflict(sender: Sender, rng: random.Random, base: Base, kind: str) -> tuple[int, str]:
    """Send the second, different submission; return (status, what the body says)."""
    content = changed(rng, base, kind)
    if base.transport == "openrosa":
        response = sender.openrosa(
            xml_of(base, content.answers), content.answers["photo"], content.photo
        )
        return response.status_code, ("openrosa error" if is_openrosa_error(response) else "?")
    if kind == "other_photo_bytes":
        response = sender.media(base.observation_id, content.answers["photo"], content.photo)
    else:
        response = sender.json(json.dumps(sender.json_body(base, content)))
    return response.status_code, problem_code(response)


def send_same(sender: Sender, rng: random.Random, base: Base, kind: str) -> tuple[int, str]:
    """Send a retry that is the same content in cslab's rules; return (status, note)."""
    content = base.content
    if base.transport == "openrosa":
        options: dict[str, Any] = {
            "identical": {},
            "xml_indented": {"indent": True},
            "attributes_reordered": {"attributes_reordered": True},
            "integer_padded": {"integer_padded": True},
            "meta": {"meta": f"<instanceName>{rng.choice(WORDS)}</instanceName>"},
        }[kind]
        response = sender.openrosa(
            xml_of(base, content.answers, **options), content.answers["photo"], content.photo
        )
        return response.status_code, "openrosa"
    if kind == "photo_resent":
        response = sender.media(base.observation_id, content.answers["photo"], content.photo)
        return response.status_code, "media"
    body = sender.json_body(base, content)
    if kind == "keys_reordered":
        answers = list(body["answers"].items())
        rng.shuffle(answers)
        top = [(key, value) for key, value in body.items() if key != "answers"]
        top.append(("answers", dict(answers)))
        rng.shuffle(top)
        body = dict(top)
    text = json.dumps(body, indent=rng.choice([1, 2, 4])) if kind == "json_whitespace" else None
    response = sender.json(text or json.dumps(body))
    return response.status_code, "json"


EXPECTED_SAME = {"openrosa": 201, "json": 200, "media": 200}


@pytest.mark.django_db
def test_same_id_with_different_content_is_409_and_changes_nothing(
    scale: Any, report_figure: Callable[..., Any]
) -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    publish(project)
    sender = Sender(project, app_user_create(actor=project.initiator, project=project, name="P"))
    rng = random.Random(SEED)  # noqa: S311 (repeatable cases, not secrets)
    cases = scale.pick(short=200, full=1_000)
    retries = cases // 4

    bases: list[Base] = []
    for index in range(max(8, cases // 8)):
        transport = "openrosa" if index % 2 == 0 else "json"
        content = Content(generated_answers(rng, index), jpeg(COLOURS[index % len(COLOURS)]))
        if index % 4 == 1:  # as the web form sends it: location, time and geoprivacy beside
            content.location = {
                "latitude": round(rng.uniform(50.8, 53.5), 6),
                "longitude": round(rng.uniform(3.4, 7.2), 6),
                "accuracy": round(rng.uniform(3, 30), 1),
            }
            content.observed_at = (
                f"2026-03-{rng.randint(10, 28)}T09:{rng.randint(10, 59)}:07.123+01:00"
            )
            content.geoprivacy = rng.choice(["open", "obscured", "private"])
        base = Base(transport, f"uuid:same-id-{SEED}-{index}", content)
        first_submission(sender, base)
        bases.append(base)

    wrong: list[str] = []
    overwrites = 0
    digest = stored_digest(project)
    for case in range(cases):
        base = rng.choice(bases)
        kinds = CONFLICTS_BOTH + (CONFLICTS_JSON_ONLY if base.transport == "json" else [])
        kind = rng.choice(kinds)
        status, said = send_conflict(sender, rng, base, kind)
        expected = "openrosa error" if base.transport == "openrosa" else None
        if (
            status != 409
            or (expected and said != expected)
            or (not expected and said not in ("instance_conflict", "media_conflict"))
        ):
            wrong.append(f"case {case} {base.transport}/{kind}: {status} {said}")
        after = stored_digest(project)
        if after != digest:
            overwrites += 1
            wrong.append(f"case {case} {base.transport}/{kind}: the stored data changed")
            digest = after

    idempotent_wrong = 0
    for case in range(retries):
        base = rng.choice(bases)
        kind = rng.choice(SAME_OPENROSA if base.transport == "openrosa" else SAME_JSON)
        status, said = send_same(sender, rng, base, kind)
        after = stored_digest(project)
        if status != EXPECTED_SAME[said] or after != digest:
            idempotent_wrong += 1
            wrong.append(
                f"retry {case} {base.transport}/{kind}: {status}, changed {after != digest}"
            )
            digest = after

    conflicts_refused = cases - sum(
        1 for line in wrong if line.startswith("case") and "changed" not in line
    )
    report_figure(
        item="3 same ID, different content",
        measure="different content under a stored ID: 409 / overwrites; same-content retries "
        "answered as stored",
        value=f"{conflicts_refused:,}/{cases:,} 409, {overwrites} overwrites; "
        f"{retries - idempotent_wrong}/{retries} retries idempotent",
        target=f"{cases:,}/{cases:,} 409, 0 overwrites; every retry idempotent",
        passed=not wrong,
    )
    assert not wrong, "\n".join(wrong[:40])


def race(
    project: Project,
    app_user: AppUser,
    base: Base,
    contents: list[Content],
    trial: int,
    wrong: list[str],
) -> list[tuple[int, int]]:
    """Send the two contents from two threads released by one barrier; return (which, status)
    per thread."""
    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, int]] = []
    lock = threading.Lock()

    def send(which: int) -> None:
        try:
            sender = Sender(project, app_user)
            content = contents[which]
            if base.transport == "openrosa":
                request = xml_of(base, content.answers)
                barrier.wait(timeout=10)
                response = sender.openrosa(request, content.answers["photo"], content.photo)
            else:
                text = json.dumps(sender.json_body(base, content))
                barrier.wait(timeout=10)
                response = sender.json(text)
            outcome = (which, response.status_code)
        except Exception as error:  # any failure is the finding
            outcome = (which, -1)
            wrong.append(f"trial {trial}: {error!r}")
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_different_contents_at_the_same_moment_store_exactly_one(
    scale: Any, report_figure: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("the race needs PostgreSQL (SQLite serialises writers)")
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    version: FormVersion = publish(project)
    app_user = app_user_create(actor=project.initiator, project=project, name="Race")
    rng = random.Random(SEED + 1)  # noqa: S311 (repeatable cases)
    trials = scale.pick(short=10, full=100)
    wrong: list[str] = []
    for trial in range(trials):
        base = Base(
            rng.choice(["openrosa", "json"]),
            f"uuid:race-{SEED}-{trial}",
            Content(generated_answers(rng, trial), jpeg("red")),
        )
        contents = [base.content, changed(rng, base, rng.choice(CONFLICTS_BOTH[:8]))]
        outcomes = race(project, app_user, base, contents, trial, wrong)
        statuses = sorted(status for _which, status in outcomes)
        stored = list(
            Observation.objects.filter(instance_id=base.instance_id, form_version=version)
        )
        winner = [which for which, status in outcomes if status == 201]
        if statuses != [201, 409] or len(stored) != 1:
            wrong.append(f"trial {trial} ({base.transport}): {statuses}, {len(stored)} stored")
        elif stored[0].answers != contents[winner[0]].answers:
            wrong.append(f"trial {trial}: the stored answers are not the winner's")

    report_figure(
        item="3 same ID, different content",
        measure="two different contents at one barrier: trials with exactly one stored + one 409",
        value=f"{trials - len(wrong)}/{trials}",
        target=f"{trials}/{trials}",
        passed=not wrong,
    )
    assert not wrong, "\n".join(wrong)
