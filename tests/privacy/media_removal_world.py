"""A public project with an observation carrying a photo, for the media-removal tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.media.services import media_attach
from cslab.observations.models import Observation
from cslab.projects.models import Project
from tests.collection.test_media_attach import publish_media_form, submit_with_photo
from tests.collection.test_media_checks import jpeg_with_gps
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

PHOTO = "1714550000000.jpg"


@dataclass
class PhotoWorld:
    project: Project
    observer: Any
    moderator: Any
    bystander: Any
    observation: Observation
    photo: Media


def photo_world(**project_fields: Any) -> PhotoWorld:
    """An observation with a photo by a member of a project (public unless told otherwise),
    a moderator of the project and a signed-in volunteer from outside its team."""
    project: Project = ProjectFactory(**(project_fields or {"public": True}))
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    moderator = MembershipFactory(project=project, role=ProjectRole.MODERATOR).user
    observation = submit_with_photo(observer, publish_media_form(project))
    photo, _created = media_attach(
        actor=observer,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps(800, 600)),
    )
    return PhotoWorld(
        project=project,
        observer=observer,
        moderator=moderator,
        bystander=UserFactory(),
        observation=observation,
        photo=photo,
    )


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def stored_names(media: Media) -> list[str]:
    return [field.name for field in (media.original, media.public_file, media.thumbnail) if field]
