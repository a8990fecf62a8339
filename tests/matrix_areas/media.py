"""Matrix rows for uploaded files: observation media (public copies and originals, the media
API), subjects' files and projects' images, each served by a view that checks the viewer."""

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.classification.models import Subject, SubjectSet
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.forms.services import form_publish_xlsform
from cslab.media.services import media_attach
from cslab.observations.services.observations import observation_submit
from tests.collection.test_media_checks import jpeg_with_gps
from tests.permission_matrix import Row, World, every, leads_and_staff, team_and_staff

PHOTO = "matrix-photo.jpg"
PHOTO_FORM = (
    "survey,type,name,label\n"
    ",image,photo,Photo\n"
    "settings,form_id,form_title,version\n"
    ",matrix_photo_form,Matrix photos,1\n"
)


def _observation_with_photo(world: World, project: Any) -> Any:
    version = form_publish_xlsform(
        actor=None, project=project, file_name="photos.csv", content=PHOTO_FORM.encode()
    )
    observation, _created = observation_submit(
        actor=world.other_user,
        form_version=version,
        instance_id=f"uuid:matrix-photo-{project.pk}",
        answers={"photo": PHOTO},
    )
    media_attach(
        actor=world.other_user,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps()),
    )
    return observation


def _image_subject(world: World, project: Any, slug: str) -> Any:
    """An image subject offered in an active workflow of the project."""
    subject_set = SubjectSet.objects.create(project=project, name=f"{slug} images")
    subject = Subject(
        subject_set=subject_set,
        external_id=f"{slug}-image",
        kind=Subject.Kind.IMAGE,
        content_type="image/jpeg",
    )
    subject.media.save(f"{slug}.jpg", ContentFile(jpeg_with_gps()), save=False)
    subject.save()
    workflow = workflow_create(
        actor=world.other_user,
        project=project,
        name=slug,
        tasks=[{"key": "T0", "kind": "text", "question": "What is it?"}],
        status="active",
    )
    workflow_link_subject_set(actor=world.other_user, workflow=workflow, subject_set=subject_set)
    return subject


def build(world: World) -> None:
    """An observation with a photo by the owner of the private team project and of the public
    project (nobody else is on the public project's team), an image subject in a workflow of
    each, and an image of each project."""
    world.extra["team_photo_observation"] = _observation_with_photo(world, world.team_project)
    world.extra["public_photo_observation"] = _observation_with_photo(world, world.public_project)
    world.extra["team_image_subject"] = _image_subject(world, world.team_project, "media-team")
    world.extra["public_image_subject"] = _image_subject(
        world, world.public_project, "media-public"
    )
    for project in (world.team_project, world.public_project):
        project.image.save(f"{project.slug}.jpg", ContentFile(jpeg_with_gps()), save=True)


def _page(key: str, size: str = "") -> Any:
    def url(world: World) -> str:
        address = f"/observations/{world.extra[key].pk}/media/{PHOTO}"
        return f"{address}?size={size}" if size else address

    return url


def _api(key: str) -> Any:
    def url(world: World) -> str:
        observation = world.extra[key]
        return f"/api/v1/projects/{observation.project.slug}/observations/{observation.pk}/media"

    return url


def _new_file(world: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("matrix-new.jpg", jpeg_with_gps(), "image/jpeg")}


def _subject_file(key: str) -> Any:
    def url(world: World) -> str:
        return f"/subjects/{world.extra[key].pk}/media"

    return url


def _project_image(attribute: str) -> Any:
    def url(world: World) -> str:
        return f"/projects/{getattr(world, attribute).slug}/image"

    return url


MEDIA_PAGE = "observation_media"
MEDIA_ROUTE = "/api/v1/projects/{slug}/observations/{observation_id}/media"
ATTACH_TO_TEAM_OBSERVATION = leads_and_staff(201, 403, 401)
ATTACH_TO_TEAM_OBSERVATION.update({"volunteer": 404, "trainer": 404})
ATTACH_TO_PUBLIC_OBSERVATION = every(403, anonymous=401, staff=201, superuser=201)

# fmt: off
ROWS: list[Row] = [
    Row("a photo of an observation in a private project (public copy)", "GET",
        _page("team_photo_observation"), team_and_staff(200, 404), api=False, route=MEDIA_PAGE),
    Row("a photo of an observation in a private project (thumbnail)", "GET",
        _page("team_photo_observation", "thumb"), team_and_staff(200, 404), api=False,
        route=MEDIA_PAGE),
    Row("a photo of an observation in a private project (original with GPS)", "GET",
        _page("team_photo_observation", "original"), leads_and_staff(200, 404, 404), api=False,
        route=MEDIA_PAGE),
    Row("a photo of an observation in a public project (public copy)", "GET",
        _page("public_photo_observation"), every(200), api=False, route=MEDIA_PAGE),
    Row("a photo of an observation in a public project (original with GPS)", "GET",
        _page("public_photo_observation", "original"),
        every(404, staff=200, superuser=200), api=False, route=MEDIA_PAGE),
    Row("a subject's image in a workflow of a private project", "GET",
        _subject_file("team_image_subject"), team_and_staff(200, 404), api=False,
        route="subject_media"),
    Row("a subject's image in a workflow of a public project", "GET",
        _subject_file("public_image_subject"), every(200), api=False, route="subject_media"),
    Row("the image of a private project", "GET", _project_image("team_project"),
        team_and_staff(200, 404), api=False, route="project_image"),
    Row("the image of a public project", "GET", _project_image("public_project"), every(200),
        api=False, route="project_image"),
    Row("media of an observation in a private project", "GET",
        _api("team_photo_observation"), team_and_staff(200, 404), route=MEDIA_ROUTE),
    Row("media of an observation in a public project", "GET",
        _api("public_photo_observation"), every(200), route=MEDIA_ROUTE),
    Row("attach a photo to someone's observation in a private project", "POST",
        _api("team_photo_observation"), ATTACH_TO_TEAM_OBSERVATION, body=_new_file,
        multipart=True, route=MEDIA_ROUTE),
    Row("attach a photo to someone's observation in a public project", "POST",
        _api("public_photo_observation"), ATTACH_TO_PUBLIC_OBSERVATION, body=_new_file,
        multipart=True, route=MEDIA_ROUTE),
]
# fmt: on
