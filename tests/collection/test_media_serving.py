"""Serving media and the media API: public copies for viewers, originals for few, safe headers."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.media.selectors import media_url_for_viewer
from cslab.media.services import media_attach
from cslab.observations import selectors
from cslab.observations.models import Observation
from cslab.projects.models import Project
from tests.collection.test_media_attach import publish_media_form, submit_with_photo
from tests.collection.test_media_checks import AMR, PDF, SVG, jpeg_with_gps, wav
from tests.projects.factories import MembershipFactory, ProjectFactory

PHOTO = "1714550000000.jpg"


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def project(db: Any) -> Project:
    """A public, approved, active project."""
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def observer(project: Project) -> Any:
    return MembershipFactory(project=project, role=ProjectRole.MEMBER).user


@pytest.fixture
def observation(project: Project, observer: Any) -> Observation:
    observation: Observation = submit_with_photo(observer, publish_media_form(project))
    for name, data in ((PHOTO, jpeg_with_gps(800, 600)), ("story.amr", AMR), ("notes.pdf", PDF)):
        media_attach(
            actor=observer,
            observation=observation,
            name=name,
            uploaded_file=SimpleUploadedFile(name, data),
        )
    return observation


def media_url(observation: Observation, name: str = PHOTO, size: str = "") -> str:
    url = f"/observations/{observation.pk}/media/{name}"
    return f"{url}?size={size}" if size else url


def api_url(observation: Observation) -> str:
    return f"/api/v1/projects/{observation.project.slug}/observations/{observation.pk}/media"


@pytest.mark.django_db
def test_the_public_photo_carries_no_gps_and_no_camera_or_owner(observation: Observation) -> None:
    response = _client().get(media_url(observation))

    assert response.status_code == 200
    served = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    exif = Image.open(io.BytesIO(served)).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    for tag in (ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.Artist):
        assert tag not in exif
    assert b"Jane Observer" not in served and b"AcmePhones" not in served


@pytest.mark.django_db
def test_media_are_served_with_their_checked_type_nosniff_and_a_safe_disposition(
    observation: Observation,
) -> None:
    photo = _client().get(media_url(observation))
    recording = _client().get(media_url(observation, "story.amr"))
    document = _client().get(media_url(observation, "notes.pdf"))

    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Content-Disposition"] == 'inline; filename="1714550000000.jpg"'
    assert recording["Content-Type"] == "audio/amr"
    assert recording["Content-Disposition"].startswith("inline;")
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    for response in (photo, recording, document):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_thumbnail_is_at_most_320_pixels(observation: Observation) -> None:
    response = _client().get(media_url(observation, size="thumb"))
    served = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert Image.open(io.BytesIO(served)).size == (320, 240)


@pytest.mark.django_db
def test_the_original_with_gps_goes_to_the_observer_and_project_leads_only(
    project: Project, observation: Observation, observer: Any, volunteer: Any
) -> None:
    researcher = MembershipFactory(project=project, role=ProjectRole.RESEARCHER).user
    moderator = MembershipFactory(project=project, role=ProjectRole.MODERATOR).user
    url = media_url(observation, size="original")

    original = Media.objects.get(name=PHOTO).original.read()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for allowed in (observer, researcher):
        response = _client(allowed).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == original  # type: ignore[attr-defined]
        assert response["Cache-Control"] == "private, no-store"
    for refused in (None, volunteer, moderator):
        assert _client(refused).get(url).status_code == 404


@pytest.mark.django_db
def test_a_byte_range_is_answered_for_seeking_in_recordings(observation: Observation) -> None:
    response = _client().get(media_url(observation, "story.amr"), headers={"Range": "bytes=2-5"})
    assert response.status_code == 206
    assert response.content == AMR[2:6]
    assert response["Content-Range"] == f"bytes 2-5/{len(AMR)}"
    beyond = _client().get(media_url(observation, "story.amr"), headers={"Range": "bytes=999-"})
    assert beyond.status_code == 416


@pytest.mark.django_db
def test_a_range_with_a_number_too_long_to_read_is_ignored_not_a_server_error(
    observation: Observation,
) -> None:
    hostile = {"Range": "bytes=0-" + "9" * 5000}

    response = _client().get(media_url(observation, "story.amr"), headers=hostile)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == AMR


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["thumb", "huge"])
def test_sizes_that_do_not_exist_are_not_found(observation: Observation, size: str) -> None:
    assert _client().get(media_url(observation, "story.amr", size=size)).status_code == 404


@pytest.mark.django_db
def test_media_of_a_private_project_are_not_found_by_outsiders(volunteer: Any) -> None:
    private: Project = ProjectFactory(status=Project.Status.ACTIVE)
    member = MembershipFactory(project=private, role=ProjectRole.MEMBER).user
    observation = submit_with_photo(member, publish_media_form(private))
    media_attach(
        actor=member,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps()),
    )

    assert _client(volunteer).get(media_url(observation)).status_code == 404
    assert _client().get(media_url(observation)).status_code == 404
    assert _client(member).get(media_url(observation)).status_code == 200
    assert _client().get("/observations/999999/media/x.jpg").status_code == 404


@pytest.mark.django_db
def test_posting_a_file_to_the_api_answers_201_then_200_for_the_same_bytes(
    project: Project, observer: Any
) -> None:
    observation = submit_with_photo(observer, publish_media_form(project))
    client = _client(observer)
    data = jpeg_with_gps()

    first = client.post(api_url(observation), {"file": SimpleUploadedFile(PHOTO, data)})
    again = client.post(api_url(observation), {"file": SimpleUploadedFile(PHOTO, data)})

    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert body["name"] == PHOTO and body["kind"] == "image"
    assert body["content_type"] == "image/jpeg"
    assert body["url"] == media_url(observation)
    assert body["thumbnail_url"] == media_url(observation, size="thumb")
    assert body["original_url"] == media_url(observation, size="original")


@pytest.mark.django_db
def test_the_api_takes_the_name_field_over_the_upload_name(project: Project, observer: Any) -> None:
    observation = submit_with_photo(observer, publish_media_form(project))
    response = _client(observer).post(
        api_url(observation),
        {"file": SimpleUploadedFile("recording.bin", AMR), "name": "story.amr"},
    )
    assert response.status_code == 201
    assert (response.json()["name"], response.json()["kind"]) == ("story.amr", "audio")


@pytest.mark.django_db
def test_the_api_refuses_an_svg_named_jpg_as_a_problem(project: Project, observer: Any) -> None:
    observation = submit_with_photo(observer, publish_media_form(project))
    response = _client(observer).post(
        api_url(observation), {"file": SimpleUploadedFile("photo.jpg", SVG)}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "media_refused"
    assert "photo.jpg" in response.json()["detail"]


@pytest.mark.django_db
def test_the_api_answers_409_for_other_bytes_under_a_stored_name(
    observation: Observation, observer: Any
) -> None:
    response = _client(observer).post(
        api_url(observation), {"file": SimpleUploadedFile(PHOTO, jpeg_with_gps(10, 10))}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "media_conflict"


@pytest.mark.django_db
def test_someone_else_on_the_team_may_not_attach_through_the_api(
    project: Project, observation: Observation
) -> None:
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    response = _client(member).post(
        api_url(observation), {"file": SimpleUploadedFile("more.jpg", jpeg_with_gps())}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_media_list_gives_original_urls_only_to_who_may_see_the_true_location(
    observation: Observation, observer: Any
) -> None:
    public = _client().get(api_url(observation))
    own = _client(observer).get(api_url(observation))

    assert public.status_code == 200 and own.status_code == 200
    assert [item["name"] for item in public.json()] == [PHOTO, "notes.pdf", "story.amr"]
    assert all(item["original_url"] is None for item in public.json())
    assert all(item["original_url"] for item in own.json())
    story = next(item for item in public.json() if item["name"] == "story.amr")
    assert story["thumbnail_url"] is None and story["content_type"] == "audio/amr"


@pytest.mark.django_db
def test_a_recording_larger_than_memory_uploads_is_checked_from_its_temporary_file(
    project: Project, observer: Any
) -> None:
    observation = submit_with_photo(observer, publish_media_form(project))
    recording = wav(frames=8000 * 200)  # 3.2 MB: Django spools it to a temporary file
    assert len(recording) > 2_621_440

    response = _client(observer).post(
        api_url(observation), {"file": SimpleUploadedFile("story.wav", recording)}
    )

    assert response.status_code == 201
    assert response.json()["content_type"] == "audio/wav"
    served = _client(observer).get(media_url(observation, "story.wav"))
    body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
    assert b"Jane Observer" not in body and len(body) == len(recording) - 34  # the LIST chunk


@pytest.mark.django_db
def test_a_document_without_a_cleaned_copy_of_an_obscured_observation_is_only_for_its_truth(
    observation: Observation, observer: Any
) -> None:
    # A PDF is kept as received (its author or place may be in it): the public of an obscured
    # observation does not get it; the observer, who sees the truth, does.
    Observation.objects.filter(pk=observation.pk).update(geoprivacy="obscured")
    observation.refresh_from_db()
    media = observation.media.get(name="notes.pdf")
    shown = selectors.media_public_view(user=AnonymousUser(), observation=observation, media=media)

    assert shown["name"] == f"media-{media.pk}.pdf"
    assert _client().get(media_url(observation, shown["name"])).status_code == 404
    assert media_url_for_viewer(user=AnonymousUser(), media=media) is None
    assert _client(observer).get(media_url(observation, "notes.pdf")).status_code == 200
