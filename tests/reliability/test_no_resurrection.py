"""Item 3, no resurrection (docs/reliability.md R7): erased submissions stay erased when an
offline phone or browser outbox sends them again.

Observations with a photo are sent through OpenRosa (an Enketo-style browser session and an app
user's ODK Collect URL) and the JSON API (submission, then the photo), then removed by every
path that removes observations in cslab: the person's account erasure with "delete my
contributions" (`account_erase`), withdrawal from the project with deletion
(`project_contributions_withdraw`), and the deletion of one observation (`observation_erase`).
Then the ORIGINAL requests are replayed, byte for byte, as a queued device would send them, at
+1 minute, +31 days and +1 year (frozen clock; the retention job runs first at each moment, so a
purge cannot take the tombstones away):
- with the original credentials (an erased person's session is gone: refused, whatever the
  status, as long as it is not a success);
- from a device that may still submit (the project's app user for OpenRosa, the owner's
  session for the API): 409 `instance_erased` (problem+json, or an OpenRosa error document),
  as docs/observations.md and docs/openrosa.md document;
- the photo upload to the erased observation's ID: 404.
Nothing may be stored: no observation under those instance IDs, no media, no app-user link, no
audit entry of anything but the retention job.
"""

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.observations.models import Observation, Tombstone
from cslab.observations.services.observations import observation_erase
from cslab.openrosa.models import AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.privacy.services.erasure import account_erase, project_contributions_withdraw
from cslab.privacy.services.retention import retention_apply
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.openrosa.conftest import publish, submission_xml
from tests.projects.factories import MembershipFactory, ProjectFactory

OPENROSA = {"X-OpenRosa-Version": "1.0"}
RESPONSE_NS = "{http://openrosa.org/http/response}"
MOMENTS = {"+1 minute": timedelta(minutes=1), "+31 days": timedelta(days=31)}
MOMENTS["+1 year"] = timedelta(days=365)
ANSWERS = {
    "site": "Pond",
    "count": 3,
    "behaviour": "feeding singing",
    "sighting": [{"kind": "robin"}],
    "location": "52.0907 5.1214 3.0 8.5",
    "photo": "1.jpg",
}


def jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Sent:
    """One original request as a device queued it, and how to send it again."""

    label: str
    instance_id: str
    transport: str  # "openrosa" or "json"
    url: str
    xml: bytes = b""
    body: dict[str, Any] | None = None
    photo: bytes = b""
    observation_id: int = 0
    media_url: str = ""


def post_openrosa(client: Client, sent: Sent) -> Any:
    parts = {
        "xml_submission_file": SimpleUploadedFile("submission.xml", sent.xml, "text/xml"),
        "1.jpg": SimpleUploadedFile("1.jpg", sent.photo, "image/jpeg"),
    }
    return client.post(sent.url, parts, headers=OPENROSA)


def post_json(client: Client, sent: Sent) -> Any:
    return client.post(sent.url, sent.body, content_type="application/json")


def post_media(client: Client, sent: Sent) -> Any:
    photo = SimpleUploadedFile("1.jpg", sent.photo, "image/jpeg")
    return client.post(sent.media_url, {"file": photo, "name": "1.jpg"})


def send(client: Client, sent: Sent) -> Any:
    return post_openrosa(client, sent) if sent.transport == "openrosa" else post_json(client, sent)


def submit(client: Client, project: Project, label: str, transport: str, url: str = "") -> Sent:
    """Send an observation with a photo the way the device does; return the request."""
    instance_id = f"uuid:{uuid.uuid4()}"
    photo = jpeg("green")
    if transport == "openrosa":
        sent = Sent(
            label,
            instance_id,
            transport,
            url or f"/openrosa/{project.slug}/submission",
            xml=submission_xml(instance_id=instance_id, photo="1.jpg"),
            photo=photo,
        )
        response = post_openrosa(client, sent)
        assert response.status_code == 201, response.content
        sent.observation_id = Observation.objects.get(instance_id=instance_id).pk
    else:
        body = {"instance_id": instance_id, "version": "3", "answers": ANSWERS}
        sent = Sent(
            label,
            instance_id,
            transport,
            f"/api/v1/projects/{project.slug}/forms/birds/submissions",
            body=body,
            photo=photo,
        )
        response = post_json(client, sent)
        assert response.status_code == 201, response.content
        sent.observation_id = response.json()["id"]
    sent.media_url = f"/api/v1/projects/{project.slug}/observations/{sent.observation_id}/media"
    if transport == "json":
        assert post_media(client, sent).status_code == 201
    assert Media.objects.filter(observation_id=sent.observation_id).count() == 1
    return sent


