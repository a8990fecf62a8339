"""Fixtures of the OpenRosa tests: a project with a published form, its team, an app user."""

import io
import uuid
from typing import Any

import pytest
from PIL import Image

from cslab.core.roles import ProjectRole
from cslab.forms.demo import workbook_bytes
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.openrosa.models import AppUser
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.projects.factories import MembershipFactory, ProjectFactory

SURVEY: dict[str, Any] = {
    "survey": [
        {"type": "text", "name": "site", "label": "Site", "required": "yes"},
        {"type": "begin_group", "name": "counts", "label": "Counts"},
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "select_multiple behaviour", "name": "behaviour", "label": "Behaviour"},
        {"type": "end_group"},
        {"type": "begin_repeat", "name": "sighting", "label": "Sightings"},
        {"type": "text", "name": "kind", "label": "Kind"},
        {"type": "end_repeat"},
        {"type": "geopoint", "name": "location", "label": "Where?"},
        {"type": "image", "name": "photo", "label": "Photo"},
        {"type": "image", "name": "second_photo", "label": "Another photo"},
    ],
    "choices": [
        {"list_name": "behaviour", "name": "feeding", "label": "Feeding"},
        {"list_name": "behaviour", "name": "singing", "label": "Singing"},
    ],
    "settings": [{"form_id": "birds", "form_title": "Birds", "version": "3"}],
}


def publish(project: Project, survey: dict[str, Any] = SURVEY) -> FormVersion:
    return form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=workbook_bytes(survey)
    )


def submission_xml(
    *,
    instance_id: str | None = None,
    count: int = 3,
    photo: str = "",
    second_photo: str = "",
    deprecated_id: str = "",
    version: str = "3",
    form_id: str = "birds",
) -> bytes:
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" id="{form_id}" '
        f'version="{version}"><site>Pond</site><counts><count>{count}</count>'
        "<behaviour>feeding singing</behaviour></counts>"
        "<sighting><kind>robin</kind></sighting><sighting><kind>wren</kind></sighting>"
        f"<location>52.0907 5.1214 3.0 8.5</location><photo>{photo}</photo>"
        f"<second_photo>{second_photo}</second_photo>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


def jpeg(colour: str = "red", size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def project(db: Any) -> Project:
    """An approved, active, private project whose owner is its initiator."""
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


@pytest.fixture
def member(project: Project) -> Any:
    return MembershipFactory(project=project, role=ProjectRole.MEMBER).user


@pytest.fixture
def app_user(project: Project, version: FormVersion) -> AppUser:
    return app_user_create(actor=project.initiator, project=project, name="Phone 1")


@pytest.fixture
def device_password(member: Any) -> str:
    """A device password of `member` (the secret ODK Collect is given)."""
    from cslab.openrosa.services.device_passwords import device_password_create

    _created, secret = device_password_create(actor=member, name="Phone")
    return secret