def stored_rows(sent: list[Sent]) -> int:
    ids = [item.instance_id for item in sent]
    observations = Observation.objects.filter(instance_id__in=ids).count()
    media = Media.objects.filter(observation__instance_id__in=ids).count()
    links = AppUserSubmission.objects.filter(observation__instance_id__in=ids).count()
    return observations + media + links


def refusal(response: Any, transport: str) -> str:
    """'erased' for the documented refusal of an erased instance ID, else what it was."""
    if response.status_code != 409:
        return str(response.status_code)
    if transport == "openrosa":
        from defusedxml import ElementTree

        message = ElementTree.fromstring(response.content).find(f"{RESPONSE_NS}message")
        ok = message is not None and message.get("nature") == "error"
        return "erased" if ok else "409 without an OpenRosa error"
    if response["Content-Type"] != "application/problem+json":
        return f"409 {response['Content-Type']}"
    code = response.json().get("code")
    return "erased" if code == "instance_erased" else f"409 {code}"


@pytest.mark.django_db
def test_erased_submissions_replayed_later_store_nothing(
    report_figure: Callable[..., Any],
) -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE, personal_data_retention_days=30)
    publish(project)
    owner = project.initiator
    app_user = app_user_create(actor=owner, project=project, name="Phone 1")
    device_url = f"/openrosa/key/{app_user.token}/{project.slug}/submission"

    # Who sent what, and from which queued client.
    clients: dict[str, Client] = {}
    sent: list[Sent] = []
    people = {"erased": UserFactory(), "withdrawn": UserFactory()}
    for name, person in people.items():
        MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
        client = Client()
        client.force_login(person)
        clients[name] = client
        sent.append(submit(client, project, f"{name}: OpenRosa (browser)", "openrosa"))
        sent.append(submit(client, project, f"{name}: JSON API", "json"))
    device = Client()
    clients["deleted"] = device
    sent.append(submit(device, project, "deleted: OpenRosa (app user)", "openrosa", device_url))
    owners_browser = Client()
    owners_browser.force_login(owner)
    sent.append(submit(owners_browser, project, "deleted: JSON API (owner)", "json"))
    senders = {item.label: clients[item.label.split(":")[0]] for item in sent[:5]}
    senders[sent[5].label] = owners_browser

    account_erase(
        actor=None,
        user=people["erased"],
        delete_contributions=True,
        requested_through="command",
    )
    project_contributions_withdraw(
        actor=None, user=people["withdrawn"], project=project, delete_contributions=True
    )
    for item in sent[4:]:
        observation_erase(actor=owner, observation=Observation.objects.get(pk=item.observation_id))
    assert stored_rows(sent) == 0, "the removal paths left rows behind"
    assert Tombstone.objects.count() == len(sent)
    audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    wrong: list[str] = []
    replays = 0
    erased_at = timezone.now()
    for moment, delta in MOMENTS.items():
        with freeze_time(erased_at + delta):
            retention_apply(now=timezone.now())
            still_allowed = {"openrosa": Client(), "json": Client()}
            still_allowed["json"].force_login(owner)
            for item in sent:
                original = send(senders[item.label], item)
                replays += 1
                if 200 <= original.status_code < 300:
                    wrong.append(f"{moment} {item.label}: original replay {original.status_code}")
                if item.transport == "openrosa":
                    item_again = Sent(**{**item.__dict__, "url": device_url})
                    again = post_openrosa(still_allowed["openrosa"], item_again)
                else:
                    again = post_json(still_allowed["json"], item)
                replays += 1
                said = refusal(again, item.transport)
                if said != "erased":
                    wrong.append(f"{moment} {item.label}: replay from a valid device: {said}")
                photo = post_media(still_allowed["json"], item)
                replays += 1
                if photo.status_code != 404:
                    wrong.append(f"{moment} {item.label}: photo replay {photo.status_code}")
    stored = stored_rows(sent)
    audits = list(
        AuditEvent.objects.filter(pk__gt=audit_before)
        .exclude(action="retention.applied")
        .values_list("action", flat=True)
    )
    report_figure(
        item="3 no resurrection",
        measure="replays of erased submissions (+1 min, +31 d, +1 y) / rows stored",
        value=f"{replays} replays, {stored} rows stored, {len(wrong)} not refused as erased",
        target=f"{replays} replays, 0 rows stored, every replay refused",
        passed=not wrong and stored == 0 and not audits,
    )
    assert stored == 0
    assert not audits, audits
    assert not wrong, "\n".join(wrong)
